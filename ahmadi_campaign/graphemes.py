"""User-perceived characters (extended grapheme clusters, UAX #29) with the standard library.

Limits on messages are counted the way a reader counts: an Urdu word with harakat, a
Devanagari conjunct, a flag or a family emoji is one character per cluster, not per code point.
"""

from __future__ import annotations

import itertools
import unicodedata
from collections.abc import Iterator
from functools import lru_cache

from .errors import TextLengthError

__all__ = ["check_length", "code_points", "grapheme_count", "graphemes", "truncate"]


def code_points(spec: str) -> frozenset[int]:
    """Expand ``"0915-0939 0958"`` (hex code points and inclusive ranges) into a set."""
    points: set[int] = set()
    for item in spec.split():
        first, _, last = item.partition("-")
        points.update(range(int(first, 16), int(last or first, 16) + 1))
    return frozenset(points)


# ---------------------------------------------------------------------------- graphemes

# Grapheme_Cluster_Break classes (UAX #29) this approximation distinguishes.
_CR, _LF, _CONTROL, _EXTEND, _ZWJ, _RI, _PREPEND, _SPACING = range(8)
_L, _V, _T, _LV, _LVT, _OTHER = range(8, 14)
# Indic_Conjunct_Break classes (UAX #29 rule GB9c).
_NONE, _CONSONANT, _LINKER, _INCB_EXTEND = range(4)

# Extended_Pictographic (emoji-data.txt), recent Unicode; the tests check it against regex's \X.
_EXTENDED_PICTOGRAPHIC = code_points(
    "00A9 00AE 203C 2049 2122 2139 2194-2199 21A9-21AA 231A-231B 2328 23CF 23E9-23F3 23F8-23FA"
    " 24C2 25AA-25AB 25B6 25C0 25FB-25FE 2600-2604 260E 2611 2614-2615 2618 261D 2620 2622-2623"
    " 2626 262A 262E-262F 2638-263A 2640 2642 2648-2653 265F-2660 2663 2665-2666 2668 267B"
    " 267E-267F 2692-2697 2699 269B-269C 26A0-26A1 26A7 26AA-26AB 26B0-26B1 26BD-26BE 26C4-26C5"
    " 26C8 26CE-26CF 26D1 26D3-26D4 26E9-26EA 26F0-26F5 26F7-26FA 26FD 2702 2705 2708-270D 270F"
    " 2712 2714 2716 271D 2721 2728 2733-2734 2744 2747 274C 274E 2753-2755 2757 2763-2764"
    " 2795-2797 27A1 27B0 27BF 2934-2935 2B05-2B07 2B1B-2B1C 2B50 2B55 3030 303D 3297 3299"
    " 1F004 1F02C-1F02F 1F094-1F09F 1F0AF-1F0B0 1F0C0 1F0CF-1F0D0 1F0F6-1F0FF 1F170-1F171"
    " 1F17E-1F17F 1F18E 1F191-1F19A 1F1AF-1F1E5 1F201-1F20F 1F21A 1F22F 1F232-1F23A 1F23C-1F23F"
    " 1F249-1F25F 1F266-1F321 1F324-1F393 1F396-1F397 1F399-1F39B 1F39E-1F3F0 1F3F3-1F3F5"
    " 1F3F7-1F3FA 1F400-1F4FD 1F4FF-1F53D 1F549-1F54E 1F550-1F567 1F56F-1F570 1F573-1F57A 1F587"
    " 1F58A-1F58D 1F590 1F595-1F596 1F5A4-1F5A5 1F5A8 1F5B1-1F5B2 1F5BC 1F5C2-1F5C4 1F5D1-1F5D3"
    " 1F5DC-1F5DE 1F5E1 1F5E3 1F5E8 1F5EF 1F5F3 1F5FA-1F64F 1F680-1F6C5 1F6CB-1F6D2 1F6D5-1F6E5"
    " 1F6E9 1F6EB-1F6F0 1F6F3-1F6FF 1F7DC-1F7F0 1F80C-1F80F 1F848-1F84F 1F85A-1F85F 1F888-1F88F"
    " 1F8AE-1F8AF 1F8BC-1F8BF 1F8C2-1F8CF 1F8D9-1F8FF 1F90C-1F93A 1F93C-1F945 1F947-1F9FF"
    " 1FA58-1FA5F 1FA6E-1FAFF 1FC00-1FFFD"
)
# InCB=Consonant and InCB=Linker (Unicode 16+): a virama between two consonants joins them.
_INCB_CONSONANTS = code_points(
    "0915-0939 0958-095F 0978-097F 0995-09A8 09AA-09B0 09B2 09B6-09B9 09DC-09DD 09DF 09F0-09F1"
    " 0A95-0AA8 0AAA-0AB0 0AB2-0AB3 0AB5-0AB9 0AF9 0B15-0B28 0B2A-0B30 0B32-0B33 0B35-0B39"
    " 0B5C-0B5D 0B5F 0B71 0C15-0C28 0C2A-0C39 0C58-0C5A 0D15-0D3A 1000-102A 103F 1050-1055"
    " 105A-105D 1061 1065-1066 106E-1070 1075-1081 108E 1780-17B3 1A20-1A54 1B0B-1B0C 1B13-1B33"
    " 1B45-1B4C 1B83-1BA0 1BAE-1BAF 1BBB-1BBD A989-A98B A98F-A9B2 A9E0-A9E4 A9E7-A9EF A9FA-A9FE"
    " AA60-AA6F AA71-AA73 AA7A AA7E-AA7F AAE0-AAEA ABC0-ABDA 10A00 10A10-10A13 10A15-10A17"
    " 10A19-10A35 11103-11126 11144 11147 11380-11389 1138B 1138E 11390-113B5 11900-11906 11909"
    " 1190C-11913 11915-11916 11918-1192F 11A00 11A0B-11A32 11A50 11A5C-11A83 11B0A 11DF1"
    " 11F04-11F10 11F12-11F33"
)
_INCB_LINKERS = code_points(
    "094D 09CD 0ACD 0B4D 0C4D 0D4D 1039 17D2 1A60 1B44 1BAB A9C0 AAF6 10A3F 11133 113D0"
    " 1193E 11A47 11A99 11F42"
)
_PREPEND_CHARS = code_points(
    "0600-0605 06DD 070F 0890-0891 08E2 0D4E 110BD 110CD 111C2-111C3 113D1 1193F 11941"
    " 11A84-11A89 11D46 11F02"
)
# Extend beyond Mn/Me: ZWNJ, emoji modifiers, tags, and spacing marks that extend.
_EXTEND_EXTRA = code_points(
    "200C 1F3FB-1F3FF E0020-E007F FF9E-FF9F 09BE 09D7 0B3E 0B57 0BBE 0BD7 0CC0 0CC2 0CC7-0CC8"
    " 0CCA-0CCB 0CD5-0CD6 0D3E 0D57 0DCF 0DDF 1715 1734 1B35 1B3B 1B3D 1B43-1B44 1BAA"
    " 1BF2-1BF3 302E-302F A953 A9C0 111C0 11235 1133E 1134D 11357 114B0 114BD 115AF 116B6"
    " 11930 1193D 16FF0-16FF1 1D165-1D166 1D16D-1D172"
)
# Spacing marks that do not attach (Grapheme_Cluster_Break=Other; Thai and Lao AM do attach).
_MC_OTHER = code_points(
    "102B-102C 1038 1062-1064 1067-106D 1083 1087-108C 108F 109A-109C 1A61 1A63-1A64 AA7B AA7D"
    " 11720-11721"
)
_CONTROL_EXTRA = code_points("2065 FFF0-FFF8 13430-1343F E0000-E001F E0080-E00FF E01F0-E0FFF")
_CONTROLS = frozenset({_CR, _LF, _CONTROL})
_ATTACHING = frozenset({_EXTEND, _ZWJ, _SPACING})
_AFTER_L = frozenset({_L, _V, _LV, _LVT})


@lru_cache(maxsize=4096)
def _properties(char: str) -> tuple[int, bool, int]:
    """Return the break class, Extended_Pictographic and Indic_Conjunct_Break of *char*."""
    code = ord(char)
    category = unicodedata.category(char)
    if code == 0x0D:
        cls = _CR
    elif code == 0x0A:
        cls = _LF
    elif code == 0x200D:
        cls = _ZWJ
    elif 0x1F1E6 <= code <= 0x1F1FF:
        cls = _RI
    elif code in _PREPEND_CHARS:
        cls = _PREPEND
    elif code in _EXTEND_EXTRA or category in ("Mn", "Me"):
        cls = _EXTEND
    elif category == "Mc" or code in (0x0E33, 0x0EB3):
        cls = _OTHER if code in _MC_OTHER else _SPACING
    elif category in ("Cc", "Cf", "Cs", "Zl", "Zp") or code in _CONTROL_EXTRA:
        cls = _CONTROL
    elif 0x1100 <= code <= 0x115F or 0xA960 <= code <= 0xA97C:
        cls = _L
    elif 0x1160 <= code <= 0x11A7 or 0xD7B0 <= code <= 0xD7C6:
        cls = _V
    elif 0x11A8 <= code <= 0x11FF or 0xD7CB <= code <= 0xD7FB:
        cls = _T
    elif 0xAC00 <= code <= 0xD7A3:
        cls = _LV if (code - 0xAC00) % 28 == 0 else _LVT
    else:
        cls = _OTHER
    if code in _INCB_LINKERS:
        incb = _LINKER
    elif code in _INCB_CONSONANTS:
        incb = _CONSONANT
    elif cls == _ZWJ or (cls == _EXTEND and code != 0x200C):
        incb = _INCB_EXTEND
    else:
        incb = _NONE
    return cls, code in _EXTENDED_PICTOGRAPHIC, incb


def graphemes(value: str) -> Iterator[str]:
    """Yield the user-perceived characters (extended grapheme clusters) of *value*.

    A standard-library approximation of UAX #29: rules GB3-GB13 (CR LF, controls, Hangul
    syllables, Extend/ZWJ/SpacingMark, Prepend, Indic conjuncts, emoji ZWJ sequences, flag
    pairs) over :mod:`unicodedata` categories plus built-in tables for what it lacks
    (Extended_Pictographic, Indic_Conjunct_Break, Prepend, spacing marks that extend).
    Characters newer than the interpreter's Unicode database count as plain letters, so a
    combining mark added after that version stands alone.
    """
    if value.isascii() and "\r" not in value:
        yield from value
        return
    start = 0
    previous = _OTHER
    regional_run = 0  # regional indicators just before this character
    emoji = 0  # 1: after Extended_Pictographic Extend*; 2: and then a ZWJ
    conjunct = 0  # 1: after an InCB consonant [Extend|Linker]*; 2: with a linker among them
    for index, char in enumerate(value):
        cls, pictographic, incb = _properties(char)
        if index and not (previous == _CR and cls == _LF):  # GB3
            if (
                previous in _CONTROLS  # GB4
                or cls in _CONTROLS  # GB5
                or not (
                    cls in _ATTACHING  # GB9, GB9a
                    or previous == _PREPEND  # GB9b
                    or (previous == _L and cls in _AFTER_L)  # GB6
                    or (previous in (_LV, _V) and cls in (_V, _T))  # GB7
                    or (previous in (_LVT, _T) and cls == _T)  # GB8
                    or (conjunct == 2 and incb == _CONSONANT)  # GB9c
                    or (emoji == 2 and pictographic)  # GB11
                    or (cls == _RI and regional_run % 2 == 1)  # GB12, GB13
                )
            ):
                yield value[start:index]  # GB999: break everywhere else
                start = index
        previous = cls
        regional_run = regional_run + 1 if cls == _RI else 0
        if pictographic:
            emoji = 1
        elif emoji != 1 or cls not in (_EXTEND, _ZWJ):
            emoji = 0
        elif cls == _ZWJ:
            emoji = 2
        if incb == _CONSONANT:
            conjunct = 1
        elif not conjunct or incb not in (_LINKER, _INCB_EXTEND):
            conjunct = 0
        elif incb == _LINKER:
            conjunct = 2
    yield value[start:]  # never empty: an empty string took the ASCII path


def grapheme_count(value: str) -> int:
    """Return how many user-perceived characters *value* has (see :func:`graphemes`)."""
    if value.isascii():
        return len(value) - value.count("\r\n")
    return sum(1 for _ in graphemes(value))


def truncate(value: str, max_graphemes: int, *, ellipsis: str = "…") -> str:
    """Return *value* cut to at most *max_graphemes* user-perceived characters.

    A cut never splits a grapheme cluster; when text is removed, trailing whitespace is
    dropped and *ellipsis* is appended, counted within the limit (left out if it cannot fit).
    """
    if max_graphemes < 0:
        raise ValueError(f"max_graphemes must be zero or more, not {max_graphemes}")
    kept: list[str] = []
    for cluster in graphemes(value):
        if len(kept) == max_graphemes:
            break
        kept.append(cluster)
    else:
        return value
    room = max_graphemes - grapheme_count(ellipsis)
    if room < 0:
        return "".join(kept)
    del kept[room:]
    while kept and kept[-1].isspace():
        kept.pop()
    return "".join(kept) + ellipsis


def check_length(value: str, *, min_graphemes: int = 0, max_graphemes: int | None = None) -> str:
    """Return *value* if its user-perceived length is within bounds, else raise TextLengthError."""
    if min_graphemes < 0 or (max_graphemes is not None and max_graphemes < min_graphemes):
        raise ValueError(f"invalid length bounds: {min_graphemes} to {max_graphemes}")
    if max_graphemes is not None and len(value) > max_graphemes:
        count = grapheme_count(value)
    else:
        # A grapheme holds at least one code point, so the text cannot be too long;
        # segmenting its first few graphemes settles whether it is too short.
        count = sum(1 for _ in itertools.islice(graphemes(value), min_graphemes))
    if count < min_graphemes:
        raise TextLengthError(
            f"Text is too short: it must have at least {_characters(min_graphemes)}"
            f" but has {count}."
        )
    if max_graphemes is not None and count > max_graphemes:
        raise TextLengthError(
            f"Text is too long: it may have at most {_characters(max_graphemes)} but has {count}."
        )
    return value


def _characters(count: int) -> str:
    return f"{count} character" if count == 1 else f"{count} characters"
