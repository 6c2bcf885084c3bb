"""Redis goes away and comes back while a server process takes messages.

The server's cache is a ``redis-server`` of this module's own (free port, no
persistence), killed with SIGKILL as a crash would, then restarted on the same port.
"""

from __future__ import annotations

import random
import re
import time
from collections.abc import Callable

import pytest

from .conftest import ServiceDB
from .support import RATE_LIMITED_TEXT, RedisProcess, Response, ServerProcess, Visitor, request

pytestmark = pytest.mark.services

WORDS = (
    "courage hope justice faith neighbour lantern river mountain school garden bread letter "
    "friendship dignity freedom prayer village market window harvest candle bridge song"
).split()
ADDRESSES = ("198.51.100.60", "198.51.100.61", "198.51.100.62")


@pytest.fixture(scope="module")
def server(
    start_server: Callable[..., list[ServerProcess]], own_redis: RedisProcess
) -> ServerProcess:
    return start_server({"server-own-redis": {"REDIS_URL": own_redis.url}})[0]


@pytest.fixture
def redis_up(own_redis: RedisProcess) -> RedisProcess:
    """Each test starts with its Redis running (a previous one may have left it down)."""
    if not own_redis.ping():
        own_redis.start()
    return own_redis


def accepted(response: Response, state: str) -> bool:
    return response.status == 302 and bool(re.search(rf"\?posted={state}\b", response.location))


def test_messages_are_held_for_review_while_redis_is_down(
    server: ServerProcess, redis_up: RedisProcess, service_db: ServiceDB
) -> None:
    wall = service_db.walls["outage"]["path"]
    rng = random.Random("outage")
    seen: list[Response] = []

    def text(tag: str) -> str:
        return f"{' '.join(rng.sample(WORDS, 8)).capitalize()} ({tag})."

    def timed(call: Callable[[], Response]) -> Response:
        started = time.monotonic()
        response = call()
        assert time.monotonic() - started < 20, "a request hung on the cache"
        seen.append(response)
        return response

    def post(visitor: Visitor, tag: str) -> Response:
        return timed(lambda: visitor.post_message(server.port, wall, text(tag)))

    def send(visitor: Visitor, tag: str) -> Response:
        return timed(lambda: visitor.send(server.port, wall, text(tag)))

    # Redis up: the 4th message of a client in the 10-minute window is refused.
    a = Visitor("ServicesTest/1.0 (outage A)", forwarded_for=ADDRESSES[0])
    first = [post(a, f"a{k}") for k in range(4)]
    assert all(accepted(r, "live") for r in first[:3]), [(r.status, r.location) for r in first]
    assert first[3].status == 200 and RATE_LIMITED_TEXT in first[3].text

    # B opens the form; then Redis dies, and B and A send their messages.
    b = Visitor("ServicesTest/1.0 (outage B)", forwarded_for=ADDRESSES[1])
    assert b.load_form(server.port, wall).status == 200
    redis_up.kill()
    assert not redis_up.ping()
    during = [send(b, "b0"), send(b, "b1"), send(a, "a4")]  # a4: A was refused a moment ago
    assert all(accepted(r, "review") for r in during), [(r.status, r.location) for r in during]
    held = [m for m in service_db.messages("outage") if "cache_unavailable" in m["reasons"]]
    assert len(held) == len(during)
    assert {m["status"] for m in held} == {"pending"}
    stderr = server.stderr()
    assert "WARNING wagtail_campaign.submission" in stderr and "unavailable" in stderr

    # Redis back on the same port (empty): limits apply again.
    redis_up.start()
    c = Visitor("ServicesTest/1.0 (outage C)", forwarded_for=ADDRESSES[2])
    last = [post(c, f"c{k}") for k in range(4)]
    assert all(accepted(r, "live") for r in last[:3]), [(r.status, r.location) for r in last]
    assert last[3].status == 200 and RATE_LIMITED_TEXT in last[3].text

    assert [r.status for r in seen if r.status >= 500] == []
    log = server.stdout() + server.stderr()
    assert [ip for ip in ADDRESSES if ip in log] == []
    rows = service_db.messages("outage")
    print(
        f"\nrows {len(rows)}: "
        + ", ".join(f"{m['status']}{m['reasons']}" for m in rows)
        + f"; warnings {log.count('WARNING wagtail_campaign')}"
    )
    assert len(rows) == 3 + len(during) + 3


def test_wall_and_form_pages_answer_while_redis_is_down(
    server: ServerProcess, redis_up: RedisProcess, service_db: ServiceDB
) -> None:
    # Wagtail reads the default cache to build page URLs; with Django's plain RedisCache
    # every page answered 500 during an outage. ResilientRedisCache turns reads into misses.
    wall = service_db.walls["outage"]["path"]
    visitor = Visitor("ServicesTest/1.0 (outage D)", forwarded_for="198.51.100.63")
    assert visitor.load_form(server.port, wall).status == 200
    redis_up.kill()
    try:
        statuses = {path: request("GET", server.port, path)[0] for path in (wall, f"{wall}write/")}
        # A form with an error is shown again, with the error: that needs the page too.
        statuses["POST write/ (too short)"] = visitor.send(server.port, wall, "x").status
    finally:
        redis_up.start()
    assert statuses == {wall: 200, f"{wall}write/": 200, "POST write/ (too short)": 200}
