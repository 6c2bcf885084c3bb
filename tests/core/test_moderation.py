"""Moderation policy: each rule, their combination, configuration from data, and history."""

from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from ahmadi_campaign.errors import PolicyConfigError
from ahmadi_campaign.history import MemoryHistory
from ahmadi_campaign.moderation import (
    Action,
    BannedTermsRule,
    Candidate,
    Decision,
    DuplicateRule,
    EmptyRule,
    FloodRule,
    Inspection,
    LengthRule,
    LinkRule,
    Policy,
    ShoutingRule,
)

T0 = dt.datetime(2015, 12, 1, 12, tzinfo=dt.UTC)


def candidate(
    body: str, *, at: dt.datetime = T0, fp: str = "client-a", **extra: object
) -> Candidate:
    return Candidate(body=body, submitted_at=at, fingerprint=fp, **extra)  # type: ignore[arg-type]


def decide(
    policy: Policy, body: str, history: MemoryHistory | None = None, **kw: object
) -> Decision:
    return policy.evaluate(candidate(body, **kw), history or MemoryHistory())  # type: ignore[arg-type]


BANNED = Policy([BannedTermsRule(terms=("badword", "vileterm"))])


@pytest.mark.parametrize(
    "body",
    [
        "you are a badword",
        "you are a BADWORD!",
        "you are a b\u0430dword",  # Cyrillic а
        "you are a ｂａｄｗｏｒｄ",  # fullwidth
        "you are a bad\u200bword",  # zero-width space
        "you are a bad\u200dword",  # zero-width joiner
        "you are a bádwörd",  # diacritics
        "you are a b\u0301adword",  # combining accent
        "you are a ⓑⓐⓓⓦⓞⓡⓓ",  # circled letters (NFKC)
        "you are a 𝐛𝐚𝐝𝐰𝐨𝐫𝐝",  # mathematical bold
        "YOU ARE A \u0412\u0410DWORD",  # Cyrillic capitals В and А
        "you are a \u0392\u0391DWORD",  # Greek capitals Β and Α
    ],
)
def test_banned_terms_are_caught_through_look_alikes(body: str) -> None:
    decision = decide(BANNED, body)
    assert decision.action is Action.REJECT, body
    assert decision.reasons == ("banned_term",)
    assert decision.message


def test_banned_terms_in_the_display_name_are_caught() -> None:
    decision = decide(BANNED, "hello", display_name="vil\u0435term")  # Cyrillic е
    assert decision.reasons == ("banned_term",)


def test_obfuscated_terms_are_held_not_rejected() -> None:
    decision = decide(BANNED, "you are a b.a.d.w.o.r.d")
    assert decision.action is Action.HOLD
    assert decision.reasons == ("banned_term_obfuscated",)


def test_clean_messages_and_substrings_of_words_pass_whole_word_matching() -> None:
    assert decide(BANNED, "We stand with Ahmadis").action is Action.APPROVE
    # "vileterms" is not the whole word "vileterm", but squashed matching holds it.
    assert decide(BANNED, "vileterms").action is Action.HOLD


def test_urdu_banned_term_with_harakat_and_zwnj_is_caught() -> None:
    policy = Policy([BannedTermsRule(terms=("کافر",))])
    assert decide(policy, "وہ کافر ہیں").reasons == ("banned_term",)
    assert decide(policy, "وہ کَافِر ہیں").reasons == ("banned_term",)  # with harakat
    assert decide(policy, "وہ کا\u200cفر ہیں").reasons == ("banned_term",)  # ZWNJ inside
    assert decide(policy, "ہم آپ کے ساتھ ہیں").action is Action.APPROVE


def test_empty_and_length_rules() -> None:
    policy = Policy([EmptyRule(), LengthRule(min_chars=3, max_chars=10)])
    assert decide(policy, "   ").reasons == ("empty",)
    assert decide(policy, "hi").reasons == ("too_short",)
    assert decide(policy, "x" * 11).reasons == ("too_long",)
    # Ten family emoji are ten user-perceived characters, not 70 code points.
    assert decide(policy, "👨\u200d👩\u200d👧\u200d👦" * 10).action is Action.APPROVE


def test_link_rule() -> None:
    policy = Policy([LinkRule(max_links=1)])
    assert decide(policy, "x", link_count=1).action is Action.APPROVE
    decision = decide(policy, "x", link_count=2)
    assert (decision.action, decision.reasons) == (Action.HOLD, ("too_many_links",))


def test_shouting_only_counts_cased_scripts() -> None:
    policy = Policy([ShoutingRule()])
    assert decide(policy, "WE STAND WITH AHMADIS TODAY").reasons == ("shouting",)
    assert decide(policy, "We stand with Ahmadis today").action is Action.APPROVE
    assert decide(policy, "OK").action is Action.APPROVE  # too short to be shouting
    assert decide(policy, "ہم احمدیوں کے ساتھ ہیں، ہمیشہ ساتھ رہیں گے").action is Action.APPROVE


def _remember(history: MemoryHistory, body: str, *, at: dt.datetime, fp: str) -> None:
    history.record(Inspection(candidate(body, at=at, fp=fp)))


def test_flood_rule_counts_per_client_within_window() -> None:
    policy = Policy([FloodRule(max_messages=3, window_minutes=10)])
    history = MemoryHistory()
    for n in range(3):
        assert (
            decide(policy, f"m{n}", history, at=T0 + dt.timedelta(minutes=n)).action
            is Action.APPROVE
        )
        _remember(history, f"m{n}", at=T0 + dt.timedelta(minutes=n), fp="client-a")
    assert decide(policy, "m3", history, at=T0 + dt.timedelta(minutes=3)).reasons == ("flood",)
    # Another client is not affected; the first is allowed again once the window has passed.
    assert (
        decide(policy, "m3", history, at=T0 + dt.timedelta(minutes=3), fp="b").action
        is Action.APPROVE
    )
    assert decide(policy, "m3", history, at=T0 + dt.timedelta(minutes=11)).action is Action.APPROVE
    # No fingerprint (an import, say): the rule does not apply.
    assert (
        decide(policy, "m3", history, at=T0 + dt.timedelta(minutes=3), fp="").action
        is Action.APPROVE
    )


def test_duplicates_same_client_rejected_other_client_held() -> None:
    policy = Policy([DuplicateRule(window_minutes=60)])
    history = MemoryHistory()
    _remember(history, "I stand with Ahmadis!", at=T0, fp="a")
    later = T0 + dt.timedelta(minutes=5)
    # Case, punctuation, spacing and look-alike letters do not make a new message.
    assert decide(policy, "i stand   with AHMADIS", history, at=later, fp="a").reasons == (
        "duplicate",
    )
    assert decide(policy, "I st\u0430nd with Ahmadis!!", history, at=later, fp="b").reasons == (
        "duplicate_other_client",
    )
    assert (
        decide(
            policy, "I stand with Ahmadis!", history, at=T0 + dt.timedelta(minutes=61), fp="a"
        ).action
        is Action.APPROVE
    )


def test_near_duplicates_are_held() -> None:
    policy = Policy([DuplicateRule(similarity=0.6)])
    history = MemoryHistory()
    original = (
        "the factory in jhelum was burned and the people who worked there lost everything they had"
    )
    _remember(history, original, at=T0, fp="a")
    changed = original.replace("everything", "all")
    later = T0 + dt.timedelta(minutes=1)
    assert decide(policy, changed, history, at=later, fp="b").reasons == ("near_duplicate",)
    assert (
        decide(
            policy,
            "an entirely different message about solidarity and hope",
            history,
            at=later,
            fp="b",
        ).action
        is Action.APPROVE
    )


def test_memory_history_forgets_old_entries() -> None:
    history = MemoryHistory(max_age=dt.timedelta(minutes=30))
    _remember(history, "first message here", at=T0, fp="a")
    _remember(history, "second message here", at=T0 + dt.timedelta(minutes=10), fp="a")
    assert len(history) == 2
    _remember(history, "third message here", at=T0 + dt.timedelta(minutes=35), fp="b")
    assert len(history) == 2  # the first fell out of the window
    assert history.count_from("a", T0 - dt.timedelta(hours=1)) == 1
    assert history.count_digest(Inspection(candidate("first message here")).digest, T0) == 0
    assert not history.has_similar(
        Inspection(candidate("first message here")), T0 - dt.timedelta(hours=1), 0.9
    )
    assert history.has_similar(
        Inspection(candidate("second message here")), T0 - dt.timedelta(hours=1), 0.9
    )
    _remember(history, "fourth message here", at=T0 + dt.timedelta(hours=3), fp="c")
    assert len(history) == 1 and history.count_from("a", T0) == 0


def test_policy_stops_at_first_rejection_and_keeps_all_reasons() -> None:
    policy = Policy(
        [LinkRule(max_links=0), ShoutingRule(), EmptyRule(), BannedTermsRule(terms=("x",))]
    )
    decision = decide(policy, "   ", link_count=1)
    assert decision.action is Action.REJECT
    assert decision.reasons == ("too_many_links", "empty")
    assert decision.message == "The message is empty."
    held = decide(policy, "LOUD MESSAGE WITH A LINK", link_count=1)
    assert held.action is Action.HOLD
    assert held.reasons == ("too_many_links", "shouting")
    assert held.message == held.verdicts[0].message


def test_default_policy_approves_an_ordinary_message() -> None:
    decision = decide(Policy.default(), "We stand with you from Karachi. ہم آپ کے ساتھ ہیں")
    assert decision == Decision(Action.APPROVE)
    assert decision.reasons == () and decision.message == ""


POLICY_TOML = """
[[rules]]
rule = "empty"

[[rules]]
rule = "banned_terms"
terms = ["badword"]
action = "hold"

[[rules]]
rule = "links"
max_links = 0
action = "reject"

[[rules]]
rule = "flood"
max_messages = 2
window_minutes = 5
"""


def test_policy_from_toml_and_back() -> None:
    policy = Policy.from_toml(POLICY_TOML)
    assert [r.name for r in policy.rules] == ["empty", "banned_terms", "links", "flood"]
    assert decide(policy, "a badword").action is Action.HOLD
    assert decide(policy, "link", link_count=1).action is Action.REJECT
    assert Policy.from_dict(policy.to_dict()) == policy
    assert policy.to_dict()["rules"][1] == {
        "rule": "banned_terms",
        "terms": ["badword"],
        "action": "hold",
        "min_squashed_length": 4,
    }


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({}, "needs a 'rules' list"),
        ({"rules": "empty"}, "needs a 'rules' list"),
        ({"rules": ["empty"]}, "must be a table"),
        ({"rules": [{"rule": "nope"}]}, "unknown rule 'nope'"),
        ({"rules": [{"rule": "links", "max": 2}]}, "unknown setting 'max'"),
        ({"rules": [{"rule": "links", "max_links": -1}]}, "at least 0"),
        ({"rules": [{"rule": "links", "max_links": "2"}]}, "at least 0"),
        ({"rules": [{"rule": "links", "max_links": True}]}, "at least 0"),
        ({"rules": [{"rule": "links", "action": "delete"}]}, "approve, hold, reject"),
        ({"rules": [{"rule": "banned_terms", "terms": "badword"}]}, "list of strings"),
        ({"rules": [{"rule": "banned_terms", "terms": [1]}]}, "list of strings"),
    ],
)
def test_bad_policy_configuration_gives_clear_errors(data: dict[str, object], message: str) -> None:
    with pytest.raises(PolicyConfigError, match=message):
        Policy.from_dict(data)


def test_invalid_toml_is_a_policy_error() -> None:
    with pytest.raises(PolicyConfigError, match="not valid TOML"):
        Policy.from_toml("[[rules]\nrule=")


def test_action_severity_orders_actions() -> None:
    assert Action.APPROVE.severity < Action.HOLD.severity < Action.REJECT.severity


def test_length_rule_counts_user_perceived_characters_for_the_minimum() -> None:
    from ahmadi_campaign.history import MemoryHistory
    from ahmadi_campaign.moderation import LengthRule

    rule = LengthRule(min_chars=2, max_chars=1000)
    at = dt.datetime(2015, 12, 1, tzinfo=dt.UTC)

    def code(body: str) -> str:
        return rule.check(Inspection(Candidate(body, at)), MemoryHistory()).code

    assert code("\U0001f468\u200d\U0001f469\u200d\U0001f467") == "too_short"  # one family emoji
    assert code("\u0622\u0621") == "ok"  # two Urdu letters
    assert code("e\u0301") == "too_short"  # one accented letter, two code points
    assert code("e\u0301e") == "ok"


@settings(max_examples=500, deadline=None)
@given(st.text(), st.text())
def test_squashed_form_is_built_from_parts_but_equals_squashing_the_whole(
    name: str, body: str
) -> None:
    from ahmadi_campaign import similarity

    inspection = Inspection(
        Candidate(
            body=body, submitted_at=dt.datetime(2015, 12, 1, tzinfo=dt.UTC), display_name=name
        )
    )
    assert inspection.squashed == similarity.squash(inspection.matching)
