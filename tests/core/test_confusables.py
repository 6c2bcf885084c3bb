"""UTS #39 confusable skeletons and the bundled confusables data (ahmadi_campaign.confusables)."""

from __future__ import annotations

import importlib.util
import re
import unicodedata
from pathlib import Path
from types import ModuleType

import pytest
from hypothesis import given
from hypothesis import strategies as st

from ahmadi_campaign import confusables
from ahmadi_campaign.confusables import data_version, prototypes, skeleton

ROOT = Path(__file__).resolve().parents[2]
DATA = ROOT / "ahmadi_campaign" / "data" / "confusables.txt"

# Rows of Unicode's own confusables.txt (version 18.0.0, names shortened), with its header.
RAW_SAMPLE = """\ufeff# confusables.txt
# Date: 2026-08-06, 01:05:35 GMT
# © 2026 Unicode®, Inc.
# For terms of use and license, see https://www.unicode.org/terms_of_use.html
#
# Unicode Security Mechanisms for UTS #39
# Version: 18.0.0
#
05AD ;\t0596 ;\tMA\t# ( ֭ → ֖ ) HEBREW ACCENT DEHI → HEBREW ACCENT TIPEHA\t#

0430 ;\t0061 ;\tMA\t# ( а → a ) CYRILLIC SMALL LETTER A → LATIN SMALL LETTER A\t#
006D ;\t0072 006E ;\tMA\t# ( m → rn ) LATIN SMALL LETTER M → LATIN SMALL LETTER R, …\t#
0634 ;\t0633 06DB ;\tMA\t# ( ش → سۛ ) ARABIC LETTER SHEEN → ARABIC LETTER SEEN, …\t#
# total: 4
"""


def load_generator() -> ModuleType:
    path = ROOT / "scripts" / "generate_confusables.py"
    spec = importlib.util.spec_from_file_location("generate_confusables", path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


# ------------------------------------------------------------------ skeleton


def test_skeleton_of_look_alikes_is_shared() -> None:
    assert skeleton("pаypal") == skeleton("paypal") == "paypal"  # Cyrillic a
    assert skeleton("ѕсаm") == skeleton("scam")  # Cyrillic dze, es, a
    assert skeleton("ΑΡΕ") == skeleton("APE")  # Greek capitals
    assert skeleton("Ꮪ") == "S"  # Cherokee
    assert skeleton("ｓ") == "s"  # fullwidth


def test_skeleton_follows_the_unicode_prototypes() -> None:
    assert skeleton("m") == skeleton("rn") == "rn"
    assert skeleton("1") == skeleton("I") == skeleton("l") == "l"
    assert skeleton("0") == "O"
    assert skeleton("ش") == "س\u06db"  # three dots above, kept as a mark


def test_skeleton_is_case_sensitive_as_the_standard_says() -> None:
    assert skeleton("A") != skeleton("a")


def test_skeleton_keeps_different_strings_apart() -> None:
    assert skeleton("paypal") != skeleton("paypa1l")
    assert skeleton("slur") != skeleton("blur")


def test_skeleton_is_nfd() -> None:
    assert skeleton("é") == "e\u0301"
    assert skeleton("e\u0301") == skeleton("é")


@given(st.text(max_size=40))
def test_skeleton_is_idempotent_and_decomposed(value: str) -> None:
    result = skeleton(value)
    assert skeleton(result) == result
    assert unicodedata.is_normalized("NFD", result)


def test_prototypes_are_final() -> None:
    # No prototype is itself mapped, so one pass of the table is enough (UTS #39 data).
    table = prototypes()
    mapped_again = [hex(s) for s, target in table.items() if any(ord(c) in table for c in target)]
    assert mapped_again == []


def test_prototypes_are_read_only() -> None:
    table = prototypes()
    assert table[ord("а")] == "a"
    with pytest.raises(TypeError):
        table[ord("a")] = "b"  # type: ignore[index]


# ------------------------------------------------------------------ bundled data


def test_data_file_header_names_version_source_and_licence() -> None:
    header = DATA.read_text(encoding="utf-8").splitlines()[:60]
    assert header[0].startswith("# Unicode confusables.txt (UTS #39), version 18.0.0")
    text = "\n".join(header)
    assert "# Source: https://www.unicode.org/Public/security/latest/confusables.txt" in text
    assert "Unicode License v3" in text and "https://www.unicode.org/license.txt" in text
    assert "# UNICODE LICENSE V3" in text and "SPDX-License-Identifier: Unicode-3.0" in text
    assert data_version() == "18.0.0"


def test_data_version_requires_a_version_line(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(confusables, "_read_data", lambda: "# no version here\n0430\t0061\n")
    data_version.cache_clear()
    try:
        with pytest.raises(RuntimeError, match="no Unicode version"):
            data_version()
    finally:
        data_version.cache_clear()


def test_data_file_rows_are_well_formed() -> None:
    lines = DATA.read_text(encoding="utf-8").splitlines()
    rows = [line for line in lines if not line.startswith("#")]
    row = re.compile(r"^[0-9A-F]{4,6}\t[0-9A-F]{4,6}( [0-9A-F]{4,6})*$")
    assert all(row.match(line) for line in rows)
    declared = re.search(r"^# (\d+) prototype mappings", "\n".join(lines), re.MULTILINE)
    assert declared is not None
    assert len(rows) == int(declared.group(1)) == len(prototypes())


# ------------------------------------------------------------------ generator


def test_generator_renders_the_compact_file() -> None:
    generator = load_generator()
    output = generator.render(RAW_SAMPLE.encode("utf-8"))
    lines = output.splitlines()
    assert lines[0] == (
        "# Unicode confusables.txt (UTS #39), version 18.0.0, dated 2026-08-06, 01:05:35 GMT"
    )
    assert "# © 2026 Unicode®, Inc." in lines
    assert [line for line in lines if not line.startswith("#")] == [
        "05AD\t0596",
        "0430\t0061",
        "006D\t0072 006E",
        "0634\t0633 06DB",
    ]


@pytest.mark.parametrize(
    ("raw", "problem"),
    [
        ("0430 ;\t0061 ;\tMA\n", "Version"),
        ("# Version: 18.0.0\n0430 ;\t0061\n", "not a confusables mapping"),
        ("# Version: 18.0.0\n0430 0431 ;\t0061 ;\tMA\n", "not a confusables mapping"),
        ("# Version: 18.0.0\n0430 ;\tXYZ ;\tMA\n", "bad target"),
        ("# Version: 18.0.0\n0430 ;\t0061 ;\tMA\n0430 ;\t0062 ;\tMA\n", "mapped twice"),
    ],
)
def test_generator_rejects_what_is_not_confusables_txt(raw: str, problem: str) -> None:
    generator = load_generator()
    with pytest.raises(ValueError, match=problem):
        generator.render(raw.encode())


def test_generator_command_line_writes_the_file(tmp_path: Path) -> None:
    generator = load_generator()
    source = tmp_path / "confusables.txt"
    source.write_text(RAW_SAMPLE, encoding="utf-8")
    output = tmp_path / "out.txt"
    assert generator.main([str(source), "--output", str(output)]) == 0
    assert output.read_text(encoding="utf-8") == generator.render(source.read_bytes())
