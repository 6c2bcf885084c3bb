"""A small Mastodon and Bluesky stand-in on 127.0.0.1, written from their documented shapes.

Unlike the replay server of the core tests, it paginates for real (``max_id``,
``since_id`` and ``Link`` headers on Mastodon; ``cursor`` on Bluesky) over a list
of posts the test controls, and can fail on a chosen request: HTTP 429 with
``Retry-After``, 500, a response slower than the client's timeout, truncated
JSON, an HTML page instead of JSON, or an answer held back until the test lets it go.
"""

from __future__ import annotations

import datetime as dt
import json
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, urlsplit

TAG = "IStandWithAhmadis"
START = dt.datetime(2015, 12, 1, 8, 0, tzinfo=dt.UTC)


def status(number: int, text: str | None = None, **fields: Any) -> dict[str, Any]:
    """One Mastodon Status entity with the hashtag (ids grow with time, as Mastodon's do)."""
    account = fields.pop("account", f"user{number % 7}")
    content = text if text is not None else f"Sample status number {number}, in solidarity."
    data = {
        "id": str(10_000 + number),
        "uri": f"https://social.example/users/{account}/statuses/{10_000 + number}",
        "url": f"https://social.example/@{account}/{10_000 + number}",
        "created_at": (START + dt.timedelta(minutes=17 * number))
        .isoformat()
        .replace("+00:00", "Z"),
        "content": f"<p>{content} #<span>{TAG}</span></p>",
        "language": "en",
        "account": {
            "id": str(number % 7),
            "acct": account,
            "display_name": f"Sample {account}",
            "url": f"https://social.example/@{account}",
        },
        "reblog": None,
        "in_reply_to_id": None,
        "tags": [{"name": TAG.lower(), "url": f"https://social.example/tags/{TAG.lower()}"}],
        "media_attachments": [],
        "spoiler_text": "",
        "sensitive": False,
        "visibility": "public",
    }
    data.update(fields)
    return data


def bluesky_post(number: int, text: str | None = None) -> dict[str, Any]:
    """One post of a Bluesky ``searchPosts`` response."""
    handle = f"user{number % 5}.bsky.example"
    created = (START + dt.timedelta(minutes=13 * number)).isoformat().replace("+00:00", "Z")
    body = text if text is not None else f"Sample Bluesky post {number} #{TAG}"
    return {
        "uri": f"at://did:plc:user{number % 5}/app.bsky.feed.post/3k{number:08d}",
        "cid": f"bafyrei{number:020d}",
        "author": {"did": f"did:plc:user{number % 5}", "handle": handle, "displayName": handle},
        "record": {
            "$type": "app.bsky.feed.post",
            "text": body,
            "createdAt": created,
            "langs": ["en"],
            "facets": [],
        },
        "indexedAt": created,
    }


@dataclass
class Fault:
    """What to do instead of answering, on request number ``at`` (1-based) of a path."""

    at: int
    kind: str  # "429", "500", "slow", "truncated", "html", "hold"
    repeat: int = 1


@dataclass
class FakeSocial:
    statuses: list[dict[str, Any]] = field(default_factory=list)  # newest first
    posts: list[dict[str, Any]] = field(default_factory=list)  # newest first
    faults: list[Fault] = field(default_factory=list)
    page_size: int = 5
    slow_seconds: float = 3.0
    #: A "hold" sets ``held`` when its request arrives, then answers once ``release`` is
    #: set (or after ``hold_seconds``, so that no thread of the server waits for ever).
    held: threading.Event = field(default_factory=threading.Event)
    release: threading.Event = field(default_factory=threading.Event)
    hold_seconds: float = 60.0
    requests: list[tuple[str, dict[str, list[str]]]] = field(default_factory=list)
    authorized: int = 0  # requests that carried a session token
    url: str = ""

    # ------------------------------------------------------------ answers

    def mastodon(self, query: dict[str, list[str]]) -> tuple[int, Any, dict[str, str]]:
        limit = min(int(query.get("limit", ["20"])[0]), self.page_size)
        max_id = int(query["max_id"][0]) if "max_id" in query else None
        since_id = int(query["since_id"][0]) if "since_id" in query else None
        found = [
            s
            for s in self.statuses
            if (max_id is None or int(s["id"]) < max_id)
            and (since_id is None or int(s["id"]) > since_id)
        ][:limit]
        headers = {}
        if found:
            base = f"{self.url}/api/v1/timelines/tag/{TAG}?limit={limit}"
            headers["Link"] = (
                f'<{base}&max_id={found[-1]["id"]}>; rel="next", '
                f'<{base}&min_id={found[0]["id"]}>; rel="prev"'
            )
        return 200, found, headers

    def bluesky(self, query: dict[str, list[str]]) -> tuple[int, Any, dict[str, str]]:
        limit = min(int(query.get("limit", ["25"])[0]), self.page_size)
        start = int(query["cursor"][0]) if "cursor" in query else 0
        found = self.posts[start : start + limit]
        body: dict[str, Any] = {"posts": found}
        if start + limit < len(self.posts):
            body["cursor"] = str(start + limit)
        return 200, body, {}

    def fault_for(self, count: int) -> Fault | None:
        for fault in self.faults:
            if fault.at <= count < fault.at + fault.repeat:
                return fault
        return None


@contextmanager
def serve(fake: FakeSocial) -> Iterator[FakeSocial]:
    """Run ``fake`` on a free port of 127.0.0.1 for the duration of the block."""

    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def log_message(self, format: str, *args: Any) -> None:
            pass

        def do_POST(self) -> None:
            length = int(self.headers.get("Content-Length") or 0)
            credentials = json.loads(self.rfile.read(length) or b"{}")
            fake.requests.append((self.path, {"identifier": [credentials.get("identifier", "")]}))
            session = {"accessJwt": "access-token", "refreshJwt": "refresh-token"}
            ok = self.path == "/xrpc/com.atproto.server.createSession" and credentials.get(
                "password"
            )
            payload = json.dumps(session if ok else {"error": "AuthenticationRequired"}).encode()
            self.send_response(200 if ok else 401)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(payload)))
            self.end_headers()
            self.wfile.write(payload)

        def do_GET(self) -> None:
            parts = urlsplit(self.path)
            if self.headers.get("Authorization"):
                fake.authorized += 1
            query = parse_qs(parts.query)
            fake.requests.append((parts.path, query))
            fault = fake.fault_for(len(fake.requests))
            if parts.path.startswith("/api/v1/timelines/tag/"):
                status_code, body, headers = fake.mastodon(query)
            elif parts.path == "/xrpc/app.bsky.feed.searchPosts":
                status_code, body, headers = fake.bluesky(query)
            else:
                status_code, body, headers = 404, {"error": "not found"}, {}
            payload = json.dumps(body).encode()
            content_type = "application/json; charset=utf-8"
            if fault is not None:
                if fault.kind == "429":
                    status_code, headers, payload = (
                        429,
                        {"Retry-After": "1"},
                        b'{"error":"slow down"}',
                    )
                elif fault.kind == "500":
                    status_code, headers, payload = 500, {}, b'{"error":"boom"}'
                elif fault.kind == "slow":
                    time.sleep(fake.slow_seconds)
                elif fault.kind == "hold":
                    fake.held.set()
                    fake.release.wait(fake.hold_seconds)
                elif fault.kind == "truncated":
                    payload = payload[: len(payload) // 2]
                elif fault.kind == "html":
                    content_type = "text/html; charset=utf-8"
                    payload = b"<!doctype html><title>Maintenance</title><p>Back soon.</p>"
            try:
                self.send_response(status_code)
                self.send_header("Content-Type", content_type)
                self.send_header("Content-Length", str(len(payload)))
                for name, value in headers.items():
                    self.send_header(name, value)
                self.end_headers()
                self.wfile.write(payload)
            except (BrokenPipeError, ConnectionResetError):
                pass

    httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    httpd.daemon_threads = True
    fake.url = f"http://127.0.0.1:{httpd.server_address[1]}"
    thread = threading.Thread(target=httpd.serve_forever, kwargs={"poll_interval": 0.05})
    thread.daemon = True
    thread.start()
    try:
        yield fake
    finally:
        httpd.shutdown()
        httpd.server_close()
