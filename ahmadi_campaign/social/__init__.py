"""Importing posts from Mastodon, Bluesky and X archives as message candidates.

The parsers (:func:`parse_statuses`, :func:`parse_search_posts`,
:func:`parse_tweets_js`, :func:`read_x_archive`) turn each network's documented shape
into :class:`SocialPost` values and a :class:`ParseReport` of what was skipped and why;
the clients (:class:`MastodonClient`, :class:`BlueskyClient`) fetch pages through one
:class:`HttpFetcher` built on ``urllib``. Nothing here stores credentials, loads media or
evaluates downloaded code.
"""

from .bluesky import (
    BLUESKY_ENTRYWAY,
    BLUESKY_PUBLIC_HOST,
    BlueskyClient,
    BlueskyPage,
    parse_search_posts,
)
from .headers import parse_link_header, parse_retry_after
from .http import HttpFetcher, JsonResponse
from .markup import html_to_text
from .mastodon import MastodonClient, MastodonPage, parse_statuses
from .posts import MediaLink, ParseReport, SkippedItem, SocialPost, Source
from .xarchive import parse_tweets_js, read_x_archive, strip_js_assignment

__all__ = [
    "BLUESKY_ENTRYWAY",
    "BLUESKY_PUBLIC_HOST",
    "BlueskyClient",
    "BlueskyPage",
    "HttpFetcher",
    "JsonResponse",
    "MastodonClient",
    "MastodonPage",
    "MediaLink",
    "ParseReport",
    "SkippedItem",
    "SocialPost",
    "Source",
    "html_to_text",
    "parse_link_header",
    "parse_retry_after",
    "parse_search_posts",
    "parse_statuses",
    "parse_tweets_js",
    "read_x_archive",
    "strip_js_assignment",
]
