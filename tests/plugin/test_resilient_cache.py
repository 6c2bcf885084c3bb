"""The resilient Redis cache: reads miss and writes are skipped while Redis is down;
counting still raises so rate limits know they could not count."""

from __future__ import annotations

import socket

import pytest

from wagtail_campaign.cache import ResilientRedisCache


def closed_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@pytest.fixture
def down_cache() -> ResilientRedisCache:
    # Nothing listens on this port: every call meets "connection refused" at once.
    return ResilientRedisCache(
        f"redis://127.0.0.1:{closed_port()}/0",
        {"OPTIONS": {"socket_connect_timeout": 0.5, "socket_timeout": 0.5}},
    )


def test_reads_miss_and_writes_are_skipped(
    down_cache: ResilientRedisCache, caplog: pytest.LogCaptureFixture
) -> None:
    assert down_cache.get("k", "fallback") == "fallback"
    assert down_cache.get_many(["a", "b"]) == {}
    assert down_cache.has_key("k") is False
    down_cache.set("k", 1)
    assert down_cache.set_many({"a": 1}) == ["a"]
    assert down_cache.delete("k") is False
    down_cache.delete_many(["a"])
    assert down_cache.touch("k") is False
    assert "Redis unavailable" in caplog.text


def test_counting_still_raises(down_cache: ResilientRedisCache) -> None:
    from redis.exceptions import ConnectionError

    with pytest.raises(ConnectionError):
        down_cache.add("k", 0)
    with pytest.raises(ConnectionError):
        down_cache.incr("k")
