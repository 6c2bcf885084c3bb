"""The social import benchmark still runs end to end at a tiny size (no timing is asserted).

Like the wall benchmark, it needs PostgreSQL: skipped without it, except with ``CI=true``.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from tests.bench import bench_social
from tests.bench.test_bench_wall_smoke import _postgres_reachable
from tests.prerequisites import skip_or_fail


def test_pages_are_mastodon_statuses_newest_first() -> None:
    pages = bench_social.make_pages(85)
    statuses = [status for page in pages for status in json.loads(page)]
    assert [len(json.loads(page)) for page in pages] == [40, 40, 5]
    assert len({s["uri"] for s in statuses}) == 85
    times = [s["created_at"] for s in statuses]
    assert times == sorted(times, reverse=True)
    from ahmadi_campaign.social import parse_statuses

    report = parse_statuses(pages[0], hashtags=["#IStandWithAhmadis"])
    assert len(report.posts) == 40 and not report.skipped


@pytest.mark.slow
def test_social_bench_runs_end_to_end_on_postgresql(tmp_path: Path) -> None:
    reason = _postgres_reachable()
    if reason:
        skip_or_fail(reason)
    target = tmp_path / "performance.md"
    target.write_text("# Performance\n\nIntro stays.\n")
    result = subprocess.run(
        [
            sys.executable,
            "-m",
            "tests.bench.bench_social",
            "--count",
            "80",
            "--repeats",
            "1",
            "--write",
            str(target),
        ],
        cwd=Path(__file__).resolve().parents[2],
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )
    assert result.returncode == 0, result.stderr[-4000:]
    text = target.read_text()
    assert "Intro stays." in text
    assert "| ours: parse + sanitise + policy + bulk upsert |" in text
    assert "stored 80 of 80" in text
    assert "Peak memory of our import" in text
