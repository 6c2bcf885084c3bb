"""Sanitiser: no executable markup survives, links are marked, output is a fixed point."""

from __future__ import annotations

import re
from html.parser import HTMLParser

import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

from ahmadi_campaign.sanitize import (
    ALLOWED_TAGS,
    LINK_REL,
    _escaped_paragraphs,
    count_links,
    sanitize_html,
    text_to_html,
)
from ahmadi_campaign.text import drop_invisible


class _Inspector(HTMLParser):
    """Collects what a browser would see as elements and attributes."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.tags: list[str] = []
        self.attrs: list[tuple[str, str | None]] = []
        self.links: list[dict[str, str | None]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append(tag)
        self.attrs.extend(attrs)
        if tag == "a":
            self.links.append(dict(attrs))

    handle_startendtag = handle_starttag

    def handle_comment(self, data: str) -> None:
        self.tags.append("!--")


_DANGEROUS_SCHEMES = ("javascript:", "vbscript:", "data:")
_URL_NOISE = re.compile(r"[\x00-\x20\x7f]+")


def assert_no_executable_markup(output: str) -> _Inspector:
    assert "<script" not in output.lower()
    inspector = _Inspector()
    inspector.feed(output)
    inspector.close()
    assert set(inspector.tags) <= ALLOWED_TAGS, inspector.tags
    for name, value in inspector.attrs:
        assert not name.lower().startswith("on"), (name, output)
        assert name.lower() not in {"style", "src", "srcdoc", "formaction"}, (name, output)
        if value is not None and name.lower() == "href":
            # Browsers ignore whitespace and control characters inside a scheme.
            squashed = _URL_NOISE.sub("", value).lower()
            assert not squashed.startswith(_DANGEROUS_SCHEMES), (value, output)
    return inspector


# Building blocks an attacker mixes: tags (allowed and not), event handlers,
# scripted URLs with entity and whitespace tricks, comments, CDATA, broken markup.
_FRAGMENTS = [
    "<script>",
    "</script>",
    "<SCRIPT SRC=//evil.example/x.js>",
    "<img src=x onerror=alert(1)>",
    "<svg/onload=alert(1)>",
    "<math><mi xlink:href='javascript:alert(1)'>",
    "<a href='javascript:alert(1)'>",
    '<a href="jav&#x09;ascript:alert(1)">',
    '<a href="&#106;avascript:alert(1)">',
    '<a href=" javascript:alert(1)">',
    "<a href=https://example.org/ onclick=alert(1)>",
    "<a href='data:text/html,<script>alert(1)</script>'>",
    "</a>",
    "<p>",
    "</p>",
    "<br>",
    "<strong>",
    "</em>",
    "<em",
    '<p style="background:url(javascript:alert(1))">',
    "<iframe src=//evil.example>",
    "<noscript><p title='</noscript><img src=x onerror=alert(1)>'>",
    "<style>@import 'x'</style>",
    "<!-- <script> -->",
    "<![CDATA[<script>]]>",
    "<",
    ">",
    "&",
    "&amp;",
    "amp;",
    "&lt;",
    "&#x3C;script&#x3E;",
    '"',
    "'",
    "=",
    "/",
    " ",
    "\n",
    "www.example.com",
    "https://example.org/a?b=1&c=<2>",
    "javascript:alert(1)",
    "onload=",
    "احمدی",
    "\u202e",
]

hostile_html = st.lists(
    st.one_of(st.sampled_from(_FRAGMENTS), st.text(max_size=8)), max_size=25
).map("".join)


@settings(max_examples=400, deadline=None)
@given(hostile_html)
@example("<a href=javascript&colon;alert(1)>x</a>")
@example("<<script>script>alert(1)<</script>/script>")
def test_sanitize_html_never_outputs_executable_markup(value: str) -> None:
    assert_no_executable_markup(sanitize_html(value))


@settings(max_examples=400, deadline=None)
@given(hostile_html)
@example("a &amp;amp;amp; b")  # bleach's one-pass clean+linkify shrank this on every pass
@example("&amp;lt;script&amp;gt; www.example.com/?a=1&amp;amp;b=2")
def test_sanitize_html_is_idempotent(value: str) -> None:
    once = sanitize_html(value)
    assert sanitize_html(once) == once


@settings(max_examples=300, deadline=None)
@given(st.one_of(hostile_html, st.text()))
def test_text_to_html_is_safe_and_already_sanitised(value: str) -> None:
    rendered = text_to_html(value)
    assert_no_executable_markup(rendered)
    assert sanitize_html(rendered) == rendered


@settings(max_examples=200, deadline=None)
@given(st.text())
def test_arbitrary_unicode_is_safe(value: str) -> None:
    assert_no_executable_markup(sanitize_html(value))


def test_disallowed_tags_are_removed_but_their_text_is_kept() -> None:
    out = sanitize_html("<b>bold</b> <script>alert(1)</script> <i>it</i>")
    assert out == "bold alert(1) it"


def test_allowed_markup_survives() -> None:
    value = "<p>One<br>two <strong>three</strong> <em>four</em></p>"
    assert sanitize_html(value) == value


def test_scripted_links_lose_their_href() -> None:
    out = sanitize_html('<a href="javascript:alert(1)">click</a>')
    inspector = assert_no_executable_markup(out)
    assert inspector.links == [{"rel": LINK_REL}]
    assert count_links(out) == 0


def test_every_link_gets_rel_and_bare_urls_are_linkified() -> None:
    out = sanitize_html(
        'see <a href="https://example.org" rel="me" target="_blank">this</a> '
        "and https://example.net/page"
    )
    inspector = assert_no_executable_markup(out)
    assert [link["href"] for link in inspector.links] == [
        "https://example.org",
        "https://example.net/page",
    ]
    assert all(link["rel"] == LINK_REL for link in inspector.links)
    assert all("target" not in link for link in inspector.links)
    assert count_links(out) == 2


def test_text_to_html_escapes_markup_and_builds_paragraphs() -> None:
    out = text_to_html(
        "Hello <b>you</b>\nsecond line\n\n\nنیا پیراگراف https://example.org/a?b=1&c=2"
    )
    assert out.startswith("<p>Hello &lt;b&gt;you&lt;/b&gt;<br>second line</p><p>")
    assert "نیا پیراگراف" in out
    assert 'href="https://example.org/a?b=1&amp;c=2"' in out
    assert count_links(out) == 1


def test_text_to_html_of_blank_text_is_empty() -> None:
    assert text_to_html("  \n\n ") == ""


def test_comments_are_stripped() -> None:
    assert sanitize_html("a<!-- hidden -->b") == "ab"


def test_count_links_counts_only_real_links() -> None:
    assert count_links(text_to_html("no links here")) == 0
    assert (
        count_links(
            text_to_html("a https://a.example.org b http://b.example.net c www.example.com")
        )
        == 3
    )


@settings(max_examples=1000, deadline=None)
@given(
    st.one_of(
        st.text(),
        hostile_html,
        st.text(alphabet=st.sampled_from("ab<>&\"' \n\r\x00\x0c\u00a0\ufdd0\U0010ffff.:/")),
    )
)
@example("a\rb")
@example("x\x00y")
@example("a &amp; b")
def test_text_fast_path_equals_the_parser_path(value: str) -> None:
    # text_to_html skips the HTML parser when nothing needs linkifying; that
    # shortcut must give exactly what the parser would (both drop invisible characters
    # before paragraphs are formed).
    assert text_to_html(value) == sanitize_html(_escaped_paragraphs(drop_invisible(value)))


@pytest.mark.parametrize(
    "value",
    [
        "<p>abc&#x202e;def</p>",
        "<p>abc&#X202E;def</p>",
        "<p>abc&#8238;def</p>",
        "<p>abc&#x2066;def&#x2069;</p>",
        "<p>abc\u202edef</p>",
        "<p>a&#x200b;b</p>",
    ],
)
def test_hidden_characters_are_removed_in_every_spelling(value: str) -> None:
    cleaned = sanitize_html(value)
    assert cleaned == "<p>abcdef</p>" or cleaned == "<p>ab</p>", cleaned
    assert sanitize_html(cleaned) == cleaned


def test_visible_references_and_joiners_are_kept() -> None:
    # ZWNJ is Urdu and Persian spelling; "&#60;" is a visible "<".
    assert sanitize_html("<p>می&#x200c;خواهم &#60;3</p>") == "<p>می&#x200c;خواهم &#60;3</p>"


@settings(max_examples=2000, deadline=None)
@given(
    st.one_of(
        st.text(),
        st.text(alphabet=st.sampled_from("ab.-_@/:(\u017f\u212ak\u0131\u0130 \n\u0627")),
        hostile_html,
    )
)
@example("x.\u017fite")  # U+017F folds to "s" under IGNORECASE, as in bleach's pattern
@example("example.\u212az")  # the Kelvin sign folds to "k"
def test_the_url_hint_never_hides_a_url_bleach_would_link(value: str) -> None:
    # may_contain_url's cheap test must be a necessary condition of bleach's URL_RE.
    from bleach.linkifier import URL_RE

    from ahmadi_campaign.sanitize import may_contain_url

    assert may_contain_url(value) == bool(URL_RE.search(value))


_BUILT_PIECES = [
    "<p>",
    "</p>",
    "<br>",
    '<a href="https://ok.example/a?b=1&amp;c=2" rel="nofollow ugc noopener">',
    '<a href="http://ok.example/&quot;x&#x27;" rel="nofollow ugc noopener">',
    '<a href="javascript:alert(1)" rel="nofollow ugc noopener">',
    '<a href="https://ok.example/" rel="nofollow">',
    "<a href=https://ok.example/>",
    "</a>",
    "<script>",
    "<b>",
    "text",
    "www.example.com/a?b=1&amp;c=2",
    "https://bare.example/x",
    "example",
    ".org",
    "&amp;",
    "&lt;",
    "&gt;",
    "&quot;",
    "&#x27;",
    "&#x202e;",
    "&nbsp;",
    "&",
    "<",
    ">",
    '"',
    "'",
    "\u202e",
    "\u200b",
    "\x00",
    "\r",
    " ",
    "\n",
    "@",
    "(",
]


_text_bits = st.lists(
    st.sampled_from(
        ["a", " ", "&amp;", "&lt;", "&", '"', "example", ".org", "www.example.com/x", "\u202e"]
    ),
    max_size=4,
).map("".join)
_links = st.builds(
    '<a href="{}" rel="{}">{}</a>'.format,
    st.sampled_from(
        ["https://ok.example/", "http://ok.example/a&amp;b", "javascript:x", "ftp://x"]
    ),
    st.sampled_from(["nofollow ugc noopener", "nofollow", ""]),
    _text_bits,
)
# Markup in (or very near) the form our readers build: where the shortcut is taken.
_nearly_built = st.lists(
    st.lists(st.one_of(_text_bits, st.just("<br>"), _links), max_size=5).map(
        lambda parts: "<p>" + "".join(parts) + "</p>"
    ),
    min_size=1,
    max_size=3,
).map("".join)


@settings(max_examples=2000, deadline=None)
@given(
    st.one_of(
        _nearly_built,
        st.lists(st.one_of(st.sampled_from(_BUILT_PIECES), st.text(max_size=4)), max_size=24).map(
            "".join
        ),
        hostile_html,
        st.text(),
    )
)
@example('<p>a <a href="https://ok.example/" rel="nofollow ugc noopener">x</a> b</p>')
@example(
    '<p><a href="https://a.example/" rel="nofollow ugc noopener">x'
    '<a href="https://b.example/" rel="nofollow ugc noopener">y</a></a></p>'
)
@example("<p>a</p><p>b www.example.com</p>")
@example("<p>a & b</p>")
@example("<p>a > b</p>")
@example("<p></p>")
def test_sanitize_built_html_equals_sanitize_html_for_any_input(value: str) -> None:
    # The shortcut may skip bleach only where bleach would hand the markup back unchanged.
    from ahmadi_campaign.sanitize import sanitize_built_html

    assert sanitize_built_html(value) == sanitize_html(value)
