"""Normalising, measuring and matching untrusted text (ahmadi_campaign.text)."""

from __future__ import annotations

import unicodedata

import pytest
import regex
from hypothesis import example, given, settings
from hypothesis import strategies as st

from ahmadi_campaign.errors import TextLengthError
from ahmadi_campaign.text import (
    check_length,
    grapheme_count,
    graphemes,
    matching_form,
    normalize_text,
    truncate,
)

BIDI_CONTROLS = "\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069"
ZWNJ, ZWJ, VS15, VS16 = "\u200c", "\u200d", "\ufe0e", "\ufe0f"
ENGLAND = "🏴\U000e0067\U000e0062\U000e0065\U000e006e\U000e0067\U000e007f"
FAMILY = "👨\u200d👩\u200d👧\u200d👦"


def oracle(value: str) -> list[str]:
    """Grapheme clusters according to the ``regex`` module (UAX #29), the test oracle."""
    return regex.findall(r"\X", value)


# ------------------------------------------------------------------ strategies
# Realistic text: tokens of Latin with accents, Urdu with harakat and ZWNJ, Devanagari
# syllables, emoji sequences, plus the characters attackers use.

LATIN = st.builds(
    lambda base, marks: base + "".join(marks),
    st.sampled_from(list("abcdefghijklmnopqrstuvwxyzABCDEFXYZ0123456789 .,!?'-éñçüø")),
    st.lists(st.sampled_from(["\u0301", "\u0300", "\u0308", "\u0327", "\u0323"]), max_size=2),
)
URDU = st.builds(
    lambda letter, harakat, joiner: letter + "".join(harakat) + joiner,
    st.sampled_from(list("ابپتٹثجچحخدڈذرڑزژسشصضطظعغفقکگلمنںوہھءیےآأؤئۓ ۔،؟")),
    st.lists(
        st.sampled_from(["\u064e", "\u0650", "\u064f", "\u0651", "\u0652", "\u0670"]), max_size=2
    ),
    st.sampled_from(["", "", "", ZWNJ]),
)
DEVANAGARI_CONSONANTS = [chr(c) for c in range(0x0915, 0x093A)]
DEVANAGARI_SYLLABLE = st.builds(
    lambda first, conjuncts, vowel, sign: first + "".join(conjuncts) + vowel + sign,
    st.sampled_from(DEVANAGARI_CONSONANTS),
    st.lists(
        st.builds(
            lambda joiner, consonant: "\u094d" + joiner + consonant,
            st.sampled_from(["", "", ZWJ, ZWNJ]),
            st.sampled_from(DEVANAGARI_CONSONANTS),
        ),
        max_size=2,
    ),
    st.sampled_from(["", "\u093e", "\u093f", "\u0940", "\u0941", "\u0947", "\u094b", "\u094d"]),
    st.sampled_from(["", "", "\u0902", "\u0901", "\u0903"]),
)
DEVANAGARI_VOWEL = st.builds(
    lambda vowel, sign: vowel + sign,
    st.sampled_from([chr(c) for c in range(0x0905, 0x0915)]),
    st.sampled_from(["", "\u0902", "\u0901"]),
)
DEVANAGARI = st.one_of(DEVANAGARI_SYLLABLE, DEVANAGARI_VOWEL)
EMOJI = st.one_of(
    st.sampled_from(["😀", "🤝", "✊", "🕊", "🔥", "🌈", "❤" + VS16, "☺" + VS15, FAMILY, ENGLAND]),
    st.sampled_from(["👍", "👋", "✌"]).map(lambda e: e + "🏽"),
    st.sampled_from(["❤️‍🔥", "🏳️‍🌈", "👩🏾‍⚕️", "1️⃣", "🧑‍🤝‍🧑"]),
    st.sampled_from([chr(c) for c in range(0x1F1E6, 0x1F200)]),  # lone regional indicators
)
ATTACK = st.sampled_from(
    list(BIDI_CONTROLS)
    + [ZWNJ, ZWJ, VS15, VS16, "\u200b", "\u2060", "\ufeff", "\u00ad", "\u180e", "\u034f"]
    + ["\U000e0041", "\U000e0068", "\U000e007f", "\U000e0100", "\u115f", "\u3164", "\x00"]
    + ["\u00a0", "\u3000", "\u2009", "\t", "\r", "\r\n", "\n", "\n\n\n", "\u2028", "\u2029"]
    + ["\u200e", "\u200f", "\u061c", "\x85", "\ud800", "\uffff", "🏴", "\u0301"]
)
REALISTIC = st.lists(st.one_of(LATIN, URDU, DEVANAGARI, EMOJI), max_size=20).map("".join)
HOSTILE = st.lists(st.one_of(LATIN, URDU, DEVANAGARI, EMOJI, ATTACK), max_size=25).map("".join)
ANY_TEXT = st.one_of(HOSTILE, st.text(max_size=40))


# ------------------------------------------------------------------ normalize_text


@given(ANY_TEXT, st.booleans())
@example("a\u202eb\u2066c\u2069", True)
def test_normalize_never_leaves_bidi_controls(value: str, multiline: bool) -> None:
    result = normalize_text(value, multiline=multiline)
    assert not set(result) & set(BIDI_CONTROLS)


@given(ANY_TEXT, st.booleans())
@example("\u0959\ufe0f", True)  # NFC turns the base into base + nukta: FE0F must go at once
@example("a\u200d\ufe0f", True)  # dropping the selector leaves the joiner dangling
@settings(max_examples=500)
def test_normalize_is_idempotent(value: str, multiline: bool) -> None:
    once = normalize_text(value, multiline=multiline)
    assert normalize_text(once, multiline=multiline) == once
    assert unicodedata.is_normalized("NFC", once)


@given(ANY_TEXT)
def test_normalize_leaves_no_controls_or_odd_spaces(value: str) -> None:
    result = normalize_text(value)
    for char in result:
        category = unicodedata.category(char)
        assert category not in ("Cc", "Cs", "Zl", "Zp") or char == "\n"
        assert category != "Zs" or char == " "
    assert "  " not in result and "\n\n\n" not in result
    assert result == result.strip()
    assert all(line == line.strip() for line in result.split("\n"))
    assert "\n" not in normalize_text(value, multiline=False)


def test_normalize_composes_to_nfc() -> None:
    assert normalize_text("e\u0301te\u0301") == "été"
    assert normalize_text("e\u200b\u0301") == "é"  # a removed character no longer blocks NFC


@pytest.mark.parametrize("control", list(BIDI_CONTROLS))
def test_normalize_removes_each_bidi_control(control: str) -> None:
    assert normalize_text(f"abc{control}def") == "abcdef"


def test_normalize_keeps_marks_needed_by_arabic_script() -> None:
    text = "\u200fسلام\u200e abc \u061cیہ"
    assert normalize_text(text) == text


@pytest.mark.parametrize(
    "invisible",
    ["\u200b", "\u2060", "\u2061", "\u2062", "\u2063", "\u2064", "\ufeff", "\u180e", "\u00ad"]
    + ["\u034f", "\u3164", "\uffa0", "\ufff9", "\U0001d173", "\ufe00", "\U000e0100", "\U000e0001"],
)
def test_normalize_removes_invisible_characters(invisible: str) -> None:
    assert normalize_text(f"sl{invisible}ur") == "slur"


def test_normalize_keeps_zwnj_inside_urdu_words() -> None:
    word = "ہم\u200cآہنگی"
    assert normalize_text(f"  {word}  ") == word
    assert normalize_text("می\u200cخواہم") == "می\u200cخواہم"
    assert normalize_text("بھارت\u200c\u200c\u200cکی") == "بھارت\u200cکی"  # a run keeps one


def test_normalize_keeps_zwnj_after_harakat_and_zwj_in_conjuncts() -> None:
    assert normalize_text("کِ\u200cتاب") == "کِ\u200cتاب"
    assert normalize_text("क्\u200dष") == "क्\u200dष"  # half form of KA


def test_normalize_drops_joiners_that_join_nothing() -> None:
    assert normalize_text(f"{ZWJ}word{ZWNJ}") == "word"
    assert normalize_text(f"a{ZWNJ} b") == "a b"
    assert normalize_text(f"a {ZWJ}b") == "a b"
    assert normalize_text(f"1{ZWJ}2") == "12"
    assert normalize_text(f"a{ZWNJ}{ZWJ}b") == f"a{ZWNJ}b"


def test_normalize_keeps_emoji_sequences() -> None:
    for emoji in (FAMILY, "❤️", "❤️‍🔥", "🏳️‍🌈", "👍🏽", "1️⃣", "🇵🇰", ENGLAND):
        assert normalize_text(f"we {emoji} you") == f"we {emoji} you"


def test_normalize_keeps_one_variation_selector_after_a_base() -> None:
    assert normalize_text("❤\ufe0f\ufe0f\ufe0e") == "❤\ufe0f"
    assert normalize_text("\ufe0fhi \ufe0fthere") == "hi there"
    assert normalize_text("e\u0301\ufe0f") == "é\ufe0f"  # composed first, so the base is é
    assert normalize_text("a\ufe00b") == "ab"  # other selectors are a hiding place


def test_normalize_drops_tag_characters_outside_flag_sequences() -> None:
    hidden = "".join(chr(0xE0000 + ord(c)) for c in "ignore the rules")
    assert normalize_text(f"hello{hidden}") == "hello"
    assert normalize_text(f"hello{hidden}\U000e007f") == "hello"
    assert normalize_text(f"🏴{hidden}\U000e007f") == "🏴"  # not a subdivision tag
    assert normalize_text("🏴\U000e0067\U000e0062") == "🏴"  # never terminated
    assert normalize_text(f"x{ENGLAND[1:]}") == "x"  # no black flag before it
    assert normalize_text(ENGLAND + ENGLAND) == ENGLAND + ENGLAND


def test_normalize_hangul_fillers_only_inside_syllables() -> None:
    assert normalize_text("a\u115fb\u1160c") == "abc"
    assert normalize_text("\u115f\u1160") == ""
    assert normalize_text("\u1100\u1160") == "\u1100\u1160"  # a lone leading consonant
    assert normalize_text("\u115f\u1161") == "\u115f\u1161"  # a lone vowel


def test_normalize_keeps_mongolian_variation_selectors_after_mongolian_letters() -> None:
    assert normalize_text("\u1820\u180b\u180c") == "\u1820\u180b"
    assert normalize_text("a\u180bb\u180f") == "ab"


def test_normalize_controls_and_line_endings() -> None:
    assert normalize_text("a\x00b\x07c\x1bd\x7fe\x9bf") == "abcdef"
    assert normalize_text("a\tb") == "a b"
    assert normalize_text("one\r\ntwo\rthree\x85four\u2028five") == "one\ntwo\nthree\nfour\nfive"
    assert normalize_text("one\u2029two") == "one\n\ntwo"
    assert normalize_text("bad \ud800 surrogate \uffff\U0010fffe") == "bad surrogate"


def test_normalize_spaces() -> None:
    assert normalize_text("a\u00a0b\u3000c\u2009d\u202fe  \t f") == "a b c d e f"
    assert normalize_text("   padded   \n   lines   ") == "padded\nlines"


def test_normalize_paragraphs() -> None:
    assert normalize_text("\n\n\n first\n\n\n\n\nsecond \n third\n\n\n") == (
        "first\n\nsecond\nthird"
    )
    assert normalize_text("a\n \n\t\n\u00a0\nb") == "a\n\nb"  # blank-looking lines are blank


def test_normalize_single_line() -> None:
    assert normalize_text(" first\n\n\nsecond\r\n third\t ", multiline=False) == (
        "first second third"
    )


def test_normalize_empty_and_blank() -> None:
    assert normalize_text("") == ""
    assert normalize_text(" \n\u200b\u202e\t\n ") == ""


# ------------------------------------------------------------------ graphemes


@given(REALISTIC)
@settings(max_examples=1000)
def test_graphemes_agree_with_regex_oracle(value: str) -> None:
    assert list(graphemes(value)) == oracle(value)
    assert grapheme_count(value) == len(oracle(value))


@given(ANY_TEXT)
def test_graphemes_cover_the_text_exactly(value: str) -> None:
    clusters = list(graphemes(value))
    assert "".join(clusters) == value
    assert all(clusters)
    assert grapheme_count(value) == len(clusters)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("", 0),
        ("abc", 3),
        ("e\u0301", 1),  # Latin with a combining accent
        ("a\u0308\u0301\u0323", 1),  # stacked accents
        ("\r\n", 1),
        ("\n\r", 2),
        ("é\r\n", 2),  # CR LF in non-ASCII text
        ("\r\u0301", 2),  # nothing attaches to a control
        ("سلامِ", 4),  # Urdu with a kasra
        ("مُحَمَّد", 4),  # harakat and shadda
        ("ہم\u200cآہنگی", 7),  # ZWNJ extends, it is not a character
        ("नमस्ते", 3),  # na, ma, ste (virama conjunct)
        ("क्षत्रिय", 3),  # ksha, tri, ya
        ("किताब", 3),
        ("क्\u200dष", 1),
        (FAMILY, 1),
        ("👍🏽", 1),  # skin tone modifier
        ("❤️", 1),
        ("1️⃣", 1),  # keycap
        ("🇵🇰🇬🇧", 2),  # two flags
        ("🇵🇰🇬", 2),  # a flag and a lone regional indicator
        (ENGLAND, 1),  # tag sequence
        ("🏳️‍🌈", 1),
        ("\u1100\u1161\u11a8", 1),  # Hangul jamo L V T
        ("각", 1),
        ("\u0600١٢", 2),  # prepended concatenation mark joins the number
        ("a\u200eb", 3),  # LRM is a control: it stands alone
    ],
)
def test_grapheme_count_examples(text: str, expected: int) -> None:
    assert grapheme_count(text) == expected
    assert len(oracle(text)) == expected


def test_graphemes_join_conjuncts_only_after_a_consonant() -> None:
    # GB9c: consonant, virama, consonant. (regex 2026.11 also joins after a vowel letter.)
    assert list(graphemes("क्क")) == ["क्क"]
    assert list(graphemes("अ्क")) == ["अ्", "क"]


def test_graphemes_split_family_and_flags_as_a_reader_would() -> None:
    assert list(graphemes(f"hi{FAMILY}🇵🇰!")) == ["h", "i", FAMILY, "🇵🇰", "!"]
    assert list(graphemes("😀\u200d")) == ["😀\u200d"]
    assert list(graphemes("a\u200d😀")) == ["a\u200d", "😀"]  # ZWJ joins emoji only


# ------------------------------------------------------------------ truncate


@given(ANY_TEXT, st.integers(min_value=0, max_value=30), st.sampled_from(["…", "", "...", "🔚"]))
@example(FAMILY * 3, 2, "…")
@example("ab🇵🇰🇬🇧", 3, "")
def test_truncate_respects_the_limit_and_clusters(value: str, limit: int, ellipsis: str) -> None:
    result = truncate(value, limit, ellipsis=ellipsis)
    assert grapheme_count(result) <= limit
    original = list(graphemes(value))
    if len(original) <= limit:
        assert result == value
        return
    kept = result.removesuffix(ellipsis) if ellipsis and result.endswith(ellipsis) else result
    kept_clusters = list(graphemes(kept))
    assert kept_clusters == original[: len(kept_clusters)]  # a prefix, no cluster split


def test_truncate_examples() -> None:
    assert truncate("Hello world", 20) == "Hello world"
    assert truncate("Hello world", 11) == "Hello world"
    assert truncate("Hello world", 8) == "Hello w…"
    assert truncate("Hello world", 7) == "Hello…"  # no space before the ellipsis
    assert truncate("Hello world", 7, ellipsis="") == "Hello w"
    assert truncate("abcdef", 2, ellipsis="...") == "ab"  # the ellipsis would not fit
    assert truncate("abcdef", 0) == ""
    assert truncate(f"ab{FAMILY}cd", 3, ellipsis="") == f"ab{FAMILY}"
    assert truncate(f"ab{FAMILY}cd", 4) == f"ab{FAMILY}…"
    assert truncate("مُحَمَّد صاحب", 3) == "مُحَ…"
    assert truncate("नमस्ते दुनिया", 3, ellipsis="") == "नमस्ते"


def test_truncate_rejects_a_negative_limit() -> None:
    with pytest.raises(ValueError, match="max_graphemes"):
        truncate("abc", -1)


# ------------------------------------------------------------------ check_length


def test_check_length_returns_the_value() -> None:
    assert check_length("hello", min_graphemes=1, max_graphemes=5) == "hello"
    assert check_length("") == ""
    assert check_length(FAMILY * 5, max_graphemes=5) == FAMILY * 5  # 35 code points, 5 chars
    assert check_length("مُحَمَّد", max_graphemes=4) == "مُحَمَّد"


def test_check_length_too_long_names_limit_and_count() -> None:
    with pytest.raises(TextLengthError, match=r"at most 5 characters but has 6\."):
        check_length("hello!", max_graphemes=5)


def test_check_length_too_short_names_limit_and_count() -> None:
    with pytest.raises(TextLengthError, match=r"at least 10 characters but has 3\."):
        check_length(f"a{FAMILY}b", min_graphemes=10)
    with pytest.raises(TextLengthError, match=r"at least 1 character but has 0\."):
        check_length("", min_graphemes=1)


@settings(max_examples=500, deadline=None)
@given(
    st.lists(
        st.sampled_from(["a", "\r", "\n", "\u0645\u064f", "\u0301", FAMILY, "\U0001f1f5"])
    ).map("".join),
    st.integers(0, 8),
    st.integers(0, 8),
)
def test_check_length_agrees_with_the_full_count(value: str, low: int, extra: int) -> None:
    # check_length segments only as much as it needs; the verdict is that of the count.
    count = grapheme_count(value)
    if low <= count <= low + extra:
        assert check_length(value, min_graphemes=low, max_graphemes=low + extra) == value
    else:
        with pytest.raises(TextLengthError, match=rf"but has {count}\."):
            check_length(value, min_graphemes=low, max_graphemes=low + extra)


@pytest.mark.parametrize(("low", "high"), [(-1, None), (5, 4)])
def test_check_length_rejects_bad_bounds(low: int, high: int | None) -> None:
    with pytest.raises(ValueError, match="bounds") as raised:
        check_length("abc", min_graphemes=low, max_graphemes=high)
    assert not isinstance(raised.value, TextLengthError)


# ------------------------------------------------------------------ matching_form


@pytest.mark.parametrize(
    "evasion",
    [
        "slur",
        "SLUR",
        "SlUr",
        "ѕlur",  # Cyrillic dze
        "ѕӏur",  # Cyrillic dze and palochka
        "ꜱlur",  # Latin small capital S
        "ｓｌｕｒ",  # fullwidth
        "ＳＬＵＲ",
        "𝐬𝐥𝐮𝐫",  # mathematical bold
        "s\u200blur",  # zero-width space
        "s\u200cl\u200du\u2060r",  # joiners and word joiner
        "s\u00adlur",  # soft hyphen
        "s\u202elur",  # bidi override
        "sl\U000e0041ur",  # tag character
        "slúr",  # precomposed accent
        "slu\u0301\u0308r",  # stacked combining accents
        "s1ur",  # digit one for l
        "s|ur",
    ],
)
def test_matching_form_folds_evasions(evasion: str) -> None:
    assert matching_form(evasion) == matching_form("slur") == "slur"


def test_matching_form_folds_greek_and_cyrillic_look_alikes() -> None:
    assert matching_form("οkay") == matching_form("okay")  # Greek omicron
    assert matching_form("pаypаl") == matching_form("paypal")  # Cyrillic a
    assert matching_form("рaуpal") == matching_form("paypal")  # Cyrillic er and u
    assert matching_form("ѕсаm") == matching_form("scam")
    assert matching_form("Ꮪcam") == matching_form("scam")  # Cherokee


def test_matching_form_folds_urdu_harakat_and_letter_variants() -> None:
    assert matching_form("کافِر") == matching_form("کافر")
    assert matching_form("کَافِرْ") == matching_form("کافر")
    assert matching_form("كافر") == matching_form("کافر")  # Arabic kaf, Urdu keheh
    assert matching_form("کا\u200cفر") == matching_form("کافر")
    assert matching_form("ﻛﺎﻓﺮ") == matching_form("کافر")  # presentation forms


def test_matching_form_keeps_different_words_apart() -> None:
    assert matching_form("slur") != matching_form("blur")
    assert matching_form("slur") != matching_form("slurs")
    assert matching_form("کافر") != matching_form("کاغذ")
    assert matching_form("we stand") != matching_form("westand")


def test_matching_form_collapses_whitespace() -> None:
    assert matching_form("  we\u00a0stand\n\twith\u3000you  ") == "we stand with you"
    assert matching_form("") == ""
    assert matching_form("\u200b\u200d") == ""


def test_matching_form_follows_the_confusable_prototypes() -> None:
    # UTS #39 maps "m" to "rn": both spellings look alike, so both match.
    assert matching_form("m") == matching_form("rn") == "rn"
    assert matching_form("0") == matching_form("o")
    assert matching_form("Straße") == matching_form("STRASSE")


@given(ANY_TEXT)
@settings(max_examples=500)
def test_matching_form_is_stable(value: str) -> None:
    form = matching_form(value)
    assert matching_form(form) == form
    assert form == " ".join(form.split())
    assert not any(unicodedata.category(char).startswith("M") for char in form)
    assert not set(form) & set(BIDI_CONTROLS + ZWJ + ZWNJ + VS15 + VS16)


@given(REALISTIC)
def test_matching_form_ignores_case_and_invisible_characters(value: str) -> None:
    spread = "\u200b".join(value.upper())
    assert matching_form(spread) == matching_form(value.lower())


@given(st.text(max_size=60))
def test_matching_form_ascii_fast_path_agrees_with_the_general_path(value: str) -> None:
    # A non-ASCII zero-width space forces the general path; it is dropped there.
    ascii_only = value.encode("ascii", "ignore").decode()
    assert matching_form(ascii_only) == matching_form(ascii_only + "\u200b")


@pytest.mark.parametrize(
    ("look_alike", "latin"),
    [
        ("\u0412\u0410DWORD", "BADWORD"),  # Cyrillic capitals В, А
        ("\u0397\u0395LLO", "hello"),  # Greek capitals Η, Ε
        ("\u0399SLAM", "islam"),  # Greek capital iota reads as Latin I, not l
        ("\u041c\u0410\u041c\u0410", "mama"),  # Cyrillic М, А
    ],
)
def test_capitals_that_look_latin_match_their_latin_letters(look_alike: str, latin: str) -> None:
    assert matching_form(look_alike) == matching_form(latin) == matching_form(latin.lower())
