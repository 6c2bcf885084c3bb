"""The retention command erases old fingerprints and nothing else."""

from __future__ import annotations

import datetime as dt
import io

from django.core.management import CommandError, call_command
from django.test import TestCase, override_settings
from django.utils import timezone

from tests.plugin import utils
from tests.plugin.test_moderation_admin import make_message, make_wall
from wagtail_campaign.models import Message, MessageFlag


class PurgeFingerprintsTests(TestCase):
    @classmethod
    def setUpTestData(cls) -> None:
        wall = make_wall(utils.host_home(), "wall")
        now = timezone.now()
        cls.old = make_message(
            wall, "old", fingerprint="a" * 32, created_at=now - dt.timedelta(days=40)
        )
        cls.recent = make_message(
            wall, "recent", fingerprint="b" * 32, created_at=now - dt.timedelta(days=2)
        )
        MessageFlag.objects.create(
            message=cls.recent, fingerprint="c" * 32, created_at=now - dt.timedelta(days=40)
        )
        MessageFlag.objects.create(message=cls.recent, fingerprint="d" * 32, created_at=now)

    def run_command(self, *args: str) -> str:
        out = io.StringIO()
        call_command("purge_fingerprints", *args, stdout=out)
        return out.getvalue()

    def test_erases_only_what_is_older_than_the_retention(self) -> None:
        output = self.run_command()
        self.assertIn("Erased 1 message fingerprint(s) and 1 report(s)", output)
        self.assertEqual(Message.objects.get(pk=self.old.pk).fingerprint, "")
        self.assertEqual(Message.objects.get(pk=self.recent.pk).fingerprint, "b" * 32)
        self.assertEqual(
            list(MessageFlag.objects.values_list("fingerprint", flat=True)), ["d" * 32]
        )
        self.assertEqual(Message.objects.count(), 2)  # messages themselves are kept

    def test_dry_run_changes_nothing(self) -> None:
        self.assertIn("Would erase 1", self.run_command("--dry-run"))
        self.assertEqual(Message.objects.get(pk=self.old.pk).fingerprint, "a" * 32)

    @override_settings(WAGTAIL_CAMPAIGN={"FINGERPRINT_RETENTION_DAYS": 1})
    def test_retention_comes_from_settings(self) -> None:
        self.assertIn("Erased 2 message fingerprint(s)", self.run_command())

    def test_negative_retention_is_refused(self) -> None:
        with self.assertRaises(CommandError):
            self.run_command("--days", "-1")
