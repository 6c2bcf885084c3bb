"""Turn untrusted text or HTML into the small, safe HTML a message wall stores.

Sanitising happens once, at write time; templates still escape everything
else. All of it goes through :func:`sanitize_html`, so the engine (bleach today;
nh3 is its maintained successor) can be swapped in one place. The allow-list is
deliberately tiny: paragraphs, line breaks, emphasis and links. No ``style``
attribute, no SVG, MathML, iframes or ``noscript``; comments are stripped.
"""

from __future__ import annotations

import html
import re
import threading
from collections.abc import Callable, Mapping

import bleach
from bleach.linkifier import LinkifyFilter

__all__ = [
    "ALLOWED_ATTRIBUTES",
    "ALLOWED_PROTOCOLS",
    "ALLOWED_TAGS",
    "LINK_REL",
    "count_links",
    "sanitize_html",
    "text_to_html",
]

ALLOWED_TAGS: frozenset[str] = frozenset({"a", "br", "em", "p", "strong"})
ALLOWED_ATTRIBUTES: Mapping[str, tuple[str, ...]] = {"a": ("href", "rel")}
ALLOWED_PROTOCOLS: frozenset[str] = frozenset({"http", "https", "mailto"})
#: ``rel`` set on every link: not endorsed, user-generated, no window.opener.
LINK_REL = "nofollow ugc noopener"

_Attrs = dict[tuple[str | None, str], str]


def _set_rel(attrs: _Attrs, new: bool = False) -> _Attrs:
    attrs[(None, "rel")] = LINK_REL
    return attrs


def _new_cleaner() -> bleach.Cleaner:
    linkify: Callable[..., LinkifyFilter] = lambda source: LinkifyFilter(  # noqa: E731
        source, callbacks=[_set_rel], skip_tags=None, parse_email=False
    )
    return bleach.Cleaner(
        tags=ALLOWED_TAGS,
        attributes=dict(ALLOWED_ATTRIBUTES),
        protocols=ALLOWED_PROTOCOLS,
        strip=True,
        strip_comments=True,
        filters=[linkify],
    )


# bleach's Cleaner keeps parser state and is documented as not thread-safe.
_local = threading.local()


def _cleaner() -> bleach.Cleaner:
    cleaner: bleach.Cleaner | None = getattr(_local, "cleaner", None)
    if cleaner is None:
        cleaner = _local.cleaner = _new_cleaner()
    return cleaner


def sanitize_html(value: str) -> str:
    """Return ``value`` reduced to the allow-list, with bare URLs turned into links.

    Disallowed tags are dropped but their text is kept (escaped); every link
    gets ``rel="nofollow ugc noopener"``; ``javascript:`` and other schemes are
    removed. The result is a fixed point: sanitising it again changes nothing.
    """
    cleaned: str = _cleaner().clean(value)
    return cleaned


_BLANK_LINES = re.compile(r"\n\s*\n")


def text_to_html(value: str) -> str:
    """Render plain text (a visitor's message) as sanitised HTML.

    Everything is escaped, URLs become links, blank lines separate paragraphs
    and single newlines become ``<br>``. Normalise the text first
    (:func:`ahmadi_campaign.text.normalize_text`).
    """
    paragraphs = [p.strip() for p in _BLANK_LINES.split(value.strip())]
    body = "".join(
        "<p>" + html.escape(p, quote=False).replace("\n", "<br>") + "</p>" for p in paragraphs if p
    )
    return sanitize_html(body)


# Our serialiser writes attributes as ``<a href="..." rel="...">``; an anchor
# whose href was removed (a ``javascript:`` URL, say) is not a link.
_LINK_START = re.compile(r"<a href=")


def count_links(sanitized: str) -> int:
    """Count the links in HTML produced by :func:`sanitize_html` or :func:`text_to_html`."""
    return len(_LINK_START.findall(sanitized))
