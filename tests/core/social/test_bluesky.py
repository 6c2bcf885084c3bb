"""Bluesky searchPosts: parsing, link facets, sessions and cursors over HTTP."""

from __future__ import annotations

import datetime as dt
import json

import pytest

from ahmadi_campaign.errors import FetchError, InvalidSocialData, SocialImportError
from ahmadi_campaign.social import (
    BLUESKY_ENTRYWAY,
    BLUESKY_PUBLIC_HOST,
    BlueskyClient,
    HttpFetcher,
    MediaLink,
    Source,
    parse_search_posts,
)
from ahmadi_campaign.social.bluesky import _expand_links

from .replay import DATA, ReplayServer, Reply, load
from .test_posts import assert_no_executable_markup

SEARCH = "/xrpc/app.bsky.feed.searchPosts"
LOGIN = "/xrpc/com.atproto.server.createSession"
REFRESH = "/xrpc/com.atproto.server.refreshSession"
SESSION = {
    "did": "did:plc:z72i7hdynmk6r22z27h6tvur",
    "handle": "amina.bsky.social",
    "accessJwt": "access-1",
    "refreshJwt": "refresh-1",
}


def test_page_one() -> None:
    page = parse_search_posts(load("bluesky_page1.json"))
    assert page.cursor == "4"
    assert page.report.total == 4
    assert [(item.position, item.code) for item in page.report.skipped] == [(1, "bad-id")]
    first, reply, unverified = page.posts
    assert first.source is Source.BLUESKY
    assert (
        first.source_id == "at://did:plc:z72i7hdynmk6r22z27h6tvur/app.bsky.feed.post/3kfyv4jq6ps2a"
    )
    assert first.url == "https://bsky.app/profile/amina.bsky.social/post/3kfyv4jq6ps2a"
    assert first.author_name == "Amina" and first.author_handle == "amina.bsky.social"
    assert first.created_at == dt.datetime(2015, 12, 2, 10, tzinfo=dt.UTC)
    assert first.language == "ur"
    assert first.hashtags == ("IStandWithAhmadis",)
    # The shortened link text is replaced by the facet's full URL.
    link = "https://www.amnesty.org/en/latest/news/2015/12/pakistan-ahmadis/"
    assert first.text == f"ہم ساتھ ہیں #IStandWithAhmadis {link}"
    assert f'href="{link}"' in first.html
    assert_no_executable_markup(first.html)
    assert reply.is_reply and not first.is_reply
    assert reply.media == (
        MediaLink(
            "https://cdn.bsky.app/img/feed_fullsize/plain/did:plc:ewvi7nxzyoun6zhxrhs64oiz/bafkrei1@jpeg",
            "Candles",
        ),
    )
    assert reply.hashtags == ("istandwithahmadis",)
    # handle.invalid: the profile URL uses the DID; a bad createdAt falls back to indexedAt.
    assert unverified.url == (
        "https://bsky.app/profile/did:plc:4ufb5qxwzjhsgugn6tgzeeb4/post/3kfyv4jq6ps2c"
    )
    assert unverified.author_handle == "did:plc:4ufb5qxwzjhsgugn6tgzeeb4"
    assert unverified.author_name == ""
    assert unverified.created_at == dt.datetime(2015, 12, 2, 8, 0, 1, 500000, tzinfo=dt.UTC)


def _post(**changes: object) -> dict[str, object]:
    post = load("bluesky_page2.json")["posts"][0]
    for key, value in changes.items():
        if key.startswith("record_"):
            post["record"][key[7:]] = value
        else:
            post[key] = value
    return post


@pytest.mark.parametrize(
    ("changes", "code"),
    [
        ({"uri": "at://did:plc:abc/app.bsky.feed.like/3k"}, "bad-id"),
        ({"uri": "at://did:plc:abc/app.bsky.feed.post/3k/../x"}, "bad-id"),
        (
            {"author": {"handle": "no spaces allowed", "did": "javascript:alert(1)"}},
            "missing-field",
        ),
        ({"record_createdAt": "2015-12-01", "indexedAt": None}, "bad-date"),
        ({"record_text": " \u200b "}, "empty"),
        ({"record": ["not", "an", "object"]}, "missing-field"),
    ],
)
def test_bad_posts_are_skipped(changes: dict[str, object], code: str) -> None:
    page = parse_search_posts({"posts": [_post(**changes), _post()]})
    assert len(page.posts) == 1
    assert [item.code for item in page.report.skipped] == [code]


@pytest.mark.parametrize(
    ("created", "indexed", "expected"),
    [
        ("2099-01-01T00:00:00Z", "2015-12-02T10:00:00Z", "2015-12-02T10:00:00+00:00"),
        ("2015-12-02T10:05:00Z", "2015-12-02T10:00:00Z", "2015-12-02T10:05:00+00:00"),
        ("2015-12-01T10:00:00Z", "2015-12-02T10:00:00Z", "2015-12-01T10:00:00+00:00"),
        ("2015-12-01T10:00:00Z", None, "2015-12-01T10:00:00+00:00"),
        ("soon", "2015-12-02T10:00:00Z", "2015-12-02T10:00:00+00:00"),
    ],
)
def test_a_post_cannot_date_itself_into_the_future(
    created: str, indexed: str | None, expected: str
) -> None:
    (post,) = parse_search_posts(
        {"posts": [_post(record_createdAt=created, indexedAt=indexed)]}
    ).posts
    assert post.created_at.isoformat() == expected


def test_hostile_text_is_plain_text() -> None:
    text = '<script>alert(1)</script> <a href="javascript:x">\u202eevil</a> #IStandWithAhmadis'
    (post,) = parse_search_posts({"posts": [_post(record_text=text)]}).posts
    assert_no_executable_markup(post.html)
    assert "&lt;script&gt;" in post.html and "\u202e" not in post.text + post.html


def test_tags_from_the_record_and_images_inside_record_with_media() -> None:
    post = _post(
        record_tags=["Ahmadiyya", 5],
        embed={
            "$type": "app.bsky.embed.recordWithMedia#view",
            "media": {"images": [{"thumb": "https://cdn.example/t.jpg"}, {"fullsize": "ftp://x"}]},
        },
    )
    (parsed,) = parse_search_posts({"posts": [post]}).posts
    assert parsed.hashtags == ("IStandWithAhmadis", "Ahmadiyya")
    assert parsed.media == (MediaLink("https://cdn.example/t.jpg"),)


@pytest.mark.parametrize(
    ("text", "facets", "expected"),
    [
        ("see ex.com/a...", [((4, 15), "https://ex.com/abc")], "see https://ex.com/abc"),
        ("read this", [((5, 9), "https://ex.com/x")], "read this (https://ex.com/x)"),
        ("é ex.com…", [((3, 12), "https://ex.com/1")], "é https://ex.com/1"),
        ("é ex.com", [((1, 8), "https://ex.com/1")], "é ex.com"),  # cuts a character
        ("ab", [((0, 9), "https://ex.com/1")], "ab"),  # out of range
        ("ab", [((1, 1), "https://ex.com/1")], "ab"),  # empty
        ("a b", [((0, 1), "javascript:alert(1)")], "a b"),
        (
            "ab cd",
            [((0, 2), "https://x.example/ab"), ((1, 4), "https://y.example/")],
            "https://x.example/ab cd",
        ),
    ],
)
def test_expand_links(text: str, facets: list[tuple[tuple[int, int], str]], expected: str) -> None:
    raw = [
        {
            "index": {"byteStart": start, "byteEnd": end},
            "features": [{"$type": "app.bsky.richtext.facet#link", "uri": uri}],
        }
        for (start, end), uri in facets
    ]
    raw.append({"index": {"byteStart": "0"}, "features": []})
    assert _expand_links(text, raw) == expected


@pytest.mark.parametrize(
    ("response", "message"),
    [
        (b"{", "not valid JSON"),
        (b"[]", "should be an object, not an array"),
        (b'{"cursor": "1"}', "should be a JSON array, not null"),
        (b'{"posts": {}}', "should be a JSON array, not an object"),
    ],
)
def test_a_response_of_the_wrong_shape_raises(response: bytes, message: str) -> None:
    with pytest.raises(InvalidSocialData, match=message):
        parse_search_posts(response)


def test_json_bytes_are_accepted() -> None:
    raw = (DATA / "bluesky_page1.json").read_bytes()
    assert parse_search_posts(raw) == parse_search_posts(load("bluesky_page1.json"))
    assert parse_search_posts(b'{"posts": [], "cursor": ""}').cursor is None


# ---------------------------------------------------------------------------- the client


def test_public_search_reads_one_page(server: ReplayServer, fetcher: HttpFetcher) -> None:
    server.add(SEARCH, Reply(200, load("bluesky_page1.json")))
    client = BlueskyClient(server.url, "#IStandWithAhmadis", fetcher=fetcher)
    assert not client.authenticated
    pages = list(client.pages())
    assert [len(page.posts) for page in pages] == [3]
    assert pages[0].cursor == "4"  # there is more, but not for anonymous clients
    (seen,) = server.seen
    assert seen.query == {"q": ["#IStandWithAhmadis"], "sort": ["latest"], "limit": ["25"]}
    assert "authorization" not in seen.headers


def test_anonymous_search_refused(server: ReplayServer, fetcher: HttpFetcher) -> None:
    server.add(
        SEARCH, Reply(403, "<html><title>403 Forbidden</title></html>", content_type="text/html")
    )
    client = BlueskyClient(server.url, "IStandWithAhmadis", fetcher=fetcher)
    with pytest.raises(FetchError, match="HTTP 403.*give a handle and an app password") as caught:
        client.fetch_page(cursor="25")
    assert caught.value.status == 403 and len(server.seen) == 1


def test_pages_stop_on_an_empty_page_or_a_repeated_cursor(
    server: ReplayServer, fetcher: HttpFetcher
) -> None:
    server.add(LOGIN, Reply(200, SESSION))
    server.add(SEARCH, Reply(200, {"posts": [], "cursor": "9"}))
    client = BlueskyClient(server.url, "IStandWithAhmadis", "a.bsky.social", "pw", fetcher=fetcher)
    assert len(list(client.pages())) == 1
    posts = load("bluesky_page2.json")["posts"]
    server.routes[SEARCH] = [Reply(200, {"posts": posts, "cursor": "9"})]
    assert len(list(client.pages(max_pages=5))) == 2
    assert server.seen[-1].query["cursor"] == ["9"]


def test_authenticated_search_opens_a_session_once(
    server: ReplayServer, fetcher: HttpFetcher
) -> None:
    server.add(LOGIN, Reply(200, SESSION))
    server.add(
        SEARCH, Reply(200, load("bluesky_page1.json")), Reply(200, load("bluesky_page2.json"))
    )
    client = BlueskyClient(
        server.url, "IStandWithAhmadis", "amina.bsky.social", "app-pass-word", fetcher=fetcher
    )
    assert client.authenticated
    assert "app-pass-word" not in repr(client)
    list(client.pages())
    assert server.paths() == [LOGIN, SEARCH, SEARCH]
    login = server.seen[0]
    assert login.method == "POST"
    assert json.loads(login.body) == {
        "identifier": "amina.bsky.social",
        "password": "app-pass-word",
    }
    assert all(seen.headers["authorization"] == "Bearer access-1" for seen in server.seen[1:])
    assert "app-pass-word" not in repr(vars(client))  # forgotten once the session is open


def test_an_expired_token_is_refreshed(server: ReplayServer, fetcher: HttpFetcher) -> None:
    expired = Reply(400, {"error": "ExpiredToken", "message": "Token has expired"})
    server.add(LOGIN, Reply(200, SESSION))
    server.add(REFRESH, Reply(200, {**SESSION, "accessJwt": "access-2", "refreshJwt": "refresh-2"}))
    server.add(SEARCH, expired, Reply(200, load("bluesky_page2.json")))
    client = BlueskyClient(
        server.url, "IStandWithAhmadis", "amina.bsky.social", "pw", fetcher=fetcher
    )
    assert len(client.fetch_page().posts) == 1
    assert server.paths() == [LOGIN, SEARCH, REFRESH, SEARCH]
    assert server.seen[2].headers["authorization"] == "Bearer refresh-1"
    assert server.seen[3].headers["authorization"] == "Bearer access-2"


def test_a_wrong_password_is_a_clear_error_and_not_retried(
    server: ReplayServer, fetcher: HttpFetcher
) -> None:
    server.add(
        LOGIN,
        Reply(
            401, {"error": "AuthenticationRequired", "message": "Invalid identifier or password"}
        ),
    )
    client = BlueskyClient(
        server.url, "IStandWithAhmadis", "amina.bsky.social", "wrong", fetcher=fetcher
    )
    with pytest.raises(FetchError, match="Invalid identifier or password") as caught:
        client.fetch_page()
    assert caught.value.status == 401 and caught.value.error == "AuthenticationRequired"
    assert server.paths() == [LOGIN]


def test_other_errors_are_not_refreshed(server: ReplayServer, fetcher: HttpFetcher) -> None:
    server.add(SEARCH, Reply(400, {"error": "InvalidRequest", "message": "bad query"}))
    with pytest.raises(FetchError, match="InvalidRequest"):
        BlueskyClient(server.url, "x", fetcher=fetcher).fetch_page()


def test_a_session_response_without_tokens(server: ReplayServer, fetcher: HttpFetcher) -> None:
    server.add(LOGIN, Reply(200, {"did": "did:plc:x"}))
    client = BlueskyClient(server.url, "x", "a.bsky.social", "pw", fetcher=fetcher)
    with pytest.raises(InvalidSocialData, match="accessJwt"):
        client.fetch_page()


def test_hosts_and_validation() -> None:
    assert BlueskyClient(None, "x").base_url == BLUESKY_PUBLIC_HOST
    assert BlueskyClient(None, "x", "a.bsky.social", "pw").base_url == BLUESKY_ENTRYWAY
    assert BlueskyClient("pds.example", "x", "a.example", "pw").base_url == "https://pds.example"
    assert BlueskyClient(None, "x", page_size=1000).page_size == 100
    with pytest.raises(SocialImportError, match="both"):
        BlueskyClient(None, "x", "a.bsky.social")
    with pytest.raises(SocialImportError, match="both"):
        BlueskyClient(None, "x", app_password="pw")
