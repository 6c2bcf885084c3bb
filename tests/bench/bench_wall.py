"""Message-wall benchmark: posting end to end, and reading deep pages of a big wall.

Run with ``make bench`` (PostgreSQL at ``BENCH_DATABASE_URL``, default
``postgres://postgres@127.0.0.1:5432/wc_bench``; the database is created and migrated if
missing, and the big wall's rows are kept between runs).

1. Posting. The peer is django-contrib-comments: a POST to its ``post_comment`` view with
   the security-hash form, onto the same wall page, in the same project, database and
   cache. Ours is a POST to where the wall's form sends it (the plugin's plain URL
   ``walls/<id>/write/``: the wall found by id with the checks Wagtail's routing makes -
   live, on the request's site, no view restriction): CSRF, the form (signed token,
   honeypot), normalising, sanitising, the wall's moderation policy (banned terms, links,
   duplicates and near-duplicates, flood, shouting) against the database, rate limits in
   the cache, the fingerprint, the insert. Both go through Django's test client with CSRF
   checks enforced, each post from its own address, rounds interleaved; every post must
   succeed (a redirect) on both sides.
2. Reading. One wall with ``--rows`` approved messages (1,000,000 by default): page 1 and
   page 1,000 (20 per page) with the wall's keyset query, beside OFFSET pagination of the
   same queryset, plus the plan of the keyset query for page 1,000.
"""

from __future__ import annotations

import argparse
import cProfile
import datetime as dt
import io
import os
import pstats
import re
import statistics
import subprocess
import sys
import time
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from tests.bench.markdown import write_section

MARK_START = "<!-- bench:wall:start -->"
MARK_END = "<!-- bench:wall:end -->"
HEADING = "## Message wall"
SETTINGS = "tests.bench.wall_settings"
PAGE = 20
DEEP_PAGE = 1000
CSRF_SECRET = "b" * 32  # a valid (unmasked) CSRF secret; the same cookie and field on both sides
COUNTRIES = ["PK", "GB", "CA", "US", "DE", "IN", "AE", "NG", ""]
TABLE = "wagtail_campaign_message"
POST_WALL_SLUG = "bench-post-wall"
DEEP_WALL_SLUG = "bench-deep-wall"
SITE_HOST = "localhost"
TARGET_POST_RATIO = 1.0
TARGET_DEEP_RATIO = 1.2
LOAD_AT_START = "unknown"


# ---------------------------------------------------------------- set-up


def _database_url() -> str:
    from tests.bench.wall_settings import DEFAULT_DATABASE_URL

    return os.environ.get("BENCH_DATABASE_URL", DEFAULT_DATABASE_URL)


def ensure_database(url: str) -> bool:
    """Create the benchmark's database if it does not exist; return whether it was created."""
    import dj_database_url
    import psycopg
    from psycopg import sql

    config = dj_database_url.parse(url)
    name = config["NAME"]
    with psycopg.connect(
        dbname="postgres",
        user=config.get("USER") or None,
        password=config.get("PASSWORD") or None,
        host=config.get("HOST") or None,
        port=config.get("PORT") or None,
        autocommit=True,
    ) as conn:
        if conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone():
            return False
        conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
        return True


def setup_django(throwaway: bool = False) -> Callable[[], None]:
    """Point Django at the benchmark settings and prepare the database; return a teardown.

    Normally the database named by ``BENCH_DATABASE_URL`` is created if missing and
    migrated, and kept (so the big wall is built once). With ``throwaway`` (the smoke
    test) a fresh database is made straight from the models, without running migrations,
    and dropped by the returned teardown: seconds instead of a minute of migrations.
    """
    os.environ["DJANGO_SETTINGS_MODULE"] = SETTINGS
    if not throwaway:
        ensure_database(_database_url())
    import django

    django.setup()
    if not throwaway:
        from django.core.management import call_command

        call_command("migrate", verbosity=0, interactive=False)
        return lambda: None

    from django.db import connection
    from django.test.utils import setup_databases, teardown_databases

    connection.settings_dict["TEST"].update(
        NAME=f"test_wc_bench_smoke_{os.getpid()}", MIGRATE=False
    )
    old = setup_databases(verbosity=0, interactive=False)
    _bootstrap_wagtail()
    return lambda: teardown_databases(old, verbosity=0)


def _bootstrap_wagtail() -> None:
    """What Wagtail's data migrations would have made: the default locale and the root page."""
    from django.conf import settings
    from wagtail.models import Locale, Page

    Locale.objects.get_or_create(language_code=settings.LANGUAGE_CODE)
    if Page.get_first_root_node() is None:
        Page.add_root(instance=Page(title="Root", slug="root"))


@dataclass
class Walls:
    post: Any
    deep: Any


def build_walls() -> Walls:
    """A host home page with two post-moderated walls, open now, limits set high; reused."""
    from wagtail.models import Page, Site

    from tests.bench.bench_core import BANNED
    from tests.testapp.models import HostHomePage
    from wagtail_campaign.models import MessageWallPage

    home = HostHomePage.objects.filter(slug="bench-home").first()
    if home is None:
        home = HostHomePage(title="Bench home", slug="bench-home")
        Page.get_first_root_node().add_child(instance=home)
    site = Site.objects.filter(is_default_site=True).first()
    if site is None:
        site = Site(is_default_site=True)
    site.hostname, site.port, site.root_page = SITE_HOST, 80, home
    site.save()

    walls = []
    for slug, title in ((POST_WALL_SLUG, "Posting wall"), (DEEP_WALL_SLUG, "A big wall")):
        wall = MessageWallPage.objects.filter(slug=slug).first()
        fields = {
            "opens_on": dt.date(2000, 1, 1),
            "closes_on": dt.date(2099, 12, 31),
            "time_zone": "UTC",
            "moderation_mode": "post",
            "kinds": "support,thanks,testimony,other",
            "banned_terms": "\n".join(BANNED),
            "max_links": 1,
            "max_messages_per_client": 10_000,
            "max_messages_per_minute": 1_000_000,
        }
        if wall is None:
            wall = MessageWallPage(title=title, slug=slug, **fields)
            home.add_child(instance=wall)
        else:
            for name, value in fields.items():
                setattr(wall, name, value)
            wall.save()
        walls.append(wall)
    return Walls(post=walls[0], deep=walls[1])


# ---------------------------------------------------------------- 1. posting


@dataclass
class Poster:
    """One side of the posting benchmark: a URL and the POST bodies it is sent."""

    name: str
    url: str
    make: Callable[[int, str], dict[str, str]]
    location: str
    rates: list[float] = field(default_factory=list)


_address = 0


def _next_address() -> str:
    """A new client address for every post, so no per-client limit refuses anything."""
    global _address
    _address += 1
    return f"10.{(_address >> 16) & 255}.{(_address >> 8) & 255}.{_address & 255}"


def posters(wall: Any) -> tuple[Poster, Poster]:
    from django_comments.forms import CommentForm

    from wagtail_campaign.forms import form_token

    def ours(n: int, text: str) -> dict[str, str]:
        return {
            "csrfmiddlewaretoken": CSRF_SECRET,
            "display_name": f"Supporter {n}",
            "country": COUNTRIES[n % len(COUNTRIES)],
            "kind": "support" if n % 3 else "thanks",
            "body": text,
            "website": "",
            "token": form_token(wall.pk),
        }

    def theirs(n: int, text: str) -> dict[str, str]:
        return {
            "csrfmiddlewaretoken": CSRF_SECRET,
            **CommentForm(wall).generate_security_data(),
            "name": f"Supporter {n}",
            "email": f"supporter{n}@example.org",
            "url": "",
            "comment": text,
            "honeypot": "",
        }

    return (
        Poster("ours", form_action(wall), ours, "?posted="),
        Poster("theirs", "/comments/post/", theirs, "/comments/posted/"),
    )


def form_action(wall: Any) -> str:
    """Where the wall's write form sends a message, read from the form as a browser would
    (the plain URL ``wagtail_campaign:wall_write`` of a public wall, else its ``write/``)."""
    page = client().get(wall.url + wall.reverse_subpage("write"))
    found = re.search(r'<form class="wc-form" method="post" action="([^"]+)"', page.text)
    if page.status_code != 200 or not found:
        raise AssertionError(f"no write form on the wall ({page.status_code})")
    return found.group(1)


def client() -> Any:
    from django.test import Client

    # Requests name the benchmark site's host, as a browser's do on a site that is set up
    # (another host makes Wagtail fall back to the default site: a query more for us).
    browser = Client(enforce_csrf_checks=True, HTTP_HOST=SITE_HOST)
    browser.cookies["csrftoken"] = CSRF_SECRET
    return browser


def post_round(poster: Poster, texts: Sequence[str], offset: int) -> float:
    """Post every text once; return messages per second. Fails if any post did not succeed."""
    bodies = [poster.make(offset + n, text) for n, text in enumerate(texts)]
    addresses = [_next_address() for _ in texts]
    browser = client()
    began = time.perf_counter()
    for body, address in zip(bodies, addresses, strict=True):
        response = browser.post(poster.url, body, REMOTE_ADDR=address)
        if response.status_code != 302 or poster.location not in response["Location"]:
            raise AssertionError(
                f"{poster.name}: a post did not succeed ({response.status_code}): "
                + response.content.decode(errors="replace")[:2000]
            )
    return len(texts) / (time.perf_counter() - began)


@dataclass(frozen=True)
class Split:
    """Per post: wall-clock milliseconds, of which waiting on SQL, and how many queries."""

    total_ms: float
    sql_ms: float
    queries: float


def split_post_time(poster: Poster, texts: Sequence[str], offset: int) -> Split:
    """Post ``texts`` while timing every query (a thin execute wrapper, no profiler)."""
    from django.db import connection

    spent = [0.0, 0]

    def timed(execute: Any, sql: str, params: Any, many: bool, context: Any) -> Any:
        began = time.perf_counter()
        try:
            return execute(sql, params, many, context)
        finally:
            spent[0] += time.perf_counter() - began
            spent[1] += 1

    with connection.execute_wrapper(timed):
        rate = post_round(poster, texts, offset)
    n = len(texts)
    return Split(total_ms=1000 / rate, sql_ms=spent[0] * 1000 / n, queries=spent[1] / n)


@dataclass
class PostingResult:
    ours: float
    theirs: float
    per_round: int
    rounds: int
    live: int
    held: int
    held_reasons: dict[str, int]
    comments: int
    ours_split: Split
    theirs_split: Split
    mean_chars: float

    @property
    def ratio(self) -> float:
        return self.ours / self.theirs


def reset_posts(wall: Any) -> None:
    from django_comments.models import Comment

    from wagtail_campaign.models import Message

    Message.objects.filter(wall=wall).delete()
    Comment.objects.all().delete()


def bench_posting(wall: Any, per_round: int, rounds: int) -> PostingResult:
    from django_comments.models import Comment

    from tests.bench.bench_core import make_messages
    from wagtail_campaign.models import Message

    # No cache.clear(): on Redis that would flush a whole database that others may use. Every
    # post comes from a new address and the limits are high, so old counters cannot refuse.
    reset_posts(wall)
    ours, theirs = posters(wall)
    texts = [text for text, _ in make_messages(per_round * (rounds + 2) + 2, seed=1215)]
    warm = texts[: max(1, per_round // 4)]
    post_round(ours, warm, 0)  # warm: templates, babel's country names, confusables
    post_round(theirs, warm, 0)
    offset = len(warm)
    for n in range(rounds):
        chunk = texts[offset : offset + per_round]
        # Interleaved, and the side that goes first alternates between rounds.
        for poster in (ours, theirs) if n % 2 == 0 else (theirs, ours):
            poster.rates.append(post_round(poster, chunk, offset))
        offset += per_round
    split_texts = texts[offset : offset + max(1, per_round // 4)]
    ours_split = split_post_time(ours, split_texts, offset)
    theirs_split = split_post_time(theirs, split_texts, offset)
    stored = Message.objects.filter(wall=wall)
    expected = len(warm) + rounds * per_round + len(split_texts)
    live = stored.filter(status="approved").count()
    held = stored.filter(status="pending").count()
    held_reasons = Counter(
        reason
        for reasons in stored.filter(status="pending").values_list("reasons", flat=True)
        for reason in reasons
    )
    comments = Comment.objects.count()
    assert live + held == expected == comments, (live, held, comments, expected)
    return PostingResult(
        ours=statistics.median(ours.rates),
        theirs=statistics.median(theirs.rates),
        per_round=per_round,
        rounds=rounds,
        live=live,
        held=held,
        held_reasons=dict(held_reasons.most_common()),
        comments=comments,
        ours_split=ours_split,
        theirs_split=theirs_split,
        mean_chars=statistics.mean(len(t) for t in texts),
    )


#: (label, file suffix, function) whose cumulative time the profile breakdown reports.
PROFILE_PARTS = [
    (
        "before the form: middleware, CSRF, URL resolving, finding the site and the wall "
        "(Wagtail's page routing and serve hooks instead, on the `write/` route)",
        None,
        None,
    ),
    ("the view outside submit(): form, posting window, redirect", None, None),
    ("... of which building the form (its kind and country choices)", "forms.py", "__init__"),
    (
        "... of which validating it (token, honeypot, normalise)",
        "django/forms/forms.py",
        "is_valid",
    ),
    ("submit(): fingerprint (salts in the cache)", "submission.py", "client_fingerprint"),
    ("submit(): rate limits in the cache", "submission.py", "check"),
    ("submit(): sanitise and linkify", "ahmadi_campaign/sanitize.py", "text_to_html"),
    (
        "policy: 7 rules with the history in the database",
        "ahmadi_campaign/moderation.py",
        "inspect",
    ),
    (
        "... of which the history's one query (three counts, near-duplicate candidates)",
        "submission.py",
        "_ask",
    ),
    ("... of which comparing near-duplicates (`has_similar`)", "submission.py", "has_similar"),
    ("insert: `Message.save()` and its post_save signals", "django/db/models/base.py", "save"),
    (
        "... of which Wagtail's reference index",
        "wagtail/signal_handlers.py",
        "update_reference_index_on_save",
    ),
]


def _cumulative(stats: pstats.Stats, suffix: str, name: str) -> float:
    raw: dict[Any, Any] = stats.stats  # type: ignore[attr-defined]
    return sum(
        entry[3]
        for (filename, _line, function), entry in raw.items()
        if function == name and filename.endswith(suffix)
    )


def profile_posting(wall: Any, posts: int, top: int = 25) -> tuple[str, list[tuple[str, float]]]:
    """cProfile of ``posts`` of our posts: the top functions, and shares of the time by part."""
    from tests.bench.bench_core import make_messages

    ours, _ = posters(wall)
    texts = [text for text, _ in make_messages(posts, seed=4242)]
    profiler = cProfile.Profile()
    profiler.enable()
    post_round(ours, texts, 1_000_000)
    profiler.disable()
    out = io.StringIO()
    stats = pstats.Stats(profiler, stream=out)
    stats.sort_stats("cumulative").print_stats(top)
    stats.sort_stats("tottime").print_stats(top)
    total = _cumulative(stats, "tests/bench/bench_wall.py", "post_round")
    serve = _cumulative(stats, "django/core/handlers/base.py", "_get_response")
    view = _cumulative(stats, "wagtail_campaign/views/wall.py", "write_response")
    submit = _cumulative(stats, "wagtail_campaign/submission.py", "submit")
    parts = [
        (PROFILE_PARTS[0][0], serve - view),
        (PROFILE_PARTS[1][0], view - submit),
        *(
            (label, _cumulative(stats, suffix, name))
            for label, suffix, name in PROFILE_PARTS[2:]
            if suffix and name
        ),
    ]
    return out.getvalue(), [(label, seconds / total) for label, seconds in parts]


# ---------------------------------------------------------------- 2. deep pages


def _samples(count: int = 64) -> list[tuple[str, str, str, str]]:
    """(plain text, sanitised HTML, language, shingles JSON) of generated messages."""
    import json

    from ahmadi_campaign.moderation import Candidate, Inspection
    from ahmadi_campaign.sanitize import text_to_html
    from ahmadi_campaign.text import normalize_text
    from tests.bench.bench_core import make_messages

    now = dt.datetime(2015, 12, 1, tzinfo=dt.UTC)
    rows = []
    for raw, _ in make_messages(count, seed=1974):
        text = normalize_text(raw)
        shingles = Inspection(Candidate(body=text, submitted_at=now)).shingles
        language = "ur" if re.search("[\u0600-\u06ff]", text) else "en"
        rows.append((text, text_to_html(text), language, json.dumps(sorted(shingles))))
    return rows


INSERT_ROWS = """
INSERT INTO wagtail_campaign_message (
    wall_id, status, kind, display_name, country, language, body, text, source, source_id,
    source_url, fingerprint, digest, shingles, reasons, flag_count, featured, created_at
)
SELECT
    %(wall)s, 'approved',
    (ARRAY['support', 'thanks', 'testimony', 'other'])[1 + g %% 4],
    CASE WHEN g %% 3 = 0 THEN '' ELSE 'Supporter ' || (g %% 5000) END,
    (%(countries)s::text[])[1 + g %% %(n_countries)s],
    s.language, s.body, s.text,
    'site', 'bench-' || %(wall)s || '-' || g, '',
    md5('client' || (g %% 50000)),
    md5('text' || g),
    s.shingles,
    CASE WHEN g %% 7 = 0 THEN '["links"]'::jsonb ELSE '[]'::jsonb END,
    0, g %% 997 = 0,
    %(start)s::timestamptz + (g / 2) * interval '1 second'
FROM generate_series(1, %(rows)s) AS g
JOIN bench_samples AS s ON s.n = g %% %(n_samples)s
"""


def ensure_rows(wall: Any, rows: int, rebuild: bool = False) -> tuple[bool, float]:
    """Give ``wall`` exactly ``rows`` approved messages; return (built now, seconds taken)."""
    from django.db import connection, transaction

    from wagtail_campaign.models import Message

    stored = Message.objects.filter(wall=wall)
    if not rebuild and stored.count() == rows == stored.filter(status="approved").count():
        return False, 0.0
    others = Message.objects.exclude(wall__slug__in=[POST_WALL_SLUG, DEEP_WALL_SLUG])
    if others.exists():  # the build truncates the table: never in a database with real walls
        raise SystemExit(
            "This database holds messages of walls other than the benchmark's; point "
            "BENCH_DATABASE_URL at a database of its own."
        )
    began = time.perf_counter()
    samples = _samples()
    # One transaction (PostgreSQL's DDL is transactional, so a failure leaves the schema as
    # it was): drop the secondary indexes and constraints, load, rebuild them. Building an
    # index once is much faster than maintaining eleven of them row by row, and a deferred
    # foreign-key check per row would queue two million trigger events.
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")  # no deferred events block the DDL
        cursor.execute("SET LOCAL maintenance_work_mem = '256MB'")
        cursor.execute(
            "SELECT conname, pg_get_constraintdef(oid) FROM pg_constraint "
            "WHERE conrelid = %s::regclass AND contype IN ('f', 'u')",
            [TABLE],
        )
        constraints = cursor.fetchall()
        cursor.execute(
            "SELECT indexname, indexdef FROM pg_indexes WHERE tablename = %s "
            "AND indexname NOT IN (SELECT conname FROM pg_constraint "
            "WHERE conrelid = %s::regclass)",
            [TABLE, TABLE],
        )
        indexes = cursor.fetchall()
        for name, _definition in constraints:
            cursor.execute(f'ALTER TABLE {TABLE} DROP CONSTRAINT "{name}"')
        for name, _definition in indexes:
            cursor.execute(f'DROP INDEX "{name}"')
        # Only benchmark walls live in this database; TRUNCATE leaves no dead rows behind
        # (the posting wall's messages are deleted before each posting run anyway).
        cursor.execute(f"TRUNCATE {TABLE} CASCADE")
        cursor.execute(
            "CREATE TEMPORARY TABLE bench_samples (n integer PRIMARY KEY, text text, "
            "body text, language text, shingles jsonb) ON COMMIT DROP"
        )
        cursor.executemany(
            "INSERT INTO bench_samples VALUES (%s, %s, %s, %s, %s::jsonb)",
            [(n, *sample) for n, sample in enumerate(samples)],
        )
        phase = _phase("drop indexes, truncate", began)
        cursor.execute(
            INSERT_ROWS,
            {
                "wall": wall.pk,
                "rows": rows,
                "countries": COUNTRIES,
                "n_countries": len(COUNTRIES),
                "n_samples": len(samples),
                "start": dt.datetime(2015, 12, 1, tzinfo=dt.UTC),
            },
        )
        phase = _phase(f"insert {rows:,} rows", phase)
        for _name, definition in indexes:
            cursor.execute(definition)
        for name, definition in constraints:
            cursor.execute(f'ALTER TABLE {TABLE} ADD CONSTRAINT "{name}" {definition}')
        phase = _phase(f"rebuild {len(indexes)} indexes and {len(constraints)} constraints", phase)
    with connection.cursor() as cursor:
        cursor.execute(f"ANALYZE {TABLE}")
    _phase("analyze", phase)
    return True, time.perf_counter() - began


def _phase(name: str, since: float) -> float:
    now = time.perf_counter()
    print(f"  {name}: {now - since:.1f} s", file=sys.stderr, flush=True)
    return now


@dataclass
class DeepResult:
    rows: int
    built: bool
    build_seconds: float
    repeats: int
    keyset_first: float
    keyset_deep: float
    offset_first: float
    offset_deep: float
    bounded_deep: float
    plan: list[str]
    bounded_plan: list[str]
    table_size: str

    @property
    def keyset_ratio(self) -> float:
        return self.keyset_deep / self.keyset_first

    @property
    def offset_ratio(self) -> float:
        return self.offset_deep / self.offset_first

    @property
    def bounded_ratio(self) -> float:
        return self.bounded_deep / self.keyset_first


def bounded_query(wall: Any, before: Any) -> Any:
    """The wall's keyset condition plus ``created_at <= cursor`` (a suggested fix)."""
    from django.db.models import Q

    older = Q(created_at__lt=before.timestamp) | Q(created_at=before.timestamp, id__lt=before.id)
    return wall.visible_messages().filter(older, created_at__lte=before.timestamp)


def deep_page(rows: int) -> int:
    """The page to compare with page 1: page 1,000, or the last full page of a smaller wall."""
    return max(2, min(DEEP_PAGE, rows // PAGE))


def bench_deep(wall: Any, rows: int, repeats: int, rebuild: bool = False) -> DeepResult:
    from django.db import connection

    from ahmadi_campaign.feed import Cursor
    from wagtail_campaign.views.wall import LISTED_FIELDS

    built, seconds = ensure_rows(wall, rows, rebuild)
    page = deep_page(rows)
    # The same rows and columns as the wall's keyset query loads (what a page shows).
    visible = wall.visible_messages().only(*LISTED_FIELDS)
    # The cursor a reader holds after following "older" links to page ``page``: the last
    # message of the page before it (fetched once, not timed).
    created_at, last_id = visible.values_list("created_at", "id")[(page - 1) * PAGE - 1]
    cursor = Cursor(created_at, last_id)

    def keyset(before: Cursor | None) -> Callable[[], int]:
        def run() -> int:
            found, _more = wall.page_of_messages(before, PAGE)
            return len(found)

        return run

    def bounded(before: Cursor) -> Callable[[], int]:
        # Not the shipped query: the same keyset condition with a redundant bound on the
        # index's own column, which lets PostgreSQL start the index scan at the cursor.
        def run() -> int:
            return len(list(bounded_query(wall, before)[: PAGE + 1]))

        return run

    def offset(number: int) -> Callable[[], int]:
        def run() -> int:
            # The same queryset, and one row more, as the keyset query does to know "more".
            return len(list(visible[(number - 1) * PAGE : number * PAGE + 1]))

        return run

    variants = {
        "keyset_first": keyset(None),
        "keyset_deep": keyset(cursor),
        "offset_first": offset(1),
        "offset_deep": offset(page),
        "bounded_deep": bounded(cursor),
    }
    for run in variants.values():  # warm: plans, buffers, the OS cache
        for _ in range(3):
            run()
    times: dict[str, list[float]] = {name: [] for name in variants}
    names = list(variants)
    for n in range(repeats):
        turn = n % len(names)
        for name in names[turn:] + names[:turn]:  # rotate the order every repeat
            began = time.perf_counter()
            got = variants[name]()
            times[name].append((time.perf_counter() - began) * 1000)
            assert got in (PAGE, PAGE + 1), (name, got)

    # EXPLAIN exactly the SQL the wall ran for page ``page`` (whatever page_of_messages does).
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as captured:
        wall.page_of_messages(cursor, PAGE)
    sql = captured.captured_queries[-1]["sql"]
    bounded_sql, bounded_params = bounded_query(wall, cursor)[: PAGE + 1].query.sql_with_params()
    with connection.cursor() as db:
        db.execute("EXPLAIN (ANALYZE, BUFFERS) " + sql)
        plan = [line for (line,) in db.fetchall()]
        db.execute("EXPLAIN (ANALYZE, BUFFERS) " + bounded_sql, bounded_params)
        bounded_plan = [line for (line,) in db.fetchall()]
        db.execute("SELECT pg_size_pretty(pg_total_relation_size('wagtail_campaign_message'))")
        (size,) = db.fetchone()
    return DeepResult(
        rows=rows,
        built=built,
        build_seconds=seconds,
        repeats=repeats,
        plan=plan,
        bounded_plan=bounded_plan,
        table_size=size,
        **{name: statistics.median(values) for name, values in times.items()},
    )


# ---------------------------------------------------------------- report


def machine() -> str:
    from django.db import connection

    from tests.bench.bench_core import machine as core_machine

    with connection.cursor() as cursor:
        cursor.execute("SHOW server_version")
        (version,) = cursor.fetchone()
    return f"{core_machine()}, PostgreSQL {version.split()[0]}"


def _plan_summary(plan: list[str]) -> str:
    scan = next((line.strip() for line in plan if "Index" in line and "Scan" in line), "")
    execution = next((line.strip() for line in plan if line.startswith("Execution Time")), "")
    buffers = next((line.strip() for line in plan if "Buffers:" in line), "")
    return "; ".join(part.lstrip("-> ") for part in (scan, buffers, execution) if part)


def _index_bounded(plan: list[str]) -> bool:
    """Whether the shipped keyset query already starts its index scan at the cursor."""
    return any("Index Cond" in line and "created_at" in line for line in plan)


def _removed(plan: list[str]) -> str:
    found = re.search(r"Rows Removed by Filter: (\d+)", "\n".join(plan))
    if not found or int(found.group(1)) < PAGE:
        return "the keyset query reads only the rows it returns."
    return (
        f"the keyset query still reads and discards {int(found.group(1)):,} index entries and "
        "rows, because PostgreSQL uses the index for the wall and status only and checks the "
        "cursor condition row by row (the plan below)."
    )


def _reasons(reasons: dict[str, int]) -> str:
    return ", ".join(f"{reason}: {n}" for reason, n in reasons.items()) or "none"


def _split(split: Split) -> str:
    return f"{split.total_ms:.1f} | {split.sql_ms:.1f} | {split.queries:.0f}"


def _profile_lines(shares: list[tuple[str, float]], posts: int) -> list[str]:
    if not shares:
        return []
    return [
        f"Where our time goes (cProfile of {posts} more of our posts; the profiler inflates "
        "Python-heavy parts, so read the shares as an order of magnitude):",
        "",
        "| part of our post | share of its time |",
        "|---|---:|",
        *(f"| {label} | {share:.0%} |" for label, share in shares),
        "",
    ]


def render(
    posting: PostingResult,
    deep: DeepResult,
    cache_name: str,
    shares: list[tuple[str, float]] = (),  # type: ignore[assignment]
    profiled: int = 0,
) -> str:
    page = deep_page(deep.rows)
    post_met = posting.ratio >= TARGET_POST_RATIO
    deep_met = deep.keyset_ratio <= TARGET_DEEP_RATIO
    build = (
        f"built in this run in {deep.build_seconds:.0f} s"
        if deep.built
        else "reused from an earlier run"
    )
    lines = [
        MARK_START,
        f"Measured {dt.date.today().isoformat()} on {machine()}; cache: {cache_name} "
        f"(the same for both sides); load average {LOAD_AT_START} when the run began (other "
        "jobs share the machine: compare the ratios, not the absolute figures).",
        "",
        "### Posting a message, end to end",
        "",
        f"{posting.rounds} interleaved rounds of {posting.per_round} posts per side (median "
        f"messages/s), generated messages of 50-800 characters (mean {posting.mean_chars:.0f}), "
        "mixed English and Urdu, ~25 % with a link; each post from its own address, through "
        "Django's test client with CSRF checks on; every post succeeded on both sides.",
        "",
        "| pipeline | messages/s | ratio to peer | ms per post | of which in SQL | "
        "queries per post |",
        "|---|---:|---:|---:|---:|---:|",
        f"| ours: the form's plain URL (the wall by id: live, site, view restrictions) - CSRF, "
        f"form and signed token, normalise, sanitise, policy (7 rules, history in the "
        f"database), rate limits in the cache, fingerprint, insert "
        f"| {posting.ours:,.0f} | {posting.ratio:.2f}x | {_split(posting.ours_split)} |",
        f"| peer: django-contrib-comments `post_comment` - CSRF, security-hash form, insert "
        f"| {posting.theirs:,.0f} | 1.00x | {_split(posting.theirs_split)} |",
        "",
        "(The last three columns come from one further round per side with every query timed.)",
        "",
        f"Target: ours at least {TARGET_POST_RATIO:.1f}x the peer: "
        f"{'met' if post_met else 'NOT met'}. Of our {posting.live + posting.held} stored "
        f"messages {posting.live} went live and {posting.held} were held for review "
        f"({_reasons(posting.held_reasons)}); the peer stored "
        f"{posting.comments} comments.",
        "",
        f"What it means: one process on this machine stores {posting.ours:,.0f} visitors' "
        f"messages a second where it would store {posting.theirs:,.0f} comments; a message "
        f"costs {1 / posting.ratio:.1f}x the time of a comment, and "
        f"{posting.ours_split.sql_ms / posting.ours_split.total_ms:.0%} of our time is spent "
        f"waiting on {posting.ours_split.queries:.0f} SQL queries "
        f"(the peer: {posting.theirs_split.queries:.0f}).",
        "",
        *_profile_lines(shares, profiled),
        f"### Reading page 1 and page {page:,} of a wall of {deep.rows:,} messages",
        "",
        f"{deep.rows:,} approved messages on one wall (table with indexes: {deep.table_size}, "
        f"{build}); {PAGE} messages per page; median of {deep.repeats} interleaved runs of the "
        "ORM query with its model instances, after warming up.",
        "",
        f"| pagination | page 1 (ms) | page {page:,} (ms) | page {page:,} / page 1 |",
        "|---|---:|---:|---:|",
        f"| ours: keyset, `page_of_messages(cursor, {PAGE})` | {deep.keyset_first:.2f} | "
        f"{deep.keyset_deep:.2f} | {deep.keyset_ratio:.2f}x |",
        f"| peer: OFFSET on the same queryset | {deep.offset_first:.2f} | "
        f"{deep.offset_deep:.2f} | {deep.offset_ratio:.2f}x |",
        *(
            []
            if _index_bounded(deep.plan)
            else [
                f"| diagnostic, not shipped: the keyset condition plus `created_at <= cursor` | "
                f"{deep.keyset_first:.2f} | {deep.bounded_deep:.2f} | {deep.bounded_ratio:.2f}x |"
            ]
        ),
        "",
        f"Target: keyset page {page:,} within {TARGET_DEEP_RATIO:.1f}x of page 1: "
        f"{'met' if deep_met else 'NOT met'}.",
        "",
        f'What it means: a reader who follows "older" links {page - 1:,} times waits '
        f"{deep.keyset_ratio:.1f}x as long for that page as for the newest one with our keyset "
        f"query, and {deep.offset_ratio:.1f}x with OFFSET; {_removed(deep.plan)}",
        "",
        f"Plan of the keyset query for page {page:,}: {_plan_summary(deep.plan)}."
        + (
            ""
            if _index_bounded(deep.plan)
            else f" With the extra bound (diagnostic row): {_plan_summary(deep.bounded_plan)}."
        ),
        "",
        "```text",
        *deep.plan,
        "```",
        MARK_END,
    ]
    return "\n".join(lines)


INTRO = """\
Two questions about the wall (`tests/bench/bench_wall.py`, PostgreSQL). Can a visitor's
message, through everything that protects the wall, be stored as fast as a comment through
django-contrib-comments, which does none of that? And does reading an old page of a wall of a
million messages cost the same as reading the newest? Each figure is a ratio to a peer measured
in the same run.
"""


def write(path: Path, section: str) -> None:
    preamble = f"{HEADING}\n\n{INTRO}\n"
    write_section(path, section, start=MARK_START, end=MARK_END, preamble=preamble)


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--posts", type=int, default=200, help="posts per round and side")
    parser.add_argument("--rounds", type=int, default=7, help="interleaved rounds per side")
    parser.add_argument("--rows", type=int, default=1_000_000, help="messages on the big wall")
    parser.add_argument("--repeats", type=int, default=51, help="runs of each page query")
    parser.add_argument(
        "--profile", type=int, default=100, help="cProfile this many of our posts (0: none)"
    )
    parser.add_argument("--write", type=Path, help="update this Markdown file in place")
    parser.add_argument(
        "--rebuild", action="store_true", help="rebuild the big wall even if its rows are there"
    )
    parser.add_argument(
        "--throwaway-database",
        action="store_true",
        help="use a fresh database made from the models and drop it afterwards (smoke test)",
    )
    args = parser.parse_args(argv)

    global LOAD_AT_START
    LOAD_AT_START = f"{os.getloadavg()[0]:.1f}"
    teardown = setup_django(throwaway=args.throwaway_database)
    try:
        from django.conf import settings

        walls = build_walls()
        posting = bench_posting(walls.post, args.posts, args.rounds)
        listing, shares = profile_posting(walls.post, args.profile) if args.profile else ("", [])
        deep = bench_deep(walls.deep, args.rows, args.repeats, args.rebuild)
        backend = settings.CACHES["default"]["BACKEND"].rsplit(".", 1)[-1]
        section = render(posting, deep, backend, shares, args.profile)
        print(section)
        print(listing)
    finally:
        teardown()
    if args.write:
        write(args.write, section)
    return 0


def run_in_subprocess(args: Sequence[str], env: dict[str, str] | None = None) -> str:
    """Run the benchmark in its own process (its own settings); return its output."""
    result = subprocess.run(
        [sys.executable, "-m", "tests.bench.bench_wall", *args],
        cwd=Path(__file__).resolve().parents[2],
        capture_output=True,
        text=True,
        env={**os.environ, **(env or {})},
        timeout=600,
        check=False,
    )
    if result.returncode:
        raise RuntimeError(result.stderr[-4000:])
    return result.stdout


if __name__ == "__main__":
    sys.exit(main())
