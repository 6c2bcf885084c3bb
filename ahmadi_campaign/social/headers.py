"""Reading the HTTP headers that steer paging and waiting: ``Link``, ``Retry-After``, rate limits.

Plain functions of header values and the current Unix time, so they are easy to test
and to reuse outside :class:`~ahmadi_campaign.social.http.HttpFetcher`.
"""

from __future__ import annotations

import datetime as dt
import email.utils
from collections.abc import Mapping
from urllib.parse import urljoin

__all__ = ["parse_link_header", "parse_retry_after", "rate_limit_wait"]


def parse_link_header(value: str, base_url: str = "") -> dict[str, str]:
    """Parse an RFC 8288 ``Link`` header into ``{relation: url}``; the first link wins.

    Commas and semicolons inside ``<...>`` and quoted strings are respected, relation
    names are lower-cased (``rel="next prev"`` gives both), relative URLs are resolved
    against *base_url*. Malformed parts are skipped; the parser never raises.
    """
    links: dict[str, str] = {}
    length, position = len(value), 0
    while position < length:
        start = value.find("<", position)
        if start < 0:
            break
        end = value.find(">", start + 1)
        if end < 0:
            break
        target = value[start + 1 : end].strip()
        params, position = _link_params(value, end + 1)
        if base_url and target:
            try:
                target = urljoin(base_url, target)
            except ValueError:  # a malformed IPv6 host, say
                continue
        for relation in params.get("rel", "").lower().split():
            if target:
                links.setdefault(relation, target)
    return links


def _link_params(value: str, position: int) -> tuple[dict[str, str], int]:
    """Read ``; name=value`` pairs after a link target up to the next top-level comma."""
    params: dict[str, str] = {}
    length = len(value)
    while position < length:
        char = value[position]
        if char == ",":
            return params, position + 1
        if char != ";":
            position += 1
            continue
        position += 1
        name_end = position
        while name_end < length and value[name_end] not in "=;,":
            name_end += 1
        name = value[position:name_end].strip().lower()
        position = name_end
        if position < length and value[position] == "=":
            text, position = _param_value(value, position + 1)
            if name:
                params.setdefault(name, text)
    return params, position


def _param_value(value: str, position: int) -> tuple[str, int]:
    """Read a token or a quoted string (with backslash escapes) starting at *position*."""
    length = len(value)
    while position < length and value[position] in " \t":
        position += 1
    if position < length and value[position] == '"':
        pieces: list[str] = []
        position += 1
        while position < length and value[position] != '"':
            if value[position] == "\\" and position + 1 < length:
                position += 1
            pieces.append(value[position])
            position += 1
        return "".join(pieces), position + 1
    end = position
    while end < length and value[end] not in ";,":
        end += 1
    return value[position:end].strip(), end


def parse_retry_after(value: str, now: float) -> float | None:
    """Return the seconds to wait that a ``Retry-After`` value asks for, or ``None``.

    The value is a number of seconds or an HTTP date; *now* is the current Unix time.
    A date in the past means "retry now" (0).
    """
    value = value.strip()
    if value.isdigit():
        return float(value)
    try:
        when = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError, IndexError):
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=dt.UTC)
    return max(0.0, when.timestamp() - now)


def _reset_time(value: str, now: float) -> float | None:
    """Unix time of a rate-limit reset given as epoch seconds, delta seconds or ISO 8601."""
    value = value.strip()
    try:
        number = float(value)
    except ValueError:
        try:
            when = dt.datetime.fromisoformat(value)
        except ValueError:
            return None
        return when.replace(tzinfo=when.tzinfo or dt.UTC).timestamp()
    if number != number or number < 0:  # NaN or negative
        return None
    return number if number > 1_000_000_000 else now + number


def rate_limit_wait(headers: Mapping[str, str], now: float) -> float | None:
    """Seconds until the rate-limit window resets, when no request is left in it."""
    for prefix in ("x-ratelimit-", "ratelimit-"):
        remaining = headers.get(prefix + "remaining", "").strip()
        if remaining.isdigit() and int(remaining) == 0:
            reset = _reset_time(headers.get(prefix + "reset", ""), now)
            if reset is not None:
                return max(0.0, reset - now)
    return None
