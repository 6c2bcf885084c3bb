"""Counts shown beside a wall: messages by day, country, kind and source."""

from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Protocol

__all__ = ["MessageLike", "WallStats", "compute_stats"]


class MessageLike(Protocol):
    """Anything with these attributes: a model instance, a dataclass, a named tuple."""

    @property
    def created_at(self) -> dt.datetime: ...
    @property
    def country(self) -> str: ...
    @property
    def kind(self) -> str: ...
    @property
    def source(self) -> str: ...


def _ranked(counter: Counter[str]) -> tuple[tuple[str, int], ...]:
    # Most frequent first; ties in alphabetical order so output is stable.
    return tuple(sorted(counter.items(), key=lambda item: (-item[1], item[0])))


@dataclass(frozen=True, slots=True)
class WallStats:
    """Totals for a set of messages. A blank country, kind or source is counted under ``""``."""

    total: int
    by_day: tuple[tuple[dt.date, int], ...]
    by_country: tuple[tuple[str, int], ...]
    by_kind: tuple[tuple[str, int], ...]
    by_source: tuple[tuple[str, int], ...]

    @property
    def countries(self) -> int:
        """How many distinct known countries the messages came from."""
        return sum(1 for code, _ in self.by_country if code)

    def as_dict(self) -> dict[str, object]:
        """JSON-ready form (dates as ISO strings)."""
        return {
            "total": self.total,
            "by_day": [[day.isoformat(), n] for day, n in self.by_day],
            "by_country": [list(item) for item in self.by_country],
            "by_kind": [list(item) for item in self.by_kind],
            "by_source": [list(item) for item in self.by_source],
        }


def _field(message: MessageLike | Mapping[str, object], name: str) -> object:
    if isinstance(message, Mapping):
        return message.get(name)
    return getattr(message, name, None)


def compute_stats(
    messages: Iterable[MessageLike | Mapping[str, object]], *, tz: dt.tzinfo = dt.UTC
) -> WallStats:
    """Count ``messages`` in one pass; days are calendar days in ``tz`` (the campaign's zone)."""
    days: Counter[dt.date] = Counter()
    countries: Counter[str] = Counter()
    kinds: Counter[str] = Counter()
    sources: Counter[str] = Counter()
    total = 0
    for message in messages:
        total += 1
        created = _field(message, "created_at")
        if isinstance(created, dt.datetime):
            days[created.astimezone(tz).date()] += 1
        countries[str(_field(message, "country") or "").upper()] += 1
        kinds[str(_field(message, "kind") or "")] += 1
        sources[str(_field(message, "source") or "")] += 1
    return WallStats(
        total=total,
        by_day=tuple(sorted(days.items())),
        by_country=_ranked(countries),
        by_kind=_ranked(kinds),
        by_source=_ranked(sources),
    )
