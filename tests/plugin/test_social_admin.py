"""Social imports in the admin: sources with their last run, "Import now", archive uploads."""

from __future__ import annotations

import os
from pathlib import Path
from unittest import mock

from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import TestCase, override_settings
from django.urls import reverse
from wagtail.test.utils import WagtailTestUtils

from tests.plugin import utils
from tests.plugin.fake_social import FakeSocial, Fault, serve, status
from tests.plugin.test_moderation_admin import make_wall
from tests.plugin.test_social_import import fetcher
from wagtail_campaign import importing
from wagtail_campaign.models import ArchiveImport, Message, SocialSource

DATA = Path(__file__).resolve().parents[1] / "data" / "social"
SOURCES = "wagtailsnippets_wagtail_campaign_socialsource"
ARCHIVES = "wagtailsnippets_wagtail_campaign_archiveimport"


class SocialAdminTests(WagtailTestUtils, TestCase):
    @classmethod
    def setUpTestData(cls) -> None:
        cls.wall = make_wall(utils.host_home(), "wall")

    def setUp(self) -> None:
        self.user = self.login()
        patcher = mock.patch.dict(os.environ, {"no_proxy": "*"})
        patcher.start()
        self.addCleanup(patcher.stop)
        for name in ("http_proxy", "HTTP_PROXY"):
            os.environ.pop(name, None)

    def test_create_source_validates_hashtag_and_server(self) -> None:
        response = self.client.post(
            reverse(f"{SOURCES}:add"),
            {
                "wall": self.wall.pk,
                "network": "mastodon",
                "server": "",
                "hashtag": "not a tag",
                "account": "",
                "kind": "support",
                "enabled": "on",
                "max_pages": 10,
            },
        )
        self.assertEqual(response.status_code, 200)
        self.assertContains(response, "Name the Mastodon server")
        self.assertEqual(SocialSource.objects.count(), 0)

    def test_import_now_runs_and_the_listing_shows_the_outcome(self) -> None:
        fake = FakeSocial(
            statuses=[status(n) for n in range(8, 0, -1)], faults=[Fault(2, "500", 9)]
        )
        with serve(fake), mock.patch.object(importing, "default_fetcher", fetcher):
            source = SocialSource.objects.create(
                wall=self.wall, network="mastodon", server=fake.url, hashtag="#IStandWithAhmadis"
            )
            # GET does nothing: an import changes data, so it needs a POST with CSRF.
            run = reverse(f"{SOURCES}:run", args=(source.pk,))
            self.assertEqual(self.client.get(run).status_code, 405)
            response = self.client.post(run, follow=True)
        self.assertContains(response, "The import stopped")
        listing = self.client.get(reverse(f"{SOURCES}:list"))
        self.assertContains(listing, "Failed:")
        self.assertContains(listing, "Import now")
        self.assertEqual(Message.objects.count(), 5)  # the page before the failure is kept

    def test_upload_an_archive_and_see_its_progress(self) -> None:
        upload = SimpleUploadedFile("tweets.js", (DATA / "tweets.js").read_bytes())
        with override_settings(WAGTAIL_CAMPAIGN={"IMPORT_DIR": str(self.tmp_dir())}):
            response = self.client.post(
                reverse(f"{ARCHIVES}:add"),
                {"wall": self.wall.pk, "archive": upload, "hashtags": "", "kind": "thanks"},
            )
        self.assertEqual(response.status_code, 302)
        archive = ArchiveImport.objects.get()
        self.assertEqual(archive.status, ArchiveImport.Status.DONE)
        self.assertEqual(archive.created_by, self.user)
        self.assertFalse(Path(archive.stored_path).exists())  # deleted after the import
        self.assertEqual(
            Message.objects.filter(source="x-archive", kind="thanks").count(), archive.stored
        )
        listing = self.client.get(reverse(f"{ARCHIVES}:list"))
        self.assertContains(listing, "tweets.js")
        self.assertContains(listing, "Done")

    def test_upload_refuses_other_files_and_oversized_ones(self) -> None:
        cases = {
            "notes.txt": (b"hello", {}, "Upload the archive"),
            "big.zip": (b"x" * 2048, {"MAX_ARCHIVE_BYTES": 1024}, "the largest accepted is"),
        }
        for name, (content, extra, message) in cases.items():
            with (
                self.subTest(name),
                override_settings(WAGTAIL_CAMPAIGN={"IMPORT_DIR": str(self.tmp_dir()), **extra}),
            ):
                response = self.client.post(
                    reverse(f"{ARCHIVES}:add"),
                    {
                        "wall": self.wall.pk,
                        "archive": SimpleUploadedFile(name, content),
                        "hashtags": "",
                        "kind": "support",
                    },
                )
                self.assertEqual(response.status_code, 200)
                self.assertContains(response, message)
        self.assertEqual(ArchiveImport.objects.count(), 0)

    def tmp_dir(self) -> Path:
        import tempfile

        path = Path(tempfile.mkdtemp(prefix="wc-imports-"))
        self.addCleanup(lambda: [p.unlink() for p in path.iterdir()] and None)
        return path


class SocialSettingsCheckTests(TestCase):
    def test_social_accounts_must_name_handle_and_password(self) -> None:
        from wagtail_campaign.checks import check_settings

        good = {"ours": {"handle": "a.example", "app_password": "x"}}
        for value, ids in (
            (good, []),
            ({"ours": {"handle": "a.example"}}, ["wagtail_campaign.E006"]),
            (["not", "a", "dict"], ["wagtail_campaign.E006"]),
        ):
            with (
                self.subTest(value=value),
                override_settings(WAGTAIL_CAMPAIGN={"SOCIAL_ACCOUNTS": value}),
            ):
                self.assertEqual([e.id for e in check_settings()], ids)
