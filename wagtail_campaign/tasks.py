"""Background tasks (django-tasks) for social imports.

Enqueue them from code or the admin; a worker runs them. With the
``django_tasks_db`` back end (extra ``[tasks]``) the worker is
``manage.py db_worker``; without a worker, the cron-friendly commands
``import_social`` and ``import_x_archive`` do the same work.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django_tasks import task

from . import importing
from .models.social import ArchiveImport, SocialSource


def _summary(counts: importing.ImportCounts) -> dict[str, Any]:
    return {
        "stored": counts.stored,
        "duplicates": counts.duplicates,
        "rejected": counts.rejected,
        "skipped": counts.skipped,
        "pages": counts.pages,
        "error": counts.error,
    }


@task()
def import_source(source_id: int) -> dict[str, Any]:
    """Import new posts of one :class:`SocialSource`."""
    source = SocialSource.objects.select_related("wall").get(pk=source_id)
    return _summary(importing.run_source(source))


@task()
def import_enabled_sources() -> dict[str, dict[str, Any]]:
    """Import new posts of every enabled source (schedule this one)."""
    return {str(s.pk): _summary(c) for s, c in importing.run_enabled_sources().items()}


@task()
def import_x_archive(archive_id: int) -> dict[str, Any]:
    """Import an uploaded X archive, then delete the uploaded file."""
    archive = ArchiveImport.objects.select_related("wall").get(pk=archive_id)
    path = Path(archive.stored_path)
    try:
        with path.open("rb") as file:
            importing.import_archive(archive, file)
    except OSError as exc:
        importing.finish_archive(archive, error=f"The uploaded file is gone: {exc.strerror}.")
    finally:
        path.unlink(missing_ok=True)
    return {"status": archive.status, "stored": archive.stored, "error": archive.error}
