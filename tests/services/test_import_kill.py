"""An import process killed mid-run (SIGKILL), then rerun, stores exactly the full set.

Each run is a real ``django-admin import_social`` process on this module's PostgreSQL
database, reading five pages of 40 statuses from the fake Mastodon server of the plugin
tests (a thread of the test process, on 127.0.0.1). The server holds back the request
for the third page until the test lets it go, so the test knows where the child is:

- killed while it waits for page 3: pages 1 and 2 are stored and page 2's position is
  saved; the rerun continues from there;
- killed at the worst moment: page 3's rows are committed but its position is not saved.
  The test takes a row lock on the source before letting page 3 through, so the child
  commits the page's rows and then waits on the lock in its ``UPDATE`` of the cursor;
  there it is killed. The rerun reads page 3 again and must recognise its 40 posts.

Every run after that must add nothing.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from collections import Counter
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TypeVar

import pytest

from tests.plugin.fake_social import FakeSocial, Fault, serve, status

from .conftest import ServiceDB
from .support import run_tool, service_env, spawn, stop_process

pytestmark = pytest.mark.services

PAGES, PAGE_SIZE = 5, 40
HELD = 3  # the request the fake server holds back: the third page
#: Bounds of the waits: starting Django in a child takes a few seconds on a loaded machine.
START_TIMEOUT, STEP_TIMEOUT, RUN_TIMEOUT = 60.0, 30.0, 120.0

#: The child of every run: the management command a cron job would run.
IMPORT_COMMAND = [sys.executable, "-m", "django", "import_social", "--skip-checks"]

T = TypeVar("T")


def wait_for(what: str, check: Callable[[], T | None], timeout: float = STEP_TIMEOUT) -> T:
    """Poll ``check`` until it returns something other than None (or fail after ``timeout``)."""
    deadline = time.monotonic() + timeout
    while True:
        found = check()
        if found is not None:
            return found
        if time.monotonic() > deadline:
            pytest.fail(f"gave up after {timeout:.0f} s waiting for {what}")
        time.sleep(0.02)


@dataclass
class Scenario:
    """One source on the "imports" wall, its statuses, and the child processes it ran."""

    db: ServiceDB
    env: dict[str, str]
    log_dir: Path
    account: str  # every status of this scenario comes from accounts named after it
    statuses: list[dict[str, Any]]
    source_id: int = 0
    runs: int = 0

    @property
    def expected(self) -> set[tuple[str, str]]:
        return {("mastodon", s["uri"]) for s in self.statuses}

    def page_end(self, page: int) -> str:
        """The id of the oldest status of ``page`` (1-based): the cursor saved after it."""
        return str(self.statuses[page * PAGE_SIZE - 1]["id"])

    def rows(self) -> list[tuple[str, str]]:
        """The (source, source id) of every stored message of this scenario, as stored."""
        return [
            (source, source_id)
            for source, source_id in self.db.query(
                "SELECT source, source_id FROM wagtail_campaign_message "
                "WHERE wall_id = %s AND source_id LIKE %s",
                self.db.walls["imports"]["id"],
                f"https://social.example/users/{self.account}%",
            )
        ]

    def cursor(self) -> str:
        [(cursor,)] = self.db.query(
            "SELECT cursor FROM wagtail_campaign_socialsource WHERE id = %s", self.source_id
        )
        return str(cursor)

    def add_source(self, server: str) -> None:
        wall = self.db.walls["imports"]["id"]
        out = run_tool(["source", str(wall), server], self.env, timeout=RUN_TIMEOUT)
        self.source_id = int(json.loads(out.strip().splitlines()[-1]))

    def start_import(self) -> subprocess.Popen[bytes]:
        """``django-admin import_social SOURCE`` in a child process, not waited for."""
        self.runs += 1
        name = f"{self.account}-run{self.runs}"
        with (
            (self.log_dir / f"{name}.stdout.log").open("wb") as out,
            (self.log_dir / f"{name}.stderr.log").open("wb") as err,
        ):
            return spawn([*IMPORT_COMMAND, str(self.source_id)], self.env, out, err)

    def log(self, stream: str) -> str:
        return (self.log_dir / f"{self.account}-run{self.runs}.{stream}.log").read_text()

    def run_import(self) -> str:
        """Run an import to its end; return what it printed (it must succeed)."""
        proc = self.start_import()
        try:
            code = proc.wait(timeout=RUN_TIMEOUT)
        finally:
            stop_process(proc, grace=5)
        assert code == 0, f"import_social exited {code}:\n{self.log('stderr')[-4000:]}"
        return self.log("stdout")

    def kill(self, proc: subprocess.Popen[bytes]) -> None:
        """SIGKILL: no handler, no ``finally``, no goodbye to the database."""
        assert proc.poll() is None, f"the import ended by itself:\n{self.log('stderr')[-4000:]}"
        os.kill(proc.pid, signal.SIGKILL)
        assert proc.wait(timeout=STEP_TIMEOUT) == -signal.SIGKILL

    def assert_full_set(self) -> None:
        rows = self.rows()
        twice = [row for row, n in Counter(rows).items() if n > 1]
        assert twice == [], f"stored more than once: {twice[:5]}"
        assert set(rows) - self.expected == set()
        assert self.expected - set(rows) == set(), "missing after the rerun"
        assert len(rows) == PAGES * PAGE_SIZE


@pytest.fixture
def new_scenario(
    service_db: ServiceDB, redis_url: str, cache_prefix: str, log_dir: Path
) -> Callable[[str, int], Scenario]:
    """``new_scenario(account, first)``: statuses ``first + 1`` .. ``first + 200``."""
    env = service_env(
        DATABASE_URL=service_db.url,
        REDIS_URL=redis_url,
        SERVICES_CACHE_PREFIX=cache_prefix,
        # The fake server is on 127.0.0.1: no proxy may stand in between.
        no_proxy="*",
        NO_PROXY="*",
    )
    for name in ("http_proxy", "HTTP_PROXY", "https_proxy", "HTTPS_PROXY"):
        env.pop(name, None)

    def make(account: str, first: int) -> Scenario:
        numbers = range(first + PAGES * PAGE_SIZE, first, -1)  # newest first
        statuses = [status(n, account=f"{account}{n % 7}") for n in numbers]
        return Scenario(service_db, env, log_dir, account, statuses)

    return make


@contextmanager
def serving(scenario: Scenario) -> Iterator[FakeSocial]:
    """The scenario's statuses on a fake Mastodon that holds back the third page request."""
    fake = FakeSocial(
        statuses=scenario.statuses, page_size=PAGE_SIZE, faults=[Fault(at=HELD, kind="hold")]
    )
    with serve(fake):
        scenario.add_source(fake.url)
        try:
            yield fake
        finally:
            fake.release.set()  # a held request must not outlive the test


def held(fake: FakeSocial, proc: subprocess.Popen[bytes]) -> bool | None:
    """True once the child asked for the held page; fails at once if the child died."""
    assert proc.poll() is None, f"the import exited {proc.returncode} before page {HELD}"
    return True if fake.held.is_set() else None


def wait_for_page_two_stored(
    scenario: Scenario, fake: FakeSocial, proc: subprocess.Popen[bytes]
) -> None:
    """Until the child asks for the held page 3 and has stored page 2 and saved its position.

    The next page is asked for while one is stored (the importer fetches ahead), so page 2's
    position may be saved a moment after page 3 is requested.
    """
    wait_for(f"the import to ask for page {HELD}", lambda: held(fake, proc), START_TIMEOUT)
    wait_for(
        "page 2's position to be saved",
        lambda: True if scenario.cursor() == scenario.page_end(2) else None,
    )
    assert len(scenario.rows()) == 2 * PAGE_SIZE


def finish_and_rerun(scenario: Scenario, *, new: int, again: int) -> None:
    """The rerun stores what is missing; the run after it adds nothing."""
    rerun = scenario.run_import()
    assert f"{new} new, {again} already there, 0 rejected, 0 skipped" in rerun, rerun
    scenario.assert_full_set()
    last = scenario.run_import()
    assert "0 new, 0 already there, 0 rejected, 0 skipped" in last, last
    scenario.assert_full_set()


def test_import_killed_while_waiting_for_a_page_then_rerun_stores_the_full_set(
    new_scenario: Callable[[str, int], Scenario],
) -> None:
    scenario = new_scenario("waiting", 1000)
    with serving(scenario) as fake:
        proc = scenario.start_import()
        try:
            wait_for_page_two_stored(scenario, fake, proc)
            assert len(fake.requests) == HELD  # still waiting: no timeout, no retry yet
            scenario.kill(proc)
        finally:
            fake.release.set()
            stop_process(proc, grace=5)
        assert len(scenario.rows()) == 2 * PAGE_SIZE
        finish_and_rerun(scenario, new=3 * PAGE_SIZE, again=0)


def test_import_killed_after_a_commit_before_its_cursor_then_rerun_stores_the_full_set(
    new_scenario: Callable[[str, int], Scenario],
) -> None:
    import psycopg

    scenario = new_scenario("worst", 2000)
    with (
        serving(scenario) as fake,
        psycopg.connect(scenario.db.url, autocommit=True, connect_timeout=5) as watch,
    ):
        proc = scenario.start_import()
        try:
            wait_for_page_two_stored(scenario, fake, proc)
            with psycopg.connect(scenario.db.url, connect_timeout=5) as lock:
                # Until this transaction ends, nobody else can update the source's row.
                lock.execute(
                    "SELECT id FROM wagtail_campaign_socialsource WHERE id = %s FOR UPDATE",
                    (scenario.source_id,),
                )
                fake.release.set()

                def waiting() -> tuple[int, str] | None:
                    # From a connection of its own: pg_stat_activity is a snapshot taken
                    # once per transaction, and the lock's transaction stays open.
                    found = watch.execute(
                        "SELECT pid, query FROM pg_stat_activity "
                        "WHERE %s = ANY(pg_blocking_pids(pid))",
                        (lock.info.backend_pid,),
                    ).fetchall()
                    return (int(found[0][0]), str(found[0][1])) if found else None

                backend, query = wait_for("the import to wait on the source's row", waiting)
                # The child waits in the UPDATE that saves page 3's position...
                assert query.startswith('UPDATE "wagtail_campaign_socialsource"'), query
                assert '"cursor"' in query, query
                # ... after page 3's rows were committed.
                assert len(scenario.rows()) == 3 * PAGE_SIZE
                scenario.kill(proc)
                # A backend waiting on a lock does not notice that its client is gone:
                # given the lock it would still save the cursor. End it too, as if the
                # process had died just before sending its UPDATE.
                watch.execute("SELECT pg_terminate_backend(%s)", (backend,))
                wait_for(
                    "the killed import's connection to end",
                    lambda: (
                        None
                        if watch.execute(
                            "SELECT 1 FROM pg_stat_activity WHERE pid = %s", (backend,)
                        ).fetchall()
                        else True
                    ),
                )
                lock.rollback()
        finally:
            fake.release.set()
            stop_process(proc, grace=5)
        # The worst moment: page 3 stored, the saved position still after page 2.
        assert len(scenario.rows()) == 3 * PAGE_SIZE
        assert scenario.cursor() == scenario.page_end(2)
        finish_and_rerun(scenario, new=2 * PAGE_SIZE, again=PAGE_SIZE)
