"""Racing imports of one post end in one row (unique source and source id) on PostgreSQL.

The threads run in a subprocess with the server settings, each with its own database
connection, released together by a barrier into ``judge_and_store``.
"""

from __future__ import annotations

import json

import pytest

from .conftest import ServiceDB
from .support import run_tool, service_env

pytestmark = pytest.mark.services

THREADS = 16
SOURCE_IDS = [f"https://mastodon.example/users/friend/statuses/10{n}" for n in range(3)]


def test_racing_imports_of_one_post_store_one_row(service_db: ServiceDB) -> None:
    wall = service_db.walls["imports"]
    env = service_env(DATABASE_URL=service_db.url)
    out = run_tool(["race", str(wall["id"]), str(THREADS), *SOURCE_IDS], env, timeout=120)
    reports = json.loads(out.strip().splitlines()[-1])
    for source_id in SOURCE_IDS:
        results = reports[source_id]["results"]
        assert reports[source_id]["alive"] == 0
        assert [r for r in results if "error" in r] == []
        assert len(results) == THREADS
        created = [r for r in results if r["stored"] and not r["duplicate"]]
        assert len(created) == 1, results
        # Every other thread was handed the row that won; nobody stored another.
        assert [r["pk"] for r in results] == [created[0]["pk"]] * THREADS
        rows = service_db.query(
            "SELECT count(*) FROM wagtail_campaign_message WHERE source = %s AND source_id = %s",
            "mastodon",
            source_id,
        )
        assert rows == [(1,)]
    assert len(service_db.messages("imports")) == len(SOURCE_IDS)
    print(
        f"\n{THREADS} threads x {len(SOURCE_IDS)} posts: "
        f"{sum(r['duplicate'] for s in SOURCE_IDS for r in reports[s]['results'])} duplicates "
        f"answered with the existing row, {len(service_db.messages('imports'))} rows"
    )
