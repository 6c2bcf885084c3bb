"""Social import benchmark: parse, judge and store 10,000 Mastodon statuses on PostgreSQL.

Run with ``make bench``. Statuses (Mastodon's documented Status entity, HTML content
of 50-800 characters, mixed English and Urdu, some with links) arrive in pages of 40,
as the hashtag timeline serves them, newest first. Ours: ``parse_statuses`` (JSON,
HTML to text, sanitising) then ``wagtail_campaign.importing.store_posts`` (the wall's
moderation policy with its history, one lookup of already-stored ids, one bulk insert
per page). The peer, in the same run and database: ``json.loads`` of the same pages
and a bulk insert of the raw fields, the least any importer must do. Peak memory
(tracemalloc) is measured for a quarter of the statuses and for all of them, in
separate runs: it must not grow with the number of pages.
"""

from __future__ import annotations

import argparse
import datetime as dt
import gc
import json
import re
import statistics
import sys
import time
import tracemalloc
import uuid
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

from tests.bench.bench_core import make_messages
from tests.bench.markdown import write_section

MARK_START = "<!-- bench:social:start -->"
MARK_END = "<!-- bench:social:end -->"
HEADING = "## Social import"
PAGE = 40
TARGET_SECONDS = 10.0
START = dt.datetime(2015, 12, 10, 18, 0, tzinfo=dt.UTC)


_URL = re.compile(r"https?://[^\s<]+")


def _mastodon_link(match: re.Match[str]) -> str:
    # Mastodon's formatter links every URL with a scheme this way (the parts hidden by CSS
    # keep the whole URL in the text); a bare "www." address stays text, as it does there.
    url = match[0]
    scheme, rest = url.split("://", 1)
    return (
        f'<a href="{url}" target="_blank" rel="nofollow noopener noreferrer" translate="no">'
        f'<span class="invisible">{scheme}://</span><span class="ellipsis">{rest[:30]}</span>'
        f'<span class="invisible">{rest[30:]}</span></a>'
    )


def make_pages(count: int, seed: int = 2015) -> list[bytes]:
    """``count`` statuses as JSON pages of 40, newest first, one a few seconds apart."""
    run = uuid.uuid4().hex[:8]  # fresh ids each run: every status is new to the database
    statuses = []
    for n, (text, client) in enumerate(make_messages(count, seed)):
        number = count - n
        account = client.replace("client-", "user")
        html = _URL.sub(
            _mastodon_link, "".join(f"<p>{part}</p>" for part in text.split(" . ") if part)
        )
        statuses.append(
            {
                "id": str(number),
                "uri": f"https://social.example/users/{account}/statuses/{run}{number}",
                "url": f"https://social.example/@{account}/{run}{number}",
                "created_at": (START - dt.timedelta(seconds=7 * n)).isoformat(),
                "content": html + '<p><a href="https://social.example/tags/IStandWithAhmadis" '
                'class="mention hashtag" rel="tag">#<span>IStandWithAhmadis</span></a></p>',
                "language": "ur" if any("\u0600" <= c <= "\u06ff" for c in text) else "en",
                "account": {
                    "id": account,
                    "acct": account,
                    "display_name": account.title(),
                    "url": f"https://social.example/@{account}",
                },
                "reblog": None,
                "in_reply_to_id": None,
                "tags": [{"name": "istandwithahmadis", "url": "https://social.example/tags/x"}],
                "media_attachments": [],
                "spoiler_text": "",
                "sensitive": False,
                "visibility": "public",
            }
        )
    return [json.dumps(statuses[i : i + PAGE]).encode() for i in range(0, count, PAGE)]


def run_ours(wall: Any, pages: Sequence[bytes]) -> int:
    from ahmadi_campaign.social import parse_statuses
    from wagtail_campaign import importing

    history = importing._history()
    stored = 0
    # As run_source does: the next page is parsed while this one is judged and stored.
    parsed = (parse_statuses(page, hashtags=["#IStandWithAhmadis"]) for page in pages)
    for report in importing.prefetch(parsed):
        stored += importing.store_posts(wall, report.posts, kind="support", history=history).stored
    return stored


def run_peer(wall: Any, pages: Sequence[bytes]) -> int:
    from wagtail_campaign.models import Message

    stored = 0
    for page in pages:
        rows = [
            Message(
                wall=wall,
                kind="support",
                text=status["content"],
                body=status["content"],
                display_name=status["account"]["display_name"],
                source="mastodon",
                source_id="peer:" + status["uri"],
                source_url=status["url"],
                created_at=dt.datetime.fromisoformat(status["created_at"]),
            )
            for status in json.loads(page)
        ]
        Message.objects.bulk_create(rows, ignore_conflicts=True)
        stored += len(rows)
    return stored


def timed(
    run: Callable[[Any, Sequence[bytes]], int], wall: Any, pages: Sequence[bytes]
) -> tuple[float, int]:
    gc.collect()
    began = time.perf_counter()
    stored = run(wall, pages)
    return time.perf_counter() - began, stored


def peak_memory(
    run: Callable[[Any, Sequence[bytes]], int], wall: Any, pages: Sequence[bytes]
) -> int:
    """Peak bytes allocated while importing (the pages themselves are allocated before)."""
    gc.collect()
    tracemalloc.start()
    tracemalloc.reset_peak()
    baseline = tracemalloc.get_traced_memory()[0]
    run(wall, pages)
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    return peak - baseline


def report(count: int, repeats: int, *, throwaway: bool = True) -> str:
    from tests.bench.bench_wall import machine, setup_django

    teardown = setup_django(throwaway=throwaway)
    try:
        from wagtail.models import Page

        from tests.bench.bench_core import BANNED
        from wagtail_campaign.models import Message, MessageWallPage

        root = Page.get_first_root_node()
        wall = MessageWallPage(
            title="Social bench",
            slug=f"social-bench-{uuid.uuid4().hex[:6]}",
            moderation_mode="pre",
            banned_terms="\n".join(BANNED),
        )
        root.add_child(instance=wall)
        # A table in use has planner statistics; a just-created one has none, and until
        # autovacuum analyses it PostgreSQL plans the lookup of stored ids as a full scan.
        run_peer(wall, make_pages(2_000))
        from django.db import connection

        with connection.cursor() as cursor:
            cursor.execute(f"ANALYZE {Message._meta.db_table}")
        ours_times, peer_times, stored = [], [], 0
        for _ in range(repeats):  # interleaved; fresh ids each round
            pages = make_pages(count)
            seconds, stored = timed(run_ours, wall, pages)
            ours_times.append(seconds)
            peer_times.append(timed(run_peer, wall, make_pages(count))[0])
        quarter = peak_memory(run_ours, wall, make_pages(count // 4))
        whole = peak_memory(run_ours, wall, make_pages(count))
        rows = Message.objects.filter(wall=wall).count()
        where = machine()
    finally:
        teardown()
    ours, peer = statistics.median(ours_times), statistics.median(peer_times)
    verdict = "met" if ours < TARGET_SECONDS else "NOT met"
    growth = whole / quarter if quarter else float("nan")
    return "\n".join(
        [
            MARK_START,
            f"Measured {dt.date.today().isoformat()} on {where}; median of {repeats} "
            f"interleaved runs of {count:,} statuses in pages of {PAGE}, into a table that "
            "already holds rows and planner statistics (2,000 rows, then ANALYZE).",
            "",
            "| import | seconds | statuses/s | ratio to peer |",
            "|---|---:|---:|---:|",
            f"| ours: parse + sanitise + policy + bulk upsert | {ours:.2f} | {count / ours:,.0f} "
            f"| {ours / peer:.2f}x |",
            f"| peer: json.loads + bulk insert of raw fields | {peer:.2f} | {count / peer:,.0f} "
            "| 1.00x |",
            "",
            f"Target: under {TARGET_SECONDS:.0f} s for {count:,} statuses: {verdict}. The last "
            f"run stored {stored:,} of {count:,} (the rest were held back by the policy as "
            f"duplicates, floods or banned terms); {rows:,} rows in all.",
            "",
            f"Peak memory of our import (tracemalloc): {quarter / 2**20:.1f} MiB for "
            f"{count // 4:,} statuses, {whole / 2**20:.1f} MiB for {count:,} "
            f"({growth:.2f}x for four times the pages).",
            MARK_END,
        ]
    )


def write(path: Path, section: str) -> None:
    intro = (
        "Importing a hashtag from Mastodon: each status parsed from JSON, its HTML read "
        "and sanitised, judged by the wall's policy and stored with one bulk insert per "
        "page, against the least an importer must do."
    )
    preamble = f"{HEADING}\n\n{intro}\n\n"
    write_section(path, section, start=MARK_START, end=MARK_END, preamble=preamble)


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--count", type=int, default=10_000)
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--write", type=Path)
    args = parser.parse_args(argv)
    section = report(args.count, args.repeats)
    print(section)
    if args.write:
        write(args.write, section)
    return 0


if __name__ == "__main__":
    sys.exit(main())
