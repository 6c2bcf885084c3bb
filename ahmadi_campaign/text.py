"""Normalising, measuring and matching untrusted text.

Messages on a campaign wall come from strangers, some hostile: they hide text in invisible
characters, flip it with bidi controls and dodge word filters with look-alike letters.
:func:`normalize_text` makes the copy that is stored and shown; :func:`matching_form` makes a
throw-away copy used only to compare texts. Lengths are counted in user-perceived characters
(:func:`graphemes`), so an Urdu word with harakat or a family emoji counts as a reader sees it.
"""

from __future__ import annotations

import re
import string
import unicodedata
from collections.abc import Iterable, Mapping
from functools import cache
from typing import NamedTuple

from .confusables import prototypes
from .graphemes import check_length, code_points, grapheme_count, graphemes, truncate

__all__ = [
    "check_length",
    "grapheme_count",
    "drop_invisible",
    "graphemes",
    "is_always_dropped",
    "matching_form",
    "normalize_text",
    "truncate",
]


# ---------------------------------------------------------------------------- normalize_text

_JOINERS = "\u200c\u200d"  # ZWNJ and ZWJ
_BLACK_FLAG = "\U0001f3f4"
# Characters dropped wherever they occur: C0/C1 controls, bidi embeddings, overrides and
# isolates, zero-width and invisible format characters, Hangul fillers used as blank letters,
# the variation selectors FE00-FE0D and E0100-E01EF (a hiding place: emoji need only FE0E and
# FE0F), unassigned default-ignorables, the deprecated language tag, surrogates and
# noncharacters. LRM, RLM and ALM (200E, 200F, 061C) and the
# prepended concatenation marks (0600-0605, 06DD, ...) are kept: they are real text.
_ALWAYS_DROPPED = code_points(
    "0000-0008 000E-001B 007F-0084 0086-009F 00AD 034F 17B4-17B5 180E 200B 202A-202E"
    " 2060-206F 3164 D800-DFFF FDD0-FDEF FE00-FE0D FEFF FFA0 FFF0-FFFB 13430-1343F"
    " 1BCA0-1BCA3 1D173-1D17A E0000-E001F E0080-E0FFF"
) | frozenset(plane + last for plane in range(0, 0x110000, 0x10000) for last in (0xFFFE, 0xFFFF))
_LINE_BREAKS = code_points("000B-000D 001C-001E 0085 2028")
_SPACES = code_points("0009 001F 00A0 1680 2000-200A 202F 205F 3000")
_NORMALIZE_TABLE: dict[int, str | None] = {
    **dict.fromkeys(_ALWAYS_DROPPED),
    **dict.fromkeys(_SPACES, " "),
    **dict.fromkeys(_LINE_BREAKS, "\n"),
    0x2029: "\n\n",  # PARAGRAPH SEPARATOR
}


def _character_class(codes: Iterable[int]) -> re.Pattern[str]:
    """Compile a regular expression matching any one of *codes*, written as ranges."""
    spans: list[list[int]] = []
    for code in sorted(codes):
        if spans and spans[-1][1] == code - 1:
            spans[-1][1] = code
        else:
            spans.append([code, code])
    return re.compile("[" + "".join(f"\\U{low:08x}-\\U{high:08x}" for low, high in spans) + "]")


_NEEDS_TRANSLATION = _character_class(code for code in _NORMALIZE_TABLE if code <= 0xFFFF)
# Basic-plane part only: a class with astral ranges scans about ten times slower, and
# astral text is rare enough to be translated whenever it occurs.
_DROPPED_BMP = _character_class(code for code in _ALWAYS_DROPPED if code <= 0xFFFF)
_ASTRAL = re.compile("[\U00010000-\U0010ffff]")


def _with_identities(table: Mapping[int, str | None]) -> dict[int, str | int | None]:
    """Return *table* plus identity entries for common scripts and emoji (faster to translate)."""
    result: dict[int, str | int | None] = dict(table)
    for code in [*range(0x3000), *range(0x1F000, 0x1FB00)]:
        result.setdefault(code, code)
    return result


_NORMALIZE_TRANSLATION = _with_identities(_NORMALIZE_TABLE)
# Characters kept or dropped depending on their neighbours (see _resolve_context).
_CONTEXTUAL = re.compile(
    "[\u115f\u1160\u180b-\u180d\u180f\u200c\u200d\ufe0e\ufe0f\U000e0020-\U000e007f]"
)
_TAG_SPEC = re.compile("[\U000e0030-\U000e0039\U000e0061-\U000e007a]{2,7}\U000e007f")
_HANGUL_L = code_points("1100-115E A960-A97C")
_HANGUL_V = code_points("1161-11A7 D7B0-D7C6")
# A joiner is kept between letters, marks and symbols (emoji); FE0E/FE0F after a visible
# character that is not a mark.
_JOINABLE = frozenset({"Lu", "Ll", "Lt", "Lm", "Lo", "Mn", "Mc", "Me", "So", "Sk"})
_BASES = frozenset({"Lu", "Ll", "Lt", "Lm", "Lo", "Nd", "Nl", "No", "Sm", "Sc", "Sk", "So"})
_BASES |= {"Pc", "Pd", "Ps", "Pe", "Pi", "Pf", "Po"}
_category = unicodedata.category


_DROP_TRANSLATION: dict[int, None] = dict.fromkeys(_ALWAYS_DROPPED)


def is_always_dropped(code_point: int) -> bool:
    """Whether :func:`normalize_text` removes this code point wherever it stands.

    Bidi embeddings, overrides and isolates, zero-width and other invisible format
    characters, controls and noncharacters are; ZWJ/ZWNJ (needed by Urdu and emoji) are not.
    """
    return code_point in _ALWAYS_DROPPED


def drop_invisible(value: str) -> str:
    """Remove the characters :func:`is_always_dropped` names, and nothing else."""
    # Most text has none: one regular-expression scan is far cheaper than translate().
    if _DROPPED_BMP.search(value) or _ASTRAL.search(value):
        return value.translate(_DROP_TRANSLATION)
    return value


def normalize_text(value: str, *, multiline: bool = True) -> str:
    """Return *value* cleaned for storage and display: NFC, no hidden characters, tidy spaces.

    Invisible and control characters are dropped, except where a script needs them: ZWNJ/ZWJ
    between two letters, marks or emoji (one of a run), one FE0E/FE0F after a visible
    character, tag characters inside an emoji flag tag sequence. Every space becomes U+0020,
    runs of spaces collapse and lines are stripped. With *multiline*, newlines stay but at
    most one blank line separates paragraphs; without it, all whitespace becomes one space.
    The result is idempotent: normalising it again changes nothing.
    """
    text = unicodedata.normalize("NFC", value)  # first, so that contexts are seen as stored
    if _NEEDS_TRANSLATION.search(text) or _ASTRAL.search(text):
        text = text.replace("\r\n", "\n").translate(_NORMALIZE_TRANSLATION)
    if _CONTEXTUAL.search(text):
        # Dropping one character can leave another without the neighbour it needs.
        while (resolved := _resolve_context(text)) != text:
            text = resolved
    if multiline:
        lines: list[str] = []
        for line in text.split("\n"):
            if words := line.split():
                lines.append(" ".join(words))
            elif lines and lines[-1]:
                lines.append("")  # one blank line between paragraphs, none at the start
        text = "\n".join(lines).rstrip("\n")
    else:
        text = " ".join(text.split())
    return unicodedata.normalize("NFC", text)


def _resolve_context(text: str) -> str:
    """Keep or drop each context-dependent invisible character of *text*, in one pass."""
    pieces: list[str] = []
    previous = ""  # the last character kept so far
    done = 0  # text[:done] has been decided
    length = len(text)
    for match in _CONTEXTUAL.finditer(text):
        index = match.start()
        if index < done:
            continue  # inside a joiner run or a tag sequence already decided
        if index > done:
            pieces.append(text[done:index])
            previous = text[index - 1]
        char, done, kept = text[index], index + 1, ""
        following = text[index + 1] if index + 1 < length else ""
        if char in _JOINERS:
            while done < length and text[done] in _JOINERS:
                done += 1  # a run keeps only its first joiner
            after = text[done] if done < length else ""
            if previous and after and {_category(previous), _category(after)} <= _JOINABLE:
                kept = char
        elif char in "\ufe0e\ufe0f":
            kept = char if previous and _category(previous) in _BASES else ""
        elif "\u180b" <= char <= "\u180f":  # Mongolian free variation selectors
            kept = char if "\u1820" <= previous <= "\u18aa" else ""
        elif char == "\u115f":  # HANGUL CHOSEONG FILLER: only before a real vowel jamo
            kept = char if following and ord(following) in _HANGUL_V else ""
        elif char == "\u1160":  # HANGUL JUNGSEONG FILLER: only after a real leading jamo
            kept = char if previous and ord(previous) in _HANGUL_L else ""
        elif text[index - 1 : index] == _BLACK_FLAG and (tags := _TAG_SPEC.match(text, index)):
            kept, done = tags.group(), tags.end()  # an emoji tag sequence such as a flag
        if kept:
            pieces.append(kept)
            previous = kept[-1]
    pieces.append(text[done:])
    return "".join(pieces)


# ---------------------------------------------------------------------------- matching_form

# Default_Ignorable_Code_Point (DerivedCoreProperties.txt), dropped before matching.
_DEFAULT_IGNORABLE = code_points(
    "00AD 034F 061C 115F-1160 17B4-17B5 180B-180F 200B-200F 202A-202E 2060-206F 3164 FE00-FE0F"
    " FEFF FFA0 FFF0-FFF8 1BCA0-1BCA3 1D173-1D17A E0000-E0FFF"
)


def matching_form(value: str) -> str:
    """Return the form of *value* used only to compare texts (banned terms, duplicates).

    Compatibility decomposition (NFKD) and case folding; every default-ignorable character,
    format character and combining mark is dropped and every other character is mapped to
    its UTS #39 confusable prototype, so "ѕlur" (Cyrillic), "ｓｌｕｒ", "s\\u200blur" and
    "slúr" all read "slur". Marks the prototypes bring are dropped too, so letters told apart
    only by dots or strokes (Urdu ش and س, Polish ł and l) match. Whitespace collapses to
    single spaces. Case folds first; a capital that looks like one Latin capital reads as
    that letter, so Cyrillic "ВАD" reads "bad" like "BAD". Never store or show the result.
    """
    tables = _matching_tables()
    if value.isascii():
        text = value.lower().translate(tables.ascii)
        for old, new in tables.ascii_expansions:
            text = text.replace(old, new)
    else:
        text = unicodedata.normalize("NFKD", value).translate(tables.full)
    return " ".join(text.split())


class _MatchingTables(NamedTuple):
    full: dict[int, str | int | None]
    ascii: dict[int, str | None]  # one character to at most one, for str.translate's fast path
    ascii_expansions: tuple[tuple[str, str], ...]  # the ASCII characters mapped to several


@cache
def _matching_tables() -> _MatchingTables:
    """Build, once, the translate tables that fold, drop and map characters for matching_form.

    Each entry is what repeated folding, dropping and prototype mapping settle on, so a single
    ``str.translate`` of NFKD text does the whole job.
    """
    dropped = set(_DEFAULT_IGNORABLE | _ALWAYS_DROPPED)
    folded: list[int] = []
    for code in [*range(0x20000), *range(0xE0100, 0xE01F0)]:
        char = chr(code)
        category = unicodedata.category(char)
        if category[0] == "M" or category == "Cf":
            dropped.add(code)
        elif char.casefold() != char:
            folded.append(code)
    mapping = prototypes()

    def step(text: str) -> str:
        text = unicodedata.normalize("NFKD", unicodedata.normalize("NFKD", text).casefold())
        return "".join(
            "" if ord(char) in dropped else mapping.get(ord(char), char) for char in text
        )

    def settle(text: str) -> str:
        form = step(text)
        while (following := step(form)) != form:
            form = following
        return form

    table: dict[int, str | None] = dict.fromkeys(dropped)
    for code in (mapping.keys() | folded) - dropped:
        table[code] = settle(chr(code))
    # Folding case first loses capitals that look Latin only in upper case
    # (Cyrillic "В" folds to "в", whose prototype is "ʙ", not "b"). A capital
    # sharing its prototype with exactly one ASCII capital reads as that letter.
    ascii_capitals: dict[str, list[str]] = {}
    for letter in string.ascii_uppercase:
        ascii_capitals.setdefault(mapping.get(ord(letter), letter), []).append(letter)
    for code, prototype in mapping.items():
        if code < 0x80 or unicodedata.category(chr(code)) not in ("Lu", "Lt"):
            continue
        look_alikes = ascii_capitals.get(prototype, [])
        if len(look_alikes) == 1:
            table[code] = settle(look_alikes[0])
    ascii_table: dict[int, str | None] = {}
    expansions: list[tuple[str, str]] = []
    for code in range(0x80):
        if code in table and (target := table[code]) != chr(code):
            if target is None or len(target) == 1:
                ascii_table[code] = target
            else:
                expansions.append((chr(code), target))
    return _MatchingTables(_with_identities(table), ascii_table, tuple(expansions))
