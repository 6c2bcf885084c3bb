"""Posts imported from social networks, and the report of what a parser kept or skipped.

Every parser in ``ahmadi_campaign.social`` turns one network's documented shape into
:class:`SocialPost` values: plain text normalised with
:func:`~ahmadi_campaign.text.normalize_text`, HTML made safe with
:mod:`ahmadi_campaign.sanitize`, and a globally unique ``source_id`` to deduplicate on.
A bad item never aborts a batch: it is recorded in the :class:`ParseReport` as a
:class:`SkippedItem` with a reason, and the rest is kept.
"""

from __future__ import annotations

import datetime as dt
import json
import re
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any
from urllib.parse import urlsplit

from ..campaign import Campaign, Hashtag, extract_hashtags, hashtag_or_none
from ..errors import InvalidSocialData
from ..moderation import Candidate
from ..sanitize import count_links
from ..text import normalize_text

__all__ = ["MediaLink", "ParseReport", "SkippedItem", "SocialPost", "Source"]


class Source(StrEnum):
    """Where a post was imported from; the values match the wall's ``source`` field."""

    MASTODON = "mastodon"
    BLUESKY = "bluesky"
    X_ARCHIVE = "x-archive"


@dataclass(frozen=True, slots=True)
class MediaLink:
    """A link to an image or video of a post, with its alt text; the media is never fetched."""

    url: str
    description: str = ""


@dataclass(frozen=True, slots=True)
class SocialPost:
    """One post from a social network, ready to become a message candidate.

    ``source_id`` is unique across the whole network (a Mastodon status ``uri``, a Bluesky
    ``at://`` URI, a tweet ``id_str``), so imports can be repeated and deduplicated on
    ``(source, source_id)``. ``text`` is normalised plain text; ``html`` is sanitised and
    safe to store. ``hashtags`` hold each tag once, without ``#``.
    """

    source: Source
    source_id: str
    url: str
    author_name: str
    author_handle: str
    created_at: dt.datetime
    text: str
    html: str
    language: str = ""
    hashtags: tuple[str, ...] = ()
    media: tuple[MediaLink, ...] = ()
    is_reblog: bool = False
    is_reply: bool = False
    sensitive: bool = False
    content_warning: str = ""

    def has_hashtag(self, tags: Iterable[str | Hashtag] | Campaign) -> bool:
        """Return whether the post carries one of *tags* (or of a campaign's hashtags).

        Matching is that of :meth:`ahmadi_campaign.campaign.Hashtag.matches`: case-, width-
        and ``#``-insensitive.
        """
        wanted = tags.hashtags if isinstance(tags, Campaign) else as_hashtags(tags)
        return any(own.matches(tag) for tag in self.hashtags for own in wanted)

    @property
    def account_key(self) -> str:
        """``"<source>:<handle>"``: who posted, for flood and duplicate rules (never an address)."""
        return f"{self.source}:{self.author_handle.casefold()}"

    def to_candidate(self, fingerprint: str | None = None) -> Candidate:
        """Return the :class:`~ahmadi_campaign.moderation.Candidate` the wall's policy judges.

        The default *fingerprint* is ``"<source>:<handle>"``, so flood rules count posts per
        account: a public handle, never an IP address.
        """
        if fingerprint is None:
            fingerprint = self.account_key
        return Candidate(
            body=self.text,
            submitted_at=self.created_at,
            fingerprint=fingerprint,
            display_name=self.author_name or self.author_handle,
            link_count=count_links(self.html),
        )


@dataclass(frozen=True, slots=True)
class SkippedItem:
    """An item a parser could not use: where it was, its id if known, and why.

    ``code`` is stable and machine-readable (``"not-an-object"``, ``"missing-field"``,
    ``"bad-date"``, ``"bad-url"``, ``"empty"``, ``"not-public"``, ``"no-matching-hashtag"``);
    ``reason`` is a sentence for people.
    """

    position: int
    code: str
    reason: str
    item_id: str = ""


@dataclass(frozen=True, slots=True)
class ParseReport:
    """What one parser run kept (``posts``) and skipped (``skipped``), in input order."""

    posts: tuple[SocialPost, ...] = ()
    skipped: tuple[SkippedItem, ...] = ()

    @property
    def total(self) -> int:
        """Number of items read, kept or skipped."""
        return len(self.posts) + len(self.skipped)

    def skipped_by_code(self) -> dict[str, int]:
        """Count the skipped items per reason code."""
        counts: dict[str, int] = {}
        for item in self.skipped:
            counts[item.code] = counts.get(item.code, 0) + 1
        return counts

    def __add__(self, other: ParseReport) -> ParseReport:
        """Concatenate two reports (pages of one import)."""
        return ParseReport(self.posts + other.posts, self.skipped + other.skipped)


def as_hashtags(tags: Iterable[str | Hashtag] | str) -> tuple[Hashtag, ...]:
    """Return *tags* as :class:`~ahmadi_campaign.campaign.Hashtag` values (invalid ones raise)."""
    if isinstance(tags, str):
        tags = (tags,)
    return tuple(tag if isinstance(tag, Hashtag) else Hashtag(tag) for tag in tags)


# ---------------------------------------------------------------------------- building posts
# Helpers shared by the parsers of this package; not part of the public API.


class ItemError(Exception):
    """Raised inside a parser for one unusable item; the batch goes on."""

    def __init__(self, code: str, reason: str) -> None:
        super().__init__(reason)
        self.code = code
        self.reason = reason


def load_json(data: object, what: str) -> Any:
    """Decode *data* if it is ``str``/``bytes``; raise InvalidSocialData when it is not JSON."""
    if isinstance(data, bytes | bytearray | str):
        try:
            return json.loads(data)
        except (ValueError, RecursionError) as exc:
            raise InvalidSocialData(f"{what} is not valid JSON: {exc}") from None
    return data


@dataclass
class ReportBuilder:
    """Collects posts and skipped items, applying the optional hashtag filter."""

    hashtags: tuple[Hashtag, ...] = ()
    posts: list[SocialPost] = field(default_factory=list)
    skipped: list[SkippedItem] = field(default_factory=list)

    def add(self, position: int, post: SocialPost) -> None:
        if self.hashtags and not post.has_hashtag(self.hashtags):
            tags = ", ".join(f"#{tag.text}" for tag in self.hashtags)
            self.skip(position, "no-matching-hashtag", f"The post has none of {tags}.", post)
        else:
            self.posts.append(post)

    def skip(self, position: int, code: str, reason: str, item: object = None) -> None:
        self.skipped.append(SkippedItem(position, code, reason, item_id(item)))

    def report(self) -> ParseReport:
        return ParseReport(tuple(self.posts), tuple(self.skipped))


def item_id(item: object) -> str:
    """Best-effort identifier of a raw item or post, for skip reports."""
    if isinstance(item, SocialPost):
        return item.source_id
    if isinstance(item, Mapping):
        for key in ("uri", "id_str", "id"):
            if isinstance(value := item.get(key), str | int) and not isinstance(value, bool):
                text = str(value)[:300]
                return text if text.isprintable() else ""  # no bidi tricks in admin reports
    return ""


def parse_items(
    items: object,
    what: str,
    hashtags: Iterable[str | Hashtag],
    build: Callable[[Mapping[str, Any]], SocialPost],
) -> ParseReport:
    """Run *build* on each object of the JSON array *items*, skipping the ones that fail."""
    if not isinstance(items, list):
        raise InvalidSocialData(f"{what} should be a JSON array, not {json_type(items)}.")
    builder = ReportBuilder(as_hashtags(hashtags))
    for position, item in enumerate(items):
        if not isinstance(item, dict):
            builder.skip(position, "not-an-object", f"Item is {json_type(item)}, not an object.")
            continue
        try:
            builder.add(position, build(item))
        except ItemError as exc:
            builder.skip(position, exc.code, exc.reason, item)
    return builder.report()


def json_type(value: object) -> str:
    """Name *value*'s JSON type for error messages."""
    names = {dict: "an object", list: "an array", str: "a string", bool: "a boolean"}
    if value is None:
        return "null"
    return names.get(type(value), "a number" if isinstance(value, int | float) else "unknown")


def get_str(item: Mapping[str, Any], key: str, *, required: bool = False) -> str:
    """Return ``item[key]`` as a string ("" for null or missing unless *required*)."""
    value = item.get(key)
    if isinstance(value, str) and (value or not required):
        return value
    if value is None and not required:
        return ""
    if isinstance(value, int) and not isinstance(value, bool) and not required:
        return str(value)
    raise ItemError("missing-field", f"Field {key!r} should be a non-empty string.")


def get_object(item: Mapping[str, Any], key: str) -> Mapping[str, Any]:
    """Return ``item[key]`` as an object (empty when null or missing)."""
    value = item.get(key)
    if value is None:
        return {}
    if not isinstance(value, dict):
        raise ItemError("missing-field", f"Field {key!r} should be an object.")
    return value


def get_list(item: Mapping[str, Any], key: str) -> list[Any]:
    """Return ``item[key]`` as a list (empty when null or missing or not a list)."""
    value = item.get(key)
    return value if isinstance(value, list) else []


# Python's \s is str.isspace(), Unicode spaces included.
_SPACE_OR_CONTROL = re.compile(r"[\s\x00-\x1f]")


def web_url(value: object) -> str:
    """Return *value* if it is an absolute http(s) URL without spaces, else ""."""
    if not isinstance(value, str) or _SPACE_OR_CONTROL.search(value):
        return ""
    try:
        parts = urlsplit(value)
    except ValueError:
        return ""
    return value if parts.scheme.lower() in ("http", "https") and parts.hostname else ""


#: Longest ``source_id`` kept (the wall stores it in a 255-character column).
MAX_SOURCE_ID_LENGTH = 255


def check_source_id(value: str) -> str:
    """Return *value* if it can serve as a source id: printable ASCII, at most 255 characters."""
    if len(value) > MAX_SOURCE_ID_LENGTH or not value.isprintable() or not value.isascii():
        raise ItemError("bad-id", "The id is not printable ASCII of at most 255 characters.")
    return value


def aware_datetime(value: object, field_name: str) -> dt.datetime:
    """Parse an ISO 8601 timestamp that carries a UTC offset."""
    if isinstance(value, str):
        try:
            parsed = dt.datetime.fromisoformat(value.strip())
        except ValueError:
            pass
        else:
            if parsed.utcoffset() is not None:
                return parsed
    raise ItemError("bad-date", f"Field {field_name!r} is not a timestamp with a time zone.")


def one_line(value: str) -> str:
    """Normalise a name or a content warning to one line of text."""
    return normalize_text(value, multiline=False)


def unique_hashtags(*groups: Iterable[str]) -> tuple[str, ...]:
    """Merge tag spellings, keeping the first of each, dropping invalid ones."""
    found: dict[str, str] = {}
    for group in groups:
        for raw in group:
            tag = hashtag_or_none(raw)
            if tag is not None:
                found.setdefault(tag.key, tag.text)
    return tuple(found.values())


def text_hashtags(text: str) -> Iterator[str]:
    """Hashtags written in running *text*."""
    return (tag.text for tag in extract_hashtags(text))


def media_links(pairs: Iterable[tuple[object, object]]) -> tuple[MediaLink, ...]:
    """Keep the http(s) URLs of ``(url, description)`` pairs, each once."""
    links: dict[str, MediaLink] = {}
    for url, description in pairs:
        if clean := web_url(url):
            alt = normalize_text(description) if isinstance(description, str) else ""
            links.setdefault(clean, MediaLink(clean, alt))
    return tuple(links.values())


def language_code(value: object) -> str:
    """A BCP 47 language tag as given, or "" when unknown ("und", null, junk)."""
    if (
        isinstance(value, str)
        and 0 < len(value) <= 35
        and value.isascii()
        and value.replace("-", "").isalnum()
    ):
        return "" if value.lower() == "und" else value
    return ""
