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
import functools
import json
import logging
import math
import secrets
import uuid
from dataclasses import dataclass
from typing import Any

from django.core.cache import cache
from django.db import IntegrityError, connections, router, transaction
from django.db.models import Q, QuerySet
from django.http import HttpRequest
from django.utils import timezone

from ahmadi_campaign import privacy
from ahmadi_campaign.moderation import (
    Action,
    Candidate,
    Decision,
    DuplicateRule,
    FloodRule,
    Inspection,
    Policy,
)
from ahmadi_campaign.sanitize import count_links, text_to_html
from ahmadi_campaign.similarity import jaccard_with_distinct

from . import settings as plugin_settings
from .models.wall import Message, MessageSource, MessageStatus, MessageWallPage, ModerationMode

logger = logging.getLogger(__name__)

#: Each UTC day's fingerprint salt is stored under this prefix plus the date.
_SALTS_KEY = "wagtail_campaign:fingerprint-salts"
#: A day's salt is deleted this long after it was made (the cache expires it).
SALT_LIFETIME = privacy.SALT_DAYS_KEPT * 86400
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
    ip = privacy.resolve_client_ip(
        request.META.get("REMOTE_ADDR") or "0.0.0.0",  # noqa: S104 - a default, not a bind
        request.META.get("HTTP_X_FORWARDED_FOR"),
        trusted_proxies=proxies,
    )
    try:
        privacy.client_network(ip)
    except privacy.InvalidAddress:
        # A unix socket or an odd proxy: such clients are counted together rather than failing.
        return "0.0.0.0"  # noqa: S104 - a placeholder address, not a bind
    return ip


def salt_key(day: dt.date) -> str:
    """The cache key of one UTC day's fingerprint salt."""
    return f"{_SALTS_KEY}:{day.isoformat()}"


def client_fingerprint(
    request: HttpRequest, now: dt.datetime, *, with_agent: bool = True
) -> tuple[str, bool]:
    """Return (fingerprint, degraded). The day's salt is shared through the cache.

    ``with_agent=False`` fingerprints the network alone: a client that changes its
    user agent on every request is still one client.
    """
    ip = request_ip(request)
    agent = request.META.get("HTTP_USER_AGENT", "") if with_agent else ""
    key = salt_key(now.astimezone(dt.UTC).date())
    try:
        salt = _cache_call("get", key)
        if salt is None:
            # add() is atomic: processes racing at midnight all end up with the first salt
            # (a get-then-set here would let each keep its own for a while).
            _cache_call("add", key, secrets.token_hex(32), SALT_LIFETIME)
            salt = _cache_call("get", key)
        return privacy.fingerprint(ip, agent, bytes.fromhex(salt)), False
    except (CacheUnavailable, TypeError, ValueError) as exc:
        logger.warning("Fingerprint salts unavailable, using per-process salts: %s", exc)
        return _local_salts.fingerprint(ip, agent, now), True


@dataclass(frozen=True)
class RateDecision:
    allowed: bool
    #: The wall as a whole is busy: accept, but hold for review.
    busy: bool = False
    #: The cache did not answer; limits could not be checked.
    unavailable: bool = False


def _redis_hit(key: str, timeout: int) -> int | None:
    """Count one hit on a window counter in one round trip, if the cache is Django's Redis.

    Through the cache API a hit is ``add`` then ``incr``, and Django's Redis ``incr`` is
    EXISTS then INCR: three round trips. Here SET NX EX and INCR go in one MULTI, so the
    window cannot expire between them either. The value is the one ``add`` would store
    (Django keeps integers as Redis integers). Returns None for any other cache.
    """
    from django.core.cache import DEFAULT_CACHE_ALIAS, caches
    from django.core.cache.backends.redis import RedisCache

    backend = caches[DEFAULT_CACHE_ALIAS]
    if not isinstance(backend, RedisCache):
        return None
    try:
        name = backend.make_and_validate_key(key)
        with backend._cache.get_client(None, write=True).pipeline(transaction=True) as pipe:
            pipe.set(name, 0, nx=True, ex=timeout)
            pipe.incr(name)
            _created, count = pipe.execute()
    except Exception as exc:  # noqa: BLE001 - any backend error means "cache unavailable"
        raise CacheUnavailable(str(exc)) from exc
    return int(count)


#: Both windows of a post in one round trip: the client's counter, then, unless the client
#: is over its limit, the wall's (a refused client must not make the wall look busy).
_BOTH_WINDOWS = """
redis.call('SET', KEYS[1], 0, 'NX', 'EX', ARGV[1])
local client = redis.call('INCR', KEYS[1])
if client > tonumber(ARGV[3]) then return {client, 0} end
redis.call('SET', KEYS[2], 0, 'NX', 'EX', ARGV[2])
return {client, redis.call('INCR', KEYS[2])}
"""


def _redis_hits(
    client_key: str, client_timeout: int, client_limit: int, wall_key: str, wall_timeout: int
) -> tuple[int, int] | None:
    """:func:`_redis_hit` on the client's window and then the wall's, in one round trip.

    The wall's count is 0 when the client is over its limit (its hit is not counted).
    Returns None for any cache but Django's Redis.
    """
    from django.core.cache import DEFAULT_CACHE_ALIAS, caches
    from django.core.cache.backends.redis import RedisCache

    backend = caches[DEFAULT_CACHE_ALIAS]
    if not isinstance(backend, RedisCache):
        return None
    try:
        keys = [backend.make_and_validate_key(client_key), backend.make_and_validate_key(wall_key)]
        client = backend._cache.get_client(None, write=True)
        # EVALSHA; a server that has not seen the script yet gets it loaded first.
        found = client.register_script(_BOTH_WINDOWS)(
            keys=keys, args=[client_timeout, wall_timeout, client_limit]
        )
    except Exception as exc:  # noqa: BLE001 - any backend error means "cache unavailable"
        raise CacheUnavailable(str(exc)) from exc
    return int(found[0]), int(found[1])


class RateLimiter:
    """Fixed-window counters per client (10 minutes) and per wall (1 minute) in the cache."""

    def __init__(self, wall: MessageWallPage) -> None:
        self.wall = wall

    def _hit(self, key: str, timeout: int) -> int:
        counted = _redis_hit(key, timeout)
        if counted is not None:
            return counted
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
        limit = self.wall.max_messages_per_client
        try:
            both = _redis_hits(client_key, 660, limit, wall_key, 70)
            if both is not None:
                if both[0] > limit:
                    return RateDecision(allowed=False)
                return RateDecision(allowed=True, busy=both[1] > self.wall.max_messages_per_minute)
            if self._hit(client_key, 660) > limit:
                return RateDecision(allowed=False)
            busy = self._hit(wall_key, 70) > self.wall.max_messages_per_minute
        except CacheUnavailable as exc:
            logger.warning("Rate limits unavailable, holding the message for review: %s", exc)
            return RateDecision(allowed=True, unavailable=True)
        return RateDecision(allowed=True, busy=busy)


#: Reports one network may send to one wall in 10 minutes.
MAX_REPORTS_PER_CLIENT = 10


def report_allowed(wall: MessageWallPage, request: HttpRequest, now: dt.datetime) -> bool:
    """Whether this visitor may report another message on ``wall`` now.

    Counted per network, not per browser: otherwise one client rotating its user
    agent could hide any message by reporting it as several visitors.
    """
    network, _degraded = client_fingerprint(request, now, with_agent=False)
    key = f"wagtail_campaign:reports:{wall.pk}:{network}:{int(now.timestamp()) // 600}"
    try:
        return RateLimiter(wall)._hit(key, 660) <= MAX_REPORTS_PER_CLIENT
    except CacheUnavailable as exc:
        # Reports only hide a message for review; taking them beats refusing everyone.
        logger.warning("Report limits unavailable: %s", exc)
        return True


#: A question the policy asks its history: ("from", fingerprint, since),
#: ("digest", digest, since, fingerprint or None) or ("similar", since, threshold).
Question = tuple[Any, ...]

#: How each database keeps, of the newest messages ({newest}), those whose shingle count
#: is within bounds, and gathers their shingle lists into one JSON text.
_SIMILAR_CANDIDATES = {
    "postgresql": (
        "SELECT JSON_AGG(newest.found)::text FROM ({newest}) newest "
        "WHERE newest.size BETWEEN %s AND %s"
    ),
    "sqlite": (
        "SELECT JSON_GROUP_ARRAY(JSON(newest.found)) FROM ({newest}) newest "
        "WHERE newest.size BETWEEN %s AND %s"
    ),
}


@functools.lru_cache(maxsize=8)
def _quoted_names(alias: str) -> dict[str, str]:
    """The message table's name and columns, quoted for the database ``alias``."""
    quote = connections[alias].ops.quote_name
    names = {"table": quote(Message._meta.db_table)}
    columns = ("wall", "status", "fingerprint", "digest", "shingles", "shingle_count", "created_at")
    for name in columns:
        names[name] = quote(Message._meta.get_field(name).column)
    return names


class DatabaseHistory:
    """The core policy's :class:`~ahmadi_campaign.moderation.History`, answered from one wall.

    Call :meth:`expect` with the message and the policy before the policy runs: what the
    flood and duplicate rules will ask - three counts and the near-duplicate candidates -
    is then answered by one query when the first question comes, instead of one query
    each. A question that was not expected is still answered, by a query of its own.

    That one query is written out here rather than built with the ORM: building and
    compiling its eight parts cost 3 ms, more than the query itself.
    """

    def __init__(self, wall: MessageWallPage) -> None:
        self.wall_id = wall.pk
        self._connection = connections[router.db_for_read(Message)]
        self._vendor = self._connection.vendor
        self._message: Inspection | None = None
        #: SQL (one value) and parameters of each expected question.
        self._expected: dict[Question, tuple[str, list[Any]]] = {}
        self._answers: dict[Question, Any] = {}

    @functools.cached_property
    def messages(self) -> QuerySet[Message]:
        """The wall's messages, for the questions that were not expected."""
        return Message.objects.using(self._connection.alias).filter(wall_id=self.wall_id)

    # ------------------------------------------------------------ SQL

    def _names(self) -> dict[str, str]:
        return _quoted_names(self._connection.alias)

    def _at(self, instant: dt.datetime) -> Any:
        return Message._meta.get_field("created_at").get_db_prep_value(instant, self._connection)

    def _count_sql(
        self, column: str, value: str, since: dt.datetime, fingerprint: str | None = None
    ) -> tuple[str, list[Any]]:
        """COUNT of the wall's messages with ``column`` = ``value`` since ``since``.

        Ordered as its index is (wc_message_client, wc_message_digest): with a stale row
        estimate PostgreSQL otherwise took either index, and the wrong one read every
        message of the hour to count one client's.
        """
        n = self._names()
        also = f" AND {n['fingerprint']} = %s" if fingerprint is not None else ""
        sql = (
            f"SELECT COUNT(*) FROM (SELECT 1 FROM {n['table']} WHERE {n['wall']} = %s "  # noqa: S608
            f"AND {n[column]} = %s{also} AND {n['created_at']} >= %s "
            f"ORDER BY {n[column]}, {n['created_at']}) counted"
        )
        params = [self.wall_id, value, *([fingerprint] if fingerprint is not None else [])]
        return sql, [*params, self._at(since)]

    def _newest_sql(self, since: dt.datetime) -> tuple[str, list[Any]]:
        """The shingles (as ``found``) of the :data:`RECENT_FOR_SIMILARITY` newest messages.

        No index starts with (wall, created_at): one query read and sorted every message
        of the hour to keep 200. On PostgreSQL wc_message_wall_feed hands over the newest
        of each status in order (at most 200 of each, few but approved ones), and the 200
        newest of those are kept. (A UNION of one query per status read the same rows,
        but took twice as long to plan.)
        """
        n, limit = self._names(), RECENT_FOR_SIMILARITY
        columns = (
            f"{n['shingles']} AS found, {n['shingle_count']} AS size, {n['created_at']} AS received"
        )
        where = f"{n['wall']} = %s AND {n['created_at']} >= %s"
        order = f"ORDER BY {n['created_at']} DESC LIMIT {limit}"
        if self._vendor != "postgresql":
            sql = f"SELECT {columns} FROM {n['table']} WHERE {where} {order}"  # noqa: S608
            return sql, [self.wall_id, self._at(since)]
        statuses = ", ".join(["(%s)"] * len(MessageStatus.values))
        sql = (
            f"SELECT newest.found, newest.size FROM (VALUES {statuses}) AS statuses(status) "  # noqa: S608
            f"CROSS JOIN LATERAL (SELECT {columns} FROM {n['table']} "
            f"WHERE {where} AND {n['status']} = statuses.status {order}) newest "
            f"ORDER BY newest.received DESC LIMIT {limit}"
        )
        return sql, [*MessageStatus.values, self.wall_id, self._at(since)]

    def _candidates(
        self, message: Inspection, since: dt.datetime, threshold: float
    ) -> tuple[str, list[Any]]:
        """SQL whose one value is the JSON list of the shingle lists that may be similar.

        Two sets of sizes ``a <= b`` have a Jaccard similarity of at most ``a / b``, so of
        the newest messages only those whose shingle count lies within
        ``[threshold * n, n / threshold]`` can reach the threshold: the database leaves
        the others out by their stored ``shingle_count``, which spares reading (PostgreSQL
        keeps them compressed), sending, decoding and comparing most shingle lists.
        """
        newest, params = self._newest_sql(since)
        size = len(message.shingles)
        bounds = [math.floor(size * threshold), math.ceil(size / threshold)]
        return _SIMILAR_CANDIDATES[self._vendor].format(newest=newest), [*params, *bounds]

    # ------------------------------------------------------------ questions

    def expect(self, message: Inspection, policy: Policy) -> None:
        """Note what ``policy``'s rules will ask about ``message`` (see the class)."""
        self._message = message
        candidate = message.candidate
        fingerprint = candidate.fingerprint
        for rule in policy.rules:
            if isinstance(rule, FloodRule) and fingerprint:
                since = candidate.submitted_at - dt.timedelta(minutes=rule.window_minutes)
                self._expected[("from", fingerprint, since)] = self._count_sql(
                    "fingerprint", fingerprint, since
                )
            elif isinstance(rule, DuplicateRule):
                since = candidate.submitted_at - dt.timedelta(minutes=rule.window_minutes)
                for asker in (fingerprint, None) if fingerprint else (None,):
                    self._expected[("digest", message.digest, since, asker)] = self._count_sql(
                        "digest", message.digest, since, asker
                    )
                if self._vendor in _SIMILAR_CANDIDATES and rule.similarity > 0:
                    self._expected[("similar", since, rule.similarity)] = self._candidates(
                        message, since, rule.similarity
                    )

    def _ask(self, question: Question) -> bool:
        """Answer every expected question at once if ``question`` is one; else False.

        One SELECT of one scalar subquery per question. Not conditional aggregates over
        an OR of the conditions: PostgreSQL plans an OR from the wall's row estimate, and
        a wall that grew since the last ANALYZE was then read whole for every message.
        """
        if question in self._answers:
            return True
        if question not in self._expected:
            return False
        expected = list(self._expected.items())
        columns = ", ".join(f"({sql})" for _question, (sql, _params) in expected)
        params = [value for _question, (_sql, values) in expected for value in values]
        with self._connection.cursor() as cursor:
            cursor.execute(f"SELECT {columns}", params)  # noqa: S608 - values are parameters
            found = cursor.fetchone()
        for (asked, _sql), value in zip(expected, found, strict=True):
            self._answers[asked] = json.loads(value or "[]") if asked[0] == "similar" else value
        self._expected.clear()
        return True

    def _count(self, question: Question, condition: Q) -> int:
        if self._ask(question):
            return int(self._answers[question])
        return int(self.messages.filter(condition).count())

    def count_from(self, fingerprint: str, since: dt.datetime) -> int:
        return self._count(
            ("from", fingerprint, since), Q(fingerprint=fingerprint, created_at__gte=since)
        )

    def count_digest(
        self, digest: str, since: dt.datetime, *, fingerprint: str | None = None
    ) -> int:
        condition = Q(digest=digest, created_at__gte=since)
        if fingerprint is not None:
            condition &= Q(fingerprint=fingerprint)
        return self._count(("digest", digest, since, fingerprint), condition)

    def has_similar(self, message: Inspection, since: dt.datetime, threshold: float) -> bool:
        """Whether one of the newest messages since ``since`` is that similar (see above)."""
        mine = message.shingles
        if threshold > 0 and not mine:
            return False  # nothing is similar to an empty set (Jaccard 0)
        question = ("similar", since, threshold)
        if message is self._message and self._ask(question):
            found = self._answers[question]
        elif threshold > 0 and self._vendor in _SIMILAR_CANDIDATES:
            sql, params = self._candidates(message, since, threshold)
            with self._connection.cursor() as cursor:
                cursor.execute(sql, params)
                found = json.loads(cursor.fetchone()[0] or "[]")
        else:
            recent = self.messages.filter(created_at__gte=since).order_by("-created_at")
            found = list(recent.values_list("shingles", flat=True)[:RECENT_FOR_SIMILARITY])
        # Stored shingles are a sorted list of a set: distinct, so no set is built of them.
        return any(jaccard_with_distinct(mine, shingles or ()) >= threshold for shingles in found)


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
    extra_reasons: list[str] | tuple[str, ...] = (),
) -> Outcome:
    """Judge and store a visitor's message. ``body`` must already be normalised plain text.

    ``extra_reasons`` come from the form (say, no proof-of-work answer) and hold the
    message for review, as the pipeline's own reasons do.
    """
    now = now or timezone.now()
    fingerprint, degraded = client_fingerprint(request, now)
    rate = RateLimiter(wall).check(fingerprint, now)
    if not rate.allowed:
        return Outcome(None, Decision(Action.REJECT), refused_reason="rate_limited")
    extra = list(extra_reasons)
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
    if incoming.source_id:
        # Already imported: answer before the policy, whose duplicate rule would
        # otherwise refuse the repeat instead of reporting it as the same row.
        existing = Message.objects.filter(
            source=incoming.source, source_id=incoming.source_id
        ).first()
        if existing is not None:
            return Outcome(existing, Decision(Action.APPROVE), duplicate=True)
    inspection = inspection_of(incoming)
    policy = wall.policy()
    history = DatabaseHistory(wall)
    history.expect(inspection, policy)
    decision = policy.inspect(inspection, history)
    if decision.action is Action.REJECT:
        return Outcome(None, decision, refused_reason=decision.reasons[0])
    message = message_from(wall, incoming, inspection, decision, extra_reasons)
    try:
        # One INSERT needs no transaction of its own, which costs two more round trips
        # (BEGIN, COMMIT); inside a caller's transaction a savepoint keeps that usable.
        if transaction.get_connection().in_atomic_block:
            with transaction.atomic():
                message.save(force_insert=True)
        else:
            message.save(force_insert=True)
    except IntegrityError:
        existing = Message.objects.filter(
            source=message.source, source_id=message.source_id
        ).first()
        if existing is None:  # not a (source, source id) clash: a real error
            raise
        return Outcome(existing, decision, duplicate=True)
    return Outcome(message, decision)


def inspection_of(incoming: Incoming) -> Inspection:
    """What the policy judges of a message (its matching forms are computed once, lazily)."""
    return Inspection(
        Candidate(
            body=incoming.text,
            submitted_at=incoming.created_at,
            fingerprint=incoming.fingerprint,
            display_name=incoming.display_name,
            link_count=count_links(incoming.html),
        )
    )


def message_from(
    wall: MessageWallPage,
    incoming: Incoming,
    inspection: Inspection,
    decision: Decision,
    extra_reasons: list[str] | tuple[str, ...] = (),
) -> Message:
    """The (unsaved) row for a message the policy did not reject.

    It goes live at once only on a post-moderated wall, when the policy approved it
    and nothing (cache down, wall busy) asked for a review.
    """
    live = (
        decision.action is Action.APPROVE
        and wall.moderation_mode == ModerationMode.POST
        and not extra_reasons
    )
    return Message(
        wall=wall,
        status=MessageStatus.APPROVED if live else MessageStatus.PENDING,
        kind=incoming.kind,
        display_name=incoming.display_name,
        country=incoming.country,
        language=incoming.language,
        body=incoming.html,
        text=incoming.text,
        source=incoming.source,
        source_id=incoming.source_id or uuid.uuid4().hex,
        source_url=incoming.source_url,
        fingerprint=incoming.fingerprint,
        digest=inspection.digest,
        shingles=sorted(inspection.shingles),
        reasons=[*decision.reasons, *extra_reasons],
        created_at=incoming.created_at,
    )
