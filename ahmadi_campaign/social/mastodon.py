"""Mastodon: the hashtag timeline of one server, parsed into :class:`~.posts.SocialPost`.

:class:`MastodonClient` reads ``GET /api/v1/timelines/tag/:hashtag``, an array of
`Status <https://docs.joinmastodon.org/entities/Status/>`_ entities, and follows the
``Link`` header's ``max_id`` (older) and ``min_id`` (newer) cursors.
:func:`parse_statuses` turns such an array into posts. A status ``id`` is local to the
server that was asked, so posts are identified by their global ``uri``; a boost is read
as the status it boosts (same ``uri``, so a wall keeps it once) and flagged
``is_reblog``. Direct and followers-only statuses are never kept.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, replace
from typing import Any
from urllib.parse import parse_qs, quote, urlsplit

from ..campaign import Hashtag
from .http import HttpFetcher, service_url
from .markup import read_html
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
    language_code,
    load_json,
    media_links,
    one_line,
    parse_items,
    text_hashtags,
    unique_hashtags,
    web_url,
)

__all__ = ["MastodonClient", "MastodonPage", "parse_statuses"]

#: Most statuses the tag timeline returns per page.
MAX_PAGE_SIZE = 40

# Mastodon wraps hashtags and mentions in links to its own pages; on a wall they are text.
_UNLINKED_CLASSES = ("hashtag", "mention")
_PUBLIC = frozenset({"public", "unlisted"})


def parse_statuses(statuses: object, *, hashtags: Iterable[str | Hashtag] = ()) -> ParseReport:
    """Parse an array of Mastodon Status entities (decoded, or JSON text or bytes).

    With *hashtags*, posts carrying none of them are skipped (code
    ``"no-matching-hashtag"``). Raises :class:`~ahmadi_campaign.errors.InvalidSocialData`
    when the page is not JSON or not an array; bad statuses are skipped and reported.
    """
    return parse_items(
        load_json(statuses, "The Mastodon page"), "A Mastodon page", hashtags, _status
    )


def _status(item: Mapping[str, Any], boosted: bool = False) -> SocialPost:
    visibility = get_str(item, "visibility")
    if visibility and visibility not in _PUBLIC:
        raise ItemError("not-public", f"The status is {visibility!r}, not public.")
    reblog = item.get("reblog")
    if reblog is not None and not boosted:
        if not isinstance(reblog, dict):
            raise ItemError("missing-field", "Field 'reblog' should be an object or null.")
        return replace(_status(reblog, boosted=True), is_reblog=True)
    uri = check_source_id(get_str(item, "uri", required=True))
    url = web_url(item.get("url")) or web_url(uri)
    if not url:
        raise ItemError("bad-url", "The status has no http(s) 'url' or 'uri'.")
    account = get_object(item, "account")
    handle = get_str(account, "acct", required=True)
    if "@" not in handle and (host := urlsplit(web_url(account.get("url"))).hostname):
        handle = f"{handle}@{host}"  # a local account: name its server too
    text, markup = read_html(get_str(item, "content"), unlink=_UNLINKED_CLASSES)
    media = media_links(
        (entry.get("url") or entry.get("remote_url"), entry.get("description"))
        for entry in get_list(item, "media_attachments")
        if isinstance(entry, dict)
    )
    if not text and not media:
        raise ItemError("empty", "The status has neither text nor media.")
    tag_names = (tag.get("name") for tag in get_list(item, "tags") if isinstance(tag, dict))
    return SocialPost(
        source=Source.MASTODON,
        source_id=uri,
        url=url,
        author_name=one_line(get_str(account, "display_name")),
        author_handle=one_line(handle),
        created_at=aware_datetime(item.get("created_at"), "created_at"),
        text=text,
        html=markup,
        language=language_code(item.get("language")),
        hashtags=unique_hashtags(text_hashtags(text), (n for n in tag_names if isinstance(n, str))),
        media=media,
        is_reply=item.get("in_reply_to_id") is not None,
        sensitive=item.get("sensitive") is True,
        content_warning=one_line(get_str(item, "spoiler_text")),
    )


@dataclass(frozen=True, slots=True)
class MastodonPage:
    """One page of a tag timeline and the cursors the ``Link`` header gave.

    ``next_max_id`` asks for older statuses; ``prev_min_id`` for newer ones (keep the
    first page's to resume a later import). Both are ``None`` when the header lacks them.
    """

    report: ParseReport
    next_max_id: str | None = None
    prev_min_id: str | None = None

    @property
    def posts(self) -> tuple[SocialPost, ...]:
        return self.report.posts


class MastodonClient:
    """Read one hashtag's public timeline on one Mastodon server.

    *instance* is a host name (``"mastodon.social"``, https implied) or an http(s) origin.
    With *local*, only statuses posted on that server are listed. Pass an
    :class:`~.http.HttpFetcher` to set timeouts, retries and limits.
    """

    def __init__(
        self,
        instance: str,
        hashtag: str | Hashtag,
        *,
        fetcher: HttpFetcher | None = None,
        page_size: int = MAX_PAGE_SIZE,
        local: bool = False,
    ) -> None:
        self.hashtag = hashtag if isinstance(hashtag, Hashtag) else Hashtag(hashtag)
        self.base_url = service_url(instance, "Mastodon server")
        name = unicodedata.normalize("NFKC", self.hashtag.text)  # as servers store tag names
        self.endpoint = f"{self.base_url}/api/v1/timelines/tag/{quote(name, safe='')}"
        self.fetcher = fetcher or HttpFetcher()
        self.page_size = max(1, min(page_size, MAX_PAGE_SIZE))
        self.local = local

    def fetch_page(
        self,
        *,
        max_id: str | None = None,
        since_id: str | None = None,
        min_id: str | None = None,
    ) -> MastodonPage:
        """Fetch one page: older than *max_id*, newer than *since_id* or right after *min_id*.

        Posts not carrying the hashtag (a server may match tags loosely) are skipped.
        """
        params: dict[str, str | int] = {"limit": self.page_size}
        for name, value in (("max_id", max_id), ("since_id", since_id), ("min_id", min_id)):
            if value:
                params[name] = value
        if self.local:
            params["local"] = "true"
        response = self.fetcher.get_json(self.endpoint, params)
        report = parse_statuses(response.data, hashtags=[self.hashtag])
        links = response.links
        next_max_id = _cursor(links.get("next"), "max_id") if response.data else None
        return MastodonPage(report, next_max_id, _cursor(links.get("prev"), "min_id"))

    def pages(self, *, since_id: str | None = None, max_pages: int = 10) -> Iterator[MastodonPage]:
        """Yield pages from the newest back to *since_id* (or *max_pages* pages)."""
        max_id: str | None = None
        for _ in range(max_pages):
            page = self.fetch_page(max_id=max_id, since_id=since_id)
            yield page
            if not page.next_max_id or page.next_max_id == max_id or not page.report.total:
                return
            max_id = page.next_max_id


def _cursor(url: str | None, name: str) -> str | None:
    """The *name* query parameter of a ``Link`` URL: only the cursor is taken from it."""
    if not url:
        return None
    values = parse_qs(urlsplit(url).query).get(name)
    return values[0] if values and values[0].isascii() and len(values[0]) <= 64 else None
