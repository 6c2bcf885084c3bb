"""Every string is translated into Urdu, and the compiled catalogue matches its source."""

from __future__ import annotations

import re
from pathlib import Path

from babel.messages.mofile import read_mo
from babel.messages.pofile import read_po

LOCALE = Path(__file__).resolve().parents[2] / "wagtail_campaign" / "locale" / "ur" / "LC_MESSAGES"
PLACEHOLDER = re.compile(r"%\(\w+\)[sd]|\{\{ ?\w+ ?\}\}|\{\w+\}")


def _catalogues():  # type: ignore[no-untyped-def]
    with open(LOCALE / "django.po", "rb") as po, open(LOCALE / "django.mo", "rb") as mo:
        return read_po(po), read_mo(mo)


def test_every_message_is_translated_with_the_same_placeholders() -> None:
    po, _ = _catalogues()
    messages = [m for m in po if m.id]
    assert len(messages) > 100
    for message in messages:
        ids = message.id if isinstance(message.id, tuple) else (message.id,)
        strings = message.string if isinstance(message.string, tuple) else (message.string,)
        assert all(strings), f"untranslated: {ids[0]!r}"
        assert not message.fuzzy, f"fuzzy: {ids[0]!r}"
        wanted = set(PLACEHOLDER.findall(ids[-1]))
        for string in strings:
            assert set(PLACEHOLDER.findall(string)) == wanted, (ids[0], string)


def _key(message_id: object, context: object) -> tuple[object, object]:
    # babel's read_mo gives plural ids as lists and contexts as bytes; read_po gives
    # tuples and str. Normalise both.
    ids = tuple(message_id) if isinstance(message_id, list | tuple) else message_id
    return ids, context.decode() if isinstance(context, bytes) else context


def _string(value: object) -> object:
    return tuple(value) if isinstance(value, list | tuple) else value


def test_compiled_catalogue_is_up_to_date() -> None:
    # Recompile with: cd wagtail_campaign && django-admin compilemessages -l ur
    po, mo = _catalogues()
    compiled = {_key(m.id, m.context): _string(m.string) for m in mo if m.id}
    for message in po:
        if message.id:
            key = _key(message.id, message.context)
            assert key in compiled, f"not compiled: {message.id!r}"
            assert compiled[key] == _string(message.string), f"stale: {message.id!r}"
