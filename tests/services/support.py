"""Processes and an HTTP visitor for the service tests; only ever talks to 127.0.0.1.

Every wait here is bounded: a process that does not start, answer or stop in time is
reported (with its captured stderr) instead of hanging the run.
"""

from __future__ import annotations

import http.client
import os
import re
import signal
import socket
import subprocess
import sys
import time
import urllib.parse
from dataclasses import dataclass, field
from http.cookies import SimpleCookie
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[2]
SERVER_SETTINGS = "tests.services.server_settings"
HOST = "127.0.0.1"
#: The refusal a rate-limited visitor reads (wagtail_campaign.views.wall.refusal_text).
RATE_LIMITED_TEXT = "You have posted several messages in a short time"


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind((HOST, 0))
        return int(sock.getsockname()[1])


def service_env(**overrides: str) -> dict[str, str]:
    """The environment of our subprocesses: the server settings, the repository importable."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("COV_CORE_")}
    env.update(
        DJANGO_SETTINGS_MODULE=SERVER_SETTINGS,
        PYTHONPATH=str(ROOT),
        PYTHONUNBUFFERED="1",
        PYTHONDONTWRITEBYTECODE="1",
    )
    env.update(overrides)
    return env


def run_tool(args: list[str], env: dict[str, str], timeout: float) -> str:
    """Run ``python -m tests.services.walltool ARGS`` and return its stdout (fail loudly)."""
    done = subprocess.run(
        [sys.executable, "-m", "tests.services.walltool", *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=timeout,
        check=False,
    )
    if done.returncode != 0:
        raise RuntimeError(
            f"walltool {' '.join(args)} exited {done.returncode}:\n{done.stderr[-4000:]}"
        )
    return done.stdout


def _die_with_parent() -> None:
    """In the child (Linux): get SIGTERM if the test process dies, so nothing is orphaned."""
    try:
        import ctypes

        ctypes.CDLL(None, use_errno=True).prctl(1, signal.SIGTERM)  # PR_SET_PDEATHSIG
    except (OSError, AttributeError):
        pass


#: For Popen(preexec_fn=...): only where prctl exists.
DIE_WITH_PARENT = _die_with_parent if sys.platform == "linux" else None


def stop_process(proc: subprocess.Popen[bytes], *, grace: float = 10.0) -> None:
    """Terminate our own child (its process group), then kill it; never waits unbounded."""
    if proc.poll() is not None:
        return
    try:
        os.killpg(proc.pid, signal.SIGTERM)
    except ProcessLookupError:
        return
    try:
        proc.wait(timeout=grace)
    except subprocess.TimeoutExpired:
        try:
            os.killpg(proc.pid, signal.SIGKILL)
        except ProcessLookupError:
            return
        proc.wait(timeout=5)


# ---------------------------------------------------------------- HTTP server processes


def spawn(command: list[str], env: dict[str, str], out: Any, err: Any) -> subprocess.Popen[bytes]:
    """Start a child in its own session that dies with this process (call from the main thread)."""
    return subprocess.Popen(
        command,
        cwd=ROOT,
        env=env,
        stdout=out,
        stderr=err,
        stdin=subprocess.DEVNULL,
        start_new_session=True,
        preexec_fn=DIE_WITH_PARENT,
    )


@dataclass
class ServerProcess:
    """One ``django-admin runserver`` process (threaded, no autoreload) on a free port."""

    name: str
    env: dict[str, str]
    log_dir: Path
    port: int = 0
    proc: subprocess.Popen[bytes] | None = None
    stdout_path: Path = field(init=False)
    stderr_path: Path = field(init=False)

    def __post_init__(self) -> None:
        self.stdout_path = self.log_dir / f"{self.name}.stdout.log"
        self.stderr_path = self.log_dir / f"{self.name}.stderr.log"

    def launch(self) -> None:
        """Start the process on a free port, without waiting for it."""
        self.port = free_port()
        with self.stdout_path.open("ab") as out, self.stderr_path.open("ab") as err:
            command = [sys.executable, "-m", "django", "runserver", f"{HOST}:{self.port}"]
            self.proc = spawn([*command, "--noreload", "--skip-checks"], self.env, out, err)

    def wait_ready(self, ready_path: str, *, timeout: float = 90.0, attempts: int = 3) -> None:
        """Wait until ``ready_path`` answers 200; relaunch if another process took the port."""
        for _attempt in range(attempts):
            if self._wait_ready(ready_path, timeout):
                return
            self.stop()
            if "already in use" not in self.stderr():
                break  # not a lost race for the port: retrying will not help
            self.launch()
        raise RuntimeError(f"server {self.name} did not start:\n{self.stderr()[-4000:]}")

    def _wait_ready(self, path: str, timeout: float) -> bool:
        assert self.proc is not None
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                return False
            try:
                status, _, _ = request("GET", self.port, path, timeout=5)
            except OSError:
                time.sleep(0.2)
                continue
            return status == 200
        return False

    def stop(self) -> None:
        if self.proc is not None:
            stop_process(self.proc)

    def stdout(self) -> str:
        return self.stdout_path.read_text(errors="replace") if self.stdout_path.exists() else ""

    def stderr(self) -> str:
        return self.stderr_path.read_text(errors="replace") if self.stderr_path.exists() else ""


def request(
    method: str,
    port: int,
    path: str,
    *,
    body: bytes | None = None,
    headers: dict[str, str] | None = None,
    timeout: float = 30.0,
) -> tuple[int, http.client.HTTPMessage, str]:
    """One request to 127.0.0.1:port; redirects are returned, not followed."""
    conn = http.client.HTTPConnection(HOST, port, timeout=timeout)
    try:
        conn.request(method, path, body=body, headers=headers or {})
        response = conn.getresponse()
        return response.status, response.headers, response.read().decode("utf-8", "replace")
    finally:
        conn.close()


@dataclass
class Response:
    status: int
    location: str
    text: str


_CSRF_FIELD = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')
_TOKEN_FIELD = re.compile(r'name="token" value="([^"]+)"')


@dataclass
class Visitor:
    """A browser-like client: its own User-Agent and, through the proxy, its own address."""

    user_agent: str
    forwarded_for: str = ""
    cookies: dict[str, str] = field(default_factory=dict)
    form: dict[str, str] = field(default_factory=dict)

    def _headers(self) -> dict[str, str]:
        headers = {"User-Agent": self.user_agent, "Accept-Language": "en"}
        if self.forwarded_for:
            headers["X-Forwarded-For"] = self.forwarded_for
        if self.cookies:
            headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        return headers

    def _keep_cookies(self, headers: http.client.HTTPMessage) -> None:
        for raw in headers.get_all("Set-Cookie") or []:
            jar: SimpleCookie = SimpleCookie()
            jar.load(raw)
            for key, morsel in jar.items():
                self.cookies[key] = morsel.value

    def load_form(self, port: int, wall_path: str) -> Response:
        """GET ``write/``: keeps the CSRF cookie and the form's hidden fields for :meth:`send`."""
        status, headers, page = request("GET", port, f"{wall_path}write/", headers=self._headers())
        self._keep_cookies(headers)
        if status == 200:
            csrf, token = _CSRF_FIELD.search(page), _TOKEN_FIELD.search(page)
            assert csrf and token, f"no form on {wall_path}write/: {page[:500]}"
            self.form = {"csrfmiddlewaretoken": csrf.group(1), "token": token.group(1)}
        return Response(status, headers.get("Location", ""), page)

    def send(self, port: int, wall_path: str, text: str, kind: str = "support") -> Response:
        """POST ``write/`` with the form loaded last (any process: they share the secret)."""
        assert self.form, "load_form() first"
        fields = {**self.form, "website": "", "display_name": "", "country": ""}
        fields.update(kind=kind, body=text)
        headers = {**self._headers(), "Content-Type": "application/x-www-form-urlencoded"}
        status, headers_in, page = request(
            "POST",
            port,
            f"{wall_path}write/",
            body=urllib.parse.urlencode(fields).encode(),
            headers=headers,
        )
        self._keep_cookies(headers_in)
        return Response(status, headers_in.get("Location", ""), page)

    def post_message(self, port: int, wall_path: str, text: str, kind: str = "support") -> Response:
        """Load the form, then send it, as a person would."""
        loaded = self.load_form(port, wall_path)
        if loaded.status != 200:
            return loaded
        return self.send(port, wall_path, text, kind)


# ---------------------------------------------------------------- a Redis of our own


@dataclass
class RedisProcess:
    """A throw-away ``redis-server`` (no persistence) that a test may kill and restart."""

    log_dir: Path
    port: int = field(default_factory=free_port)
    proc: subprocess.Popen[bytes] | None = None

    @property
    def url(self) -> str:
        return f"redis://{HOST}:{self.port}/0"

    def start(self, timeout: float = 10.0) -> None:
        log = (self.log_dir / f"redis-{self.port}.log").open("ab")
        with log:
            self.proc = subprocess.Popen(
                [
                    "redis-server",
                    "--bind",
                    HOST,
                    "--port",
                    str(self.port),
                    "--save",
                    "",
                    "--appendonly",
                    "no",
                    "--dir",
                    str(self.log_dir),
                ],
                stdout=log,
                stderr=subprocess.STDOUT,
                stdin=subprocess.DEVNULL,
                start_new_session=True,
                preexec_fn=DIE_WITH_PARENT,  # called from the main thread only
            )
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                break
            if self.ping():
                return
            time.sleep(0.05)
        self.stop()
        raise RuntimeError(f"redis-server did not start on port {self.port}")

    def ping(self) -> bool:
        import redis

        try:
            return bool(redis.Redis(host=HOST, port=self.port, socket_timeout=1).ping())
        except redis.RedisError:
            return False

    def kill(self) -> None:
        """Stop it the hard way, as a crash would (no shutdown, nothing saved)."""
        if self.proc is not None and self.proc.poll() is None:
            self.proc.kill()
            self.proc.wait(timeout=5)

    def stop(self) -> None:
        if self.proc is not None:
            stop_process(self.proc, grace=5)
