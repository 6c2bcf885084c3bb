"""Builders and HTML helpers shared by the message wall tests (this module holds no tests)."""

from __future__ import annotations

import datetime as dt
import xml.etree.ElementTree as ET
from collections.abc import Iterator
from html.parser import HTMLParser
from typing import Any

from django.core.cache import cache
from django.http import HttpResponse
from django.test import Client
from wagtail.models import Page

from wagtail_campaign.models import Message, MessageStatus, MessageWallPage

#: Inside the campaign window (1-10 December 2015, Asia/Karachi).
OPEN_AT = dt.datetime(2015, 12, 5, 12, 0, tzinfo=dt.UTC)
#: The window's first instant: 1 December 00:00 in Karachi (UTC+05:00).
WINDOW_START = dt.datetime(2015, 11, 30, 19, 0, tzinfo=dt.UTC)
#: The first instant after the window: 11 December 00:00 in Karachi.
WINDOW_END = dt.datetime(2015, 12, 10, 19, 0, tzinfo=dt.UTC)
#: Form data a valid submission needs besides its token.
VALID = {"display_name": "Amina", "country": "PK", "kind": "support", "website": ""}


def make_wall(parent: Page, **fields: Any) -> MessageWallPage:
    defaults: dict[str, Any] = {"title": "Message wall", "slug": "wall", "moderation_mode": "post"}
    defaults.update(fields)
    wall = MessageWallPage(**defaults)
    parent.add_child(instance=wall)
    wall.save_revision().publish()
    return wall


def add_messages(
    wall: MessageWallPage,
    count: int,
    *,
    start: dt.datetime = OPEN_AT,
    step: dt.timedelta = dt.timedelta(seconds=1),
    prefix: str = "m",
    **fields: Any,
) -> list[Message]:
    """``count`` messages, oldest first, one ``step`` apart (approved unless told otherwise)."""
    fields.setdefault("status", MessageStatus.APPROVED)
    fields.setdefault("kind", "support")
    rows = [
        Message(
            wall=wall,
            body=f"<p>Message {prefix}{n}</p>",
            text=f"Message {prefix}{n}",
            source_id=f"{prefix}-{wall.pk}-{n}",
            created_at=start + step * n,
            **fields,
        )
        for n in range(count)
    ]
    return Message.objects.bulk_create(rows, batch_size=1000)


_VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source"}


class _TreeBuilder(HTMLParser):
    """Tags and attributes as the HTML tokenizer sees them (the stdlib has no tree builder)."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.root = ET.Element("document")
        self.stack = [self.root]

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        element = ET.SubElement(self.stack[-1], tag, {k: v or "" for k, v in attrs})
        if tag not in _VOID:
            self.stack.append(element)

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        ET.SubElement(self.stack[-1], tag, {k: v or "" for k, v in attrs})

    def handle_endtag(self, tag: str) -> None:
        for depth in range(len(self.stack) - 1, 0, -1):
            if self.stack[depth].tag == tag:
                del self.stack[depth:]
                return

    def handle_data(self, data: str) -> None:
        parent = self.stack[-1]
        if len(parent):
            parent[-1].tail = (parent[-1].tail or "") + data
        else:
            parent.text = (parent.text or "") + data


def parse(response: HttpResponse | str | bytes) -> ET.Element:
    """An HTML document or fragment as an element tree, from the HTML tokenizer's view."""
    content = response.content if isinstance(response, HttpResponse) else response
    if isinstance(content, bytes):
        content = content.decode()
    builder = _TreeBuilder()
    builder.feed(content)
    builder.close()
    return builder.root


def text_of(element: ET.Element) -> str:
    return " ".join("".join(element.itertext()).split())


def by_class(tree: ET.Element, cls: str) -> Iterator[ET.Element]:
    for element in tree.iter():
        if cls in (element.get("class") or "").split():
            yield element


def executable_markup(tree: ET.Element) -> list[str]:
    """Whatever in a parsed document could run script or load it from a message."""
    found = []
    for element in tree.iter():
        if not isinstance(element.tag, str):
            continue
        # The page's own scripts are static files of ours; nothing else may be a script.
        ours = (element.get("src") or "").startswith("/static/wagtail_campaign/")
        if element.tag == "script" and not ours:
            found.append("<script>")
        if element.tag in {"iframe", "object", "embed", "svg", "math", "style", "base"}:
            found.append(f"<{element.tag}>")
        for name, value in element.attrib.items():
            if name.lower().startswith("on"):
                found.append(f"{element.tag}[{name}]")
            if name.lower() in {"href", "src", "action", "formaction"} and "javascript:" in (
                "".join(value.split()).lower()
            ):
                found.append(f"{element.tag}[{name}={value}]")
    return found


def form_fields(response: HttpResponse) -> dict[str, str]:
    """The values of the write form's inputs, as a browser would send them back."""
    tree = parse(response)
    form = next(f for f in tree.iter("form") if f.get("method") == "post")
    values = {}
    for field in form.iter("input"):
        if field.get("type") in {"radio", "checkbox"} and field.get("checked") is None:
            continue
        values[field.get("name", "")] = field.get("value", "")
    for area in form.iter("textarea"):
        values[area.get("name", "")] = "".join(area.itertext())
    return values


def form_action(response: HttpResponse) -> str:
    """Where the write form is sent (the plain URL of a public wall, else its write/ route)."""
    form = next(f for f in parse(response).iter("form") if f.get("method") == "post")
    return form.get("action", "")


def post_message(
    client: Client, wall: MessageWallPage, body: str, **overrides: str
) -> HttpResponse:
    """Load the write form, then send it back with ``body`` to its action, as a browser would."""
    form = client.get(wall.url + "write/")
    data = form_fields(form)
    data.update(VALID)
    data.update(body=body, **overrides)
    return client.post(form_action(form), data)


def reset_cache() -> None:
    # Rate-limit counters and fingerprint salts live in the cache; each test starts clean.
    cache.clear()
