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
from collections.abc import Mapping

import bleach
from bleach.linkifier import URL_RE, Linker

from .text import drop_invisible, is_always_dropped

__all__ = [
    "ALLOWED_ATTRIBUTES",
    "ALLOWED_PROTOCOLS",
    "ALLOWED_TAGS",
    "LINK_REL",
    "count_links",
    "may_contain_url",
    "sanitize_built_html",
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


class _Engines(threading.local):
    """bleach's Cleaner and Linker keep parser state and are not thread-safe: one per thread."""

    def __init__(self) -> None:
        self.cleaner = bleach.Cleaner(
            tags=ALLOWED_TAGS,
            attributes=dict(ALLOWED_ATTRIBUTES),
            protocols=ALLOWED_PROTOCOLS,
            strip=True,
            strip_comments=True,
        )
        self.linker = Linker(callbacks=[_set_rel], skip_tags=None, parse_email=False)


_engines = _Engines()


def sanitize_html(value: str) -> str:
    """Return ``value`` reduced to the allow-list, with bare URLs turned into links.

    Disallowed tags are dropped but their text is kept (escaped); every link
    gets ``rel="nofollow ugc noopener"``; ``javascript:`` and other schemes are
    removed. The result is a fixed point: sanitising it again changes nothing.
    """
    # Two passes on purpose: bleach's one-pass Cleaner(filters=[LinkifyFilter])
    # decodes "&amp;" twice, so "&amp;amp;" shrinks on every pass and the
    # output is not a fixed point (see tests/core/test_sanitize.py).
    cleaned: str = _engines.cleaner.clean(value)
    return _linkified(cleaned)


def _linkified(cleaned: str) -> str:
    """bleach's linkify of markup its cleaner would return unchanged, and the last touches."""
    linked: str = _engines.linker.linkify(cleaned)
    return _without_hidden(linked)


def _without_hidden(linked: str) -> str:
    # Bidi overrides and invisible characters hide or reorder text; the serialiser keeps
    # them as characters or as references like "&#x202e;", so both forms are removed.
    if "&#" in linked:
        linked = _HIDDEN_REFERENCE.sub(_drop_hidden_reference, linked)
    return drop_invisible(linked)


_HIDDEN_REFERENCE = re.compile(r"&#(?:[xX]([0-9a-fA-F]{1,8})|([0-9]{1,9}));?")


def _drop_hidden_reference(match: re.Match[str]) -> str:
    code = int(match[1], 16) if match[1] else int(match[2])
    return "" if is_always_dropped(code) else match[0]


_BLANK_LINES = re.compile(r"\n\s*\n")
# Characters html5lib rewrites (NUL, CR, other C0/C1 controls, noncharacters):
# text containing them always takes the full parser path.
_PARSER_NEEDED = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\ufdd0-\ufdef\ufffe\uffff]")


def _escaped_paragraphs(value: str) -> str:
    paragraphs = [p.strip() for p in _BLANK_LINES.split(value.strip())]
    return "".join(
        "<p>" + html.escape(p, quote=False).replace("\n", "<br>") + "</p>" for p in paragraphs if p
    )


def may_contain_url(text: str) -> bool:
    """Whether bleach's linkify could find a URL in ``text`` (its own pattern decides).

    Every URL bleach recognises has a word character, a dot and a letter of its
    top-level domain in a row; that cheap test spares most text the long pattern.
    """
    return bool(_URL_HINT.search(text)) and bool(URL_RE.search(text))


# Compiled with IGNORECASE like bleach's URL_RE, so letters that fold to ASCII
# ("\u017f", the Kelvin sign) are hints too.
_URL_HINT = re.compile(r"[\w-]\.[a-z]", re.IGNORECASE)


def text_to_html(value: str) -> str:
    """Render plain text (a visitor's message) as sanitised HTML.

    Everything is escaped, URLs become links, blank lines separate paragraphs
    and single newlines become ``<br>``. Normalise the text first
    (:func:`ahmadi_campaign.text.normalize_text`).
    """
    body = _escaped_paragraphs(drop_invisible(value))
    # Escaped text in <p> and <br> is what bleach's cleaner returns unchanged, except
    # where html5lib rewrites characters; property tests compare every shortcut below
    # with the full two-pass path.
    if _PARSER_NEEDED.search(body):
        return sanitize_html(body)
    if may_contain_url(body):
        return _linkified_paragraphs(body)
    return body


def sanitize_built_html(markup: str) -> str:
    """:func:`sanitize_html`, parsing only when that could change the markup.

    The result equals :func:`sanitize_html` of ``markup`` for any input (property-tested).
    It is faster for HTML already in the form our readers build (see
    :func:`ahmadi_campaign.social.markup.read_html`): escaped text in ``<p>`` paragraphs,
    ``<br>`` and links written ``<a href="http(s)://..." rel="nofollow ugc noopener">``,
    not nested. bleach's cleaner would return such markup unchanged, so it is skipped,
    and linkify runs only on paragraphs whose text may hold a bare URL. Anything else
    takes the full path.
    """
    if _PARSER_NEEDED.search(markup) or not _in_built_form(markup):
        return sanitize_html(markup)
    if may_contain_url(_unlinked(markup)):
        return _linkified_paragraphs(markup)
    return _without_hidden(markup)


_LINK = re.compile(r"<a [^>]*>.*?</a>", re.S)
_TAG = re.compile(r"<[^>]*>")
# Paragraphs of escaped text, <br> and non-nested links as our readers write them; bleach
# would hand such markup back unchanged before linkifying. Possessive quantifiers: a
# near-miss fails at once instead of backtracking.
_BUILT_FORM = re.compile(
    r"(?:<p>(?:[^<>]++|<br>"
    r'|<a href="https?://[^"<>\s]*+" rel="nofollow ugc noopener">(?:[^<>]++|<br>)*+</a>'
    r")*+</p>)++"
)
# What the serialiser writes for "&", "<", ">" and quotes; it would rewrite any other "&".
_BARE_AMPERSAND = re.compile(r"&(?!(?:amp|lt|gt|quot|#x27);)")


def _in_built_form(markup: str) -> bool:
    return _BUILT_FORM.fullmatch(markup) is not None and not _BARE_AMPERSAND.search(markup)


def _unlinked(markup: str) -> str:
    # Text nodes outside links, one per line, as linkify sees them (still escaped:
    # an entity never adds or removes a dot followed by a letter).
    return _TAG.sub("\n", _LINK.sub("\n", markup))


def _linkified_paragraphs(markup: str) -> str:
    """:func:`_linkified` of markup that is a run of ``<p>`` paragraphs, one at a time.

    Only paragraphs whose text may hold a bare URL are parsed; escaped text never
    contains ``<``, so the paragraph boundaries are exactly where they are split.
    """
    if not (markup.startswith("<p>") and markup.endswith("</p>")):
        return _linkified(markup)
    return "".join(
        _linkified(paragraph)
        if may_contain_url(_unlinked(paragraph))
        else _without_hidden(paragraph)
        for paragraph in (f"<p>{part}</p>" for part in markup[3:-4].split("</p><p>"))
    )


# Our serialiser writes attributes as ``<a href="..." rel="...">``; an anchor
# whose href was removed (a ``javascript:`` URL, say) is not a link.
_LINK_START = re.compile(r"<a href=")


def count_links(sanitized: str) -> int:
    """Count the links in HTML produced by :func:`sanitize_html` or :func:`text_to_html`."""
    return len(_LINK_START.findall(sanitized))
