"""The message wall through real HTTP server processes, on PostgreSQL and Redis.

Two ``runserver`` processes share this module's database and the run's Redis prefix;
visitors load the form (GET ``write/``) and send it (POST ``write/``) as a browser does.
"""

from __future__ import annotations

import random
import re
import shutil
import subprocess
import time
from concurrent.futures import ThreadPoolExecutor

import pytest

from .conftest import ServiceDB, unavailable
from .support import RATE_LIMITED_TEXT, Response, ServerProcess, Visitor, request

pytestmark = pytest.mark.services

POSTED = re.compile(r"\?posted=(live|review)(#|$)")
WORDS = (
    "courage hope justice faith neighbour lantern river mountain school garden bread letter "
    "friendship dignity freedom prayer village market window harvest candle bridge song "
    "morning evening teacher doctor family memory future promise kindness shelter patience"
).split()


def sentence(rng: random.Random, tag: str) -> str:
    return f"{' '.join(rng.sample(WORDS, 9)).capitalize()} ({tag})."


def avoid_window_edge(seconds: int, margin: float = 20.0) -> None:
    """Wait (at most ``margin`` s) so that a test does not straddle a rate-limit window."""
    left = seconds - time.time() % seconds
    if left < margin:
        time.sleep(left + 0.5)


def test_200_concurrent_submissions_are_all_stored(
    servers: list[ServerProcess], service_db: ServiceDB
) -> None:
    """20 clients x 10 messages from 20 threads, alternating between two processes."""
    wall = service_db.walls["flood"]["path"]
    clients, each = 20, 10

    def client(i: int) -> list[Response]:
        # One form load, then ten messages sent alternately to the two processes.
        rng = random.Random(i)
        visitor = Visitor(f"ServicesTest/1.0 (client {i})", forwarded_for=f"198.51.100.{i + 1}")
        loaded = visitor.load_form(servers[i % 2].port, wall)
        if loaded.status != 200:
            return [loaded]
        return [
            visitor.send(servers[(i + j) % 2].port, wall, sentence(rng, f"{i}-{j}"))
            for j in range(each)
        ]

    started = time.monotonic()
    with ThreadPoolExecutor(max_workers=clients) as pool:
        responses = [r for batch in pool.map(client, range(clients), timeout=120) for r in batch]
    elapsed = time.monotonic() - started

    rows = service_db.messages("flood")
    statuses = sorted({r.status for r in responses})
    live = sum("posted=live" in r.location for r in responses)
    print(
        f"\n{len(responses)} submissions in {elapsed:.1f}s; statuses {statuses}; "
        f"{len(rows)} rows; {live} live; "
        f"{len({m['fingerprint'] for m in rows})} distinct fingerprints"
    )
    assert [r for r in responses if r.status >= 500] == []
    assert all(r.status == 302 and POSTED.search(r.location) for r in responses), [
        (r.status, r.location, r.text[:200]) for r in responses if r.status != 302
    ][:5]
    assert len(rows) == clients * each
    assert len({m["text"] for m in rows}) == clients * each
    assert all(m["source"] == "site" and m["fingerprint"] for m in rows)
    # The day's salt is shared by both processes: one fingerprint per client, not more.
    assert len({m["fingerprint"] for m in rows}) == clients


def test_rate_limit_is_shared_by_two_processes_through_redis(
    servers: list[ServerProcess], service_db: ServiceDB, redis_url: str, cache_prefix: str
) -> None:
    """max 3 per client: alternating between the processes gets 3 in total, not 3 each."""
    import redis

    avoid_window_edge(600)
    wall = service_db.walls["shared-limit"]
    visitor = Visitor("ServicesTest/1.0 (shared limit)", forwarded_for="198.51.100.200")
    rng = random.Random("shared")
    attempts = 8
    responses = [
        visitor.post_message(servers[k % 2].port, wall["path"], sentence(rng, f"s{k}"))
        for k in range(attempts)
    ]
    accepted = [r for r in responses if r.status == 302 and POSTED.search(r.location)]
    refused = [r for r in responses if r.status == 200 and RATE_LIMITED_TEXT in r.text]
    print(f"\naccepted {len(accepted)}, refused {len(refused)} of {attempts}")
    assert [r.status for r in responses] == [302] * 3 + [200] * (attempts - 3)
    assert len(refused) == attempts - 3
    rows = service_db.messages("shared-limit")
    assert len(rows) == 3
    assert len({m["fingerprint"] for m in rows}) == 1  # both processes share the day's salt
    # Every attempt, whichever process took it, counted in the same Redis counter.
    client = redis.Redis.from_url(redis_url, socket_timeout=5)
    counters = [
        int(client.get(key) or 0)
        for key in client.scan_iter(match=f"{cache_prefix}:*:wagtail_campaign:rl:{wall['id']}:*")
        if b":wall:" not in key
    ]
    assert counters == [attempts], (
        "expected one per-client counter (wagtail_campaign:rl:<wall>:<fingerprint>:<window>) "
        f"holding every attempt; found {counters}"
    )


def test_no_raw_ip_in_database_cache_or_logs(
    servers: list[ServerProcess],
    service_db: ServiceDB,
    redis_url: str,
    cache_prefix: str,
    tmp_path,
) -> None:
    """The forwarded client address is used for the fingerprint and then forgotten."""
    import redis

    if shutil.which("pg_dump") is None:
        unavailable("pg_dump is not installed")
    address = "203.0.113.77"
    text = "Privacy check: my address must not be kept anywhere."
    visitor = Visitor("ServicesTest/1.0 (privacy)", forwarded_for=address)
    wall = service_db.walls["privacy"]["path"]
    response = visitor.post_message(servers[0].port, wall, text)
    assert response.status == 302 and POSTED.search(response.location)
    # Requests that Django itself logs (a CSRF failure, a 404) do not log the address either.
    headers = {"User-Agent": "ServicesTest/1.0 (privacy)", "X-Forwarded-For": address}
    assert request("POST", servers[1].port, f"{wall}write/", headers=headers)[0] == 403
    assert request("GET", servers[1].port, "/no-such-page/", headers=headers)[0] == 404

    dump_path = tmp_path / "dump.sql"
    with dump_path.open("wb") as out:
        subprocess.run(
            ["pg_dump", "--format=plain", "--no-owner", "--dbname", service_db.url],
            stdout=out,
            check=True,
            timeout=60,
        )
    dump = dump_path.read_text(errors="replace")
    assert text in dump  # the dump does hold the data
    assert address not in dump

    client = redis.Redis.from_url(redis_url, socket_timeout=5)
    for key in client.scan_iter(match=f"{cache_prefix}:*"):
        assert address.encode() not in key
        if client.type(key) == b"string":
            assert address.encode() not in (client.get(key) or b"")

    for server in servers:
        assert address not in server.stdout() + server.stderr()
    # The logs were captured: the access log and Django's security log have the requests.
    assert '"POST /privacy/write/ HTTP/1.1" 302' in servers[0].stderr()
    assert "Forbidden (CSRF cookie not set.)" in servers[1].stderr()
