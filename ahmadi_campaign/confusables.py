"""Confusable skeletons from Unicode Technical Standard #39, section 4.

Two strings that look alike ("pаypal" with a Cyrillic "а", "paypal") have the same
skeleton. The mappings come from Unicode's ``confusables.txt``, kept as a compact table
in ``data/confusables.txt`` (rebuilt by ``scripts/generate_confusables.py``) and read
once, on first use. A skeleton is for comparison only: never show or store one.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Mapping
from functools import cache
from importlib import resources
from types import MappingProxyType

__all__ = ["data_version", "prototypes", "skeleton"]

_VERSION_PREFIX = "# Unicode confusables.txt (UTS #39), version "


def skeleton(value: str) -> str:
    """Return the UTS #39 skeleton of *value*: NFD, map each character to its prototype, NFD."""
    decomposed = unicodedata.normalize("NFD", value)
    return unicodedata.normalize("NFD", decomposed.translate(_table()))


def prototypes() -> Mapping[int, str]:
    """Return the read-only code point to prototype mapping, as used by :func:`skeleton`."""
    return MappingProxyType(_table())


@cache
def data_version() -> str:
    """Return the Unicode version of the bundled ``confusables.txt`` data, e.g. ``"18.0.0"``."""
    for line in _read_data().splitlines():
        if line.startswith(_VERSION_PREFIX):
            return line.removeprefix(_VERSION_PREFIX).split(",", 1)[0].strip()
    raise RuntimeError("the bundled confusables data names no Unicode version")


def _read_data() -> str:
    data = resources.files("ahmadi_campaign").joinpath("data").joinpath("confusables.txt")
    return data.read_text(encoding="utf-8")


@cache
def _table() -> dict[int, str]:
    """Parse the bundled data once into a ``str.translate`` table."""
    table: dict[int, str] = {}
    for line in _read_data().splitlines():
        if not line or line.startswith("#"):
            continue
        source, targets = line.split("\t")
        table[int(source, 16)] = "".join(chr(int(target, 16)) for target in targets.split())
    return table
