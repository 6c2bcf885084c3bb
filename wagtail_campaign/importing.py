"""Social imports onto a wall: fetched posts take the visitors' path, in batches.

Each post is normalised and sanitised by the core parsers, judged by the wall's
own :class:`~ahmadi_campaign.moderation.Policy` (so a look-alike slur or a
script tag is handled exactly as in a visitor's message) and stored once:
``(source, source_id)`` is unique, so a rerun, a crash followed by a rerun, or
two runs at once never store a post twice. The cursor is saved after every
stored page; a failing page (429, 5xx, timeout, not JSON) ends the run cleanly
with its error shown on the source in the admin.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import logging
import queue
import threading
from collections.abc import Iterable, Iterator, Sequence
from typing import Any, BinaryIO, TypeVar

from django.db import IntegrityError, transaction
from django.utils import timezone

from ahmadi_campaign.errors import SocialImportError
from ahmadi_campaign.history import UnorderedHistory
from ahmadi_campaign.moderation import Action
from ahmadi_campaign.sanitize import text_to_html
from ahmadi_campaign.social import (
    BlueskyClient,
    HttpFetcher,
    MastodonClient,
    ParseReport,
    SocialPost,
    read_x_archive,
)

from . import settings as plugin_settings
from .models.social import ArchiveImport, Network, SocialSource
from .models.wall import Message, MessageWallPage
from .submission import Incoming, inspection_of, message_from

logger = logging.getLogger(__name__)

#: Posts stored per transaction when importing an archive.
BATCH_SIZE = 500
#: How far apart in time two posts can be and still be compared by the policy; longer
#: than its longest window (an hour), so memory stays bounded on long imports.
HORIZON = dt.timedelta(hours=2)


def _history() -> UnorderedHistory:
    return UnorderedHistory(horizon=HORIZON)


@dataclasses.dataclass
class ImportCounts:
    """What one import did: new rows, posts already stored, refused by policy, unreadable."""

    stored: int = 0
    duplicates: int = 0
    rejected: int = 0
    skipped: int = 0
    pages: int = 0
    error: str = ""

    def __iadd__(self, other: ImportCounts) -> ImportCounts:
        for field in ("stored", "duplicates", "rejected", "skipped", "pages"):
            setattr(self, field, getattr(self, field) + getattr(other, field))
        return self


def incoming_from_post(post: SocialPost, kind: str) -> Incoming:
    """A parsed post as the submission pipeline's :class:`Incoming` message."""
    html = post.html
    for media in post.media:
        # Media are shown as links to the original, never loaded by visitors' browsers.
        label = media.description or "media"
        html += text_to_html(f"[{label}] {media.url}")
    return Incoming(
        text=post.text,
        html=html,
        kind=kind,
        created_at=post.created_at,
        display_name=post.author_name or post.author_handle,
        language=post.language,
        # Flood and duplicate rules count per account; the column holds 32 characters.
        fingerprint=post.account_key[:32],
        source=str(post.source),
        source_id=post.source_id,
        source_url=post.url,
    )


def store_posts(
    wall: MessageWallPage,
    posts: Sequence[SocialPost],
    *,
    kind: str,
    history: UnorderedHistory,
) -> ImportCounts:
    """Judge ``posts`` with the wall's policy and store the ones it does not reject.

    One query finds the posts already stored and one bulk insert stores the rest. If
    a concurrent run stored some of them in between, the unique (source, source id)
    refuses the insert; the page is then stored ignoring those rows and counted.
    """
    counts = ImportCounts()
    if not posts:
        return counts
    policy = wall.policy()
    ids = {post.source_id for post in posts}
    sources = {str(post.source) for post in posts}
    batch = Message.objects.filter(source__in=sources, source_id__in=ids)
    existing = set(batch.values_list("source", "source_id"))
    rows: list[Message] = []
    for post in posts:
        key = (str(post.source), post.source_id)
        if key in existing:
            counts.duplicates += 1
            continue
        existing.add(key)
        incoming = incoming_from_post(post, kind)
        inspection = inspection_of(incoming)
        decision = policy.inspect(inspection, history.judging(inspection))
        history.record(inspection)
        if decision.action is Action.REJECT:
            counts.rejected += 1
            continue
        rows.append(message_from(wall, incoming, inspection, decision))
    if rows:
        try:
            with transaction.atomic():
                Message.objects.bulk_create(rows)
            counts.stored = len(rows)
        except IntegrityError:
            # A concurrent run stored some of these since the lookup above: store the
            # rest and count what this run added.
            with transaction.atomic():
                before = batch.count()
                Message.objects.bulk_create(rows, ignore_conflicts=True)
                counts.stored = batch.count() - before
        counts.duplicates += len(rows) - counts.stored
    return counts


def _wanted(source: SocialSource, post: SocialPost) -> bool:
    return (source.include_replies or not post.is_reply) and (
        source.include_reposts or not post.is_reblog
    )


def _client(source: SocialSource, fetcher: HttpFetcher | None) -> Any:
    if source.network == Network.MASTODON:
        return MastodonClient(source.server, source.hashtag, fetcher=fetcher)
    account = (plugin_settings.get("SOCIAL_ACCOUNTS") or {}).get(source.account) or {}
    if source.account and not account:
        raise SocialImportError(f"No account named {source.account!r} in SOCIAL_ACCOUNTS.")
    return BlueskyClient(
        source.server or None,
        source.hashtag,
        handle=account.get("handle") or None,
        app_password=account.get("app_password") or None,
        fetcher=fetcher,
    )


def default_fetcher() -> HttpFetcher:
    """The HTTP client of scheduled imports: timeouts, retries and backoff of the core."""
    return HttpFetcher()


_T = TypeVar("_T")
_DONE = object()


def prefetch(items: Iterable[_T], depth: int = 1) -> Iterator[_T]:
    """Iterate over ``items`` while a background thread produces up to ``depth`` ahead.

    A page is fetched and parsed while the one before it is judged and stored, so
    network and database waits overlap with work. Items come in order; an exception
    raised while producing one is raised here, in its place. Leaving the loop early
    lets the producer stop after the item it is working on (it is never waited for).
    The producer must not use the database: it runs in a thread of its own.
    """
    ahead: queue.Queue[tuple[Any, BaseException | None]] = queue.Queue(maxsize=depth)
    stop = threading.Event()

    def offer(entry: tuple[Any, BaseException | None]) -> bool:
        while not stop.is_set():
            try:
                ahead.put(entry, timeout=0.1)
                return True
            except queue.Full:
                continue
        return False

    def produce() -> None:
        error: BaseException | None = None
        try:
            for item in items:
                if not offer((item, None)):
                    return
        except BaseException as exc:  # handed over to the consumer, in order
            error = exc
        offer((_DONE, error))

    threading.Thread(target=produce, name="import-prefetch", daemon=True).start()
    try:
        while True:
            item, error = ahead.get()
            if error is not None:
                raise error
            if item is _DONE:
                return
            yield item
    finally:
        stop.set()


def _walk(source: SocialSource, client: Any, limit: int) -> Iterator[tuple[Any, str, str]]:
    """Fetch up to ``limit`` pages from the source's saved cursor: (page, next cursor, top)."""
    cursor = source.cursor
    for _ in range(limit):
        if source.network == Network.MASTODON:
            page = client.fetch_page(max_id=cursor or None, since_id=source.since or None)
            next_cursor, top = page.next_max_id, page.prev_min_id
        else:
            page = client.fetch_page(cursor or None)
            next_cursor, top = page.cursor, None
        yield page, next_cursor or "", top or ""
        if not next_cursor or not page.report.total:
            return
        cursor = next_cursor


def run_source(
    source: SocialSource, *, fetcher: HttpFetcher | None = None, max_pages: int | None = None
) -> ImportCounts:
    """Import new posts of one source, newest first, resuming an interrupted run.

    A run walks from the newest post back to where the previous complete walk
    began (Mastodon: ``since_id``; Bluesky: a page with nothing new) or until
    ``max_pages``; the cursor saved after each page lets the next run continue.
    Errors from the network or the data end the run and are kept on the source.
    """
    counts = ImportCounts()
    history = _history()
    source.last_run_at = timezone.now()
    try:
        client = _client(source, fetcher or default_fetcher())
        # Bluesky's public search serves no cursor to anonymous clients: one page only.
        anonymous = source.network == Network.BLUESKY and not client.authenticated
        limit = 1 if anonymous else max_pages or source.max_pages
        # The next page is fetched and parsed while this one is judged and stored.
        for page, next_cursor, top in prefetch(_walk(source, client, limit)):
            if not source.cursor and top:
                source.walk_top = top  # newest post of this walk: the next walk stops here
            posts = [post for post in page.posts if _wanted(source, post)]
            found = store_posts(source.wall, posts, kind=source.kind, history=history)
            found.skipped = len(page.report.skipped)
            found.pages = 1
            counts += found
            ended = not next_cursor or not page.report.total or anonymous
            if source.network == Network.BLUESKY and posts and not found.stored:
                ended = True  # a page with nothing new: the rest was imported before
            if ended:
                source.since = source.walk_top or source.since
                source.cursor = source.walk_top = ""
            else:
                source.cursor = next_cursor or ""
            source.save(update_fields=["cursor", "since", "walk_top"])
            if ended:
                break
    except SocialImportError as exc:
        counts.error = str(exc)
        logger.warning("Import from %s stopped: %s", source, exc)
    source.last_error = counts.error
    if not counts.error:
        source.last_success_at = timezone.now()
    source.last_stored, source.last_duplicates = counts.stored, counts.duplicates
    source.last_rejected, source.last_skipped = counts.rejected, counts.skipped
    source.save(
        update_fields=[
            "last_run_at",
            "last_success_at",
            "last_error",
            "last_stored",
            "last_duplicates",
            "last_rejected",
            "last_skipped",
        ]
    )
    return counts


def run_enabled_sources() -> dict[SocialSource, ImportCounts]:
    """Run every enabled source once; one failing source does not stop the others."""
    return {
        source: run_source(source)
        for source in SocialSource.objects.filter(enabled=True).select_related("wall")
    }


# ---------------------------------------------------------------- X archives


def archive_hashtags(archive: ArchiveImport) -> list[str]:
    tags = archive.hashtags.split()
    if tags:
        return tags
    campaign = archive.wall.linked_campaign()
    return [str(tag) for tag in campaign.campaign.hashtags] if campaign else []


def import_archive(archive: ArchiveImport, file: BinaryIO) -> ArchiveImport:
    """Read an X archive (zip or tweets.js) and store its posts, saving progress per batch."""
    archive.status = ArchiveImport.Status.RUNNING
    archive.save(update_fields=["status"])
    try:
        limit = int(plugin_settings.get("MAX_ARCHIVE_BYTES"))
        report: ParseReport = read_x_archive(
            file, hashtags=archive_hashtags(archive), max_bytes=limit
        )
    except SocialImportError as exc:
        return finish_archive(archive, error=str(exc))
    # Newest first, like the networks' own listings: the history's horizon relies on it.
    posts = sorted(report.posts, key=lambda post: post.created_at, reverse=True)
    archive.total = len(posts) + len(report.skipped)
    archive.skipped = len(report.skipped)
    archive.processed = archive.skipped
    archive.save(update_fields=["total", "skipped", "processed"])
    history = _history()
    for start in range(0, len(posts), BATCH_SIZE):
        batch = posts[start : start + BATCH_SIZE]
        counts = store_posts(archive.wall, batch, kind=archive.kind, history=history)
        archive.stored += counts.stored
        archive.duplicates += counts.duplicates
        archive.rejected += counts.rejected
        archive.processed += len(batch)
        archive.save(update_fields=["stored", "duplicates", "rejected", "processed"])
    return finish_archive(archive)


def finish_archive(archive: ArchiveImport, *, error: str = "") -> ArchiveImport:
    archive.error = error
    archive.status = ArchiveImport.Status.FAILED if error else ArchiveImport.Status.DONE
    archive.finished_at = timezone.now()
    archive.save(update_fields=["error", "status", "finished_at"])
    return archive
