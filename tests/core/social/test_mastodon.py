"""Mastodon statuses: parsing, hostile content, and paging a tag timeline over HTTP."""

from __future__ import annotations

import datetime as dt
import json

import pytest

from ahmadi_campaign.errors import FetchError, InvalidHashtag, InvalidSocialData, SocialImportError
from ahmadi_campaign.social import (
    HttpFetcher,
    MastodonClient,
    MediaLink,
    Source,
    parse_statuses,
)
from ahmadi_campaign.social.mastodon import MAX_PAGE_SIZE

from .replay import DATA, ReplayServer, Reply, load
from .test_posts import assert_no_executable_markup

TAG_PATH = "/api/v1/timelines/tag/IStandWithAhmadis"


def test_page_one_keeps_good_statuses_and_reports_the_bad_one() -> None:
    report = parse_statuses(load("mastodon_page1.json"))
    assert report.total == 4
    assert [post.source_id for post in report.posts] == [
        "https://mastodon.example/users/amina/statuses/109000000000000003",
        "https://social.example/users/bilal/statuses/5",
        "https://other.example/users/chand/statuses/77",
    ]
    (skipped,) = report.skipped
    assert (skipped.position, skipped.code) == (1, "bad-date")
    assert skipped.item_id == "https://mastodon.example/users/amina/statuses/109000000000000002"
    assert report.skipped_by_code() == {"bad-date": 1}


def test_a_local_status_in_urdu() -> None:
    post = parse_statuses(load("mastodon_page1.json")).posts[0]
    assert post.source is Source.MASTODON and post.source == "mastodon"
    assert post.url == "https://mastodon.example/@amina/109000000000000003"
    assert post.author_name == "Amina"
    assert post.author_handle == "amina@mastodon.example"  # a local acct gets its server
    assert post.created_at == dt.datetime(2015, 12, 2, 10, tzinfo=dt.UTC)
    assert post.language == "ur"
    # Mastodon hides parts of long URLs with CSS; the text keeps them whole.
    assert post.text == (
        "ہم احمدیوں کے ساتھ ہیں #IStandWithAhmadis\n\n"
        "Read: https://www.example.org/report/2015/ahmadis"
    )
    assert post.hashtags == ("IStandWithAhmadis",)  # the spelling written, once
    # The hashtag link to the remote server becomes text; the real link stays.
    assert "tags/IStandWithAhmadis" not in post.html
    assert 'href="https://www.example.org/report/2015/ahmadis"' in post.html
    assert post.html.startswith("<p>ہم احمدیوں") and "</p><p>Read:" in post.html
    assert not (post.is_reblog or post.is_reply or post.sensitive)
    assert_no_executable_markup(post.html)


def test_a_remote_reply_with_media_and_a_content_warning() -> None:
    post = parse_statuses(load("mastodon_page1.json")).posts[1]
    assert post.author_handle == "bilal@social.example"
    assert post.author_name == "Bilal"  # the zero-width space is gone
    assert post.created_at == dt.datetime(2015, 12, 2, 4, 30, tzinfo=dt.UTC)
    assert post.created_at.utcoffset() == dt.timedelta(hours=5)
    assert post.is_reply and post.sensitive
    assert post.content_warning == "Persecution"
    assert post.media == (
        MediaLink("https://files.social.example/media/candle.jpg", "A candle in a window"),
    )
    assert post.text == "@amina Standing with you #IStandWithAhmadis"
    assert "<a" not in post.html  # the mention is text too


def test_a_boost_is_read_as_the_boosted_status() -> None:
    post = parse_statuses(load("mastodon_page1.json")).posts[2]
    assert post.is_reblog
    assert post.source_id == "https://other.example/users/chand/statuses/77"
    assert post.author_handle == "chand@other.example"
    assert post.text == "Day one #IStandWithAhmadis"


def test_hashtag_filter_direct_messages_and_reasons() -> None:
    report = parse_statuses(load("mastodon_page2.json"), hashtags=["#istandwithahmadis"])
    assert [post.text for post in report.posts] == ["First post of the campaign #IStandWithAhmadis"]
    assert [(item.position, item.code) for item in report.skipped] == [
        (0, "no-matching-hashtag"),
        (1, "not-public"),
    ]
    assert "#istandwithahmadis" in report.skipped[0].reason


def test_hostile_content_is_sanitised() -> None:
    (post,) = parse_statuses(load("mastodon_hostile.json")).posts
    assert_no_executable_markup(post.html)
    for text in (post.html, post.text, post.author_name, post.content_warning):
        assert "alert" not in text and "<script" not in text.replace("<script>cw", "")
        assert not any(char in text for char in "\u202a\u202b\u202c\u202d\u202e\u2066\u2069")
        assert "\u200b" not in text
    assert "display:none" not in post.html and "comment" not in post.html
    assert "frame text" not in post.text and "svg text" not in post.text
    assert 'href="https://ok.example/"' in post.html
    assert "href" not in post.html.replace('href="https://ok.example/"', "")
    assert post.author_name == "Mallory"
    assert post.content_warning == "<script>cw</script>warning"  # plain text, escaped when shown
    assert "gnp.exe" in post.text and "reversed" in post.text and "zerowidth" in post.text


def _status(**changes: object) -> dict[str, object]:
    status = load("mastodon_page2.json")[2]
    status.update(changes)
    return status


@pytest.mark.parametrize(
    ("changes", "code"),
    [
        ({"uri": None}, "missing-field"),
        ({"uri": ""}, "missing-field"),
        ({"uri": "x" * 300}, "bad-id"),
        ({"uri": "https://m.example/\u00e9"}, "bad-id"),
        ({"uri": "tag:m.example,2015:1", "url": "javascript:alert(1)"}, "bad-url"),
        ({"account": None}, "missing-field"),
        ({"account": "amina"}, "missing-field"),
        ({"account": {"acct": 5}}, "missing-field"),
        ({"created_at": "2015-12-01T10:00:00"}, "bad-date"),  # no time zone
        ({"created_at": 1449050400}, "bad-date"),
        ({"content": "<p> \u200b </p>", "media_attachments": []}, "empty"),
        ({"visibility": "private"}, "not-public"),
        ({"reblog": "yes"}, "missing-field"),
        ({"visibility": "private", "reblog": load("mastodon_page2.json")[2]}, "not-public"),
    ],
)
def test_bad_statuses_are_skipped_with_a_reason(changes: dict[str, object], code: str) -> None:
    report = parse_statuses([_status(**changes), _status()])
    assert len(report.posts) == 1
    assert [item.code for item in report.skipped] == [code]


def test_lenient_where_the_documentation_allows_null() -> None:
    status = _status(
        url=None,
        language=None,
        spoiler_text=None,
        tags=None,
        media_attachments=[{"url": None, "remote_url": "https://r.example/a.png"}, "junk"],
        visibility=None,
        account={"acct": "dana@d.example", "display_name": None, "url": None},
    )
    (post,) = parse_statuses([status]).posts
    assert post.url == status["uri"]  # no url: the uri is a web address too
    assert post.language == "" and post.content_warning == "" and post.author_name == ""
    assert post.media == (MediaLink("https://r.example/a.png"),)
    assert post.hashtags == ("IStandWithAhmadis",)  # from the text


def test_a_media_only_status_is_kept() -> None:
    status = _status(content="", media_attachments=[{"url": "https://m.example/a.png"}])
    (post,) = parse_statuses([status]).posts
    assert post.text == "" and post.html == ""


@pytest.mark.parametrize(
    ("page", "message"),
    [
        (b"", "not valid JSON"),
        (b'[{"id": "1"', "not valid JSON"),
        ("<!DOCTYPE html><p>Maintenance</p>", "not valid JSON"),
        ({"error": "Record not found"}, "should be a JSON array, not an object"),
        ("null", "not null"),
        (b"[" * 100_000 + b"]" * 100_000, "not valid JSON"),
    ],
)
def test_a_page_that_is_not_an_array_of_statuses_raises(page: object, message: str) -> None:
    with pytest.raises(InvalidSocialData, match=message):
        parse_statuses(page if isinstance(page, bytes | str) else json.dumps(page))


def test_json_text_is_accepted() -> None:
    raw = (DATA / "mastodon_page1.json").read_bytes()
    assert parse_statuses(raw) == parse_statuses(load("mastodon_page1.json"))


# ---------------------------------------------------------------------------- the client


def _link(server: ReplayServer, **cursors: str) -> str:
    rel = {"max_id": "next", "min_id": "prev"}
    return ", ".join(
        f'<{server.url}{TAG_PATH}?limit=40&{name}={value}>; rel="{rel[name]}"'
        for name, value in cursors.items()
    )


def test_pages_follow_the_link_header(server: ReplayServer, fetcher: HttpFetcher) -> None:
    server.add(
        TAG_PATH,
        Reply(
            200, load("mastodon_page1.json"), {"Link": _link(server, max_id="1090", min_id="1093")}
        ),
        Reply(
            200, load("mastodon_page2.json"), {"Link": _link(server, max_id="1080", min_id="1082")}
        ),
        Reply(200, []),
    )
    client = MastodonClient(server.url, "#IStandWithAhmadis", fetcher=fetcher)
    pages = list(client.pages())
    assert [len(page.posts) for page in pages] == [3, 1, 0]
    assert [page.next_max_id for page in pages] == ["1090", "1080", None]
    assert pages[0].prev_min_id == "1093"  # keep it to resume the next import
    queries = [seen.query for seen in server.seen]
    assert queries == [
        {"limit": ["40"]},
        {"limit": ["40"], "max_id": ["1090"]},
        {"limit": ["40"], "max_id": ["1080"]},
    ]
    assert pages[1].report.skipped_by_code() == {"no-matching-hashtag": 1, "not-public": 1}


def test_resume_since_and_max_pages(server: ReplayServer, fetcher: HttpFetcher) -> None:
    server.add(
        TAG_PATH, Reply(200, load("mastodon_page2.json"), {"Link": _link(server, max_id="7")})
    )
    client = MastodonClient(server.url, "IStandWithAhmadis", fetcher=fetcher, local=True)
    pages = list(client.pages(since_id="5", max_pages=2))
    assert len(pages) == 2
    assert server.seen[1].query == {
        "limit": ["40"],
        "max_id": ["7"],
        "since_id": ["5"],
        "local": ["true"],
    }
    client.fetch_page(min_id="9")
    assert server.seen[-1].query["min_id"] == ["9"]


def test_a_repeated_cursor_ends_the_walk(server: ReplayServer, fetcher: HttpFetcher) -> None:
    server.add(
        TAG_PATH, Reply(200, load("mastodon_page2.json"), {"Link": _link(server, max_id="7")})
    )
    client = MastodonClient(server.url, "IStandWithAhmadis", fetcher=fetcher)
    assert len(list(client.pages(max_pages=10))) == 2


def test_only_the_cursor_is_taken_from_the_link_header(
    server: ReplayServer, fetcher: HttpFetcher
) -> None:
    hostile = '<https://evil.example/steal?max_id=42&token=x>; rel="next"'
    server.add(TAG_PATH, Reply(200, load("mastodon_page2.json"), {"Link": hostile}), Reply(200, []))
    client = MastodonClient(server.url, "IStandWithAhmadis", fetcher=fetcher)
    page = client.fetch_page()
    assert page.next_max_id == "42"
    client.fetch_page(max_id=page.next_max_id)
    assert server.seen[-1].path == TAG_PATH  # still our server
    weird = "<https://m.example/?max_id=" + "9" * 100 + '>; rel="next"'
    server.add("/api/v1/timelines/tag/x", Reply(200, load("mastodon_page2.json"), {"Link": weird}))
    assert MastodonClient(server.url, "x", fetcher=fetcher).fetch_page().next_max_id is None


def test_a_malformed_item_in_the_middle_of_a_served_page(
    server: ReplayServer, fetcher: HttpFetcher
) -> None:
    statuses = load("mastodon_page2.json")
    statuses.insert(1, {"id": "1", "uri": 5, "content": None})
    statuses.insert(1, ["not", "a", "status"])
    server.add(TAG_PATH, Reply(200, statuses))
    page = MastodonClient(server.url, "IStandWithAhmadis", fetcher=fetcher).fetch_page()
    assert [post.text for post in page.posts] == ["First post of the campaign #IStandWithAhmadis"]
    assert [(item.position, item.code) for item in page.report.skipped] == [
        (0, "no-matching-hashtag"),
        (1, "not-an-object"),
        (2, "missing-field"),
        (3, "not-public"),
    ]


def test_server_errors_surface_as_fetch_errors(server: ReplayServer, fetcher: HttpFetcher) -> None:
    server.add(TAG_PATH, Reply(500))
    with pytest.raises(FetchError):
        MastodonClient(server.url, "IStandWithAhmadis", fetcher=fetcher).fetch_page()


def test_client_configuration() -> None:
    client = MastodonClient("Mastodon.Example", "＃ＩStandWithAhmadis", page_size=500)
    assert client.endpoint == "https://mastodon.example/api/v1/timelines/tag/IStandWithAhmadis"
    assert client.page_size == MAX_PAGE_SIZE
    urdu = MastodonClient("mastodon.example", "#احمدی")
    assert urdu.endpoint.endswith("/tag/%D8%A7%D8%AD%D9%85%D8%AF%DB%8C")
    with pytest.raises(SocialImportError):
        MastodonClient("javascript:alert(1)", "tag")
    with pytest.raises(InvalidHashtag):
        MastodonClient("mastodon.example", "not a tag")
