"""Rate limits on a real Redis: one round trip a hit, exact under concurrency, with a TTL."""

from __future__ import annotations

import datetime as dt
import threading
from types import SimpleNamespace
from typing import Any

import pytest
from django.core.cache import caches
from django.test import override_settings

from wagtail_campaign.submission import _BOTH_WINDOWS, RateLimiter, _redis_hit

pytestmark = pytest.mark.services

NOW = dt.datetime(2015, 12, 5, 12, 0, tzinfo=dt.UTC)


def redis_cache(url: str, prefix: str) -> dict[str, Any]:
    backend = "django.core.cache.backends.redis.RedisCache"
    return {"default": {"BACKEND": backend, "LOCATION": url, "KEY_PREFIX": prefix}}


def wall(pk: int, per_client: int = 3, per_minute: int = 1000) -> Any:
    return SimpleNamespace(
        pk=pk, max_messages_per_client=per_client, max_messages_per_minute=per_minute
    )


def test_hits_are_counted_with_a_ttl_and_readable_through_the_cache_api(
    redis_url: str, cache_prefix: str
) -> None:
    with override_settings(CACHES=redis_cache(redis_url, f"{cache_prefix}:rl")):
        limiter = RateLimiter(wall(1))
        decisions = [limiter.check("c" * 32, NOW) for _ in range(4)]
        assert [d.allowed for d in decisions] == [True, True, True, False]
        assert not any(d.unavailable for d in decisions)
        cache = caches["default"]
        key = f"wagtail_campaign:rl:1:{'c' * 32}:{int(NOW.timestamp()) // 600}"
        assert cache.get(key) == 4  # the value Django's add() and incr() would keep
        client = cache._cache.get_client(None, write=True)
        assert 0 < client.ttl(cache.make_and_validate_key(key)) <= 660


def test_concurrent_hits_are_counted_exactly(redis_url: str, cache_prefix: str) -> None:
    with override_settings(CACHES=redis_cache(redis_url, f"{cache_prefix}:race")):
        counts: list[int] = []
        lock = threading.Lock()

        def hit() -> None:
            for _ in range(25):
                n = _redis_hit("wagtail_campaign:rl:race", 60)
                assert n is not None
                with lock:
                    counts.append(n)

        threads = [threading.Thread(target=hit) for _ in range(8)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        assert sorted(counts) == list(range(1, 201))


def test_redis_down_holds_the_message_instead_of_failing() -> None:
    with override_settings(CACHES=redis_cache("redis://127.0.0.1:1/0", "down")):
        decision = RateLimiter(wall(2)).check("d" * 32, NOW)
    assert decision.allowed
    assert decision.unavailable


def test_both_windows_in_one_round_trip_and_a_refused_client_does_not_count_for_the_wall(
    redis_url: str, cache_prefix: str
) -> None:
    with override_settings(CACHES=redis_cache(redis_url, f"{cache_prefix}:both")):
        cache = caches["default"]
        client = cache._cache.get_client(None, write=True)
        limiter = RateLimiter(wall(3, per_client=2, per_minute=3))
        sent: list[Any] = []
        real = type(client).execute_command

        def counting(self: Any, *args: Any, **kwargs: Any) -> Any:
            sent.append(args[0])
            return real(self, *args, **kwargs)

        # Once per server the script is loaded (NOSCRIPT, SCRIPT LOAD); then one EVALSHA.
        client.script_load(_BOTH_WINDOWS)
        # Django makes a client object per call (on one connection pool): count them all.
        with pytest.MonkeyPatch.context() as patch:
            patch.setattr(type(client), "execute_command", counting)
            first = limiter.check("a" * 32, NOW)
        assert first.allowed and not first.busy
        assert sent == ["EVALSHA"]  # both windows, one round trip
        decisions = [limiter.check("a" * 32, NOW) for _ in range(3)]
        assert [d.allowed for d in decisions] == [True, False, False]  # 2 per client
        stamp = int(NOW.timestamp())
        # The wall counted only the two accepted posts, not the refused ones.
        assert cache.get(f"wagtail_campaign:rl:3:wall:{stamp // 60}") == 2
        assert cache.get(f"wagtail_campaign:rl:3:{'a' * 32}:{stamp // 600}") == 4
        others = [limiter.check(c * 32, NOW) for c in "bc"]
        assert [(d.allowed, d.busy) for d in others] == [(True, False), (True, True)]
        wall_ttl = client.ttl(
            cache.make_and_validate_key(f"wagtail_campaign:rl:3:wall:{stamp // 60}")
        )
        assert 0 < wall_ttl <= 70
