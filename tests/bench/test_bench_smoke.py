"""The benchmark still runs and writes its section (no timing is asserted here)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from tests.bench import bench_core


def test_generated_messages_are_realistic() -> None:
    messages = bench_core.make_messages(300)
    lengths = [len(text) for text, _ in messages]
    assert min(lengths) >= 50 and max(lengths) <= 800
    assert any("ہم" in text for text, _ in messages)
    assert any("https://" in text for text, _ in messages)
    assert bench_core.make_messages(5) == bench_core.make_messages(5)  # deterministic


def test_bench_writes_its_section_idempotently(tmp_path: Path) -> None:
    target = tmp_path / "performance.md"
    target.write_text("# Performance\n\nIntro stays.\n")
    assert bench_core.main(["--messages", "40", "--repeats", "1", "--write", str(target)]) == 0
    first = target.read_text()
    assert "Intro stays." in first
    assert first.count(bench_core.MARK_START) == 1
    assert "| peer: bleach.clean + bleach.linkify only |" in first
    bench_core.main(["--messages", "40", "--repeats", "1", "--write", str(target)])
    assert target.read_text().count(bench_core.MARK_START) == 1


def test_pipeline_rejects_and_holds_some_generated_messages() -> None:
    messages = bench_core.make_messages(400)
    approved = bench_core.run_pipeline(messages)
    assert 0 < approved < len(messages)


@pytest.mark.slow
def test_page_bench_runs_in_its_own_process(tmp_path: Path) -> None:
    # bench_pages sets up its own database, so it runs outside pytest-django.
    target = tmp_path / "performance.md"
    result = subprocess.run(
        [sys.executable, "-m", "tests.bench.bench_pages", "--repeats", "1", "--write", str(target)],
        cwd=Path(__file__).resolve().parents[2],
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    text = target.read_text()
    assert "| ours: campaign page, 200 timeline events, 10 SVG charts" in text
    assert "| peer: Wagtail page of core blocks" in text
