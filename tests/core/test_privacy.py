"""Fingerprints: pseudonymous, rotating, never holding the address."""

from __future__ import annotations

import datetime as dt

import pytest

from ahmadi_campaign.privacy import (
    DailySalts,
    InvalidAddress,
    client_network,
    fingerprint,
    resolve_client_ip,
)

SALT = bytes(range(32))
UA = "Mozilla/5.0 (Linux; Android 14)"


def test_ipv6_clients_are_counted_per_64_and_ipv4_per_address() -> None:
    assert client_network("2001:db8:1:2:aaaa::1") == "2001:db8:1:2::/64"
    assert client_network(" 2001:db8:1:2:ffff::9 ") == "2001:db8:1:2::/64"
    assert client_network("203.0.113.7") == "203.0.113.7"
    assert client_network("::ffff:203.0.113.7") == "203.0.113.7"
    with pytest.raises(InvalidAddress):
        client_network("not-an-ip")


def test_fingerprint_is_stable_keyed_and_does_not_contain_the_address() -> None:
    a = fingerprint("203.0.113.7", UA, SALT)
    assert a == fingerprint("203.0.113.7", UA, SALT)
    assert len(a) == 32 and int(a, 16) >= 0
    assert "203.0.113.7" not in a
    assert a != fingerprint("203.0.113.8", UA, SALT)
    assert a != fingerprint("203.0.113.7", UA + "x", SALT)
    assert a != fingerprint("203.0.113.7", UA, bytes(32))
    # Same /64, same browser: same client.
    assert fingerprint("2001:db8::1", UA, SALT) == fingerprint("2001:db8::ffff", UA, SALT)
    with pytest.raises(ValueError):
        fingerprint("203.0.113.7", UA, b"short")


def test_salts_are_random_per_day_and_only_two_days_are_kept() -> None:
    salts = DailySalts()
    day1 = dt.date(2015, 12, 1)
    s1 = salts.salt_for(day1)
    assert len(s1) == 32 and salts.salt_for(day1) == s1
    s2 = salts.salt_for(day1 + dt.timedelta(days=1))
    assert s2 != s1
    assert set(salts.salts) == {day1, day1 + dt.timedelta(days=1)}
    salts.salt_for(day1 + dt.timedelta(days=2))
    assert day1 not in salts.salts  # deleted: day-1 fingerprints can no longer be recomputed
    assert DailySalts().salt_for(day1) != s1  # random, not derived from the date


def test_fingerprint_changes_at_utc_midnight_and_survives_storage() -> None:
    salts = DailySalts()
    before = salts.fingerprint("203.0.113.7", UA, dt.datetime(2015, 12, 1, 23, 59, tzinfo=dt.UTC))
    after = salts.fingerprint("203.0.113.7", UA, dt.datetime(2015, 12, 2, 0, 1, tzinfo=dt.UTC))
    assert before != after
    restored = DailySalts.from_dict(salts.to_dict())
    assert (
        restored.fingerprint("203.0.113.7", UA, dt.datetime(2015, 12, 2, 8, tzinfo=dt.UTC)) == after
    )
    assert "203.0.113.7" not in repr(salts.to_dict())


@pytest.mark.parametrize(
    ("remote", "header", "proxies", "expected"),
    [
        ("198.51.100.1", None, 0, "198.51.100.1"),
        ("198.51.100.1", "203.0.113.7", 0, "198.51.100.1"),  # untrusted header ignored
        ("10.0.0.2", "203.0.113.7", 1, "203.0.113.7"),
        ("10.0.0.2", "1.2.3.4, 203.0.113.7", 1, "203.0.113.7"),  # spoofed left part ignored
        ("10.0.0.2", "203.0.113.7, 10.0.0.1", 2, "203.0.113.7"),
        ("10.0.0.2", "203.0.113.7", 2, "10.0.0.2"),  # fewer hops than proxies
        ("10.0.0.2", "garbage", 1, "10.0.0.2"),
    ],
)
def test_resolve_client_ip(remote: str, header: str | None, proxies: int, expected: str) -> None:
    assert resolve_client_ip(remote, header, trusted_proxies=proxies) == expected
