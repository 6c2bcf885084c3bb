"""Page benchmark: render a campaign page with 200 timeline events and 10 charts.

Run with ``make bench``. The peer, measured in the same run, is a plain Wagtail
page built from core blocks only (headings and rich text) carrying the same
text: 200 event paragraphs with their dates and source links and 10 HTML
tables of the same data. The ratio shows what our blocks (SVG charts, phase
logic, share links, timeline ordering) cost over Wagtail's own rendering.
Both pages are rendered through the full Django stack (test client, SQLite).
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from tests.bench.markdown import write_section

MARK_START = "<!-- bench:pages:start -->"
MARK_END = "<!-- bench:pages:end -->"
EVENTS = 200
CHARTS = 10


def _setup_django() -> Any:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tests.settings")
    os.environ.pop("DATABASE_URL", None)
    import django

    django.setup()
    from django.test.runner import DiscoverRunner
    from django.test.utils import setup_test_environment

    setup_test_environment()
    runner = DiscoverRunner(verbosity=0, interactive=False)
    return runner, runner.setup_databases()


def _build() -> tuple[Any, Any]:
    from tests.plugin import utils
    from tests.testapp.models import HostStreamPage

    home = utils.host_home()
    series = [utils.make_series(title=f"Series {n}") for n in range(CHARTS)]
    timeline = utils.make_timeline(home, events=EVENTS)
    body: list[tuple[str, Any]] = [
        ("chart", {"series": s, "kind": "bar" if n % 2 else "line", "takeaway": "Takeaway."})
        for n, s in enumerate(series)
    ]
    body.append(
        (
            "timeline_excerpt",
            {"timeline": timeline, "category": "", "limit": 0, "newest_first": False},
        )
    )
    body.append(("share_bar", {"text": "", "networks": [], "mastodon": True}))
    campaign = utils.make_campaign(home, body=body)

    peer_body: list[tuple[str, Any]] = []
    for n in range(CHARTS):
        rows = "".join(f"<li>{label}: {value}</li>" for label, value in utils.SEED_DEATHS)
        peer_body += [("heading", f"Series {n}"), ("paragraph", f"<ul>{rows}</ul>")]
    for event in timeline.events.all():
        peer_body.append(
            (
                "paragraph",
                f"<p><b>{event.partial_date}</b> {event.headline}</p>{event.body}"
                f'<p><a href="https://example.org/{event.pk}">source</a></p>',
            )
        )
    peer = HostStreamPage(title="Peer", slug="peer", body=peer_body)
    home.add_child(instance=peer)
    peer.save_revision().publish()
    return campaign, peer


def _measure(client: Any, url: str, repeats: int) -> float:
    """Median milliseconds per render."""
    client.get(url)  # warm: template loading, renditions
    times = []
    for _ in range(repeats):
        began = time.perf_counter()
        response = client.get(url)
        times.append((time.perf_counter() - began) * 1000)
        assert response.status_code == 200
    return statistics.median(times)


def report(repeats: int) -> str:
    runner, old = _setup_django()
    try:
        from django.db import connection
        from django.test import Client
        from django.test.utils import CaptureQueriesContext

        from tests.bench.bench_core import machine

        campaign, peer = _build()
        client = Client()
        ours = _measure(client, campaign.url, repeats)
        theirs = _measure(client, peer.url, repeats)
        with CaptureQueriesContext(connection) as queries:
            html = client.get(campaign.url).content.decode()
        events = html.count('class="wc-event"')
        charts = html.count('role="img"')
    finally:
        runner.teardown_databases(old)
    import datetime as dt

    return "\n".join(
        [
            MARK_START,
            f"Measured {dt.date.today().isoformat()} on {machine()}; SQLite, median of "
            f"{repeats} renders through the Django test client.",
            "",
            "| page | ms per render | ratio to peer |",
            "|---|---:|---:|",
            f"| ours: campaign page, {events} timeline events, {charts} SVG charts with tables, "
            f"share bar ({len(queries.captured_queries)} queries) | {ours:.1f} | "
            f"{ours / theirs:.2f}x |",
            f"| peer: Wagtail page of core blocks with the same text | {theirs:.1f} | 1.00x |",
            MARK_END,
        ]
    )


def write(path: Path, section: str) -> None:
    preamble = "## Campaign page rendering\n\n"
    write_section(path, section, start=MARK_START, end=MARK_END, preamble=preamble)


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=15)
    parser.add_argument("--write", type=Path)
    args = parser.parse_args(argv)
    section = report(args.repeats)
    print(section)
    if args.write:
        write(args.write, section)
    return 0


if __name__ == "__main__":
    sys.exit(main())
