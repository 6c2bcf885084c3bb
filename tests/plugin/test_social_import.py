"""Social imports onto a wall: pagination, resuming, idempotence, failures, hostile posts."""

from __future__ import annotations

import io
import os
from pathlib import Path
from typing import Any
from unittest import mock

from django.core.management import call_command
from django.test import TestCase

from ahmadi_campaign.social import HttpFetcher
from tests.plugin import utils
from tests.plugin.fake_social import FakeSocial, Fault, bluesky_post, serve, status
from tests.plugin.hostile import BANNED_TERMS, DISGUISES, SCRIPTS
from tests.plugin.test_moderation_admin import make_wall
from wagtail_campaign import importing
from wagtail_campaign.models import ArchiveImport, Message, MessageStatus, SocialSource

DATA = Path(__file__).resolve().parents[1] / "data" / "social"


def fetcher(timeout: float = 1.0, attempts: int = 2) -> HttpFetcher:
    return HttpFetcher(
        timeout=timeout,
        max_attempts=attempts,
        backoff=0.01,
        sleep=lambda _s: None,
        jitter=lambda: 0,
    )


class ImportTestCase(TestCase):
    network = "mastodon"

    @classmethod
    def setUpTestData(cls) -> None:
        cls.wall = make_wall(utils.host_home(), "wall", banned_terms=BANNED_TERMS)

    def setUp(self) -> None:
        # The test servers are local: no proxy may stand in between.
        patcher = mock.patch.dict(os.environ, {"no_proxy": "*", "NO_PROXY": "*"})
        patcher.start()
        self.addCleanup(patcher.stop)
        for name in ("http_proxy", "HTTP_PROXY", "https_proxy", "HTTPS_PROXY"):
            os.environ.pop(name, None)

    def make_source(self, fake: FakeSocial, **fields: Any) -> SocialSource:
        return SocialSource.objects.create(
            wall=self.wall,
            network=self.network,
            server=fake.url,
            hashtag="#IStandWithAhmadis",
            **fields,
        )

    def imported(self) -> list[str]:
        return sorted(
            Message.objects.filter(source=self.network).values_list("source_id", flat=True)
        )


class MastodonImportTests(ImportTestCase):
    def test_imports_every_page_once_and_reruns_add_nothing(self) -> None:
        fake = FakeSocial(statuses=[status(n) for n in range(23, 0, -1)])
        with serve(fake):
            source = self.make_source(fake)
            counts = importing.run_source(source, fetcher=fetcher())
            # Five full pages, then the empty page Mastodon answers at the end of a walk.
            self.assertEqual((counts.stored, counts.pages, counts.error), (23, 6, ""))
            self.assertEqual(len(self.imported()), 23)
            source.refresh_from_db()
            self.assertEqual((source.cursor, source.since), ("", "10023"))
            self.assertEqual(source.last_stored, 23)

            again = importing.run_source(source, fetcher=fetcher())
            self.assertEqual(again.stored, 0)
            self.assertEqual(Message.objects.count(), 23)
            # The second run asked only for what is newer than the first run's newest.
            self.assertEqual(fake.requests[-1][1].get("since_id"), ["10023"])

            fake.statuses.insert(0, status(24))
            newest = importing.run_source(source, fetcher=fetcher())
            self.assertEqual(newest.stored, 1)
            self.assertEqual(Message.objects.count(), 24)

    def test_messages_carry_attribution_and_wait_for_review(self) -> None:
        fake = FakeSocial(statuses=[status(1)])
        with serve(fake):
            importing.run_source(self.make_source(fake), fetcher=fetcher())
        message = Message.objects.get()
        self.assertEqual(message.source_id, "https://social.example/users/user1/statuses/10001")
        self.assertEqual(message.source_url, "https://social.example/@user1/10001")
        self.assertEqual(message.display_name, "Sample user1")
        self.assertEqual(message.status, MessageStatus.PENDING)  # the wall reviews first
        self.assertEqual(message.created_at.year, 2015)

    def test_a_run_limited_in_pages_is_continued_by_the_next(self) -> None:
        fake = FakeSocial(statuses=[status(n) for n in range(23, 0, -1)])
        with serve(fake):
            source = self.make_source(fake, max_pages=2)
            self.assertEqual(importing.run_source(source, fetcher=fetcher()).stored, 10)
            source.refresh_from_db()
            self.assertEqual(source.cursor, "10014")
            runs = [importing.run_source(source, fetcher=fetcher()).stored for _ in range(3)]
        self.assertEqual(runs, [10, 3, 0])
        self.assertEqual(len(self.imported()), 23)

    def test_a_crash_mid_run_then_a_rerun_gives_exactly_the_full_set(self) -> None:
        fake = FakeSocial(statuses=[status(n) for n in range(23, 0, -1)])
        real = importing.store_posts
        calls = 0

        def crash_after_third_page(*args: Any, **kwargs: Any) -> Any:
            # The worst moment: page 3 is stored but its cursor is not saved yet.
            nonlocal calls
            calls += 1
            result = real(*args, **kwargs)
            if calls == 3:
                raise SystemExit("killed")
            return result

        with serve(fake):
            source = self.make_source(fake)
            with mock.patch.object(importing, "store_posts", crash_after_third_page):
                with self.assertRaises(SystemExit):
                    importing.run_source(source, fetcher=fetcher())
            self.assertEqual(Message.objects.count(), 15)
            source = SocialSource.objects.get(pk=source.pk)
            rerun = importing.run_source(source, fetcher=fetcher())
        self.assertEqual(rerun.stored, 8)
        self.assertEqual(rerun.duplicates, 5)  # page 3 again, recognised
        ids = self.imported()
        self.assertEqual(len(ids), 23)
        self.assertEqual(len(set(ids)), 23)

    def test_failures_stop_the_run_cleanly_and_are_shown_on_the_source(self) -> None:
        cases = {
            "429": (Fault(at=2, kind="429", repeat=5), "429"),
            "500": (Fault(at=2, kind="500", repeat=5), "500"),
            "slow": (Fault(at=2, kind="slow", repeat=5), "time"),
            "truncated": (Fault(at=2, kind="truncated"), "JSON"),
            "html": (Fault(at=2, kind="html"), "HTML"),
        }
        for name, (fault, words) in cases.items():
            with self.subTest(name):
                Message.objects.all().delete()
                SocialSource.objects.all().delete()
                fake = FakeSocial(
                    statuses=[status(n) for n in range(12, 0, -1)],
                    faults=[fault],
                    slow_seconds=1.5,
                )
                with serve(fake):
                    source = self.make_source(fake)
                    counts = importing.run_source(source, fetcher=fetcher(timeout=0.5))
                    self.assertEqual(counts.stored, 5)  # the first page is kept
                    self.assertIn(words.lower(), counts.error.lower())
                    source.refresh_from_db()
                    self.assertEqual(source.last_error, counts.error)
                    self.assertEqual(source.cursor, "10008")
                    # The fault has passed: the next run finishes the job.
                    fake.faults.clear()
                    self.assertEqual(importing.run_source(source, fetcher=fetcher()).stored, 7)
                    source.refresh_from_db()
                    self.assertEqual(source.last_error, "")
                self.assertEqual(len(self.imported()), 12)

    def test_retry_after_is_respected_and_the_run_goes_on(self) -> None:
        fake = FakeSocial(statuses=[status(n) for n in range(7, 0, -1)], faults=[Fault(2, "429")])
        slept: list[float] = []
        patient = HttpFetcher(timeout=1, max_attempts=3, sleep=slept.append, jitter=lambda: 0)
        with serve(fake):
            counts = importing.run_source(self.make_source(fake), fetcher=patient)
        self.assertEqual((counts.stored, counts.error), (7, ""))
        self.assertIn(1.0, slept)

    def test_malformed_items_are_skipped_and_counted(self) -> None:
        broken = status(2)
        broken["created_at"] = "yesterday"
        fake = FakeSocial(statuses=[status(3), broken, {"id": "oops"}, status(1)])
        with serve(fake):
            counts = importing.run_source(self.make_source(fake), fetcher=fetcher())
        self.assertEqual((counts.stored, counts.skipped), (2, 2))

    def test_hostile_posts_are_judged_like_visitors_messages(self) -> None:
        statuses = [status(n, text) for n, text in enumerate(DISGUISES.values(), start=1)]
        statuses += [status(n, text) for n, text in enumerate(SCRIPTS, start=20)]
        fake = FakeSocial(statuses=statuses[::-1], page_size=40)
        with serve(fake):
            counts = importing.run_source(self.make_source(fake), fetcher=fetcher())
        self.assertEqual(counts.rejected, len(DISGUISES))  # every disguised banned term
        for message in Message.objects.all():
            body = message.body.lower()
            self.assertNotIn("<script", body)
            self.assertNotIn("onerror", body)
            self.assertNotIn("javascript:", body)
            self.assertNotIn("<iframe", body)
            self.assertNotIn("<svg", body)

    def test_replies_and_boosts_are_left_out_unless_asked_for(self) -> None:
        reply = status(2, in_reply_to_id="10001")
        fake = FakeSocial(statuses=[reply, status(1)])
        with serve(fake):
            source = self.make_source(fake)
            self.assertEqual(importing.run_source(source, fetcher=fetcher()).stored, 1)
            source.include_replies = True
            source.since = ""
            source.save()
            self.assertEqual(importing.run_source(source, fetcher=fetcher()).stored, 1)

    def test_posts_stored_by_a_concurrent_run_meanwhile_are_counted_once(self) -> None:
        # Between this run's lookup of stored posts and its insert, another run stores
        # some of the same posts: the insert falls back to ignoring them, and says so.
        import json

        from ahmadi_campaign.social import parse_statuses

        page = json.dumps([status(n) for n in range(6)]).encode()
        posts = parse_statuses(page, hashtags=["#IStandWithAhmadis"]).posts
        first = importing.store_posts(
            self.wall, posts[:2], kind="support", history=importing._history()
        )
        self.assertEqual((first.stored, first.duplicates), (2, 0))
        real = Message.objects.filter

        def lookup_missing_the_concurrent_rows(*args: Any, **kwargs: Any) -> Any:
            found = real(*args, **kwargs)
            if "source_id__in" in kwargs:  # the lookup saw the table before the other run
                return mock.Mock(values_list=lambda *_a, **_k: [], count=found.count, wraps=found)
            return found

        with mock.patch.object(Message.objects, "filter", lookup_missing_the_concurrent_rows):
            counts = importing.store_posts(
                self.wall, posts, kind="support", history=importing._history()
            )
        self.assertEqual((counts.stored, counts.duplicates), (4, 2))
        self.assertEqual(sorted(self.imported()), sorted(post.source_id for post in posts))


class BlueskyImportTests(ImportTestCase):
    network = "bluesky"

    def test_anonymous_search_reads_the_first_page_only(self) -> None:
        # Bluesky's public search refuses cursors to anonymous clients.
        fake = FakeSocial(posts=[bluesky_post(n) for n in range(12, 0, -1)])
        with serve(fake):
            counts = importing.run_source(self.make_source(fake), fetcher=fetcher())
        self.assertEqual((counts.stored, counts.pages, counts.error), (5, 1, ""))
        self.assertEqual(fake.authorized, 0)

    def test_with_an_account_every_page_is_read_and_a_rerun_stops_at_known_posts(self) -> None:
        fake = FakeSocial(posts=[bluesky_post(n) for n in range(12, 0, -1)])
        accounts = {"ours": {"handle": "org.bsky.example", "app_password": "app-pass"}}
        with serve(fake), self.settings(WAGTAIL_CAMPAIGN={"SOCIAL_ACCOUNTS": accounts}):
            source = self.make_source(fake, account="ours")
            counts = importing.run_source(source, fetcher=fetcher())
            self.assertEqual((counts.stored, counts.error), (12, ""))
            self.assertEqual(fake.authorized, 3)
            again = importing.run_source(source, fetcher=fetcher())
        self.assertEqual(again.stored, 0)
        self.assertEqual(again.pages, 1)  # the first page had nothing new: stop there
        self.assertEqual(len(self.imported()), 12)
        # The password reached the server once per run and is stored nowhere.
        self.assertFalse(SocialSource.objects.filter(account__contains="app-pass").exists())


class ArchiveImportTests(ImportTestCase):
    def test_tweets_file_is_imported_once(self) -> None:
        archive = ArchiveImport.objects.create(wall=self.wall, file_name="tweets.js")
        with open(DATA / "tweets.js", "rb") as file:
            importing.import_archive(archive, file)
        archive.refresh_from_db()
        self.assertEqual(archive.status, ArchiveImport.Status.DONE)
        self.assertGreater(archive.stored, 0)
        self.assertEqual(archive.processed, archive.total)
        first = Message.objects.filter(source="x-archive").count()
        self.assertEqual(first, archive.stored)

        again = ArchiveImport.objects.create(wall=self.wall, file_name="tweets.js")
        with open(DATA / "tweets.js", "rb") as file:
            importing.import_archive(again, file)
        again.refresh_from_db()
        self.assertEqual(again.stored, 0)
        self.assertEqual(again.duplicates, first)

    def test_a_broken_archive_fails_with_a_clear_error(self) -> None:
        archive = ArchiveImport.objects.create(wall=self.wall, file_name="x.zip")
        importing.import_archive(archive, io.BytesIO(b"PK\x03\x04 not really a zip"))
        archive.refresh_from_db()
        self.assertEqual(archive.status, ArchiveImport.Status.FAILED)
        self.assertTrue(archive.error)
        self.assertEqual(Message.objects.count(), 0)


class CommandTests(ImportTestCase):
    def test_import_social_runs_enabled_sources_and_reports(self) -> None:
        fake = FakeSocial(statuses=[status(n) for n in range(3, 0, -1)])
        with serve(fake):
            self.make_source(fake)
            SocialSource.objects.create(
                wall=self.wall, network="mastodon", server=fake.url, hashtag="#Other", enabled=False
            )
            out = io.StringIO()
            with mock.patch.object(importing, "default_fetcher", fetcher):
                call_command("import_social", stdout=out)
        self.assertIn("3 new", out.getvalue())
        self.assertEqual(Message.objects.count(), 3)
