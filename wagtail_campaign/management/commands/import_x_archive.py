"""Import the tweets of an X (Twitter) archive onto a wall."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from wagtail_campaign import importing
from wagtail_campaign.models import ArchiveImport, MessageKind, MessageWallPage


class Command(BaseCommand):
    help = "Import an X archive (.zip as downloaded, or its data/tweets.js) onto a wall."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("path", type=Path)
        parser.add_argument("--wall", type=int, required=True, help="The wall page's id.")
        parser.add_argument(
            "--hashtags", default="", help="Space-separated; default: the campaign's hashtags."
        )
        parser.add_argument("--kind", default=MessageKind.SUPPORT, choices=MessageKind.values)

    def handle(self, *args: Any, path: Path, wall: int, hashtags: str, kind: str, **o: Any) -> None:
        page = MessageWallPage.objects.filter(pk=wall).first()
        if page is None:
            raise CommandError(f"No message wall with id {wall}.")
        if not path.is_file():
            raise CommandError(f"No file at {path}.")
        archive = ArchiveImport.objects.create(
            wall=page, file_name=path.name, hashtags=hashtags, kind=kind
        )
        with path.open("rb") as file:
            importing.import_archive(archive, file)
        self.stdout.write(
            f"{archive.file_name}: {archive.stored} new, {archive.duplicates} already there, "
            f"{archive.rejected} rejected, {archive.skipped} skipped of {archive.total}"
        )
        if archive.error:
            raise CommandError(archive.error)
