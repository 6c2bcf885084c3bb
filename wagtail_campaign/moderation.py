"""Moderation actions shared by the admin views and the visitors' reports."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db import IntegrityError, transaction
from django.db.models import F
from django.http import HttpRequest

from .models.wall import Message, MessageFlag, MessageStatus
from .submission import client_fingerprint


def flag_message(message: Message, request: HttpRequest, now: dt.datetime) -> bool:
    """Record one visitor's report; hide the message once enough different visitors report it.

    Returns whether this report was new (the same visitor reporting twice counts once).
    """
    fingerprint, _ = client_fingerprint(request, now)
    try:
        with transaction.atomic():
            MessageFlag.objects.create(message=message, fingerprint=fingerprint, created_at=now)
            Message.objects.filter(pk=message.pk).update(flag_count=F("flag_count") + 1)
            threshold = message.wall.flag_threshold
            Message.objects.filter(
                pk=message.pk, status=MessageStatus.APPROVED, flag_count__gte=threshold
            ).update(status=MessageStatus.HIDDEN)
    except IntegrityError:
        return False
    return True


def set_status(messages: Any, status: str, user: Any, now: dt.datetime) -> int:
    """Change the status of many messages at once; returns how many changed."""
    return int(
        messages.exclude(status=status).update(status=status, moderated_by=user, moderated_at=now)
    )
