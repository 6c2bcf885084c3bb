"""Reading untrusted HTML (a Mastodon status ``content``) into plain text and safe HTML.

One pass of the standard library's HTML parser gives both forms, so what a reader sees
in the text and in the HTML is the same: paragraphs, line breaks and http(s) links, and
nothing of scripts, styles or hidden characters.
"""

from __future__ import annotations

import html
import re
from collections.abc import Iterable
from html.parser import HTMLParser

from ..sanitize import LINK_REL, sanitize_built_html
from ..text import normalize_text
from .posts import web_url

__all__ = ["html_to_text", "read_html"]

_HTML_SPACE = re.compile(r"[ \t\n\r\f]+")


class _FragmentReader(HTMLParser):
    """Reads an HTML fragment into paragraphs of plain text and of minimal, escaped HTML.

    Only paragraphs, line breaks and links survive; hidden elements (scripts, styles...)
    lose their text; links whose class names one of *unlink* become plain text.
    """

    _BLOCKS = frozenset({"p", "div", "blockquote", "li", "ul", "ol", "pre", "h1", "h2", "h3"})
    _HIDDEN = frozenset({"script", "style", "template", "noscript", "iframe", "object", "svg"})

    def __init__(self, unlink: frozenset[str]) -> None:
        super().__init__(convert_charrefs=True)
        self.unlink = unlink
        self.text: list[str] = []
        self.paragraphs: list[str] = []
        self.current: list[str] = []
        self.links: list[bool] = []  # one per open <a>: whether it was written out
        self.hidden = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in self._HIDDEN:
            self.hidden += 1
        elif self.hidden:
            return
        elif tag == "br":
            self.text.append("\n")
            self.current.append("<br>")
        elif tag in self._BLOCKS:
            self.end_paragraph()
        elif tag == "a":
            found = dict(attrs)
            href = found.get("href") or ""
            classes = set((found.get("class") or "").split())
            written = bool(web_url(href)) and not classes & self.unlink
            if written:
                self.current.append(f'<a href="{html.escape(href)}" rel="{LINK_REL}">')
            self.links.append(written)

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "br" or tag in self._BLOCKS:
            self.handle_starttag(tag, attrs)

    def handle_endtag(self, tag: str) -> None:
        if tag in self._HIDDEN:
            self.hidden = max(0, self.hidden - 1)
        elif self.hidden:
            return
        elif tag in self._BLOCKS:
            self.end_paragraph()
        elif tag == "a" and self.links and self.links.pop():
            self.current.append("</a>")

    def handle_data(self, data: str) -> None:
        if not self.hidden:
            data = _HTML_SPACE.sub(" ", data)  # newlines in the source are only spaces
            self.text.append(data)
            self.current.append(html.escape(data, quote=False))

    def end_paragraph(self) -> None:
        self.text.append("\n\n")
        self.current.extend("</a>" for written in self.links if written)
        self.links.clear()
        if body := "".join(self.current).strip():
            self.paragraphs.append(f"<p>{body}</p>")
        self.current.clear()


def read_html(value: str, *, unlink: Iterable[str] = ()) -> tuple[str, str]:
    """Return the plain text and the sanitised HTML of an untrusted HTML fragment.

    The text keeps paragraphs (a blank line) and ``<br>`` (a newline) and is normalised
    with :func:`~ahmadi_campaign.text.normalize_text`. The HTML keeps only paragraphs,
    line breaks and links, goes through :func:`~ahmadi_campaign.sanitize.sanitize_html`,
    and loses hidden characters too (entities are decoded first, so ``&#x202e;`` goes).
    Scripts, styles and similar elements lose their text in both. Links with a class
    in *unlink* (Mastodon's ``hashtag`` and ``mention``) become plain text.
    """
    reader = _FragmentReader(frozenset(unlink))
    reader.feed(value)
    reader.close()
    reader.end_paragraph()
    text = normalize_text("".join(reader.text))
    markup = normalize_text("".join(reader.paragraphs), multiline=False)
    # Built from escaped text and checked links: bleach would return it unchanged unless
    # a bare URL needs linking (nested links and the like take the full path).
    return text, sanitize_built_html(markup)


def html_to_text(value: str) -> str:
    """Return the normalised plain text of an HTML fragment (a Mastodon status ``content``).

    Text hidden only by CSS (Mastodon's ``invisible`` spans around long URLs) is kept,
    so URLs come out whole. See :func:`read_html`.
    """
    return read_html(value)[0]
