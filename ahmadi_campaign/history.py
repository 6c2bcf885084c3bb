"""An in-memory :class:`~ahmadi_campaign.moderation.History` for one process.

Useful for tests, benchmarks, command-line imports and small sites; the
Wagtail plugin answers the same questions from its database. Entries older
than ``max_age`` are forgotten, so memory stays bounded by the traffic of one
window, and every lookup costs the same however long the history has run.
"""

from __future__ import annotations

import bisect
import datetime as dt
import itertools
from collections import defaultdict, deque
from dataclasses import dataclass

from .moderation import Inspection
from .similarity import jaccard

__all__ = ["MemoryHistory", "UnorderedHistory"]

#: Most exact comparisons made per lookup, so one lookup has a bounded cost.
MAX_COMPARISONS = 64


@dataclass(frozen=True, slots=True)
class _Entry:
    number: int
    at: dt.datetime
    fingerprint: str
    digest: str
    shingles: frozenset[int]
    keys: tuple[tuple[int, ...], ...]


class MemoryHistory:
    """Remembers recent messages (time, fingerprint, digest, shingles) for the policy's rules."""

    def __init__(self, max_age: dt.timedelta | None = dt.timedelta(hours=1)) -> None:
        self.max_age = max_age
        self._entries: deque[_Entry] = deque()
        self._by_client: dict[str, list[dt.datetime]] = defaultdict(list)
        self._by_digest: dict[str, list[_Entry]] = defaultdict(list)
        self._by_key: dict[tuple[int, ...], dict[int, _Entry]] = defaultdict(dict)
        self._numbers = itertools.count()

    def __len__(self) -> int:
        return len(self._entries)

    def record(self, message: Inspection) -> None:
        """Remember a message once it has been stored (whatever the decision was)."""
        candidate = message.candidate
        entry = _Entry(
            next(self._numbers),
            candidate.submitted_at,
            candidate.fingerprint,
            message.digest,
            message.shingles,
            message.band_keys,
        )
        if self.max_age is not None:  # None: remember everything
            self._forget_before(entry.at - self.max_age)
        self._entries.append(entry)
        if entry.fingerprint:
            bisect.insort(self._by_client[entry.fingerprint], entry.at)
        self._by_digest[entry.digest].append(entry)
        for key in entry.keys:
            self._by_key[key][entry.number] = entry

    def _unindex(self, old: _Entry) -> None:
        """Drop a forgotten entry from the digest and near-duplicate indexes."""
        same = self._by_digest[old.digest]
        same.remove(old)
        if not same:
            del self._by_digest[old.digest]
        for key in old.keys:
            bucket = self._by_key[key]
            bucket.pop(old.number, None)
            if not bucket:
                del self._by_key[key]

    def _forget_before(self, cutoff: dt.datetime) -> None:
        while self._entries and self._entries[0].at < cutoff:
            old = self._entries.popleft()
            if old.fingerprint:
                times = self._by_client[old.fingerprint]
                del times[: bisect.bisect_left(times, cutoff)]
                if not times:
                    del self._by_client[old.fingerprint]
            self._unindex(old)

    def _forget_after(self, cutoff: dt.datetime) -> None:
        """Forget the earliest-recorded entries while they are newer than ``cutoff``.

        For histories filled newest first (an import walking back in time), the mirror
        image of :meth:`_forget_before`.
        """
        while self._entries and self._entries[0].at > cutoff:
            old = self._entries.popleft()
            if old.fingerprint:
                times = self._by_client[old.fingerprint]
                times.remove(old.at)
                if not times:
                    del self._by_client[old.fingerprint]
            self._unindex(old)

    # ``until`` bounds the windows above too; only UnorderedHistory needs it.

    def count_from(
        self, fingerprint: str, since: dt.datetime, *, until: dt.datetime | None = None
    ) -> int:
        times = self._by_client.get(fingerprint, [])
        end = len(times) if until is None else bisect.bisect_right(times, until)
        return max(0, end - bisect.bisect_left(times, since))

    def count_digest(
        self,
        digest: str,
        since: dt.datetime,
        *,
        fingerprint: str | None = None,
        until: dt.datetime | None = None,
    ) -> int:
        return sum(
            1
            for entry in self._by_digest.get(digest, ())
            if since <= entry.at
            and (until is None or entry.at <= until)
            and (fingerprint is None or entry.fingerprint == fingerprint)
        )

    def has_similar(
        self,
        message: Inspection,
        since: dt.datetime,
        threshold: float,
        *,
        until: dt.datetime | None = None,
    ) -> bool:
        shingles = message.shingles
        seen: set[int] = set()
        for key in message.band_keys:
            for number, entry in self._by_key.get(key, {}).items():
                if number in seen or entry.at < since or (until is not None and entry.at > until):
                    continue
                seen.add(number)
                if jaccard(shingles, entry.shingles) >= threshold:
                    return True
                if len(seen) >= MAX_COMPARISONS:
                    return False
        return False


class UnorderedHistory:
    """A history for messages judged out of time order, such as an import walking back in time.

    The policy's rules look back from a message ("the same text in the last hour"). When
    newer posts were judged first, looking back alone would count posts from long after
    the one judged; here every window reaches as far forward as it reaches back, so two
    posts are compared only when they are close in time, whatever order they come in.
    With a ``horizon``, an import that walks back in time (newest first, as Mastodon,
    Bluesky and archives list posts) forgets posts more than ``horizon`` newer than the one
    judged, so memory stays bounded by the traffic of one horizon, not by the import's
    length. It must exceed the policy's longest window.
    """

    def __init__(self, horizon: dt.timedelta | None = None) -> None:
        self._history = MemoryHistory(max_age=None)
        self._at: dt.datetime | None = None
        self.horizon = horizon

    def __len__(self) -> int:
        return len(self._history)

    def judging(self, message: Inspection) -> UnorderedHistory:
        """Say which message the next questions are about (its time centres the windows)."""
        self._at = message.candidate.submitted_at
        if self.horizon is not None:
            self._history._forget_after(self._at + self.horizon)
        return self

    def record(self, message: Inspection) -> None:
        self._history.record(message)

    def _until(self, since: dt.datetime) -> dt.datetime | None:
        return None if self._at is None else self._at + (self._at - since)

    def count_from(self, fingerprint: str, since: dt.datetime) -> int:
        return self._history.count_from(fingerprint, since, until=self._until(since))

    def count_digest(
        self, digest: str, since: dt.datetime, *, fingerprint: str | None = None
    ) -> int:
        return self._history.count_digest(
            digest, since, fingerprint=fingerprint, until=self._until(since)
        )

    def has_similar(self, message: Inspection, since: dt.datetime, threshold: float) -> bool:
        return self._history.has_similar(message, since, threshold, until=self._until(since))
