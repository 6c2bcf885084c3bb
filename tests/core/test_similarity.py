"""Duplicate-detection math: digests, shingles, Jaccard and MinHash band keys."""

from __future__ import annotations

import random

from hypothesis import given
from hypothesis import strategies as st

from ahmadi_campaign.similarity import BANDS, band_keys, digest, jaccard, shingles, squash

VOCABULARY = [f"w{n}" for n in range(2000)]


def test_digest_ignores_spacing_and_punctuation_only() -> None:
    assert digest("we stand with you") == digest("we, stand... with   you!")
    assert digest("we stand with you") != digest("we stand with them")
    assert squash("s.l.u-r_!") == "slur"


def test_short_texts_get_one_whole_text_shingle() -> None:
    assert shingles("hi") == shingles("hi!")
    assert len(shingles("a b")) == 1
    assert len(shingles("a b c d")) == 3


def test_jaccard() -> None:
    a, b = frozenset({1, 2, 3}), frozenset({2, 3, 4})
    assert jaccard(a, b) == 0.5
    assert jaccard(a, a) == 1.0
    assert jaccard(frozenset(), frozenset()) == 0.0


@given(st.lists(st.sampled_from(VOCABULARY), min_size=1, max_size=60))
def test_band_keys_are_deterministic_and_complete(words: list[str]) -> None:
    text = " ".join(words)
    keys = band_keys(shingles(text))
    assert len(keys) == BANDS
    assert keys == band_keys(shingles(text))
    assert band_keys(frozenset()) == ()


def _pair(rng: random.Random, length: int, changes: int) -> tuple[str, str]:
    words = [rng.choice(VOCABULARY) for _ in range(length)]
    edited = list(words)
    for _ in range(changes):
        edited[rng.randrange(length)] = rng.choice(VOCABULARY)
    return " ".join(words), " ".join(edited)


def test_similar_texts_share_a_band_key_and_unrelated_ones_rarely_do() -> None:
    rng = random.Random(2015)
    found = near = 0
    for _ in range(300):
        a, b = _pair(rng, 60, 2)  # two words changed in sixty: Jaccard around 0.9
        sa, sb = shingles(a), shingles(b)
        if jaccard(sa, sb) >= 0.85:
            near += 1
            found += bool(set(band_keys(sa)) & set(band_keys(sb)))
    assert near > 200
    assert found / near >= 0.97  # theory: >= 0.99 at J = 0.85

    collisions = 0
    for _ in range(300):
        a = " ".join(rng.choice(VOCABULARY) for _ in range(40))
        b = " ".join(rng.choice(VOCABULARY) for _ in range(40))
        collisions += bool(set(band_keys(shingles(a))) & set(band_keys(shingles(b))))
    assert collisions <= 3


@given(st.frozensets(st.integers(0, 50)), st.frozensets(st.integers(0, 50)))
def test_jaccard_with_distinct_equals_jaccard_of_the_set(
    a: frozenset[int], b: frozenset[int]
) -> None:
    from ahmadi_campaign.similarity import jaccard, jaccard_with_distinct

    assert jaccard_with_distinct(a, sorted(b)) == jaccard(a, b)
