"""importing.prefetch: the next page is produced in a thread while the current one is stored."""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator

import pytest

from ahmadi_campaign.errors import SocialImportError
from wagtail_campaign.importing import prefetch


def test_items_come_in_order_and_the_producer_runs_ahead_by_one() -> None:
    produced: list[int] = []

    def pages() -> Iterator[int]:
        for n in range(5):
            produced.append(n)
            yield n

    seen = []
    for item in prefetch(pages()):
        deadline = time.monotonic() + 5
        while len(produced) < min(item + 2, 5) and time.monotonic() < deadline:
            time.sleep(0.005)  # the producer works on the next item meanwhile
        assert len(produced) >= min(item + 2, 5)  # it did run ahead
        seen.append(item)
        # One item waiting in the queue and one being made, never more.
        assert len(produced) <= item + 3
    assert seen == [0, 1, 2, 3, 4]


def test_an_error_is_raised_in_its_place_after_the_items_before_it() -> None:
    def pages() -> Iterator[str]:
        yield "first"
        yield "second"
        raise SocialImportError("HTTP 500 on page 3")

    seen = []
    with pytest.raises(SocialImportError, match="page 3"):
        for item in prefetch(pages()):
            seen.append(item)
    assert seen == ["first", "second"]


def test_even_a_base_exception_in_the_producer_reaches_the_consumer() -> None:
    def pages() -> Iterator[int]:
        yield 1
        raise SystemExit(3)

    with pytest.raises(SystemExit):
        list(prefetch(pages()))


def test_leaving_early_stops_the_producer_without_waiting_for_it() -> None:
    release = threading.Event()
    made: list[int] = []

    def pages() -> Iterator[int]:
        for n in range(100):
            if n == 2:
                release.wait(5)  # a slow fetch the consumer no longer needs
            made.append(n)
            yield n

    started = time.monotonic()
    for item in prefetch(pages()):
        if item == 1:
            break
    assert time.monotonic() - started < 2  # not blocked on the slow fetch
    release.set()
    deadline = time.monotonic() + 5
    while threading.active_count() > 1 and any(
        t.name == "import-prefetch" for t in threading.enumerate()
    ):
        assert time.monotonic() < deadline, "the producer did not stop"
        time.sleep(0.01)
    assert len(made) <= 4
