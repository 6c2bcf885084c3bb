"""Helper run in a subprocess with ``DJANGO_SETTINGS_MODULE=tests.services.server_settings``.

``python -m tests.services.walltool prepare``
    migrate the database of ``DATABASE_URL`` and build the page tree: a root page (the
    default site's root) with the walls in :data:`WALLS`, open from yesterday to
    tomorrow in UTC. Prints the walls as JSON: ``{slug: {"id": .., "path": ..}}``.

``python -m tests.services.walltool race WALL_ID THREADS SOURCE_ID...``
    for each ``SOURCE_ID`` in turn, ``THREADS`` threads call ``judge_and_store`` at the
    same moment with the same ``Incoming(source="mastodon", source_id=SOURCE_ID)``;
    prints what each one got: ``{source_id: {"results": [...], "alive": n}}``.

``python -m tests.services.walltool salt-race THREADS ROUNDS``
    for each round, the day's fingerprint salts are deleted from the cache and
    ``THREADS`` threads compute the fingerprint of one and the same visitor at the same
    moment (as the first requests of a day do); prints the number of distinct
    fingerprints seen in each round.

``python -m tests.services.walltool source WALL_ID SERVER``
    add a Mastodon source of #IStandWithAhmadis on ``SERVER`` (an http origin) to the
    wall; prints its id.

No management command: the plugin's own code is called directly, as an importer would.
"""

from __future__ import annotations

import datetime as dt
import json
import sys
import threading
from typing import Any

#: slug -> fields of the walls the tests use (each test has its own wall, so its rate
#: counters, which are keyed by wall, do not meet another test's).
WALLS: dict[str, dict[str, Any]] = {
    "flood": {"max_messages_per_client": 50, "max_messages_per_minute": 5000},
    "shared-limit": {"max_messages_per_client": 3, "max_messages_per_minute": 5000},
    "outage": {"max_messages_per_client": 3, "max_messages_per_minute": 5000},
    "privacy": {"max_messages_per_client": 10, "max_messages_per_minute": 5000},
    "imports": {"max_messages_per_client": 10, "max_messages_per_minute": 5000},
}


def prepare() -> dict[str, Any]:
    from django.core.management import call_command
    from django.utils import timezone
    from wagtail.models import Page, Site

    from wagtail_campaign.models.wall import MessageWallPage, ModerationMode

    call_command("migrate", interactive=False, verbosity=0)
    today = timezone.now().astimezone(dt.UTC).date()
    tree_root = Page.get_first_root_node()
    home = tree_root.add_child(instance=Page(title="Services home", slug="services-home"))
    site = Site.objects.get(is_default_site=True)
    site.root_page = home
    site.save()
    walls = {}
    for slug, fields in WALLS.items():
        wall = home.add_child(
            instance=MessageWallPage(
                title=f"Wall {slug}",
                slug=slug,
                opens_on=today - dt.timedelta(days=1),
                closes_on=today + dt.timedelta(days=1),
                time_zone="UTC",
                moderation_mode=ModerationMode.POST,
                kinds="support,thanks",
                **fields,
            )
        )
        wall.full_clean()
        walls[slug] = {"id": wall.pk, "path": wall.url}
    return walls


def race(wall_id: int, source_id: str, threads: int) -> dict[str, Any]:
    from django.db import connections
    from django.utils import timezone

    from ahmadi_campaign.sanitize import text_to_html
    from wagtail_campaign.models.wall import MessageWallPage
    from wagtail_campaign.submission import Incoming, judge_and_store

    text = f"Solidarity from the fediverse with everyone standing up ({source_id})."
    incoming = Incoming(
        text=text,
        html=text_to_html(text),
        kind="support",
        created_at=timezone.now(),
        display_name="fediverse friend",
        source="mastodon",
        source_id=source_id,
        source_url=f"https://mastodon.example/@friend/{source_id}",
    )
    barrier = threading.Barrier(threads)
    results: list[dict[str, Any]] = []
    lock = threading.Lock()

    def worker() -> None:
        try:
            wall = MessageWallPage.objects.get(pk=wall_id)  # this thread's own connection
            barrier.wait(timeout=30)
            outcome = judge_and_store(wall, incoming)
            found = {
                "stored": outcome.stored,
                "duplicate": outcome.duplicate,
                "refused": outcome.refused_reason,
                "pk": outcome.message.pk if outcome.message else None,
            }
        except BaseException as exc:  # noqa: BLE001 - reported to the test, which fails on it
            found = {"error": f"{type(exc).__name__}: {exc}"}
        finally:
            connections.close_all()
        with lock:
            results.append(found)

    workers = [threading.Thread(target=worker) for _ in range(threads)]
    for thread in workers:
        thread.start()
    for thread in workers:
        thread.join(timeout=60)
    return {"results": results, "alive": sum(t.is_alive() for t in workers)}


def salt_race(threads: int, rounds: int) -> list[int]:
    from django.test import RequestFactory
    from django.utils import timezone

    from wagtail_campaign import submission

    request = RequestFactory().post(
        "/", REMOTE_ADDR="198.51.100.99", HTTP_USER_AGENT="ServicesTest/1.0 (salts)"
    )

    def forget_salts() -> None:
        # Whatever the keys are called exactly: every key of this prefix about salts.
        import redis
        from django.conf import settings

        config = settings.CACHES["default"]
        client = redis.Redis.from_url(config["LOCATION"], socket_timeout=5)
        found = list(client.scan_iter(match=f"{config['KEY_PREFIX']}:*fingerprint-salt*"))
        if found:
            client.delete(*found)

    def one_round() -> int:
        forget_salts()
        barrier = threading.Barrier(threads)
        seen: set[str] = set()
        lock = threading.Lock()

        def worker() -> None:
            barrier.wait(timeout=30)
            fingerprint, degraded = submission.client_fingerprint(request, timezone.now())
            with lock:
                # A cache failure must not pass for agreement: each counts on its own.
                seen.add(f"degraded-{threading.get_ident()}" if degraded else fingerprint)

        workers = [threading.Thread(target=worker) for _ in range(threads)]
        for thread in workers:
            thread.start()
        for thread in workers:
            thread.join(timeout=60)
        return len(seen)

    distinct = [one_round() for _round in range(rounds)]
    forget_salts()
    return distinct


def add_source(wall_id: int, server: str) -> int:
    from wagtail_campaign.models import SocialSource

    source = SocialSource(
        wall_id=wall_id, network="mastodon", server=server, hashtag="#IStandWithAhmadis"
    )
    source.full_clean()
    source.save()
    return source.pk


def main(argv: list[str]) -> int:
    import django

    django.setup()
    if argv[:1] == ["prepare"]:
        print(json.dumps(prepare()))
    elif argv[:1] == ["race"] and len(argv) >= 4:
        wall_id, threads = int(argv[1]), int(argv[2])
        print(json.dumps({source: race(wall_id, source, threads) for source in argv[3:]}))
    elif argv[:1] == ["source"] and len(argv) == 3:
        print(json.dumps(add_source(int(argv[1]), argv[2])))
    elif argv[:1] == ["salt-race"] and len(argv) == 3:
        print(json.dumps(salt_race(int(argv[1]), int(argv[2]))))
    else:
        print(__doc__, file=sys.stderr)
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
