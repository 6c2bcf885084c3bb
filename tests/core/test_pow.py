"""Proof of work in ALTCHA's format: round trip, forgery, expiry, and hostile payloads."""

from __future__ import annotations

import base64
import datetime as dt
import hashlib
import hmac
import json
import re
from typing import Any

import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

from ahmadi_campaign import pow
from ahmadi_campaign.errors import CampaignError, InvalidProofOfWork, ProofOfWorkExpired

KEY = "pow-test-key"
NOW = dt.datetime(2015, 12, 5, 12, 0, tzinfo=dt.UTC)
#: Small puzzles keep the tests fast; the difficulty does not change the format.
EASY = 2_000


def _solved(max_number: int = EASY) -> tuple[pow.Challenge, int]:
    challenge = pow.create_challenge(KEY, now=NOW, max_number=max_number)
    number = pow.solve(challenge)
    assert number is not None
    return challenge, number


def _encode(fields: Any) -> str:
    return base64.b64encode(json.dumps(fields).encode()).decode()


def _fields(challenge: pow.Challenge, number: int) -> dict[str, Any]:
    return {
        "algorithm": "SHA-256",
        "challenge": challenge.challenge,
        "number": number,
        "salt": challenge.salt,
        "signature": challenge.signature,
    }


def test_round_trip() -> None:
    challenge, number = _solved()
    solution = pow.verify(pow.solution_payload(challenge, number), KEY, now=NOW)
    assert solution == pow.Solution(challenge.challenge, number, challenge.expires)
    assert challenge.expires == NOW + pow.DEFAULT_LIFETIME


def test_challenge_is_in_altcha_format() -> None:
    challenge, number = _solved()
    data = json.loads(challenge.to_json())
    assert data == {
        "algorithm": "SHA-256",
        "challenge": challenge.challenge,
        "maxnumber": EASY,
        "salt": challenge.salt,
        "signature": challenge.signature,
    }
    expires = int((NOW + pow.DEFAULT_LIFETIME).timestamp())
    assert re.fullmatch(rf"[0-9a-f]{{24}}\?expires={expires}&", challenge.salt)
    # Recomputed here with hashlib and hmac alone, as ALTCHA's documentation describes.
    assert hashlib.sha256(f"{challenge.salt}{number}".encode()).hexdigest() == data["challenge"]
    mac = hmac.new(KEY.encode(), data["challenge"].encode(), hashlib.sha256).hexdigest()
    assert data["signature"] == mac
    assert 0 <= number <= EASY


def test_a_payload_built_by_hand_like_the_widget_is_accepted() -> None:
    challenge, number = _solved()
    # The official widget also sends how long it took; unknown keys are ignored.
    payload = _encode({**_fields(challenge, number), "took": 412})
    assert pow.verify(payload, KEY, now=NOW).number == number


def test_puzzles_differ_and_the_difficulty_is_respected() -> None:
    challenges = {pow.create_challenge(KEY, now=NOW, max_number=10).challenge for _ in range(20)}
    assert len(challenges) > 1
    for _ in range(20):
        challenge = pow.create_challenge(KEY, now=NOW, max_number=10)
        assert pow.solve(challenge) in range(11)


def test_default_difficulty_suits_a_phone() -> None:
    assert 50_000 <= pow.DEFAULT_MAX_NUMBER <= 100_000


def test_wrong_number_is_refused() -> None:
    challenge, number = _solved()
    with pytest.raises(InvalidProofOfWork, match="does not answer"):
        pow.verify(pow.solution_payload(challenge, number + 1), KEY, now=NOW)


def test_tampered_signature_is_refused() -> None:
    challenge, number = _solved()
    fields = _fields(challenge, number)
    last = fields["signature"][-1]
    fields["signature"] = fields["signature"][:-1] + ("0" if last != "0" else "1")
    with pytest.raises(InvalidProofOfWork, match="not signed"):
        pow.verify(_encode(fields), KEY, now=NOW)


def test_a_puzzle_made_up_by_the_client_is_refused() -> None:
    salt = f"{'ab' * 12}?expires={int(NOW.timestamp()) + 60}&"
    made_up = hashlib.sha256(f"{salt}7".encode()).hexdigest()
    fields = {"algorithm": "SHA-256", "challenge": made_up, "number": 7, "salt": salt}
    fields["signature"] = hmac.new(b"guessed", made_up.encode(), hashlib.sha256).hexdigest()
    with pytest.raises(InvalidProofOfWork, match="not signed"):
        pow.verify(_encode(fields), KEY, now=NOW)


def test_another_key_is_refused() -> None:
    challenge, number = _solved()
    with pytest.raises(InvalidProofOfWork, match="not signed"):
        pow.verify(pow.solution_payload(challenge, number), "another-key", now=NOW)


def test_expired() -> None:
    challenge, number = _solved()
    payload = pow.solution_payload(challenge, number)
    pow.verify(payload, KEY, now=challenge.expires - dt.timedelta(seconds=1))
    with pytest.raises(ProofOfWorkExpired, match="expired"):
        pow.verify(payload, KEY, now=challenge.expires)
    with pytest.raises(ProofOfWorkExpired):
        pow.verify(payload, KEY, now=NOW + dt.timedelta(days=1))
    assert issubclass(ProofOfWorkExpired, InvalidProofOfWork)


def test_the_expiry_cannot_be_moved() -> None:
    challenge, number = _solved()
    later = int((NOW + dt.timedelta(days=30)).timestamp())
    fields = _fields(challenge, number)
    fields["salt"] = re.sub(r"expires=\d+", f"expires={later}", challenge.salt)
    with pytest.raises(InvalidProofOfWork, match="does not answer"):
        pow.verify(_encode(fields), KEY, now=NOW)


def test_digits_spliced_from_the_number_onto_the_salt_are_refused() -> None:
    # sha256(salt + "1234") == sha256((salt + "1") + "234"): the same hash with another
    # salt. The salt's closing "&" keeps such a salt from passing for one of ours.
    while True:
        challenge, number = _solved()
        digits = str(number)
        if len(digits) > 1 and digits[1] != "0":
            break
    fields = _fields(challenge, int(digits[1:]))
    fields["salt"] = challenge.salt + digits[0]
    spliced = hashlib.sha256(f"{fields['salt']}{fields['number']}".encode()).hexdigest()
    assert spliced == challenge.challenge  # the trick would work on the hash alone
    with pytest.raises(InvalidProofOfWork, match="salt is malformed"):
        pow.verify(_encode(fields), KEY, now=NOW)


@pytest.mark.parametrize(
    ("change", "needle"),
    [
        ({"algorithm": "SHA-1"}, "algorithm"),
        ({"algorithm": None}, "algorithm"),
        ({"number": "5"}, "number"),
        ({"number": 5.0}, "number"),
        ({"number": True}, "number"),
        ({"number": -1}, "number"),
        ({"number": 10**13}, "number"),
        ({"number": None}, "number"),
        ({"challenge": "zz"}, "challenge"),
        ({"challenge": ["a"]}, "challenge"),
        ({"signature": 5}, "signature"),
        ({"signature": "é" * 64}, "signature"),
        ({"salt": {"a": 1}}, "salt"),
        ({"salt": "abc"}, "salt"),
        ({"salt": "a" * 24 + "?expires=999999999999&"}, "out of range|not signed|answer"),
    ],
)
def test_wrong_types_and_shapes_are_refused(change: dict[str, Any], needle: str) -> None:
    challenge, number = _solved()
    with pytest.raises(InvalidProofOfWork, match=needle):
        pow.verify(_encode(_fields(challenge, number) | change), KEY, now=NOW)


def test_expiry_beyond_year_9999_is_a_clean_error() -> None:
    salt = "a" * 24 + "?expires=999999999999&"
    challenge = hashlib.sha256(f"{salt}3".encode()).hexdigest()
    signature = hmac.new(KEY.encode(), challenge.encode(), hashlib.sha256).hexdigest()
    fields = {
        "algorithm": "SHA-256",
        "challenge": challenge,
        "number": 3,
        "salt": salt,
        "signature": signature,
    }
    with pytest.raises(InvalidProofOfWork, match="out of range"):
        pow.verify(_encode(fields), KEY, now=NOW)


@pytest.mark.parametrize(
    ("payload", "needle"),
    [
        ("", "missing"),
        ("not base64 at all!", "base64"),
        ("é", "base64"),
        (base64.b64encode(b"{not json").decode(), "JSON"),
        (base64.b64encode(b"\xff\xfe\xfa").decode(), "JSON"),
        (base64.b64encode(b"[1, 2]").decode(), "object"),
        (base64.b64encode(b"{}").decode(), "algorithm"),
        (base64.b64encode(b"[" * 1000 + b"]" * 1000).decode()[:1400], "JSON|base64"),
        ("A" * (pow.MAX_PAYLOAD_LENGTH + 1), "too long"),
    ],
)
def test_malformed_payloads_are_refused(payload: str, needle: str) -> None:
    with pytest.raises(InvalidProofOfWork, match=needle):
        pow.verify(payload, KEY, now=NOW)


def test_deeply_nested_json_is_a_clean_error() -> None:
    nested = base64.b64encode(b"[" * 1100 + b"]" * 1100).decode()
    with pytest.raises(InvalidProofOfWork):
        pow.verify(nested, KEY, now=NOW)
    nested_object = base64.b64encode(b'{"a":' * 180 + b"1" + b"}" * 180).decode()
    assert len(nested_object) <= pow.MAX_PAYLOAD_LENGTH
    with pytest.raises(InvalidProofOfWork):
        pow.verify(nested_object, KEY, now=NOW)


def test_errors_belong_to_the_library() -> None:
    assert issubclass(InvalidProofOfWork, CampaignError)
    assert issubclass(InvalidProofOfWork, ValueError)


def test_bad_arguments() -> None:
    with pytest.raises(ValueError, match="timezone-aware"):
        pow.create_challenge(KEY, now=dt.datetime(2015, 12, 5))  # noqa: DTZ001
    with pytest.raises(ValueError, match="max_number"):
        pow.create_challenge(KEY, now=NOW, max_number=0)
    with pytest.raises(ValueError, match="max_number"):
        pow.create_challenge(KEY, now=NOW, max_number=pow.MAX_DIFFICULTY + 1)
    with pytest.raises(ValueError, match="lifetime"):
        pow.create_challenge(KEY, now=NOW, lifetime=dt.timedelta(0))
    with pytest.raises(ValueError, match="empty"):
        pow.create_challenge("", now=NOW)
    with pytest.raises(ValueError, match="empty"):
        pow.verify("x", b"", now=NOW)


def test_solve_gives_up_on_an_impossible_puzzle() -> None:
    challenge = pow.create_challenge(KEY, now=NOW, max_number=5)
    impossible = challenge.as_dict() | {"challenge": "0" * 64}
    assert pow.solve(impossible) is None


# ---------------------------------------------------------------- fuzzing

json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=80),
    lambda children: (
        st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=10), children, max_size=4)
    ),
    max_leaves=12,
)
FIELD_NAMES = ["algorithm", "challenge", "number", "salt", "signature"]


@settings(max_examples=300)
@given(st.text(max_size=2000))
@example("=")
@example("AAAA")
@example("e30=")  # "{}"
def test_any_text_raises_only_the_library_error(payload: str) -> None:
    with pytest.raises(InvalidProofOfWork):
        pow.verify(payload, KEY, now=NOW)


@settings(max_examples=300)
@given(st.binary(max_size=1000))
def test_any_bytes_in_base64_raise_only_the_library_error(raw: bytes) -> None:
    with pytest.raises(InvalidProofOfWork):
        pow.verify(base64.b64encode(raw).decode(), KEY, now=NOW)


@settings(max_examples=300)
@given(st.dictionaries(st.sampled_from(FIELD_NAMES), json_values))
def test_any_json_object_raises_only_the_library_error(fields: dict[str, Any]) -> None:
    with pytest.raises(InvalidProofOfWork):
        pow.verify(_encode(fields), KEY, now=NOW)


SOLVED = _solved(200)


@settings(max_examples=300)
@given(st.sampled_from(FIELD_NAMES), json_values)
def test_any_change_to_one_field_of_a_valid_answer_is_refused(name: str, value: Any) -> None:
    challenge, number = SOLVED
    fields = _fields(challenge, number)
    if fields[name] == value and type(fields[name]) is type(value):
        return  # not a change
    with pytest.raises(InvalidProofOfWork):
        pow.verify(_encode(fields | {name: value}), KEY, now=NOW)
