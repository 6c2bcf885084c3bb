"""Pseudonymous client fingerprints: enough to rate-limit and spot floods, not to track people.

A fingerprint is HMAC-SHA256 over the client's network (the IPv4 address, or
the /64 prefix of an IPv6 address, which one household usually shares) and its
user agent, keyed by a random salt that changes every UTC day. Only the
current and previous salts are kept; once a salt is deleted nobody, including
whoever runs the server, can link that day's fingerprints back to an address.
The raw address is never stored or returned by this module.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import ipaddress
import secrets
from collections.abc import Mapping
from dataclasses import dataclass, field

from .errors import CampaignError

__all__ = [
    "SALT_DAYS_KEPT",
    "DailySalts",
    "InvalidAddress",
    "client_network",
    "fingerprint",
    "resolve_client_ip",
]

#: Days of salts kept, today's and yesterday's, so a message sent at 23:59 can
#: still be compared with one sent at 00:01.
SALT_DAYS_KEPT = 2


class InvalidAddress(CampaignError):
    """An IP address could not be parsed."""


def client_network(ip: str) -> str:
    """Return the unit we count a client by: an IPv4 address or an IPv6 /64 network."""
    try:
        address = ipaddress.ip_address(ip.strip())
    except ValueError:
        raise InvalidAddress(f"Not an IP address: {ip!r}.") from None
    if isinstance(address, ipaddress.IPv6Address):
        if address.ipv4_mapped is not None:
            return str(address.ipv4_mapped)
        return str(ipaddress.IPv6Network((address, 64), strict=False))
    return str(address)


def fingerprint(ip: str, user_agent: str, salt: bytes) -> str:
    """Return a 32-character hex fingerprint of a client under ``salt``."""
    if len(salt) < 16:
        raise ValueError("The fingerprint salt must be at least 16 random bytes.")
    message = f"{client_network(ip)}\n{user_agent[:512]}".encode()
    return hmac.new(salt, message, hashlib.sha256).hexdigest()[:32]


@dataclass
class DailySalts:
    """Random salts by UTC day, created on demand and pruned to :data:`SALT_DAYS_KEPT` days.

    Store it wherever the host keeps shared state (the plugin uses the cache)
    via :meth:`DailySalts.to_dict` and :meth:`DailySalts.from_dict`.
    """

    salts: dict[dt.date, bytes] = field(default_factory=dict)

    def salt_for(self, day: dt.date) -> bytes:
        """Today's salt, created at random the first time it is asked for; old ones are dropped."""
        salt = self.salts.get(day)
        if salt is None:
            salt = self.salts[day] = secrets.token_bytes(32)
        self.prune(day)
        return salt

    def prune(self, today: dt.date) -> None:
        """Delete salts older than :data:`SALT_DAYS_KEPT` days before ``today``."""
        oldest = today - dt.timedelta(days=SALT_DAYS_KEPT - 1)
        for day in [d for d in self.salts if d < oldest]:
            del self.salts[day]

    def fingerprint(self, ip: str, user_agent: str, when: dt.datetime) -> str:
        """The client's fingerprint for the UTC day of ``when``."""
        return fingerprint(ip, user_agent, self.salt_for(when.astimezone(dt.UTC).date()))

    def to_dict(self) -> dict[str, str]:
        """JSON-ready form: ISO day to hex salt."""
        return {day.isoformat(): salt.hex() for day, salt in self.salts.items()}

    @classmethod
    def from_dict(cls, data: Mapping[str, str]) -> DailySalts:
        """Rebuild from :meth:`to_dict` output."""
        return cls({dt.date.fromisoformat(day): bytes.fromhex(salt) for day, salt in data.items()})


def resolve_client_ip(
    remote_addr: str, forwarded_for: str | None = None, *, trusted_proxies: int = 0
) -> str:
    """Pick the client address, trusting only the last ``trusted_proxies`` hops of X-Forwarded-For.

    With no trusted proxy the socket address is the client. Behind one proxy,
    the right-most forwarded address was added by that proxy and is the
    client; anything further left is whatever the client chose to send.
    """
    if trusted_proxies <= 0 or not forwarded_for:
        return remote_addr
    hops = [hop.strip() for hop in forwarded_for.split(",") if hop.strip()]
    if len(hops) < trusted_proxies:
        return remote_addr
    candidate = hops[-trusted_proxies]
    try:
        ipaddress.ip_address(candidate)
    except ValueError:
        return remote_addr
    return candidate
