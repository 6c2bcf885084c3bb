"""From a visitor's form to a stored message: fingerprint, rate limits, policy, save.

The path of one message (see also :mod:`wagtail_campaign.forms`):

1. :func:`client_fingerprint` - a pseudonymous id from the request; no IP is kept.
2. :class:`RateLimiter` - counters in the Django cache (Redis in production).
3. The core library normalises, sanitises and judges the text.
4. :func:`submit` saves the message once, with its status and the reasons.

If the cache is unreachable nothing fails: the message is stored and held for
review, the visitor sees success, and a warning is logged.
"""

from __future__ import annotations

import datetime as dt
import logging
import uuid
from dataclasses import dataclass
from typing import Any

from django.core.cache import cache
from django.db import IntegrityError, transaction
from django.http import HttpRequest
from django.utils import timezone

from ahmadi_campaign import privacy
from ahmadi_campaign.moderation import Action, Candidate, Decision, Inspection
from ahmadi_campaign.sanitize import count_links, text_to_html
from ahmadi_campaign.similarity import jaccard

from . import settings as plugin_settings
from .models.wall import Message, MessageSource, MessageStatus, MessageWallPage, ModerationMode

logger = logging.getLogger(__name__)

_SALTS_KEY = "wagtail_campaign:fingerprint-salts"
#: Used only while the shared cache is unreachable; lost on restart, as it should be.
_local_salts = privacy.DailySalts()
#: How many recent messages the near-duplicate check compares against.
RECENT_FOR_SIMILARITY = 200


class CacheUnavailable(Exception):
    """The shared cache did not answer; callers degrade instead of failing."""


def _cache_call(method: str, *args: Any, **kwargs: Any) -> Any:
    try:
        return getattr(cache, method)(*args, **kwargs)
    except Exception as exc:  # noqa: BLE001 - any backend error means "cache unavailable"
        raise CacheUnavailable(str(exc)) from exc


def request_ip(request: HttpRequest) -> str:
    """The client's address (used transiently, never stored or logged)."""
    proxies = int(plugin_settings.get("TRUSTED_PROXIES") or 0)
    return privacy.resolve_client_ip(
        request.META.get("REMOTE_ADDR", "0.0.0.0"),  # noqa: S104 - a default, not a bind
        request.META.get("HTTP_X_FORWARDED_FOR"),
        trusted_proxies=proxies,
    )


def client_fingerprint(request: HttpRequest, now: dt.datetime) -> tuple[str, bool]:
    """Return (fingerprint, degraded). Salts are shared through the cache across processes."""
    ip = request_ip(request)
    agent = request.META.get("HTTP_USER_AGENT", "")
    try:
        stored = _cache_call("get", _SALTS_KEY) or {}
        salts = privacy.DailySalts.from_dict(stored)
        day = now.astimezone(dt.UTC).date()
        if day not in salts.salts:
            salts.salt_for(day)
            # add() keeps the first writer's salt if two processes race at midnight.
            if not _cache_call("add", _SALTS_KEY, salts.to_dict(), 3 * 86400):
                _cache_call("set", _SALTS_KEY, salts.to_dict(), 3 * 86400)
            salts = privacy.DailySalts.from_dict(_cache_call("get", _SALTS_KEY) or salts.to_dict())
        return salts.fingerprint(ip, agent, now), False
    except (CacheUnavailable, ValueError) as exc:
        logger.warning("Fingerprint salts unavailable, using per-process salts: %s", exc)
        return _local_salts.fingerprint(ip, agent, now), True


@dataclass(frozen=True)
class RateDecision:
    allowed: bool
    #: The wall as a whole is busy: accept, but hold for review.
    busy: bool = False
    #: The cache did not answer; limits could not be checked.
    unavailable: bool = False


class RateLimiter:
    """Fixed-window counters per client (10 minutes) and per wall (1 minute) in the cache."""

    def __init__(self, wall: MessageWallPage) -> None:
        self.wall = wall

    def _hit(self, key: str, timeout: int) -> int:
        _cache_call("add", key, 0, timeout)
        try:
            return int(cache.incr(key))
        except ValueError:  # expired between add and incr: this hit starts a new window
            _cache_call("add", key, 1, timeout)
            return 1
        except Exception as exc:  # noqa: BLE001 - any other backend error: cache unavailable
            raise CacheUnavailable(str(exc)) from exc

    def check(self, fingerprint: str, now: dt.datetime) -> RateDecision:
        stamp = int(now.timestamp())
        client_key = f"wagtail_campaign:rl:{self.wall.pk}:{fingerprint}:{stamp // 600}"
        wall_key = f"wagtail_campaign:rl:{self.wall.pk}:wall:{stamp // 60}"
        try:
            if self._hit(client_key, 660) > self.wall.max_messages_per_client:
                return RateDecision(allowed=False)
            busy = self._hit(wall_key, 70) > self.wall.max_messages_per_minute
        except CacheUnavailable as exc:
            logger.warning("Rate limits unavailable, holding the message for review: %s", exc)
            return RateDecision(allowed=True, unavailable=True)
        return RateDecision(allowed=True, busy=busy)


class DatabaseHistory:
    """The core policy's :class:`~ahmadi_campaign.moderation.History`, answered from one wall."""

    def __init__(self, wall: MessageWallPage) -> None:
        self.messages = Message.objects.filter(wall=wall)

    def count_from(self, fingerprint: str, since: dt.datetime) -> int:
        return self.messages.filter(fingerprint=fingerprint, created_at__gte=since).count()

    def count_digest(
        self, digest: str, since: dt.datetime, *, fingerprint: str | None = None
    ) -> int:
        found = self.messages.filter(digest=digest, created_at__gte=since)
        if fingerprint is not None:
            found = found.filter(fingerprint=fingerprint)
        return found.count()

    def has_similar(self, message: Inspection, since: dt.datetime, threshold: float) -> bool:
        recent = self.messages.filter(created_at__gte=since).order_by("-created_at")
        for shingles in recent.values_list("shingles", flat=True)[:RECENT_FOR_SIMILARITY]:
            if jaccard(message.shingles, frozenset(shingles or ())) >= threshold:
                return True
        return False


@dataclass(frozen=True)
class Outcome:
    """What happened to a submission: stored (live or in review) or refused with a reason."""

    message: Message | None
    decision: Decision
    refused_reason: str = ""
    #: The (source, source id) was already stored; ``message`` is the existing row.
    duplicate: bool = False

    @property
    def stored(self) -> bool:
        return self.message is not None

    @property
    def live(self) -> bool:
        return self.message is not None and self.message.status == MessageStatus.APPROVED


def submit(
    wall: MessageWallPage,
    *,
    body: str,
    kind: str,
    display_name: str = "",
    country: str = "",
    language: str = "",
    request: HttpRequest,
    now: dt.datetime | None = None,
) -> Outcome:
    """Judge and store a visitor's message. ``body`` must already be normalised plain text."""
    now = now or timezone.now()
    fingerprint, degraded = client_fingerprint(request, now)
    rate = RateLimiter(wall).check(fingerprint, now)
    if not rate.allowed:
        return Outcome(None, Decision(Action.REJECT), refused_reason="rate_limited")
    extra = []
    if degraded or rate.unavailable:
        extra.append("cache_unavailable")
    if rate.busy:
        extra.append("wall_busy")
    incoming = Incoming(
        text=body,
        html=text_to_html(body),
        kind=kind,
        display_name=display_name,
        country=country,
        language=language,
        created_at=now,
        fingerprint=fingerprint,
    )
    return judge_and_store(wall, incoming, extra_reasons=extra)


@dataclass(frozen=True)
class Incoming:
    """A message about to be judged: normalised plain text and its sanitised HTML.

    Visitors' messages come from :func:`submit`; imported posts (Mastodon, Bluesky,
    X archives) are built by the importers with their ``source`` and ``source_id``.
    """

    text: str
    html: str
    kind: str
    created_at: dt.datetime
    display_name: str = ""
    country: str = ""
    language: str = ""
    fingerprint: str = ""
    source: str = MessageSource.SITE
    source_id: str = ""
    source_url: str = ""


def judge_and_store(
    wall: MessageWallPage, incoming: Incoming, *, extra_reasons: list[str] | tuple[str, ...] = ()
) -> Outcome:
    """Run the wall's policy and store the message once; the one path every message takes.

    Any ``extra_reasons`` (the cache was down, the wall is busy) hold the message for
    review. A second message with the same (source, source id) is not stored again:
    the outcome then carries the existing row, so racing imports end in one row.
    """
    inspection = Inspection(
        Candidate(
            body=incoming.text,
            submitted_at=incoming.created_at,
            fingerprint=incoming.fingerprint,
            display_name=incoming.display_name,
            link_count=count_links(incoming.html),
        )
    )
    if incoming.source_id:
        # Already imported: answer before the policy, whose duplicate rule would
        # otherwise refuse the repeat instead of reporting it as the same row.
        existing = Message.objects.filter(
            source=incoming.source, source_id=incoming.source_id
        ).first()
        if existing is not None:
            return Outcome(existing, Decision(Action.APPROVE), duplicate=True)
    decision = wall.policy().inspect(inspection, DatabaseHistory(wall))
    if decision.action is Action.REJECT:
        return Outcome(None, decision, refused_reason=decision.reasons[0])

    reasons = [*decision.reasons, *extra_reasons]
    live = (
        decision.action is Action.APPROVE
        and wall.moderation_mode == ModerationMode.POST
        and not extra_reasons
    )
    fields = {
        "wall": wall,
        "status": MessageStatus.APPROVED if live else MessageStatus.PENDING,
        "kind": incoming.kind,
        "display_name": incoming.display_name,
        "country": incoming.country,
        "language": incoming.language,
        "body": incoming.html,
        "text": incoming.text,
        "source_url": incoming.source_url,
        "fingerprint": incoming.fingerprint,
        "digest": inspection.digest,
        "shingles": sorted(inspection.shingles),
        "reasons": reasons,
        "created_at": incoming.created_at,
    }
    source_id = incoming.source_id or uuid.uuid4().hex
    try:
        with transaction.atomic():
            message = Message.objects.create(source=incoming.source, source_id=source_id, **fields)
    except IntegrityError:
        existing = Message.objects.filter(source=incoming.source, source_id=source_id).first()
        if existing is None:  # not a (source, source id) clash: a real error
            raise
        return Outcome(existing, decision, duplicate=True)
    return Outcome(message, decision)
