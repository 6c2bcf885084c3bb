"""Fixtures of the service tests: real PostgreSQL, real Redis, real HTTP server processes.

Where the services are found: ``DATABASE_URL`` when it is a PostgreSQL URL (otherwise
``postgres://postgres@127.0.0.1:5432/test``) and ``REDIS_URL`` (default
``redis://127.0.0.1:6379/0``). If one cannot be reached the tests are skipped with the
reason; with ``CI=true`` they fail instead, so a CI run cannot turn green by skipping.

Databases: the migrations run once per session into a template database
(``wcsvc_<run>_tmpl``: 166 migrations, 20-25 s on an idle 2-CPU machine, over a minute
under load), which also receives the page tree; every test module then gets its own
fresh copy (``CREATE DATABASE ... TEMPLATE``, under a second). All of them are dropped at
the end. Redis keys of the run carry the prefix ``wcsvc-<run>`` and are deleted at the
end; nothing else in Redis is touched.
"""

from __future__ import annotations

import json
import os
import time
import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any, NoReturn

import pytest

from tests.prerequisites import skip_or_fail

from .support import RedisProcess, ServerProcess, run_tool, service_env

DEFAULT_DATABASE_URL = "postgres://postgres@127.0.0.1:5432/test"
DEFAULT_REDIS_URL = "redis://127.0.0.1:6379/0"


#: (what, seconds) of the slow set-up steps, shown at the end of the run.
TIMINGS: list[tuple[str, float]] = []


def pytest_terminal_summary(terminalreporter: Any) -> None:
    if TIMINGS:
        terminalreporter.write_sep("-", "service test set-up")
        for what, seconds in TIMINGS:
            terminalreporter.write_line(f"{seconds:6.1f}s  {what}")


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line(
        "markers", "services: needs PostgreSQL and Redis; starts server processes"
    )


def unavailable(reason: str) -> NoReturn:
    """Skip outside CI; fail in CI, where the services must be there."""
    skip_or_fail(reason, tests="the service tests")


def _with_database(url: str, name: str) -> str:
    from urllib.parse import urlsplit, urlunsplit

    parts = urlsplit(url)
    return urlunsplit(parts._replace(path=f"/{name}"))


def _admin_sql(url: str, *statements: str) -> None:
    import psycopg

    with psycopg.connect(url, autocommit=True, connect_timeout=5) as conn:
        for statement in statements:
            conn.execute(statement)  # type: ignore[arg-type]  # our own identifiers only


@pytest.fixture(scope="session")
def postgres_url() -> str:
    url = os.environ.get("DATABASE_URL", "")
    if not url.startswith(("postgres://", "postgresql://")):
        url = DEFAULT_DATABASE_URL
    try:
        import psycopg
    except ImportError:
        unavailable("psycopg is not installed")
    try:
        with psycopg.connect(url, connect_timeout=3) as conn:
            conn.execute("SELECT 1")
    except psycopg.Error as exc:
        unavailable(f"PostgreSQL not reachable at {url}: {exc}".strip())
    return url


@pytest.fixture(scope="session")
def redis_url() -> str:
    url = os.environ.get("REDIS_URL", DEFAULT_REDIS_URL)
    try:
        import redis
    except ImportError:
        unavailable("redis-py is not installed")
    try:
        redis.Redis.from_url(url, socket_connect_timeout=2, socket_timeout=2).ping()
    except redis.RedisError as exc:
        unavailable(f"Redis not reachable at {url}: {exc}")
    return url


@pytest.fixture(scope="session")
def run_id() -> str:
    return uuid.uuid4().hex[:10]


@pytest.fixture(scope="session")
def cache_prefix(redis_url: str, run_id: str) -> Iterator[str]:
    """The run's Redis key prefix; its keys (and only those) are deleted afterwards."""
    import redis

    prefix = f"wcsvc-{run_id}"
    yield prefix
    client = redis.Redis.from_url(redis_url, socket_timeout=5)
    keys = list(client.scan_iter(match=f"{prefix}:*", count=500))
    if keys:
        client.delete(*keys)


@dataclass(frozen=True)
class ServiceDB:
    name: str
    url: str
    #: slug -> {"id": page id, "path": URL path} of the walls built by walltool.prepare
    walls: dict[str, dict[str, Any]]

    def query(self, sql: str, *params: Any) -> list[tuple[Any, ...]]:
        import psycopg

        with psycopg.connect(self.url, connect_timeout=5) as conn:
            return conn.execute(sql, params).fetchall()  # type: ignore[arg-type]

    def messages(self, slug: str) -> list[dict[str, Any]]:
        """The wall's stored messages, straight from PostgreSQL."""
        rows = self.query(
            "SELECT id, status, text, fingerprint, reasons, source, source_id "
            "FROM wagtail_campaign_message WHERE wall_id = %s ORDER BY id",
            self.walls[slug]["id"],
        )
        keys = ("id", "status", "text", "fingerprint", "reasons", "source", "source_id")
        return [dict(zip(keys, row, strict=True)) for row in rows]


@pytest.fixture(scope="session")
def template_db(
    postgres_url: str, run_id: str, cache_prefix: str, redis_url: str
) -> Iterator[ServiceDB]:
    """Migrated once per session, with the page tree; the source of each module's database."""
    name = f"wcsvc_{run_id}_tmpl"
    url = _with_database(postgres_url, name)
    _admin_sql(postgres_url, f'CREATE DATABASE "{name}"')
    try:
        env = service_env(DATABASE_URL=url, REDIS_URL=redis_url, SERVICES_CACHE_PREFIX=cache_prefix)
        started = time.monotonic()
        walls = json.loads(run_tool(["prepare"], env, timeout=360).strip().splitlines()[-1])
        TIMINGS.append(
            ("migrate the template database and build the page tree", time.monotonic() - started)
        )
        yield ServiceDB(name, url, walls)
    finally:
        _admin_sql(postgres_url, f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@pytest.fixture(scope="module")
def service_db(
    request: pytest.FixtureRequest, postgres_url: str, template_db: ServiceDB, run_id: str
) -> Iterator[ServiceDB]:
    """A fresh, uniquely named database for this test module (a copy of the template)."""
    module = request.module.__name__.rsplit(".", 1)[-1].removeprefix("test_")[:20]
    name = f"wcsvc_{run_id}_{module}"
    _admin_sql(postgres_url, f'CREATE DATABASE "{name}" TEMPLATE "{template_db.name}"')
    try:
        yield ServiceDB(name, _with_database(postgres_url, name), template_db.walls)
    finally:
        _admin_sql(postgres_url, f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@pytest.fixture(scope="module")
def log_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("service-logs")


@pytest.fixture(scope="module")
def start_server(
    service_db: ServiceDB, redis_url: str, cache_prefix: str, log_dir: Path
) -> Iterator[Callable[..., list[ServerProcess]]]:
    """Start server processes on this module's database (in parallel, then wait for each).

    ``start({"name": {"REDIS_URL": ...}, ...})``; all are stopped at module end.
    """
    started: list[ServerProcess] = []
    ready_path = next(iter(service_db.walls.values()))["path"]

    def start(names: dict[str, dict[str, str]]) -> list[ServerProcess]:
        started_at = time.monotonic()
        batch = []
        for name, overrides in names.items():
            settings = {
                "DATABASE_URL": service_db.url,
                "REDIS_URL": redis_url,
                "SERVICES_CACHE_PREFIX": cache_prefix,
            }
            server = ServerProcess(name, service_env(**{**settings, **overrides}), log_dir)
            started.append(server)
            server.launch()
            batch.append(server)
        for server in batch:
            server.wait_ready(ready_path)
        TIMINGS.append(
            (f"start {', '.join(names)} until they answer", time.monotonic() - started_at)
        )
        return batch

    yield start
    for server in started:
        server.stop()


@pytest.fixture(scope="module")
def servers(start_server: Callable[..., list[ServerProcess]]) -> list[ServerProcess]:
    """Two server processes sharing one database and one Redis."""
    return start_server({"server-a": {}, "server-b": {}})


@pytest.fixture(scope="module")
def own_redis(log_dir: Path) -> Iterator[RedisProcess]:
    """A redis-server of this module's own, on a free port; stopped at module end."""
    import shutil

    if shutil.which("redis-server") is None:
        unavailable("redis-server is not installed")
    for _attempt in range(3):  # another process may take the free port first
        server = RedisProcess(log_dir)
        try:
            server.start()
            break
        except RuntimeError:
            continue
    else:
        raise RuntimeError("could not start redis-server on a free port")
    try:
        yield server
    finally:
        server.stop()
