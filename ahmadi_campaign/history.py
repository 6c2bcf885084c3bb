"""An in-memory :class:`~ahmadi_campaign.moderation.History` for one process.

Useful for tests, benchmarks, command-line imports and small sites; the
Wagtail plugin answers the same questions from its database. Entries older
than ``max_age`` are forgotten, so memory stays bounded by the traffic of one
window, and every lookup costs the same however long the history has run.
"""

from __future__ import annotations

import bisect
import datetime as dt
import heapq
import itertools
from collections import defaultdict, deque
from dataclasses import dataclass

from .moderation import Inspection

__all__ = ["MemoryHistory"]

#: Each entry is indexed under its smallest shingle hashes (a bottom-k sketch):
#: two texts with Jaccard similarity >= 0.5 share one of them with high
#: probability, so only those few candidates are compared exactly.
SKETCH_SIZE = 4


@dataclass(frozen=True, slots=True)
class _Entry:
    number: int
    at: dt.datetime
    fingerprint: str
    digest: str
    shingles: frozenset[int]


class MemoryHistory:
    """Remembers recent messages (time, fingerprint, digest, shingles) for the policy's rules."""

    def __init__(self, max_age: dt.timedelta = dt.timedelta(hours=1)) -> None:
        self.max_age = max_age
        self._entries: deque[_Entry] = deque()
        self._by_client: dict[str, list[dt.datetime]] = defaultdict(list)
        self._by_digest: dict[str, list[_Entry]] = defaultdict(list)
        self._by_shingle: dict[int, dict[int, _Entry]] = defaultdict(dict)
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
        )
        self._forget_before(entry.at - self.max_age)
        self._entries.append(entry)
        if entry.fingerprint:
            bisect.insort(self._by_client[entry.fingerprint], entry.at)
        self._by_digest[entry.digest].append(entry)
        for shingle in heapq.nsmallest(SKETCH_SIZE, entry.shingles):
            self._by_shingle[shingle][entry.number] = entry

    def _forget_before(self, cutoff: dt.datetime) -> None:
        while self._entries and self._entries[0].at < cutoff:
            old = self._entries.popleft()
            if old.fingerprint:
                times = self._by_client[old.fingerprint]
                del times[: bisect.bisect_left(times, cutoff)]
                if not times:
                    del self._by_client[old.fingerprint]
            same = self._by_digest[old.digest]
            same.remove(old)
            if not same:
                del self._by_digest[old.digest]
            for shingle in heapq.nsmallest(SKETCH_SIZE, old.shingles):
                bucket = self._by_shingle[shingle]
                bucket.pop(old.number, None)
                if not bucket:
                    del self._by_shingle[shingle]

    def count_from(self, fingerprint: str, since: dt.datetime) -> int:
        times = self._by_client.get(fingerprint, [])
        return len(times) - bisect.bisect_left(times, since)

    def count_digest(
        self, digest: str, since: dt.datetime, *, fingerprint: str | None = None
    ) -> int:
        return sum(
            1
            for entry in self._by_digest.get(digest, ())
            if entry.at >= since and (fingerprint is None or entry.fingerprint == fingerprint)
        )

    def has_similar(self, shingles: frozenset[int], since: dt.datetime, threshold: float) -> bool:
        seen: set[int] = set()
        for shingle in heapq.nsmallest(SKETCH_SIZE, shingles):
            for number, entry in self._by_shingle.get(shingle, {}).items():
                if number in seen or entry.at < since:
                    continue
                seen.add(number)
                union = len(shingles | entry.shingles)
                if union and len(shingles & entry.shingles) / union >= threshold:
                    return True
        return False
