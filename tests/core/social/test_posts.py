"""SocialPost, ParseReport, hashtag matching and reading untrusted HTML."""

from __future__ import annotations

import datetime as dt
from unittest import mock

import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

from ahmadi_campaign.campaign import Campaign, Hashtag
from ahmadi_campaign.moderation import Candidate
from ahmadi_campaign.social import (
    ParseReport,
    SkippedItem,
    SocialPost,
    Source,
    html_to_text,
)
from ahmadi_campaign.social.markup import read_html
from ahmadi_campaign.social.posts import item_id, language_code, web_url

from ..test_sanitize import assert_no_executable_markup

WHEN = dt.datetime(2015, 12, 2, 10, tzinfo=dt.UTC)


def _post(**changes: object) -> SocialPost:
    values: dict[str, object] = {
        "source": Source.BLUESKY,
        "source_id": "at://did:plc:abc/app.bsky.feed.post/3k",
        "url": "https://bsky.app/profile/amina.bsky.social/post/3k",
        "author_name": "Amina",
        "author_handle": "Amina.bsky.social",
        "created_at": WHEN,
        "text": "Hello https://a.example/ #IStandWithAhmadis",
        "html": '<p>Hello <a href="https://a.example/" rel="nofollow ugc noopener">x</a></p>',
        "hashtags": ("IStandWithAhmadis", "احمدی"),
    }
    values.update(changes)
    return SocialPost(**values)  # type: ignore[arg-type]


def test_to_candidate() -> None:
    assert _post().to_candidate() == Candidate(
        body="Hello https://a.example/ #IStandWithAhmadis",
        submitted_at=WHEN,
        fingerprint="bluesky:amina.bsky.social",
        display_name="Amina",
        link_count=1,
    )
    candidate = _post(author_name="").to_candidate(fingerprint="x")
    assert candidate.fingerprint == "x" and candidate.display_name == "Amina.bsky.social"


def test_has_hashtag_uses_the_campaign_matching() -> None:
    post = _post()
    assert post.has_hashtag(["#istandwithahmadis"])
    assert post.has_hashtag(
        ["＃ＩＳＴＡＮＤＷＩＴＨＡＨＭＡＤＩＳ"]
    )  # fullwidth, as CJK keyboards type
    assert post.has_hashtag([Hashtag("احمدی")])
    assert not post.has_hashtag(["#Ahmadiyya"])
    assert not post.has_hashtag([])
    campaign = Campaign.from_local_dates(
        "I stand with Ahmadis", ["#IStandWithAhmadis"], WHEN.date(), WHEN.date(), "Asia/Karachi"
    )
    assert post.has_hashtag(campaign)
    assert not _post(hashtags=()).has_hashtag(campaign)


def test_parse_report_counts_and_concatenates() -> None:
    first = ParseReport((_post(),), (SkippedItem(1, "bad-date", "no"),))
    second = ParseReport((), (SkippedItem(0, "bad-date", "no"), SkippedItem(2, "empty", "no")))
    both = first + second
    assert both.total == 4 and len(both.posts) == 1
    assert both.skipped_by_code() == {"bad-date": 2, "empty": 1}
    assert ParseReport().total == 0


@pytest.mark.parametrize(
    ("fragment", "text", "markup"),
    [
        ("<p>One</p><p>Two<br>Three</p>", "One\n\nTwo\nThree", "<p>One</p><p>Two<br>Three</p>"),
        ("plain &amp; simple", "plain & simple", "<p>plain &amp; simple</p>"),
        ("<p>a\n  b</p>", "a b", "<p>a b</p>"),
        ("<div>x<br/>y</div>", "x\ny", "<p>x<br>y</p>"),
        ("<p>1 &lt; 2 &#x202e;evil</p>", "1 < 2 evil", "<p>1 &lt; 2 evil</p>"),
        ('<p><a href="https://a.example/?q=1&amp;r=2">link</a></p>', "link", None),
        ('<p><a href="https://a.example/">open', "open", None),
        ("<p>x<script>alert(1)</script><style>p{}</style></p>", "x", "<p>x</p>"),
        ("<p>text</p></script></style>", "text", "<p>text</p>"),
        ("", "", ""),
    ],
)
def test_read_html(fragment: str, text: str, markup: str | None) -> None:
    got_text, got_markup = read_html(fragment)
    assert got_text == text
    assert html_to_text(fragment) == text
    if markup is not None:
        assert got_markup == markup
    assert_no_executable_markup(got_markup)


def test_links_keep_their_target_and_get_rel() -> None:
    _, markup = read_html('<p><a href="https://a.example/?q=1&amp;r=2" class="x">link</a></p>')
    assert markup == (
        '<p><a href="https://a.example/?q=1&amp;r=2" rel="nofollow ugc noopener">link</a></p>'
    )


def test_unlinked_classes_become_text() -> None:
    fragment = (
        '<p><a href="https://m.example/tags/x" class="mention hashtag">#<span>x</span></a> '
        '<a href="https://a.example/">a</a></p>'
    )
    _, markup = read_html(fragment, unlink=["hashtag"])
    assert markup == '<p>#x <a href="https://a.example/" rel="nofollow ugc noopener">a</a></p>'


@settings(deadline=None)  # timings vary on a busy CI machine
@given(st.text())
def test_read_html_never_lets_markup_through(fragment: str) -> None:
    text, markup = read_html(fragment)
    assert_no_executable_markup(markup)
    assert read_html(markup)[0] == read_html(markup)[0].strip()


@settings(deadline=None)  # timings vary on a busy CI machine
@given(
    st.lists(
        st.sampled_from(
            [
                "<script>",
                "</script>",
                "<a href='javascript:x'>",
                "<a href=https://ok.example/>",
                "</a>",
                "<p>",
                "</p>",
                "<br>",
                "<img src=x onerror=alert(1)>",
                "<svg onload=alert(1)>",
                "</svg>",
                "&#x202e;",
                "\u202e",
                "text",
                " ",
                "<!--",
                "-->",
                "<style>",
                "&lt;script&gt;",
            ]
        )
    )
)
def test_read_html_on_hostile_pieces(pieces: list[str]) -> None:
    text, markup = read_html("".join(pieces))
    assert_no_executable_markup(markup)
    assert "\u202e" not in text and "\u202e" not in markup and "&#x202e;" not in markup


def test_helpers() -> None:
    assert web_url("https://a.example/x") == "https://a.example/x"
    for bad in ("javascript:alert(1)", "https://", "https://a.example/ x", 5, None, "http://[::1"):
        assert web_url(bad) == ""
    assert item_id({"uri": "at://x\u202ey"}) == "" and item_id({"id": 5}) == "5"
    assert item_id({"id": True}) == "" and item_id(["uri"]) == ""
    assert language_code("ur") == "ur" and language_code("pt-BR") == "pt-BR"
    for bad in ("und", "", None, 7, "<script>", "x" * 40, "اردو"):
        assert language_code(bad) == ""


# Pieces of Mastodon-like HTML that make the shortcut in read_html earn its keep: links
# with awkward hrefs, bare URLs split by ignored tags or hidden characters, entities,
# nested and unclosed links, characters html5lib rewrites.
_MARKUP_PIECES = [
    '<a href="https://ok.example/a?b=1&amp;c=2">',
    '<a href="https://ok.example/it\'s">',
    '<a href="https://ok.example/&quot;q&quot;">',
    '<a href="https://ok.example/&lt;x&gt;">',
    '<a href="https://ok.example/\u00e9\u202e">',
    '<a href="https://tag.example/tags/x" class="mention hashtag">',
    "<a href=javascript:alert(1)>",
    "</a>",
    "<p>",
    "</p>",
    "<br>",
    "<span>",
    "</span>",
    '<span class="invisible">https://</span>',
    "example",
    ".org",
    "www.example.com/a?b=1&c=2",
    "https://bare.example/x",
    "a@b.example",
    "x.\u017fite",
    "\u200b",
    "\u202e",
    "&#x202e;",
    "&amp;",
    "&lt;",
    "(",
    ")",
    ".",
    "@",
    " ",
    "\n",
    "\r",
    "\x00",
    "\x0c",
    "\ufdd0",
    "<script>x.org</script>",
    "text",
    "\u0627\u062d\u0645\u062f\u06cc",
]


@settings(max_examples=1500, deadline=None)
@given(
    st.lists(st.one_of(st.sampled_from(_MARKUP_PIECES), st.text(max_size=6)), max_size=30).map(
        "".join
    )
)
@example("a@<br>example.org")  # a node boundary the URL pattern's look-behind must see
@example("x.</p><p>example.org")
@example("<span>example</span>.org")  # one text node once the span is dropped
@example("example\u200b.org")  # joined once the invisible character goes
@example('<a href="https://a.example/">x<a href="https://b.example/">y</a></a>')
def test_read_html_shortcut_equals_the_full_sanitiser(fragment: str) -> None:
    # read_html skips bleach's cleaner (and linkify when no bare URL can be there);
    # the HTML must be exactly what the full two-pass sanitiser makes of the same markup.
    from ahmadi_campaign.sanitize import sanitize_html
    from ahmadi_campaign.social import markup as module

    built: list[str] = []
    real = module.sanitize_built_html

    def spy(value: str) -> str:
        built.append(value)
        return real(value)

    with mock.patch.object(module, "sanitize_built_html", spy):
        _, html = read_html(fragment, unlink=["hashtag"])
    if built:  # regular structure: the shortcut was taken
        assert html == sanitize_html(built[0])
    assert_no_executable_markup(html)
