"""Moderation actions shared by the admin views and the visitors' reports.

Every change a moderator makes goes through :func:`moderate`, which updates the
rows, writes one audit-log entry per message and purges the wall's cached pages
when ``wagtail.contrib.frontend_cache`` is installed.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Iterable
from typing import Any

from django.apps import apps
from django.db import IntegrityError, transaction
from django.db.models import F
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from wagtail.log_actions import log

from .models.wall import Message, MessageFlag, MessageStatus, MessageWallPage
from .submission import client_fingerprint

logger = logging.getLogger(__name__)

#: action name -> (audit-log label, the field changes it makes).
ACTIONS: dict[str, tuple[Any, dict[str, Any]]] = {
    "approve": (_("Approve"), {"status": MessageStatus.APPROVED}),
    "reject": (_("Reject"), {"status": MessageStatus.REJECTED}),
    "spam": (_("Mark as spam"), {"status": MessageStatus.SPAM}),
    "hide": (_("Hide"), {"status": MessageStatus.HIDDEN}),
    "feature": (_("Feature"), {"featured": True}),
    "unfeature": (_("Stop featuring"), {"featured": False}),
}
#: Audit-log action names are namespaced like Wagtail's own ("wagtail.edit").
LOG_PREFIX = "wagtail_campaign.message."


def flag_message(message: Message, request: HttpRequest, now: dt.datetime) -> bool:
    """Record one visitor's report; hide the message once enough different visitors report it.

    Returns whether this report was new (the same visitor reporting twice counts once).
    """
    # Reporters are counted by network (an IPv6 /64), not by network and browser: one
    # person changing their user agent must not hide a message alone.
    fingerprint, _degraded = client_fingerprint(request, now, with_agent=False)
    try:
        with transaction.atomic():
            MessageFlag.objects.create(message=message, fingerprint=fingerprint, created_at=now)
            Message.objects.filter(pk=message.pk).update(flag_count=F("flag_count") + 1)
            threshold = message.wall.flag_threshold
            hidden = Message.objects.filter(
                pk=message.pk, status=MessageStatus.APPROVED, flag_count__gte=threshold
            ).update(status=MessageStatus.HIDDEN)
    except IntegrityError:
        return False
    if hidden:
        log(message, LOG_PREFIX + "auto_hide", user=None)
        purge_walls([message.wall_id])
    return True


def moderate(messages: Iterable[Message], action: str, user: Any) -> int:
    """Apply a moderation ``action`` (a key of :data:`ACTIONS`) to ``messages``.

    Returns how many messages changed; messages already in that state are left
    alone and get no log entry.
    """
    _label, changes = ACTIONS[action]
    now = timezone.now()
    changed: list[Message] = []
    with transaction.atomic():
        for message in messages:
            if all(getattr(message, field) == value for field, value in changes.items()):
                continue
            for field, value in changes.items():
                setattr(message, field, value)
            message.moderated_by = user
            message.moderated_at = now
            changed.append(message)
        if changed:
            Message.objects.bulk_update(changed, [*changes, "moderated_by", "moderated_at"])
            for message in changed:
                log(message, LOG_PREFIX + action, user=user)
    purge_walls({m.wall_id for m in changed})
    return len(changed)


def purge_walls(wall_ids: Iterable[int]) -> None:
    """Ask the front-end cache to drop the wall pages and their feeds, if one is configured."""
    wall_ids = set(wall_ids)
    if not wall_ids or not apps.is_installed("wagtail.contrib.frontend_cache"):
        return
    from wagtail.contrib.frontend_cache.utils import PurgeBatch

    batch = PurgeBatch()
    for wall in MessageWallPage.objects.filter(pk__in=wall_ids).specific():
        batch.add_page(wall)  # the page and every path from get_cached_paths()
    try:
        batch.purge()
    except Exception:  # a CDN outage must not undo or block moderation
        logger.exception("Front-end cache purge failed for walls %s", sorted(wall_ids))


def register_log_actions(actions: Any) -> None:
    """Name our audit-log actions for the Wagtail admin's history and reports."""
    for name, (label, _changes) in ACTIONS.items():
        actions.register_action(LOG_PREFIX + name, label, label)
    actions.register_action(
        LOG_PREFIX + "auto_hide",
        _("Hide after reports"),
        _("Hidden after reports from visitors"),
    )
