"""Sourced timelines: events with partial dates, exported to TimelineJS3 and schema.org.

Campaign histories are often known only to the year or month ("1974", "September
1974"), so dates here are :class:`PartialDate` values that sort and filter by the
period they cover rather than by a made-up day.
"""

from __future__ import annotations

import calendar
import hashlib
import html
import itertools
import json
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import date
from enum import StrEnum
from html.parser import HTMLParser
from typing import Any
from urllib.parse import urlsplit

from ahmadi_campaign.errors import CampaignError, InvalidDate, InvalidSource

__all__ = ["Event", "PartialDate", "Precision", "Source", "Timeline"]

_MONTH_NAMES = tuple(
    "January February March April May June July August September October November December".split()
)
_ISO_PARTIAL = re.compile(r"([0-9]{4})(?:-([0-9]{2})(?:-([0-9]{2}))?)?")


class Precision(StrEnum):
    """How much of a :class:`PartialDate` is known."""

    YEAR = "year"
    MONTH = "month"
    DAY = "day"


@dataclass(frozen=True, slots=True)
class PartialDate:
    """A calendar year, month or day: the period an event is known to fall in.

    Ordering is by year, then month, then day; a less precise date sorts before the
    more precise dates inside the period it covers ("1974" < "1974-09" < "1974-09-07").
    """

    year: int
    month: int | None = None
    day: int | None = None

    def __post_init__(self) -> None:
        for name in ("year", "month", "day"):
            value = getattr(self, name)
            if value is not None and (isinstance(value, bool) or not isinstance(value, int)):
                raise InvalidDate(f"{name} must be an int, not {type(value).__name__}")
        if not 1 <= self.year <= 9999:
            raise InvalidDate(f"year {self.year} is outside 1..9999")
        if self.month is None:
            if self.day is not None:
                raise InvalidDate("a day needs a month")
            return
        if not 1 <= self.month <= 12:
            raise InvalidDate(f"month {self.month} is outside 1..12")
        if self.day is not None:
            last = calendar.monthrange(self.year, self.month)[1]
            if not 1 <= self.day <= last:
                raise InvalidDate(
                    f"{self.year:04d}-{self.month:02d} has no day {self.day} (it has {last} days)"
                )

    @classmethod
    def parse(cls, text: str) -> PartialDate:
        """Parse "YYYY", "YYYY-MM" or "YYYY-MM-DD" (ASCII digits only)."""
        match = _ISO_PARTIAL.fullmatch(text) if isinstance(text, str) else None
        if match is None:
            raise InvalidDate(f"{text!r} is not YYYY, YYYY-MM or YYYY-MM-DD")
        year, month, day = match.groups()
        return cls(
            int(year),
            None if month is None else int(month),
            None if day is None else int(day),
        )

    @classmethod
    def from_date(cls, value: date) -> PartialDate:
        """Return the day-precision partial date for *value*."""
        return cls(value.year, value.month, value.day)

    @property
    def precision(self) -> Precision:
        """The most precise part that is known."""
        if self.day is not None:
            return Precision.DAY
        if self.month is not None:
            return Precision.MONTH
        return Precision.YEAR

    @property
    def sort_key(self) -> tuple[int, int, int]:
        """Key ordering a period before the more precise dates it contains."""
        return (self.year, self.month or 0, self.day or 0)

    def isoformat(self) -> str:
        """Return "YYYY", "YYYY-MM" or "YYYY-MM-DD", the shapes :meth:`parse` accepts."""
        text = f"{self.year:04d}"
        if self.month is not None:
            text += f"-{self.month:02d}"
        if self.day is not None:
            text += f"-{self.day:02d}"
        return text

    def earliest(self) -> date:
        """Return the first day of the period."""
        return date(self.year, self.month or 1, self.day or 1)

    def latest(self) -> date:
        """Return the last day of the period."""
        if self.month is None:
            return date(self.year, 12, 31)
        if self.day is None:
            return date(self.year, self.month, calendar.monthrange(self.year, self.month)[1])
        return date(self.year, self.month, self.day)

    def __str__(self) -> str:
        if self.month is None:
            return str(self.year)
        month = _MONTH_NAMES[self.month - 1]
        if self.day is None:
            return f"{month} {self.year}"
        return f"{self.day} {month} {self.year}"

    def __lt__(self, other: object) -> bool:
        if not isinstance(other, PartialDate):
            return NotImplemented
        return self.sort_key < other.sort_key

    def __le__(self, other: object) -> bool:
        if not isinstance(other, PartialDate):
            return NotImplemented
        return self.sort_key <= other.sort_key

    def __gt__(self, other: object) -> bool:
        if not isinstance(other, PartialDate):
            return NotImplemented
        return self.sort_key > other.sort_key

    def __ge__(self, other: object) -> bool:
        if not isinstance(other, PartialDate):
            return NotImplemented
        return self.sort_key >= other.sort_key


def _is_web_url(url: str) -> bool:
    """Tell whether *url* is an absolute http(s) URL with a host and no whitespace."""
    if not isinstance(url, str) or any(ch.isspace() or ord(ch) < 32 for ch in url):
        return False
    try:
        parts = urlsplit(url)
        _ = parts.port  # raises ValueError for a malformed port
    except ValueError:
        return False
    return parts.scheme.lower() in ("http", "https") and bool(parts.hostname)


@dataclass(frozen=True, slots=True)
class Source:
    """A citation backing an event: an http(s) URL and a human-readable title."""

    url: str
    title: str

    def __post_init__(self) -> None:
        if not _is_web_url(self.url):
            raise InvalidSource(f"{self.url!r} is not an absolute http(s) URL")
        if not isinstance(self.title, str) or not self.title.strip():
            raise InvalidSource(f"the source {self.url} has no title")


def _slug(text: str, limit: int = 40) -> str:
    """Return a lowercase ASCII slug of *text*, at most *limit* characters."""
    words = re.findall(r"[a-z0-9]+", text.lower())
    return "-".join(words)[:limit].strip("-")


def _default_unique_id(when: PartialDate, headline: str) -> str:
    """Derive an id from date and headline so exports are identical across runs."""
    digest = hashlib.sha256(f"{when.isoformat()}\n{headline}".encode()).hexdigest()[:10]
    return f"{_slug(headline) or 'event'}-{digest}"


@dataclass(frozen=True, slots=True)
class Event:
    """One dated, sourced entry of a timeline.

    *headline* is plain text; *body* is HTML the caller has already sanitised.
    Without an explicit *unique_id*, a stable one is derived from date and headline.
    """

    date: PartialDate
    headline: str
    body: str = ""
    sources: tuple[Source, ...] = ()
    category: str = ""
    unique_id: str = ""

    def __post_init__(self) -> None:
        if not isinstance(self.date, PartialDate):
            raise TypeError(f"date must be a PartialDate, not {type(self.date).__name__}")
        if not isinstance(self.headline, str) or not self.headline.strip():
            raise CampaignError("an event needs a headline")
        sources = tuple(self.sources)
        if not all(isinstance(source, Source) for source in sources):
            raise TypeError("sources must be Source instances")
        object.__setattr__(self, "sources", sources)
        if not self.unique_id.strip():
            object.__setattr__(self, "unique_id", _default_unique_id(self.date, self.headline))


def _as_partial(value: PartialDate | date) -> PartialDate:
    return value if isinstance(value, PartialDate) else PartialDate.from_date(value)


class _TextExtractor(HTMLParser):
    """Collect the visible text of an HTML fragment."""

    _SKIPPED = frozenset({"script", "style", "template"})
    _BLOCKS = frozenset(
        "address article aside blockquote br dd div dl dt figcaption figure footer h1 h2 h3"
        " h4 h5 h6 header hr li main nav ol p pre section table td th tr ul".split()
    )

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.chunks: list[str] = []
        self._skipping = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in self._SKIPPED:
            self._skipping += 1
        if tag in self._BLOCKS:
            self.chunks.append(" ")

    def handle_endtag(self, tag: str) -> None:
        if tag in self._SKIPPED and self._skipping:
            self._skipping -= 1
        if tag in self._BLOCKS:
            self.chunks.append(" ")

    def handle_data(self, data: str) -> None:
        if not self._skipping:
            self.chunks.append(data)


def _plain_text(fragment: str) -> str:
    """Return the text of an HTML fragment with whitespace collapsed."""
    parser = _TextExtractor()
    parser.feed(fragment)
    parser.close()
    return " ".join("".join(parser.chunks).split())


def _sources_html(sources: tuple[Source, ...]) -> str:
    """Render sources as an escaped HTML list of links."""
    items = "".join(
        f'<li><a href="{html.escape(source.url)}" rel="noopener noreferrer" target="_blank">'
        f"{html.escape(source.title)}</a></li>"
        for source in sources
    )
    return f'<ul class="timeline-sources">{items}</ul>'


class Timeline:
    """An ordered collection of events; equal dates keep the order they were given in."""

    __slots__ = ("_events",)

    def __init__(self, events: Iterable[Event] = ()) -> None:
        collected = tuple(events)
        if not all(isinstance(event, Event) for event in collected):
            raise TypeError("a Timeline holds Event instances")
        self._events = tuple(sorted(collected, key=lambda event: event.date.sort_key))

    @property
    def events(self) -> tuple[Event, ...]:
        """The events in chronological order (stable for equal dates)."""
        return self._events

    def __iter__(self) -> Iterator[Event]:
        return iter(self._events)

    def __len__(self) -> int:
        return len(self._events)

    def __repr__(self) -> str:
        return f"<Timeline of {len(self._events)} events>"

    def categories(self) -> list[str]:
        """Return the non-blank categories in the order they first appear chronologically."""
        return list(dict.fromkeys(event.category for event in self._events if event.category))

    def filter(
        self,
        *,
        category: str | None = None,
        start: PartialDate | date | None = None,
        end: PartialDate | date | None = None,
    ) -> Timeline:
        """Return the events in *category* whose period overlaps [start, end].

        Bounds are inclusive and cover whole periods: ``start=PartialDate(1974)``
        begins on 1 January 1974 and ``end=PartialDate(1974)`` ends on 31 December.
        """
        low = _as_partial(start).earliest() if start is not None else date.min
        high = _as_partial(end).latest() if end is not None else date.max
        if low > high:
            raise InvalidDate(f"the range starts ({low}) after it ends ({high})")
        return Timeline(
            event
            for event in self._events
            if (category is None or event.category == category)
            and event.date.earliest() <= high
            and event.date.latest() >= low
        )

    def group_by_year(self) -> list[tuple[int, list[Event]]]:
        """Return (year, events) pairs in chronological order."""
        return [
            (year, list(events))
            for year, events in itertools.groupby(self._events, key=lambda e: e.date.year)
        ]

    def group_by_decade(self) -> list[tuple[int, list[Event]]]:
        """Return (decade, events) pairs in chronological order; 1974 is in decade 1970."""
        return [
            (decade, list(events))
            for decade, events in itertools.groupby(
                self._events, key=lambda e: e.date.year // 10 * 10
            )
        ]

    def to_timelinejs(self, title: str | None = None, description: str = "") -> dict[str, Any]:
        """Return the timeline in TimelineJS3's JSON format.

        Headlines and the title are plain text and are escaped; event bodies and
        *description* are inserted as HTML, so the caller must have sanitised them.
        Sources are appended to each event's text as an escaped list of links.
        Repeated ids get a "-2", "-3"... suffix because TimelineJS3 needs unique ids.
        """
        seen: set[str] = set()
        slides: list[dict[str, Any]] = []
        for event in self._events:
            unique_id, counter = event.unique_id, 1
            while unique_id in seen:
                counter += 1
                unique_id = f"{event.unique_id}-{counter}"
            seen.add(unique_id)
            start_date: dict[str, int] = {"year": event.date.year}
            if event.date.month is not None:
                start_date["month"] = event.date.month
            if event.date.day is not None:
                start_date["day"] = event.date.day
            text = event.body
            if event.sources:
                text += _sources_html(event.sources)
            slide: dict[str, Any] = {
                "start_date": start_date,
                "text": {"headline": html.escape(event.headline), "text": text},
                "unique_id": unique_id,
            }
            if event.category:
                slide["group"] = event.category
            slides.append(slide)
        data: dict[str, Any] = {}
        if title is not None:
            data["title"] = {"text": {"headline": html.escape(title), "text": description}}
        data["events"] = slides
        return data

    def to_timelinejs_json(self, title: str | None = None, description: str = "") -> str:
        """Return :meth:`to_timelinejs` serialised as JSON, keeping non-ASCII text readable."""
        return json.dumps(self.to_timelinejs(title, description), ensure_ascii=False)

    def to_json_ld(self, name: str, url: str | None = None) -> dict[str, Any]:
        """Return the timeline as a schema.org ``ItemList`` of ``Event`` items.

        Bodies are reduced to plain text for ``description``; empty keys are omitted.
        When embedding in a ``<script>`` tag, escape "<" (Django's ``json_script`` does).
        """
        elements: list[dict[str, Any]] = []
        for position, event in enumerate(self._events, start=1):
            item: dict[str, Any] = {
                "@type": "Event",
                "name": event.headline,
                "startDate": event.date.isoformat(),
            }
            description = _plain_text(event.body)
            if description:
                item["description"] = description
            if event.sources:
                item["citation"] = [
                    {"@type": "CreativeWork", "name": source.title, "url": source.url}
                    for source in event.sources
                ]
            elements.append({"@type": "ListItem", "position": position, "item": item})
        data: dict[str, Any] = {"@context": "https://schema.org", "@type": "ItemList"}
        if name:
            data["name"] = name
        if url:
            data["url"] = url
        data["numberOfItems"] = len(elements)
        data["itemListElement"] = elements
        return data
