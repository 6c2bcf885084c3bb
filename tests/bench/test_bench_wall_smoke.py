"""The message-wall benchmark still runs end to end at tiny sizes (no timing is asserted).

It needs PostgreSQL (``BENCH_DATABASE_URL``, default ``postgres://postgres@127.0.0.1:5432``):
the benchmark process makes a throwaway database straight from the models (no migrations)
and drops it. Without PostgreSQL the end-to-end test is skipped, except with ``CI=true``,
where it fails, as the service tests do.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from tests.bench import bench_wall
from tests.prerequisites import skip_or_fail


def _postgres_reachable() -> str:
    """An empty string if PostgreSQL answers, else why not."""
    import dj_database_url
    import psycopg

    config = dj_database_url.parse(
        os.environ.get("BENCH_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/wc_bench")
    )
    try:
        psycopg.connect(
            dbname="postgres",
            user=config.get("USER") or None,
            password=config.get("PASSWORD") or None,
            host=config.get("HOST") or None,
            port=config.get("PORT") or None,
            connect_timeout=3,
        ).close()
    except psycopg.OperationalError as exc:
        return f"PostgreSQL is not reachable: {exc}"
    return ""


def test_write_replaces_its_section_and_keeps_the_others(tmp_path: Path) -> None:
    target = tmp_path / "performance.md"
    target.write_text(
        "# Performance\n\n## Core pipeline\n\n<!-- bench:core:start -->\nx\n"
        "<!-- bench:core:end -->\n"
    )
    first = f"{bench_wall.MARK_START}\nfirst\n{bench_wall.MARK_END}"
    bench_wall.write(target, first)
    bench_wall.write(target, first.replace("first", "second"))
    text = target.read_text()
    assert "<!-- bench:core:start -->\nx\n<!-- bench:core:end -->" in text
    assert text.count(bench_wall.HEADING) == 1
    assert text.count(bench_wall.MARK_START) == 1
    assert "second" in text and "first" not in text


def test_deep_page_scales_down_with_the_rows() -> None:
    assert bench_wall.deep_page(1_000_000) == 1000
    assert bench_wall.deep_page(200) == 10
    assert bench_wall.deep_page(5) == 2


def test_plan_summary_names_the_index_and_the_time() -> None:
    plan = [
        "Limit  (cost=0.42..11.86 rows=21 width=1558) (actual time=0.1..0.2 rows=21 loops=1)",
        "  Buffers: shared hit=10",
        "  ->  Index Scan using wc_message_wall_feed on wagtail_campaign_message  (cost=...)",
        "Planning Time: 0.3 ms",
        "Execution Time: 0.117 ms",
    ]
    summary = bench_wall._plan_summary(plan)
    assert summary.startswith("Index Scan using wc_message_wall_feed")
    assert "shared hit=10" in summary and "Execution Time: 0.117 ms" in summary


@pytest.mark.slow
def test_wall_bench_runs_end_to_end_on_postgresql(tmp_path: Path) -> None:
    # About 10-15 s: a throwaway database from the models, 3 posts per round and side,
    # a wall of 200 messages. Its own process, because it has its own settings.
    reason = _postgres_reachable()
    if reason:
        skip_or_fail(reason)
    target = tmp_path / "performance.md"
    target.write_text("# Performance\n\nIntro stays.\n")
    output = bench_wall.run_in_subprocess(
        [
            "--throwaway-database",
            "--posts",
            "3",
            "--rounds",
            "2",
            "--rows",
            "200",
            "--repeats",
            "3",
            "--profile",
            "2",
            "--write",
            str(target),
        ]
    )
    assert bench_wall.MARK_START in output
    text = target.read_text()
    assert "Intro stays." in text
    assert "| ours: the form's plain URL" in text
    assert "| peer: django-contrib-comments `post_comment`" in text
    assert "| ours: keyset, `page_of_messages(cursor, 20)`" in text
    assert "wc_message_wall_feed" in text  # the plan shows the wall's index
    assert "every post succeeded on both sides" in text
    assert "| policy: 7 rules with the history in the database |" in text  # the profile ran
