"""Bluesky: hashtag search results parsed into :class:`~.posts.SocialPost`.

:class:`BlueskyClient` calls ``app.bsky.feed.searchPosts`` (response
``{"posts": [PostView...], "cursor": "..."}``) on the public AppView, or on the
account's server after ``com.atproto.server.createSession`` when the caller passes a
handle and an app password. A post is identified by its ``at://`` URI; its web address
is ``https://bsky.app/profile/<handle>/post/<rkey>``. Links that the post text shows
shortened are restored from the record's link facets.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from ..campaign import Hashtag
from ..errors import FetchError, InvalidSocialData, SocialImportError
from ..sanitize import text_to_html
from ..text import normalize_text
from .http import HttpFetcher, JsonResponse, service_url
from .posts import (
    ItemError,
    ParseReport,
    SocialPost,
    Source,
    aware_datetime,
    check_source_id,
    get_list,
    get_object,
    get_str,
    json_type,
    language_code,
    load_json,
    media_links,
    one_line,
    parse_items,
    text_hashtags,
    unique_hashtags,
    web_url,
)

__all__ = [
    "BLUESKY_ENTRYWAY",
    "BLUESKY_PUBLIC_HOST",
    "BlueskyClient",
    "BlueskyPage",
    "parse_search_posts",
]

#: The public AppView: search without an account.
BLUESKY_PUBLIC_HOST = "https://public.api.bsky.app"
#: Where accounts hosted by Bluesky log in (other servers host their own accounts).
BLUESKY_ENTRYWAY = "https://bsky.social"
#: Most posts ``searchPosts`` returns per page.
MAX_PAGE_SIZE = 100

_POST_URI = re.compile(r"at://(?P<repo>[^/\s]+)/app\.bsky\.feed\.post/(?P<rkey>[A-Za-z0-9._:~-]+)")
_HANDLE = re.compile(r"(?:[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z][a-z0-9-]*[a-z0-9]")
_DID = re.compile(r"did:[a-z]+:[A-Za-z0-9._:%-]+")
_LINK_FACET = "app.bsky.richtext.facet#link"
_TAG_FACET = "app.bsky.richtext.facet#tag"
_EXPIRED = frozenset({"ExpiredToken", "InvalidToken"})
_CLOCK_SKEW = dt.timedelta(minutes=10)  # how far ahead of the AppView a client clock may run


@dataclass(frozen=True, slots=True)
class BlueskyPage:
    """One page of search results and the cursor of the next one (``None`` at the end)."""

    report: ParseReport
    cursor: str | None = None

    @property
    def posts(self) -> tuple[SocialPost, ...]:
        return self.report.posts


def parse_search_posts(response: object, *, hashtags: Iterable[str | Hashtag] = ()) -> BlueskyPage:
    """Parse a ``searchPosts`` response (decoded, or JSON text or bytes).

    With *hashtags*, posts carrying none of them are skipped. Raises
    :class:`~ahmadi_campaign.errors.InvalidSocialData` when the response is not JSON or
    has no ``posts`` array; bad posts are skipped and reported.
    """
    data = load_json(response, "The Bluesky response")
    if not isinstance(data, dict):
        raise InvalidSocialData(f"A Bluesky response should be an object, not {json_type(data)}.")
    report = parse_items(data.get("posts"), "The 'posts' of a Bluesky response", hashtags, _post)
    cursor = data.get("cursor")
    return BlueskyPage(report, cursor if isinstance(cursor, str) and cursor else None)


def _post(item: Mapping[str, Any]) -> SocialPost:
    uri = check_source_id(get_str(item, "uri", required=True))
    if not (match := _POST_URI.fullmatch(uri)):
        raise ItemError("bad-id", "The 'uri' is not the at:// URI of a post.")
    author = get_object(item, "author")
    handle = get_str(author, "handle").lower()
    if not _HANDLE.fullmatch(handle) or handle == "handle.invalid":
        handle = get_str(author, "did") or match["repo"]
        if not _DID.fullmatch(handle):
            raise ItemError("missing-field", "The author has neither a valid handle nor a DID.")
    record = get_object(item, "record")
    facets = [facet for facet in get_list(record, "facets") if isinstance(facet, dict)]
    text = normalize_text(_expand_links(get_str(record, "text"), facets))
    created_at = _created_at(record.get("createdAt"), item.get("indexedAt"))
    media = media_links(_images(get_object(item, "embed")))
    if not text and not media:
        raise ItemError("empty", "The post has neither text nor images.")
    langs = get_list(record, "langs")
    facet_tags = (
        feature.get("tag")
        for facet in facets
        for feature in get_list(facet, "features")
        if isinstance(feature, dict) and feature.get("$type") == _TAG_FACET
    )
    record_tags = get_list(record, "tags")
    return SocialPost(
        source=Source.BLUESKY,
        source_id=uri,
        url=f"https://bsky.app/profile/{handle}/post/{match['rkey']}",
        author_name=one_line(get_str(author, "displayName")),
        author_handle=handle,
        created_at=created_at,
        text=text,
        html=text_to_html(text),
        language=language_code(langs[0]) if langs else "",
        hashtags=unique_hashtags(
            text_hashtags(text),
            (tag for tag in [*facet_tags, *record_tags] if isinstance(tag, str)),
        ),
        media=media,
        is_reply=isinstance(record.get("reply"), dict),
    )


def _created_at(declared: object, indexed: object) -> dt.datetime:
    """When the post was written: ``createdAt``, unless it lies in the future of ``indexedAt``.

    ``createdAt`` is whatever the client claims; ``indexedAt`` is when the AppView saw the
    post. A post dated after it was indexed (to stay on top of a wall) takes ``indexedAt``.
    """
    try:
        seen = aware_datetime(indexed, "indexedAt")
    except ItemError:
        return aware_datetime(declared, "record.createdAt")
    try:
        written = aware_datetime(declared, "record.createdAt")
    except ItemError:
        return seen
    return seen if written > seen + _CLOCK_SKEW else written


def _images(embed: Mapping[str, Any]) -> Iterator[tuple[object, object]]:
    """``(url, alt)`` of the images in an embed view (also inside a record with media)."""
    media = embed.get("media")
    if isinstance(media, dict):
        yield from _images(media)
    for image in get_list(embed, "images"):
        if isinstance(image, dict):
            yield image.get("fullsize") or image.get("thumb"), image.get("alt")


def _expand_links(text: str, facets: Sequence[Mapping[str, Any]]) -> str:
    """Put back the full URL of each link facet where the text shows it shortened.

    Facets index the UTF-8 bytes of the text. A facet out of range, overlapping another
    or cutting a character is ignored. A label that is not part of its URL is kept and
    followed by the URL in brackets, so the reader sees where a link goes.
    """
    spans: list[tuple[int, int, str]] = []
    for facet in facets:
        index = get_object(facet, "index")
        start, end = index.get("byteStart"), index.get("byteEnd")
        if not isinstance(start, int) or not isinstance(end, int):
            continue
        for feature in get_list(facet, "features"):
            if isinstance(feature, dict) and feature.get("$type") == _LINK_FACET:
                if uri := web_url(feature.get("uri")):
                    spans.append((start, end, uri))
    raw = text.encode()
    pieces: list[str] = []
    position = 0
    for start, end, uri in sorted(spans):
        if not position <= start < end <= len(raw):
            continue
        try:
            before, label = raw[position:start].decode(), raw[start:end].decode()
        except UnicodeDecodeError:
            continue
        shown = label.strip().rstrip(".\u2026").removeprefix("https://").removeprefix("http://")
        pieces += [before, uri if shown in uri else f"{label} ({uri})"]
        position = end
    try:
        return "".join(pieces) + raw[position:].decode()
    except UnicodeDecodeError:
        return text


class BlueskyClient:
    """Search Bluesky posts with one hashtag, newest first, page by page.

    Without credentials the public AppView is asked (*host* ``None`` means
    :data:`BLUESKY_PUBLIC_HOST`); it serves one page at most, and Bluesky switches
    anonymous search off when bots overload it (HTTP 403). With *handle* and
    *app_password*, a session is opened on *host* (``None`` means
    :data:`BLUESKY_ENTRYWAY`) on the first request: the password is sent once and then
    forgotten; only the session tokens are kept, in memory.
    """

    def __init__(
        self,
        host: str | None,
        hashtag: str | Hashtag,
        handle: str | None = None,
        app_password: str | None = None,
        *,
        fetcher: HttpFetcher | None = None,
        page_size: int = 25,
    ) -> None:
        if bool(handle) != bool(app_password):
            raise SocialImportError("Give both a Bluesky handle and an app password, or neither.")
        self.hashtag = hashtag if isinstance(hashtag, Hashtag) else Hashtag(hashtag)
        default = BLUESKY_ENTRYWAY if handle else BLUESKY_PUBLIC_HOST
        self.base_url = service_url(host or default, "Bluesky server")
        self.fetcher = fetcher or HttpFetcher()
        self.page_size = max(1, min(page_size, MAX_PAGE_SIZE))
        self._login: tuple[str, str] | None = (
            (handle, app_password) if handle and app_password else None
        )
        self._access_token = ""
        self._refresh_token = ""

    @property
    def authenticated(self) -> bool:
        """Whether searches run in an account's session."""
        return bool(self._login or self._access_token)

    def __repr__(self) -> str:
        return f"BlueskyClient({self.base_url!r}, {str(self.hashtag)!r})"

    def fetch_page(self, cursor: str | None = None) -> BlueskyPage:
        """Fetch one page of the newest posts with the hashtag, after *cursor* if given."""
        params: dict[str, str | int] = {
            "q": str(self.hashtag),
            "sort": "latest",
            "limit": self.page_size,
        }
        if cursor:
            params["cursor"] = cursor
        url = f"{self.base_url}/xrpc/app.bsky.feed.searchPosts"
        try:
            response = self._get(url, params)
        except FetchError as error:
            if error.status == 403 and not self.authenticated:
                raise FetchError(
                    f"{error} Bluesky often refuses search to anonymous clients (always with a "
                    "cursor): give a handle and an app password.",
                    url=error.url,
                    status=error.status,
                    attempts=error.attempts,
                    error=error.error,
                ) from error
            if error.error not in _EXPIRED or not self._refresh_token:
                raise
            self._refresh_session()
            response = self._get(url, params)
        return parse_search_posts(response.data, hashtags=[self.hashtag])

    def pages(self, *, max_pages: int = 10) -> Iterator[BlueskyPage]:
        """Yield pages from the newest post on, until the results or *max_pages* run out.

        Anonymous clients get the first page only: the public AppView refuses a cursor.
        """
        cursor: str | None = None
        for _ in range(max_pages if self.authenticated else 1):
            page = self.fetch_page(cursor)
            yield page
            if not page.cursor or page.cursor == cursor or not page.report.total:
                return
            cursor = page.cursor

    def _get(self, url: str, params: Mapping[str, str | int]) -> JsonResponse:
        if self._login:
            self._create_session(*self._login)
        headers = {"Authorization": f"Bearer {self._access_token}"} if self._access_token else {}
        return self.fetcher.get_json(url, params, headers=headers)

    def _create_session(self, handle: str, app_password: str) -> None:
        self._login = None  # one attempt only: a wrong password must not be retried
        response = self.fetcher.post_json(
            f"{self.base_url}/xrpc/com.atproto.server.createSession",
            {"identifier": handle, "password": app_password},
        )
        self._store_tokens(response)

    def _refresh_session(self) -> None:
        response = self.fetcher.post_json(
            f"{self.base_url}/xrpc/com.atproto.server.refreshSession",
            None,
            headers={"Authorization": f"Bearer {self._refresh_token}"},
        )
        self._store_tokens(response)

    def _store_tokens(self, response: JsonResponse) -> None:
        data = response.data
        access = data.get("accessJwt") if isinstance(data, dict) else None
        refresh = data.get("refreshJwt") if isinstance(data, dict) else None
        if not isinstance(access, str) or not isinstance(refresh, str) or not access:
            raise InvalidSocialData("The Bluesky session response has no accessJwt/refreshJwt.")
        self._access_token, self._refresh_token = access, refresh
