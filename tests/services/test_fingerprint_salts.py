"""The day's fingerprint salt is shared through Redis: one visitor, one fingerprint.

Threads of a subprocess (server settings, the run's Redis prefix) fingerprint the same
visitor at the same moment right after the day's salts are gone from the cache, as the
first requests of a day (or of a fresh cache) do on a busy site. (Before 47ebddd a process
that lost the race overwrote the winner's salt, and one visitor got up to 6 fingerprints.)
"""

from __future__ import annotations

import json

import pytest

from .support import run_tool, service_env

pytestmark = pytest.mark.services

THREADS, ROUNDS = 8, 20


def test_one_visitor_gets_one_fingerprint_when_the_days_salt_is_created(
    redis_url: str, cache_prefix: str
) -> None:
    env = service_env(REDIS_URL=redis_url, SERVICES_CACHE_PREFIX=f"{cache_prefix}:salts")
    out = run_tool(["salt-race", str(THREADS), str(ROUNDS)], env, timeout=120)
    distinct = json.loads(out.strip().splitlines()[-1])
    print(f"\ndistinct fingerprints per round of {THREADS} threads: {distinct}")
    assert len(distinct) == ROUNDS
    assert distinct == [1] * ROUNDS
