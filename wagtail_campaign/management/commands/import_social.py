"""Import new posts from the configured social media sources (cron-friendly)."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from wagtail_campaign import importing
from wagtail_campaign.models import SocialSource


class Command(BaseCommand):
    help = (
        "Import new posts of every enabled social media source, or of the sources named. "
        "Safe to run often and to rerun after a crash: nothing is imported twice."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("source_ids", nargs="*", type=int, help="Only these sources (ids).")

    def handle(self, *args: Any, source_ids: list[int], **options: Any) -> None:
        sources = SocialSource.objects.select_related("wall")
        if source_ids:
            sources = sources.filter(pk__in=source_ids)
            missing = set(source_ids) - set(sources.values_list("pk", flat=True))
            if missing:
                raise CommandError(f"No source with id {', '.join(map(str, sorted(missing)))}.")
        else:
            sources = sources.filter(enabled=True)
        failed = 0
        for source in sources:
            counts = importing.run_source(source, fetcher=importing.default_fetcher())
            line = (
                f"{source}: {counts.stored} new, {counts.duplicates} already there, "
                f"{counts.rejected} rejected, {counts.skipped} skipped"
            )
            if counts.error:
                failed += 1
                self.stderr.write(f"{line}; stopped: {counts.error}")
            else:
                self.stdout.write(line)
        if failed:
            raise CommandError(f"{failed} source(s) stopped with an error (see above).")
