"""Feed cursors (round trip, tampering) and ETags."""

from __future__ import annotations

import base64
import datetime as dt

import pytest
from hypothesis import given
from hypothesis import strategies as st

from ahmadi_campaign.errors import InvalidCursor
from ahmadi_campaign.feed import Cursor, CursorSigner, etag_for, etag_matches

SIGNER = CursorSigner("test-secret")

timestamps = st.datetimes(
    min_value=dt.datetime(1900, 1, 1), max_value=dt.datetime(9000, 1, 1), timezones=st.just(dt.UTC)
)
cursors = st.builds(Cursor, timestamps, st.integers(min_value=0, max_value=2**63 - 1))


@given(cursors)
def test_cursor_round_trip(cursor: Cursor) -> None:
    token = SIGNER.encode(cursor)
    assert token.isascii() and "=" not in token and len(token) == 39
    assert SIGNER.decode(token) == cursor


@given(cursors, st.data())
def test_any_single_byte_change_is_detected(cursor: Cursor, data: st.DataObject) -> None:
    raw = bytearray(base64.urlsafe_b64decode(SIGNER.encode(cursor) + "=="))
    position = data.draw(st.integers(min_value=0, max_value=len(raw) - 1))
    flip = data.draw(st.integers(min_value=1, max_value=255))
    raw[position] ^= flip
    tampered = base64.urlsafe_b64encode(bytes(raw)).rstrip(b"=").decode()
    with pytest.raises(InvalidCursor):
        SIGNER.decode(tampered)


@given(st.text(max_size=80))
def test_garbage_never_raises_anything_but_invalid_cursor(token: str) -> None:
    with pytest.raises(InvalidCursor):
        SIGNER.decode(token)


def test_other_key_or_purpose_is_rejected() -> None:
    cursor = Cursor(dt.datetime(2015, 12, 1, tzinfo=dt.UTC), 42)
    token = SIGNER.encode(cursor)
    with pytest.raises(InvalidCursor, match="altered or signed with another key"):
        CursorSigner("other-secret").decode(token)
    with pytest.raises(InvalidCursor):
        CursorSigner("test-secret", purpose="another-feed").decode(token)


def test_timezones_are_preserved_as_instants() -> None:
    karachi = dt.timezone(dt.timedelta(hours=5))
    cursor = Cursor(dt.datetime(2015, 12, 1, 5, tzinfo=karachi), 7)
    decoded = SIGNER.decode(SIGNER.encode(cursor))
    assert decoded.timestamp == cursor.timestamp
    assert decoded.timestamp.tzinfo == dt.UTC


def test_cursors_order_like_the_feed() -> None:
    t = dt.datetime(2015, 12, 1, tzinfo=dt.UTC)
    assert Cursor(t, 1) < Cursor(t, 2) < Cursor(t + dt.timedelta(microseconds=1), 0)


def test_invalid_cursor_values() -> None:
    with pytest.raises(InvalidCursor):
        Cursor(dt.datetime(2015, 12, 1), 1)
    with pytest.raises(InvalidCursor):
        Cursor(dt.datetime(2015, 12, 1, tzinfo=dt.UTC), -1)
    with pytest.raises(ValueError):
        CursorSigner(b"")


def test_wrong_length_and_too_long_tokens() -> None:
    with pytest.raises(InvalidCursor, match="wrong length"):
        SIGNER.decode("AAAA")
    with pytest.raises(InvalidCursor, match="too long"):
        SIGNER.decode("A" * 65)
    with pytest.raises(InvalidCursor, match="base64"):
        SIGNER.decode("ab\u00e9c")


def test_etag_changes_with_content_and_matches_headers() -> None:
    page = [(1, "2015-12-01T00:00"), (2, "2015-12-01T00:01")]
    etag = etag_for(page)
    assert etag.startswith('"') and etag.endswith('"')
    assert etag == etag_for(list(page))
    assert etag != etag_for(page[:1])
    assert etag != etag_for([(1, "2015-12-01T00:00"), (2, "2015-12-02T00:00")])
    assert etag != etag_for(page, salt="ur")
    assert etag_matches(etag, etag)
    assert etag_matches(f'"nope", W/{etag}', etag)
    assert etag_matches("*", etag)
    assert not etag_matches('"nope"', etag)
    assert not etag_matches(None, etag)
    assert not etag_matches("", etag)
