"""The benchmark still runs and writes its section (no timing is asserted here)."""

from __future__ import annotations

from pathlib import Path

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
