"""The wall's history as the moderation policy sees it: the same answers, in one query."""

from __future__ import annotations

import datetime as dt
import itertools

from django.test import TestCase

from ahmadi_campaign.moderation import Candidate, Inspection
from ahmadi_campaign.similarity import jaccard
from tests.plugin import utils
from tests.plugin.test_wall_helpers import OPEN_AT, make_wall
from wagtail_campaign.models import Message, MessageStatus
from wagtail_campaign.submission import RECENT_FOR_SIMILARITY, DatabaseHistory

WORDS = "we stand with our ahmadi friends today and every day in lahore rabwah karachi".split()


def text(n: int, words: int = 8) -> str:
    """A message of ``words`` words that shares most of its word pairs with its neighbours."""
    return " ".join(WORDS[(n + k) % len(WORDS)] for k in range(words)) + f" {n % 3}"


def inspection(body: str, fingerprint: str, at: dt.datetime = OPEN_AT) -> Inspection:
    return Inspection(Candidate(body=body, submitted_at=at, fingerprint=fingerprint))


class DatabaseHistoryTests(TestCase):
    @classmethod
    def setUpTestData(cls) -> None:
        cls.wall = make_wall(utils.make_campaign(utils.host_home()))
        cls.other_wall = make_wall(cls.wall.get_parent(), slug="other")
        rows = []
        for n in range(60):
            body = text(n % 20, words=4 + n % 9)
            seen = inspection(body, f"client{n % 4}")
            rows.append(
                Message(
                    wall=cls.wall if n % 10 else cls.other_wall,
                    status=MessageStatus.APPROVED if n % 3 else MessageStatus.PENDING,
                    kind="support",
                    body=body,
                    text=body,
                    source_id=f"h{n}",
                    fingerprint=f"client{n % 4}",
                    digest=seen.digest,
                    shingles=sorted(seen.shingles),
                    created_at=OPEN_AT - dt.timedelta(minutes=2 * n),
                )
            )
        Message.objects.bulk_create(rows)

    def expected(self, message: Inspection, since: dt.datetime, threshold: float) -> tuple:
        """What the questions mean, worked out in Python over every row of the wall."""
        mine = Message.objects.filter(wall=self.wall, created_at__gte=since)
        fingerprint = message.candidate.fingerprint
        newest = sorted(mine, key=lambda m: m.created_at, reverse=True)[:RECENT_FOR_SIMILARITY]
        return (
            sum(m.fingerprint == fingerprint for m in mine),
            sum(m.digest == message.digest and m.fingerprint == fingerprint for m in mine),
            sum(m.digest == message.digest for m in mine),
            any(jaccard(message.shingles, frozenset(m.shingles)) >= threshold for m in newest),
        )

    def answers(
        self, history: DatabaseHistory, message: Inspection, since: dt.datetime, threshold: float
    ) -> tuple:
        fingerprint = message.candidate.fingerprint
        return (
            history.count_from(fingerprint, since),
            history.count_digest(message.digest, since, fingerprint=fingerprint),
            history.count_digest(message.digest, since),
            history.has_similar(message, since, threshold),
        )

    def test_expected_questions_are_answered_by_one_query_with_the_same_answers(self) -> None:
        policy = self.wall.policy()
        cases = itertools.product(range(0, 24, 5), range(3, 14, 4), range(5), (0.3, 0.8, 1.0))
        for n, words, client, threshold in cases:
            body = text(n, words)
            message = inspection(body, f"client{client}")
            since = OPEN_AT - dt.timedelta(minutes=60)
            with self.subTest(body=body, client=client, threshold=threshold):
                plain = self.answers(DatabaseHistory(self.wall), message, since, threshold)
                self.assertEqual(plain, self.expected(message, since, threshold))
                history = DatabaseHistory(self.wall)
                history.expect(message, policy)
                with self.assertNumQueries(1):
                    # The policy's own questions (flood: 10 minutes, duplicates: 60)...
                    flood_since = OPEN_AT - dt.timedelta(minutes=10)
                    history.count_from(message.candidate.fingerprint, flood_since)
                    for fingerprint in (message.candidate.fingerprint, None):
                        history.count_digest(message.digest, since, fingerprint=fingerprint)
                    history.has_similar(message, since, 0.8)
                # ...and any other question still gets its own, right answer.
                self.assertEqual(
                    self.answers(history, message, since, threshold),
                    self.expected(message, since, threshold),
                )

    def test_a_policy_run_costs_one_query(self) -> None:
        policy = self.wall.policy()
        message = inspection("A message nobody has written before, about Rabwah.", "client9")
        history = DatabaseHistory(self.wall)
        history.expect(message, policy)
        with self.assertNumQueries(1):
            decision = policy.inspect(message, history)
        self.assertEqual(decision.reasons, ())
        with self.assertNumQueries(4):  # without expect(): one query per question
            policy.inspect(message, DatabaseHistory(self.wall))

    def test_near_duplicates_of_another_length_are_found(self) -> None:
        policy = self.wall.policy()
        # Seven of eight word pairs shared: similar enough, one more pair than the stored text.
        stored = text(1, words=7)
        self.assertTrue(Message.objects.filter(wall=self.wall, text=stored).exists())
        for body, similar in ((stored + " rabwah", True), (text(1, 4), False)):
            with self.subTest(body):
                message = inspection(body, "client9")
                history = DatabaseHistory(self.wall)
                history.expect(message, policy)
                decision = policy.inspect(message, history)
                self.assertEqual("near_duplicate" in decision.reasons, similar, decision)

    def test_only_the_newest_messages_are_compared(self) -> None:
        body = "An old message that someone posts again in a slightly changed form today"
        seen = inspection(body, "old")
        old = {"wall": self.wall, "kind": "support", "text": body, "fingerprint": "old"}
        Message.objects.create(
            **old,
            source_id="old",
            shingles=sorted(seen.shingles),
            created_at=OPEN_AT - dt.timedelta(minutes=30),
        )
        message = inspection(body + " again", "client9")
        since = OPEN_AT - dt.timedelta(minutes=60)
        self.assertTrue(DatabaseHistory(self.wall).has_similar(message, since, 0.8))
        Message.objects.bulk_create(
            Message(
                **old,
                source_id=f"new{n}",
                status=MessageStatus.values[n % len(MessageStatus.values)],  # all, merged
                shingles=[n],
                created_at=OPEN_AT - dt.timedelta(minutes=29, seconds=-n),
            )
            for n in range(RECENT_FOR_SIMILARITY)
        )
        # 200 newer messages, of every status: the old one is no longer among the newest.
        for expect in (False, True):
            history = DatabaseHistory(self.wall)
            if expect:
                history.expect(message, self.wall.policy())
            self.assertFalse(history.has_similar(message, since, 0.8))

    def test_the_database_keeps_each_messages_shingle_count(self) -> None:
        counts = Message.objects.values_list("shingle_count", "shingles")
        self.assertTrue(counts)
        for count, shingles in counts:
            self.assertEqual(count, len(shingles))
        # Anything but a list counts 0 (and does not break the insert).
        message = Message.objects.first()
        assert message is not None
        Message.objects.filter(pk=message.pk).update(shingles={"not": "a list"})
        self.assertEqual(Message.objects.get(pk=message.pk).shingle_count, 0)
