"""Fixtures for the end-to-end tests: a real server process and Debian's Chromium.

``wall_server`` migrates a fresh SQLite file database with
``tests.e2e.server_settings``, builds a message wall (see :mod:`tests.e2e.wallctl`)
and starts ``runserver --noreload --insecure`` on a free port; it is stopped at
the end of the module. ``browser`` launches ``/usr/bin/chromium`` through
Playwright (never a downloaded browser).

Without Chromium the browser tests are skipped on a developer's machine and
fail in CI (``CI=true``), so a broken CI image cannot pass quietly.
"""

from __future__ import annotations

import json
import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, NoReturn

import pytest

from tests import prerequisites

ROOT = Path(__file__).resolve().parents[2]
CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
#: The server's settings; another module can be named (for instance one that breaks the
#: escaping on purpose, to watch these tests fail).
SETTINGS = os.environ.get("E2E_SERVER_SETTINGS", "tests.e2e.server_settings")
#: Bounded waits, in seconds.
MIGRATE_TIMEOUT = 300
START_TIMEOUT = 60


def skip_or_fail(reason: str) -> NoReturn:
    """Skip on a developer's machine; in CI a missing prerequisite is a failure."""
    prerequisites.skip_or_fail(reason, tests="the browser tests")


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@dataclass
class LiveServer:
    """A running server: its base URL, the wall's URL, and a way to reach its database."""

    base_url: str
    env: dict[str, str]
    log: Path
    wall: dict[str, Any] = field(default_factory=dict)

    @property
    def wall_url(self) -> str:
        return self.base_url + self.wall["url"]

    def ctl(self, command: str) -> dict[str, Any]:
        """Run a :mod:`tests.e2e.wallctl` command against the server's database."""
        done = subprocess.run(
            [sys.executable, "-m", "tests.e2e.wallctl", command],
            cwd=ROOT,
            env=self.env,
            capture_output=True,
            text=True,
            timeout=120,
        )
        if done.returncode != 0:
            pytest.fail(f"wallctl {command} failed:\n{done.stdout}\n{done.stderr}")
        result: dict[str, Any] = json.loads(done.stdout.strip().splitlines()[-1])
        return result

    def log_tail(self, lines: int = 40) -> str:
        try:
            return "\n".join(self.log.read_text(errors="replace").splitlines()[-lines:])
        except OSError:
            return ""


def _answers(url: str) -> bool:
    try:
        with urllib.request.urlopen(url, timeout=5) as response:  # noqa: S310 - local server
            return bool(response.status == 200)
    except urllib.error.HTTPError:
        return True  # it answered, even if not with 200; the tests will say more
    except OSError:
        return False


@pytest.fixture(scope="module")
def wall_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveServer]:
    """A migrated SQLite file database, a wall page, and runserver on a free port."""
    folder = tmp_path_factory.mktemp("e2e-server")
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": SETTINGS,
        "E2E_DATABASE": str(folder / "db.sqlite3"),
        "PYTHONPATH": os.pathsep.join(filter(None, [str(ROOT), os.environ.get("PYTHONPATH")])),
    }
    env.pop("DATABASE_URL", None)  # the server always uses its own file database
    migrate = subprocess.run(
        [sys.executable, "-m", "django", "migrate", "--noinput", "-v0"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=MIGRATE_TIMEOUT,
    )
    if migrate.returncode != 0:
        pytest.fail(f"migrate failed:\n{migrate.stdout}\n{migrate.stderr}")

    port = free_port()
    log = folder / "server.log"
    server = LiveServer(base_url=f"http://127.0.0.1:{port}", env=env, log=log)
    server.wall = server.ctl("make-wall")
    assert server.wall["open"], f"the test wall should be open today: {server.wall}"

    with log.open("w") as log_file:
        # Output goes to a file, not a pipe: runserver logs every request and a full
        # pipe would block it.
        process = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "django",
                "runserver",
                f"127.0.0.1:{port}",
                "--noreload",
                "--insecure",
            ],
            cwd=ROOT,
            env=env,
            stdout=log_file,
            stderr=subprocess.STDOUT,
        )
    try:
        deadline = time.monotonic() + START_TIMEOUT
        while not _answers(server.wall_url):
            if process.poll() is not None or time.monotonic() > deadline:
                pytest.fail(f"the live server did not start:\n{server.log_tail()}")
            time.sleep(0.2)
        yield server
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(timeout=10)


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    """Debian's Chromium through Playwright, for one test module.

    Module scope on purpose: Playwright's sync API keeps an event loop while it
    runs, and Django refuses ORM calls from a thread with a running loop, so it
    must be gone before the database tests of other modules run.
    """
    if not CHROMIUM.exists() and shutil.which("chromium") is None:
        skip_or_fail(f"{CHROMIUM} is missing (apt-get install chromium)")
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:  # pragma: no cover - playwright is in the dev extra
        skip_or_fail("the playwright package is not installed (pip install -e '.[dev]')")
    playwright = sync_playwright().start()
    try:
        launched = playwright.chromium.launch(
            executable_path=str(CHROMIUM if CHROMIUM.exists() else shutil.which("chromium")),
            args=CHROMIUM_ARGS,
        )
        try:
            yield launched
        finally:
            launched.close()
    finally:
        playwright.stop()
