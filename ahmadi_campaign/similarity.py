"""Text similarity for duplicate detection: digests, shingles, MinHash bands, Jaccard.

All functions take text already in :func:`~ahmadi_campaign.text.matching_form`,
so case, spacing, punctuation and look-alike letters do not make texts differ.
"""

from __future__ import annotations

import hashlib
import re
import zlib
from collections.abc import Sequence

__all__ = [
    "BANDS",
    "ROWS",
    "band_keys",
    "digest",
    "digest_of_words",
    "jaccard",
    "jaccard_with_distinct",
    "shingles",
    "shingles_of_words",
    "words",
]

_NOT_WORD = re.compile(r"[\W_]+")

# Near-duplicate search uses MinHash with banding (locality-sensitive hashing):
# a text is filed under BANDS keys of ROWS min-hashes each, and only texts
# sharing a whole key are compared exactly. Texts with Jaccard similarity J
# share a key with probability 1 - (1 - J**ROWS) ** BANDS: 0.986 at J = 0.8 and
# 0.9999 at 0.95, but 0.05 at 0.2, so messages that merely share a campaign
# slogan do not all land in one bucket. The min-hashes come from one pass
# ("one permutation hashing" with rotation densification, Shrivastava & Li 2014).
ROWS = 3
BANDS = 6
_BINS = ROWS * BANDS
_EMPTY = 1 << 32


def squash(matching: str) -> str:
    """Remove everything but letters and digits ("s.l.u.r" becomes "slur")."""
    return _NOT_WORD.sub("", matching)


def words(matching: str) -> list[str]:
    """The runs of letters and digits; joined without spaces they are the squashed text."""
    return _NOT_WORD.sub(" ", matching).split()


def digest(matching: str) -> str:
    """A hash equal for texts that differ only in spacing and punctuation."""
    return digest_of_words(words(matching))


def digest_of_words(runs: Sequence[str]) -> str:
    """:func:`digest` of a text from its :func:`words` (they are computed once per message)."""
    return hashlib.blake2b("".join(runs).encode(), digest_size=16).hexdigest()


def _pairs(words: Sequence[str]) -> frozenset[int]:
    # Word pairs describe order as well as vocabulary; very short texts use the
    # whole text so that "hi" and "hi!" still compare.
    if len(words) < 3:
        return frozenset({zlib.crc32(" ".join(words).encode())})
    # "a b" for each neighbouring pair, hashed without a Python-level loop.
    return frozenset(
        map(zlib.crc32, map(str.encode, map(" ".join, zip(words, words[1:], strict=False))))
    )


def shingles(matching: str) -> frozenset[int]:
    """32-bit hashes of the text's consecutive word pairs."""
    return _pairs(words(matching))


def shingles_of_words(runs: Sequence[str]) -> frozenset[int]:
    """:func:`shingles` of a text from its :func:`words`."""
    return _pairs(runs)


def jaccard(a: frozenset[int], b: frozenset[int]) -> float:
    """Size of the intersection over size of the union (0 for two empty sets)."""
    union = len(a | b)
    return len(a & b) / union if union else 0.0


def jaccard_with_distinct(a: frozenset[int], b: Sequence[int]) -> float:
    """:func:`jaccard` of ``a`` and the set of ``b``, whose items must be distinct.

    For hashes read back from storage (a sorted list of a set): no set is built of them.
    """
    common = len(a.intersection(b))
    union = len(a) + len(b) - common
    return common / union if union else 0.0


def band_keys(hashes: frozenset[int]) -> tuple[tuple[int, ...], ...]:
    """The locality-sensitive keys of a text with these shingle hashes."""
    if not hashes:
        return ()
    mins = [_EMPTY] * _BINS
    for h in hashes:
        value, slot = divmod(h, _BINS)
        if value < mins[slot]:
            mins[slot] = value
    # Densify: an empty bin borrows the next filled bin's value, offset by the
    # distance, so short texts with few shingles still get comparable keys.
    filled = [i for i, v in enumerate(mins) if v != _EMPTY]
    if len(filled) < _BINS:
        for i in range(_BINS):
            if mins[i] == _EMPTY:
                j = next((f for f in filled if f > i), filled[0])
                mins[i] = mins[j] + _EMPTY * ((j - i) % _BINS)
    return tuple((band, *mins[band * ROWS : (band + 1) * ROWS]) for band in range(BANDS))
