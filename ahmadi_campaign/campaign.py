"""Campaigns: a titled window in time with one or more hashtags.

A campaign runs over the half-open interval ``[start, end)``. Both ends are
timezone-aware datetimes; :meth:`Campaign.from_local_dates` builds the usual
"from the first day to the last day, in this time zone" window, starting and
ending at local midnight.
"""

from __future__ import annotations

import datetime as dt
import functools
import re
import unicodedata
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from enum import StrEnum
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from .errors import InvalidHashtag, InvalidSchedule

__all__ = [
    "Campaign",
    "Countdown",
    "Hashtag",
    "Phase",
    "extract_hashtags",
    "hashtag_or_none",
]

#: Longest hashtag accepted, in characters after normalisation (X allows 100 in practice).
HASHTAG_MAX_LENGTH = 100

# Leading markers people type: ASCII '#' and the fullwidth '＃' of CJK keyboards.
_HASH_MARKS = "#\uff03"
# Characters that never change how a tag reads; dropped from the matching key so
# "#Ahmadi\u200cyya" and "#Ahmadiyya" are one tag.
_IGNORABLE = dict.fromkeys(map(ord, "\u200b\u200c\u200d\u2060\ufeff\u00ad"))


def _is_tag_char(char: str) -> bool:
    # Letters, combining marks (Urdu harakat, Devanagari vowel signs), digits,
    # underscore, and ZWNJ/ZWJ which Urdu and Persian spelling need.
    category = unicodedata.category(char)
    return category[0] in "LMN" or char in "_\u200c\u200d"


@dataclass(frozen=True, slots=True)
class Hashtag:
    """A normalised hashtag; equal to any spelling that differs only in case or width.

    ``text`` keeps the campaign's preferred spelling (NFC, without ``#``), for
    display; ``key`` is the case-folded NFKC form used for comparison.
    """

    text: str = field(compare=False)
    key: str = field(init=False, repr=False)

    def __init__(self, value: str) -> None:
        text = unicodedata.normalize("NFC", value.strip()).lstrip(_HASH_MARKS)
        if not text:
            raise InvalidHashtag("A hashtag needs at least one letter after '#'.")
        if len(text) > HASHTAG_MAX_LENGTH:
            raise InvalidHashtag(
                f"A hashtag can be at most {HASHTAG_MAX_LENGTH} characters long "
                f"(this one has {len(text)})."
            )
        bad = sorted({c for c in text if not _is_tag_char(c)})
        if bad:
            shown = " ".join(repr(c) for c in bad[:5])
            raise InvalidHashtag(
                f"A hashtag can hold only letters, digits and underscores; {value!r} contains "
                f"{shown}."
            )
        if not any(unicodedata.category(c)[0] in "LM" for c in text):
            raise InvalidHashtag(f"A hashtag cannot be only digits and underscores: {value!r}.")
        object.__setattr__(self, "text", text)
        key = unicodedata.normalize("NFKC", text).casefold().translate(_IGNORABLE)
        object.__setattr__(self, "key", key)

    def __str__(self) -> str:
        return f"#{self.text}"

    def matches(self, other: str | Hashtag) -> bool:
        """Return whether ``other`` names this tag (case-, width- and ``#``-insensitive).

        A string that is not a valid hashtag simply does not match.
        """
        if isinstance(other, str):
            parsed = hashtag_or_none(other)
            if parsed is None:
                return False
            other = parsed
        return self.key == other.key


@functools.lru_cache(maxsize=4096)
def hashtag_or_none(value: str) -> Hashtag | None:
    """``Hashtag(value)``, or ``None`` if ``value`` is not a valid hashtag.

    Cached: an import meets the same few tags on every post, and a hashtag is immutable.
    """
    try:
        return Hashtag(value)
    except InvalidHashtag:
        return None


# A hashtag in running text: '#' not preceded by a tag character (so "C#" and
# "page#anchor" are not tags), then tag characters.
_TAG_IN_TEXT = re.compile(r"(?<![\w\u200c\u200d])[#\uff03]([\w\u200c\u200d]+)")


def extract_hashtags(text: str) -> list[Hashtag]:
    """Return the valid hashtags found in ``text``, first occurrence first, without repeats."""
    found: dict[str, Hashtag] = {}
    for match in _TAG_IN_TEXT.finditer(unicodedata.normalize("NFC", text)):
        tag = hashtag_or_none(match.group(1))
        if tag is not None:
            found.setdefault(tag.key, tag)
    return list(found.values())


class Phase(StrEnum):
    """Where an instant falls relative to a campaign window."""

    UPCOMING = "upcoming"
    LIVE = "live"
    ENDED = "ended"


@dataclass(frozen=True, slots=True)
class Countdown:
    """Time left until ``target`` (the start if upcoming, the end if live)."""

    phase: Phase
    target: dt.datetime
    remaining: dt.timedelta

    @property
    def days(self) -> int:
        return self.remaining.days

    @property
    def hours(self) -> int:
        return self.remaining.seconds // 3600

    @property
    def minutes(self) -> int:
        return self.remaining.seconds % 3600 // 60

    @property
    def seconds(self) -> int:
        return self.remaining.seconds % 60


def _require_aware(name: str, value: dt.datetime) -> None:
    if not isinstance(value, dt.datetime):
        raise InvalidSchedule(f"{name} must be a datetime, not {type(value).__name__}.")
    if value.tzinfo is None or value.utcoffset() is None:
        raise InvalidSchedule(
            f"{name} must be timezone-aware (for example 2015-12-01 00:00 in Asia/Karachi); "
            f"got the naive datetime {value.isoformat()}."
        )


def _utc(value: dt.datetime) -> dt.datetime:
    # Python subtracts and compares datetimes sharing one tzinfo by wall clock,
    # which is wrong across a DST change; UTC makes every comparison exact.
    return value.astimezone(dt.UTC)


def _as_hashtags(values: Iterable[str | Hashtag]) -> tuple[Hashtag, ...]:
    if isinstance(values, str | Hashtag):
        values = [values]
    tags: dict[str, Hashtag] = {}
    for value in values:
        tag = value if isinstance(value, Hashtag) else Hashtag(value)
        tags.setdefault(tag.key, tag)
    if not tags:
        raise InvalidHashtag("A campaign needs at least one hashtag.")
    return tuple(tags.values())


@dataclass(frozen=True, slots=True)
class Campaign:
    """A campaign window ``[start, end)`` with its hashtags.

    The first hashtag is the campaign's main tag. Duplicate spellings of the
    same tag are dropped. Phases, countdowns and day numbers are computed for an
    instant passed in, so the class holds no clock and is trivial to test.
    """

    title: str
    hashtags: tuple[Hashtag, ...]
    start: dt.datetime
    end: dt.datetime

    def __init__(
        self,
        title: str,
        hashtags: Iterable[str | Hashtag],
        start: dt.datetime,
        end: dt.datetime,
    ) -> None:
        title = " ".join(title.split())
        if not title:
            raise InvalidSchedule("A campaign needs a title.")
        _require_aware("start", start)
        _require_aware("end", end)
        if end <= start:
            raise InvalidSchedule(
                f"The campaign must end after it starts: end {end.isoformat()} is not after "
                f"start {start.isoformat()}."
            )
        object.__setattr__(self, "title", title)
        object.__setattr__(self, "hashtags", _as_hashtags(hashtags))
        object.__setattr__(self, "start", start)
        object.__setattr__(self, "end", end)

    @classmethod
    def from_local_dates(
        cls,
        title: str,
        hashtags: Iterable[str | Hashtag],
        first_day: dt.date,
        last_day: dt.date,
        timezone: str | dt.tzinfo,
    ) -> Campaign:
        """Build a campaign running from local midnight of ``first_day`` to the end of ``last_day``.

        ``timezone`` is an IANA name such as ``"Asia/Karachi"`` or a tzinfo.
        """
        if isinstance(timezone, str):
            try:
                tz: dt.tzinfo = ZoneInfo(timezone)
            except (ZoneInfoNotFoundError, ValueError) as exc:
                raise InvalidSchedule(f"Unknown time zone {timezone!r}.") from exc
        else:
            tz = timezone
        if last_day < first_day:
            raise InvalidSchedule(
                f"The last day ({last_day.isoformat()}) is before the first day "
                f"({first_day.isoformat()})."
            )
        start = dt.datetime.combine(first_day, dt.time(), tzinfo=tz)
        end = dt.datetime.combine(last_day + dt.timedelta(days=1), dt.time(), tzinfo=tz)
        return cls(title, hashtags, start, end)

    @property
    def main_hashtag(self) -> Hashtag:
        return self.hashtags[0]

    @property
    def timezone(self) -> dt.tzinfo:
        """The time zone the campaign is planned in (that of ``start``)."""
        tz = self.start.tzinfo
        if tz is None:  # pragma: no cover - __init__ rejects naive datetimes
            raise InvalidSchedule("start is naive")
        return tz

    @property
    def duration(self) -> dt.timedelta:
        """Elapsed time of the window (a local day across a DST change is 23 or 25 hours)."""
        return _utc(self.end) - _utc(self.start)

    def phase_at(self, instant: dt.datetime) -> Phase:
        """Return whether the campaign is upcoming, live or ended at ``instant``."""
        _require_aware("instant", instant)
        instant = _utc(instant)
        if instant < _utc(self.start):
            return Phase.UPCOMING
        if instant < _utc(self.end):
            return Phase.LIVE
        return Phase.ENDED

    def is_live(self, instant: dt.datetime) -> bool:
        return self.phase_at(instant) is Phase.LIVE

    def countdown(self, instant: dt.datetime) -> Countdown | None:
        """Time until the start (upcoming) or the end (live); ``None`` once ended."""
        phase = self.phase_at(instant)
        if phase is Phase.ENDED:
            return None
        target = self.start if phase is Phase.UPCOMING else self.end
        return Countdown(phase=phase, target=target, remaining=_utc(target) - _utc(instant))

    def _local_days(self) -> tuple[dt.date, dt.date]:
        tz = self.timezone
        first = self.start.astimezone(tz).date()
        # ``end`` is exclusive: a window ending at midnight does not include that day.
        last = (self.end.astimezone(tz) - dt.timedelta(microseconds=1)).date()
        return first, last

    @property
    def total_days(self) -> int:
        """Number of local calendar days the campaign touches (10 for 1-10 December)."""
        first, last = self._local_days()
        return (last - first).days + 1

    def day_number(self, instant: dt.datetime) -> int | None:
        """N in "day N of M" at ``instant``, counted in local days; ``None`` when not live."""
        if self.phase_at(instant) is not Phase.LIVE:
            return None
        first, _ = self._local_days()
        return (instant.astimezone(self.timezone).date() - first).days + 1

    def days(self) -> Iterator[dt.date]:
        """Yield each local calendar day of the campaign, in order."""
        first, last = self._local_days()
        for offset in range((last - first).days + 1):
            yield first + dt.timedelta(days=offset)

    def matches_hashtag(self, tag: str | Hashtag) -> bool:
        """Return whether ``tag`` is one of this campaign's hashtags, in any case or width."""
        return any(own.matches(tag) for own in self.hashtags)
