"""Fixtures of the social import tests: a replay server on 127.0.0.1 and a fake clock."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from ahmadi_campaign.social import HttpFetcher

from .replay import FakeClock, ReplayServer


@pytest.fixture
def server(monkeypatch: pytest.MonkeyPatch) -> Iterator[ReplayServer]:
    for name in ("http_proxy", "HTTP_PROXY", "https_proxy", "HTTPS_PROXY", "all_proxy"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("no_proxy", "*")
    replay = ReplayServer()
    replay.thread.start()
    yield replay
    replay.httpd.shutdown()
    replay.httpd.server_close()


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock()


@pytest.fixture
def fetcher(clock: FakeClock) -> HttpFetcher:
    return HttpFetcher(
        timeout=2.0,
        max_attempts=4,
        backoff=1.0,
        max_total_wait=120.0,
        sleep=clock.sleep,
        clock=clock.time,
        jitter=lambda: 0.5,
    )
