"""Erase client fingerprints older than the retention period.

Fingerprints only serve rate limits, duplicate checks and "one report per
visitor"; after ``WAGTAIL_CAMPAIGN["FINGERPRINT_RETENTION_DAYS"]`` days they
serve nothing and are erased. Run it daily (cron, or a scheduled task).
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import transaction
from django.utils import timezone

from wagtail_campaign import settings as plugin_settings
from wagtail_campaign.models import Message, MessageFlag


class Command(BaseCommand):
    help = "Erase message and report fingerprints older than the retention period."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--days",
            type=int,
            default=None,
            help="Retention in days (default: WAGTAIL_CAMPAIGN['FINGERPRINT_RETENTION_DAYS']).",
        )
        parser.add_argument(
            "--dry-run", action="store_true", help="Count what would be erased; change nothing."
        )

    def handle(self, *args: Any, days: int | None, dry_run: bool, **options: Any) -> None:
        days = plugin_settings.get("FINGERPRINT_RETENTION_DAYS") if days is None else days
        if days is None or days < 0:
            raise CommandError("The retention must be 0 days or more.")
        cutoff = timezone.now() - dt.timedelta(days=days)
        messages = Message.objects.filter(created_at__lt=cutoff).exclude(fingerprint="")
        # A report's fingerprint only keeps one visitor from reporting twice; the count
        # stays on the message, so old reports are deleted rather than blanked (the
        # one-report-per-visitor constraint would clash on blank values).
        flags = MessageFlag.objects.filter(created_at__lt=cutoff)
        if dry_run:
            self.stdout.write(
                f"Would erase {messages.count()} message fingerprint(s) and "
                f"{flags.count()} report(s) older than {days} day(s)."
            )
            return
        with transaction.atomic():
            erased = messages.update(fingerprint="")
            deleted, _by_model = flags.delete()
        self.stdout.write(
            f"Erased {erased} message fingerprint(s) and {deleted} report(s) "
            f"older than {days} day(s)."
        )
