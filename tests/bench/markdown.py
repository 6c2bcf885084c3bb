"""Writing a benchmark's section into docs/performance.md, between its own markers."""

from __future__ import annotations

import re
from pathlib import Path


def write_section(path: Path, section: str, *, start: str, end: str, preamble: str) -> None:
    """Replace the text from ``start`` to ``end`` with ``section`` (which carries both markers).

    A file without the markers gets ``preamble`` (its heading and introduction) and the
    section at its end; a missing file starts as "# Performance". Writing twice changes
    nothing the second time.
    """
    text = path.read_text() if path.exists() else "# Performance\n\n"
    pattern = re.compile(re.escape(start) + r".*?" + re.escape(end), re.S)
    if pattern.search(text):
        text = pattern.sub(lambda _: section, text)
    else:
        text = text.rstrip() + f"\n\n{preamble}{section}\n"
    path.write_text(text)
