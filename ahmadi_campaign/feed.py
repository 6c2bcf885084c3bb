"""Keyset pagination cursors and ETags for a message feed.

A cursor names the last message a reader has seen by ``(timestamp, id)``, the
order a wall is sorted in. It is opaque to readers and signed, so a client
cannot forge one to probe hidden rows, and a garbled one fails loudly with
:class:`~ahmadi_campaign.errors.InvalidCursor` instead of a server error.
"""

from __future__ import annotations

import base64
import binascii
import datetime as dt
import hashlib
import hmac
import struct
from collections.abc import Iterable
from dataclasses import dataclass

from .errors import InvalidCursor

__all__ = ["Cursor", "CursorSigner", "etag_for", "etag_matches"]

_VERSION = 1
_PAYLOAD = struct.Struct(">BqQ")  # version, microseconds since the epoch, id
_MAC_SIZE = 12  # 96-bit tag: forging one by guessing is hopeless
_TOKEN_SIZE = _PAYLOAD.size + _MAC_SIZE
_EPOCH = dt.datetime(1970, 1, 1, tzinfo=dt.UTC)
_MAX_ID = 2**63 - 1
#: Longest token accepted before decoding (a valid one is 39 characters).
MAX_TOKEN_LENGTH = 64


@dataclass(frozen=True, slots=True, order=True)
class Cursor:
    """A position in a feed sorted by ``(timestamp, id)``."""

    timestamp: dt.datetime
    id: int

    def __post_init__(self) -> None:
        if self.timestamp.tzinfo is None or self.timestamp.utcoffset() is None:
            raise InvalidCursor("A cursor timestamp must be timezone-aware.")
        if not 0 <= self.id <= _MAX_ID:
            raise InvalidCursor(f"A cursor id must be between 0 and {_MAX_ID}.")


class CursorSigner:
    """Encodes cursors as short URL-safe tokens and verifies them with HMAC-SHA256.

    ``key`` should be a server secret (the plugin derives one from Django's
    ``SECRET_KEY``); ``purpose`` separates feeds that must not accept each
    other's cursors.
    """

    def __init__(self, key: str | bytes, *, purpose: str = "ahmadi_campaign.feed") -> None:
        secret = key.encode() if isinstance(key, str) else key
        if not secret:
            raise ValueError("CursorSigner needs a non-empty key.")
        self._key = hmac.new(secret, purpose.encode(), hashlib.sha256).digest()

    def _mac(self, payload: bytes) -> bytes:
        return hmac.new(self._key, payload, hashlib.sha256).digest()[:_MAC_SIZE]

    def encode(self, cursor: Cursor) -> str:
        delta = cursor.timestamp - _EPOCH
        micros = (delta.days * 86_400 + delta.seconds) * 1_000_000 + delta.microseconds
        payload = _PAYLOAD.pack(_VERSION, micros, cursor.id)
        return base64.urlsafe_b64encode(payload + self._mac(payload)).rstrip(b"=").decode()

    def decode(self, token: str) -> Cursor:
        """Return the cursor in ``token``; raise :exc:`.errors.InvalidCursor` if it is not valid."""
        if not isinstance(token, str) or not token or len(token) > MAX_TOKEN_LENGTH:
            raise InvalidCursor("The cursor is missing or too long.")
        try:
            raw = base64.urlsafe_b64decode(token.encode("ascii") + b"=" * (-len(token) % 4))
        except (binascii.Error, UnicodeEncodeError, ValueError):
            raise InvalidCursor("The cursor is not valid base64.") from None
        if len(raw) != _TOKEN_SIZE:
            raise InvalidCursor("The cursor has the wrong length.")
        payload, mac = raw[: _PAYLOAD.size], raw[_PAYLOAD.size :]
        if not hmac.compare_digest(mac, self._mac(payload)):
            raise InvalidCursor("The cursor was altered or signed with another key.")
        version, micros, ident = _PAYLOAD.unpack(payload)
        if version != _VERSION:
            raise InvalidCursor(f"Unsupported cursor version {version}.")
        try:
            timestamp = _EPOCH + dt.timedelta(microseconds=micros)
        except OverflowError:
            raise InvalidCursor("The cursor timestamp is out of range.") from None
        return Cursor(timestamp, ident)


def etag_for(items: Iterable[tuple[object, ...]], *, salt: str = "") -> str:
    """A strong ETag for a page: changes whenever any item's identity or version changes.

    Pass one tuple per item, e.g. ``(id, updated_at)``; ``salt`` can carry
    whatever else changes the representation (language, page size).
    """
    digest = hashlib.blake2b(salt.encode(), digest_size=16)
    for item in items:
        digest.update(repr(item).encode())
        digest.update(b"\x1e")
    return f'"{digest.hexdigest()}"'


def etag_matches(if_none_match: str | None, etag: str) -> bool:
    """Whether an ``If-None-Match`` header value matches ``etag`` (weak comparison, RFC 9110)."""
    if not if_none_match:
        return False
    wanted = etag.removeprefix("W/")
    for candidate in if_none_match.split(","):
        candidate = candidate.strip()
        if candidate == "*" or candidate.removeprefix("W/") == wanted:
            return True
    return False
