"""A local HTTP server that replays responses we wrote, and a clock that never really sleeps."""

from __future__ import annotations

import json
import threading
import time
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlsplit

DATA = Path(__file__).resolve().parents[2] / "data" / "social"


def load(name: str) -> Any:
    """A JSON fixture from tests/data/social."""
    return json.loads((DATA / name).read_text(encoding="utf-8"))


@dataclass
class Reply:
    """One scripted response. ``body`` that is not bytes or str is sent as JSON."""

    status: int = 200
    body: Any = b""
    headers: dict[str, str] = field(default_factory=dict)
    content_type: str = "application/json; charset=utf-8"
    delay: float = 0.0  # seconds to wait before answering
    declared_length: int | None = None  # a Content-Length that lies (a cut connection)

    def payload(self) -> bytes:
        if isinstance(self.body, bytes):
            return self.body
        if isinstance(self.body, str):
            return self.body.encode()
        return json.dumps(self.body).encode()


@dataclass
class Seen:
    """A request the server received."""

    method: str
    path: str
    query: dict[str, list[str]]
    headers: dict[str, str]
    body: bytes


class ReplayServer:
    """Serves scripted replies per path, in order; the last reply of a path repeats."""

    def __init__(self) -> None:
        self.routes: dict[str, list[Reply]] = {}
        self.seen: list[Seen] = []
        self.lock = threading.Lock()
        server = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, format: str, *args: Any) -> None:
                pass

            def do_GET(self) -> None:
                self.answer()

            def do_POST(self) -> None:
                self.answer()

            def answer(self) -> None:
                parts = urlsplit(self.path)
                length = int(self.headers.get("Content-Length") or 0)
                body = self.rfile.read(length) if length else b""
                reply = server.next_reply(
                    Seen(
                        self.command,
                        parts.path,
                        parse_qs(parts.query),
                        {k.lower(): v for k, v in self.headers.items()},
                        body,
                    )
                )
                if reply.delay:
                    time.sleep(reply.delay)
                payload = reply.payload()
                try:
                    self.send_response(reply.status)
                    if reply.content_type:
                        self.send_header("Content-Type", reply.content_type)
                    self.send_header("Content-Length", str(reply.declared_length or len(payload)))
                    for name, value in reply.headers.items():
                        self.send_header(name, value)
                    if reply.declared_length:
                        self.send_header("Connection", "close")
                        self.close_connection = True
                    self.end_headers()
                    self.wfile.write(payload)
                except (BrokenPipeError, ConnectionResetError):
                    pass  # the client gave up (a timeout test)

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.httpd.daemon_threads = True
        self.url = f"http://127.0.0.1:{self.httpd.server_address[1]}"
        self.thread = threading.Thread(
            target=self.httpd.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True
        )

    def add(self, path: str, *replies: Reply) -> None:
        self.routes.setdefault(path, []).extend(replies)

    def next_reply(self, seen: Seen) -> Reply:
        with self.lock:
            self.seen.append(seen)
            queue = self.routes.get(seen.path)
            if not queue:
                return Reply(404, {"error": "NotFound", "message": f"no route {seen.path}"})
            return queue.pop(0) if len(queue) > 1 else queue[0]

    def paths(self) -> list[str]:
        return [seen.path for seen in self.seen]


class FakeClock:
    """Unix time that moves only when the code under test sleeps."""

    def __init__(self, now: float = 1_449_050_400.0) -> None:  # 2015-12-02 10:00 UTC
        self.now = now
        self.sleeps: list[float] = []

    def time(self) -> float:
        return self.now

    def sleep(self, seconds: float) -> None:
        assert seconds >= 0
        self.sleeps.append(seconds)
        self.now += seconds
