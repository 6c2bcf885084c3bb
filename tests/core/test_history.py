"""Histories the moderation policy asks: in time order (a live wall) and out of order (imports)."""

from __future__ import annotations

import datetime as dt
import random

from ahmadi_campaign.history import MemoryHistory, UnorderedHistory
from ahmadi_campaign.moderation import Action, Candidate, Inspection, Policy

T0 = dt.datetime(2015, 12, 1, 12, 0, tzinfo=dt.UTC)


def inspection(text: str, minutes: float, client: str = "a") -> Inspection:
    return Inspection(Candidate(text, T0 + dt.timedelta(minutes=minutes), fingerprint=client))


def judge_all(history: UnorderedHistory, messages: list[Inspection]) -> dict[float, Action]:
    policy = Policy.default()
    actions = {}
    for message in messages:
        actions[message.candidate.submitted_at.timestamp()] = policy.inspect(
            message, history.judging(message)
        ).action
        history.record(message)
    return actions


def test_memory_history_bounds_above_only_when_asked() -> None:
    history = MemoryHistory(max_age=None)
    for minutes in (0, 30, 120):
        history.record(inspection("same words here", minutes))
    since = T0 - dt.timedelta(minutes=1)
    assert history.count_from("a", since) == 3
    assert history.count_from("a", since, until=T0 + dt.timedelta(minutes=60)) == 2
    digest = inspection("same words here", 0).digest
    assert history.count_digest(digest, since, until=T0 + dt.timedelta(minutes=60)) == 2


def test_unordered_history_compares_only_posts_close_in_time() -> None:
    # The same account repeats itself two hours apart (allowed: the duplicate window is an
    # hour) and once within ten minutes (a duplicate). Judged newest first, as an import
    # walking back in time does.
    messages = [inspection("We stand with you all", minutes) for minutes in (240, 120, 5, 0)]
    actions = judge_all(UnorderedHistory(), messages)
    assert [actions[m.candidate.submitted_at.timestamp()] for m in messages] == [
        Action.APPROVE,
        Action.APPROVE,
        Action.APPROVE,
        Action.REJECT,  # five minutes before a post already judged: the same text again
    ]


def test_unordered_history_verdicts_do_not_depend_on_far_away_posts() -> None:
    # Posts days apart never affect each other, in any order.
    rng = random.Random(7)
    messages = [inspection(f"Message number {n} in support", n * 24 * 60) for n in range(30)]
    shuffled = messages[:]
    rng.shuffle(shuffled)
    actions = judge_all(UnorderedHistory(), shuffled)
    assert set(actions.values()) == {Action.APPROVE}
    assert len(UnorderedHistory()) == 0


def test_a_horizon_bounds_memory_for_a_walk_back_in_time() -> None:
    history = UnorderedHistory(horizon=dt.timedelta(hours=2))
    messages = [
        inspection(f"Post {n} with its own words", -10 * n, f"c{n % 3}") for n in range(500)
    ]
    sizes = []
    for message in messages:  # newest first, ten minutes apart
        history.judging(message)
        history.record(message)
        sizes.append(len(history))
    assert max(sizes) <= 13  # two hours of posts, ten minutes apart, and the one judged
    # Forgetting happens only beyond the horizon: close posts still count.
    repeat = inspection("Post 499 with its own words", -10 * 499 - 5, "c1")
    assert Policy.default().inspect(repeat, history.judging(repeat)).action is Action.REJECT


def test_without_a_horizon_an_unordered_history_keeps_everything() -> None:
    history = UnorderedHistory()
    for n in range(50):
        message = inspection(f"Post {n}", -10 * n)
        history.judging(message)
        history.record(message)
    assert len(history) == 50
