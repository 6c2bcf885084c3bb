"""A self-hosted proof-of-work check in ALTCHA's format: no third party involved.

The server hands out a signed puzzle: find the number ``n`` in ``[0, maxnumber]``
such that ``sha256(salt + str(n))`` equals ``challenge``. A browser finds it by
trying numbers in turn, which costs a person a moment and a bulk sender real
work per message; checking an answer costs the server one hash and one HMAC.
No state is kept between the two steps: the signature proves the puzzle came
from us and the salt carries its expiry.

The challenge and the solution payload follow ALTCHA's documented format
(https://altcha.org/docs/), so the official widget can solve our puzzles too:

* challenge: ``{"algorithm": "SHA-256", "challenge", "maxnumber", "salt", "signature"}``
  where ``signature = HMAC-SHA256(key, challenge)`` in hex;
* solution: base64 of the JSON ``{"algorithm", "challenge", "number", "salt", "signature"}``.

A solution stays valid until its expiry, so whoever stores posts must also
refuse a challenge seen before (the plugin keeps each spent challenge in its
cache until it expires).
"""

from __future__ import annotations

import base64
import binascii
import datetime as dt
import hashlib
import hmac
import json
import re
import secrets
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from .errors import InvalidProofOfWork, ProofOfWorkExpired

__all__ = [
    "ALGORITHM",
    "DEFAULT_LIFETIME",
    "DEFAULT_MAX_NUMBER",
    "MAX_PAYLOAD_LENGTH",
    "Challenge",
    "Solution",
    "create_challenge",
    "solution_payload",
    "solve",
    "verify",
]

#: The only hash ALTCHA's widget and this module agree on.
ALGORITHM = "SHA-256"
#: Default difficulty: a phone tries half of these numbers on average, well under a second.
DEFAULT_MAX_NUMBER = 50_000
#: How long a challenge may be answered after it was made.
DEFAULT_LIFETIME = dt.timedelta(hours=2)
#: Longest solution payload accepted before decoding (a real one is under 400 characters).
MAX_PAYLOAD_LENGTH = 1500
#: Largest difficulty :func:`create_challenge` accepts (a phone would need minutes beyond).
MAX_DIFFICULTY = 10_000_000

_SALT_BYTES = 12
# The salt ends with "&": otherwise a digit moved from the number onto the salt would
# leave the hash unchanged but lengthen the expiry (the "salt splicing" trick).
_SALT = re.compile(r"[0-9a-f]{16,64}\?expires=([0-9]{1,12})&")
_HEX64 = re.compile(r"[0-9a-f]{64}")
_MAX_NUMBER_IN_PAYLOAD = 10**12


@dataclass(frozen=True, slots=True)
class Challenge:
    """A signed puzzle, ready to be sent to a browser with :meth:`as_dict`."""

    challenge: str
    maxnumber: int
    salt: str
    signature: str
    expires: dt.datetime
    algorithm: str = ALGORITHM

    def as_dict(self) -> dict[str, Any]:
        """The challenge in ALTCHA's JSON shape (what the widget's ``challengejson`` takes)."""
        return {
            "algorithm": self.algorithm,
            "challenge": self.challenge,
            "maxnumber": self.maxnumber,
            "salt": self.salt,
            "signature": self.signature,
        }

    def to_json(self) -> str:
        """:meth:`as_dict` as compact JSON."""
        return json.dumps(self.as_dict(), separators=(",", ":"))


@dataclass(frozen=True, slots=True)
class Solution:
    """A verified answer. ``challenge`` identifies it: refuse the same one twice."""

    challenge: str
    number: int
    expires: dt.datetime


def _mac_key(key: str | bytes) -> bytes:
    secret = key.encode() if isinstance(key, str) else key
    if not secret:
        raise ValueError("A proof-of-work key must not be empty.")
    return secret


def _sign(key: bytes, challenge: str) -> str:
    return hmac.new(key, challenge.encode(), hashlib.sha256).hexdigest()


def _hash(salt: str, number: int) -> str:
    return hashlib.sha256(f"{salt}{number}".encode()).hexdigest()


def _aware(now: dt.datetime) -> dt.datetime:
    if now.tzinfo is None or now.utcoffset() is None:
        raise ValueError("'now' must be a timezone-aware datetime.")
    return now


def create_challenge(
    key: str | bytes,
    *,
    now: dt.datetime,
    max_number: int = DEFAULT_MAX_NUMBER,
    lifetime: dt.timedelta = DEFAULT_LIFETIME,
) -> Challenge:
    """A new puzzle signed with ``key`` (a server secret), answerable until ``now + lifetime``.

    ``max_number`` is the difficulty: a solver tries ``max_number / 2`` hashes on average.
    """
    mac_key = _mac_key(key)
    if isinstance(max_number, bool) or not 1 <= max_number <= MAX_DIFFICULTY:
        raise ValueError(f"max_number must be between 1 and {MAX_DIFFICULTY}.")
    if lifetime <= dt.timedelta(0):
        raise ValueError("A challenge's lifetime must be positive.")
    expires = int((_aware(now) + lifetime).timestamp())
    salt = f"{secrets.token_hex(_SALT_BYTES)}?expires={expires}&"
    challenge = _hash(salt, secrets.randbelow(max_number + 1))
    return Challenge(
        challenge=challenge,
        maxnumber=max_number,
        salt=salt,
        signature=_sign(mac_key, challenge),
        expires=dt.datetime.fromtimestamp(expires, dt.UTC),
    )


def solve(challenge: Challenge | Mapping[str, Any]) -> int | None:
    """The number that answers ``challenge``, found as a browser finds it; ``None`` if none.

    For tests and scripts: the server never needs to solve its own puzzles.
    """
    data = challenge.as_dict() if isinstance(challenge, Challenge) else challenge
    salt, target = str(data["salt"]), str(data["challenge"])
    for number in range(int(data["maxnumber"]) + 1):
        if _hash(salt, number) == target:
            return number
    return None


def solution_payload(challenge: Challenge | Mapping[str, Any], number: int) -> str:
    """The base64 payload a client sends back for ``number`` (as ALTCHA's widget builds it)."""
    data = challenge.as_dict() if isinstance(challenge, Challenge) else challenge
    fields = {
        "algorithm": data["algorithm"],
        "challenge": data["challenge"],
        "number": number,
        "salt": data["salt"],
        "signature": data["signature"],
    }
    return base64.b64encode(json.dumps(fields).encode()).decode("ascii")


def _decode(payload: object) -> dict[str, Any]:
    if not isinstance(payload, str) or not payload:
        raise InvalidProofOfWork("The proof-of-work answer is missing.")
    if len(payload) > MAX_PAYLOAD_LENGTH:
        raise InvalidProofOfWork("The proof-of-work answer is too long.")
    try:
        raw = base64.b64decode(payload, validate=True)
    except (binascii.Error, ValueError):
        raise InvalidProofOfWork("The proof-of-work answer is not valid base64.") from None
    try:
        data = json.loads(raw)
    except (ValueError, RecursionError):  # UnicodeDecodeError is a ValueError
        raise InvalidProofOfWork("The proof-of-work answer is not valid JSON.") from None
    if not isinstance(data, dict):
        raise InvalidProofOfWork("The proof-of-work answer is not a JSON object.")
    return data


def verify(payload: str, key: str | bytes, *, now: dt.datetime) -> Solution:
    """Check a client's answer to a challenge signed with ``key``; return it if it holds.

    Raises :exc:`~ahmadi_campaign.errors.ProofOfWorkExpired` for a genuine answer
    past its expiry and :exc:`~ahmadi_campaign.errors.InvalidProofOfWork` for
    anything else wrong (malformed, forged, wrong number). It never raises
    anything else, whatever ``payload`` holds.
    """
    mac_key = _mac_key(key)
    now = _aware(now)
    data = _decode(payload)
    algorithm, challenge = data.get("algorithm"), data.get("challenge")
    salt, signature, number = data.get("salt"), data.get("signature"), data.get("number")
    if algorithm != ALGORITHM:
        raise InvalidProofOfWork(f"The proof-of-work algorithm must be {ALGORITHM}.")
    if not (isinstance(challenge, str) and _HEX64.fullmatch(challenge)):
        raise InvalidProofOfWork("The proof-of-work challenge is malformed.")
    if not (isinstance(signature, str) and _HEX64.fullmatch(signature)):
        raise InvalidProofOfWork("The proof-of-work signature is malformed.")
    if not isinstance(salt, str) or (salt_match := _SALT.fullmatch(salt)) is None:
        raise InvalidProofOfWork("The proof-of-work salt is malformed.")
    if (
        isinstance(number, bool)
        or not isinstance(number, int)
        or not 0 <= number <= _MAX_NUMBER_IN_PAYLOAD
    ):
        raise InvalidProofOfWork("The proof-of-work number is not a whole number in range.")
    if not hmac.compare_digest(signature.encode(), _sign(mac_key, challenge).encode()):
        raise InvalidProofOfWork("The proof-of-work challenge was not signed with this key.")
    if _hash(salt, number) != challenge:
        raise InvalidProofOfWork("The proof-of-work number does not answer the challenge.")
    try:
        expires = dt.datetime.fromtimestamp(int(salt_match.group(1)), dt.UTC)
    except (OverflowError, OSError, ValueError):  # past the year 9999
        raise InvalidProofOfWork("The proof-of-work expiry is out of range.") from None
    if now >= expires:
        raise ProofOfWorkExpired("The proof-of-work challenge has expired.")
    return Solution(challenge=challenge, number=number, expires=expires)
