"""The wall's optional proof-of-work check: answers, replays, forgeries, no JavaScript, no cache."""

from __future__ import annotations

import base64
import datetime as dt
import json
from typing import Any

import time_machine
from django.core.cache import cache
from django.http import HttpResponse
from django.test import SimpleTestCase, override_settings

from ahmadi_campaign import pow
from tests.plugin.test_wall_helpers import (
    OPEN_AT,
    VALID,
    by_class,
    executable_markup,
    form_fields,
    make_wall,
    parse,
    text_of,
)
from tests.plugin.test_wall_resilience import DOWN
from tests.plugin.test_wall_write import WallTestCase
from wagtail_campaign import proof_of_work
from wagtail_campaign.models import Message, MessageStatus

#: An easy puzzle keeps the tests fast; the browser test uses the default difficulty.
EASY = {"MIN_FILL_SECONDS": 0, "PROOF_OF_WORK_MAX_NUMBER": 2000}
POW_SCRIPT = "/static/wagtail_campaign/pow.js"


def pow_input(response: HttpResponse) -> Any:
    tree = parse(response)
    return next((i for i in tree.iter("input") if i.get("name") == "altcha"), None)


def puzzle_of(response: HttpResponse) -> dict[str, Any]:
    field = pow_input(response)
    assert field is not None, "the form has no proof-of-work field"
    data: dict[str, Any] = json.loads(field.get("data-wc-pow"))
    return data


def answer_to(response: HttpResponse) -> str:
    """What pow.js puts in the hidden field once it has solved the form's puzzle."""
    puzzle = puzzle_of(response)
    number = pow.solve(puzzle)
    assert number is not None
    return pow.solution_payload(puzzle, number)


def scripts(response: HttpResponse) -> list[str]:
    return [s.get("src", "") for s in parse(response).iter("script")]


@override_settings(WAGTAIL_CAMPAIGN=EASY)
class ProofOfWorkTests(WallTestCase):
    wall_fields = {"proof_of_work": True}

    def load(self) -> tuple[HttpResponse, dict[str, str]]:
        response = self.client.get(self.write_url)
        self.assertEqual(response.status_code, 200)
        return response, form_fields(response) | VALID

    def post(self, data: dict[str, str], body: str) -> HttpResponse:
        return self.client.post(self.write_url, data | {"body": body})

    def assert_error_kept_text(self, response: HttpResponse, body: str, needle: str) -> None:
        self.assertEqual(response.status_code, 200)
        tree = parse(response)
        summary = next(by_class(tree, "wc-error-summary"))
        self.assertIn(needle, text_of(summary))
        textarea = next(tree.iter("textarea"))
        self.assertEqual("".join(textarea.itertext()).strip("\n"), body)
        # A new puzzle comes back, and the spent or bad answer does not.
        self.assertEqual(pow_input(response).get("value", ""), "")
        self.assertTrue(puzzle_of(response)["challenge"])

    def test_form_carries_a_signed_puzzle_a_status_and_the_script(self) -> None:
        response, _data = self.load()
        field = pow_input(response)
        self.assertEqual(field.get("type"), "hidden")
        self.assertEqual(field.get("value", ""), "")
        puzzle = puzzle_of(response)
        self.assertEqual(set(puzzle), {"algorithm", "challenge", "maxnumber", "salt", "signature"})
        self.assertEqual(puzzle["algorithm"], "SHA-256")
        self.assertEqual(puzzle["maxnumber"], 2000)
        expires = int((OPEN_AT + pow.DEFAULT_LIFETIME).timestamp())
        self.assertTrue(puzzle["salt"].endswith(f"?expires={expires}&"))
        # Signed with the wall's key, derived from SECRET_KEY: the core verifies it.
        number = pow.solve(puzzle)
        assert number is not None
        payload = pow.solution_payload(puzzle, number)
        key = proof_of_work.wall_key(self.wall.pk)
        self.assertEqual(pow.verify(payload, key, now=OPEN_AT).number, number)
        tree = parse(response)
        status = next(e for e in tree.iter() if e.get("data-wc-pow-status") is not None)
        self.assertEqual(status.get("role"), "status")
        self.assertEqual(status.get("aria-live"), "polite")
        self.assertIsNotNone(status.get("hidden"))  # shown only by the script
        for state in ("working", "ready", "failed"):
            self.assertTrue(status.get(f"data-{state}"))
        self.assertEqual(status.get("data-working"), "Checking your browser…")
        self.assertEqual(scripts(response), [POW_SCRIPT])
        self.assertEqual(executable_markup(tree), [])  # no inline script
        self.assertIn("script-src 'self'", response["Content-Security-Policy"])

    def test_each_form_gets_its_own_puzzle(self) -> None:
        first = puzzle_of(self.client.get(self.write_url))
        second = puzzle_of(self.client.get(self.write_url))
        self.assertNotEqual(first["salt"], second["salt"])

    def test_valid_answer_is_accepted_as_normal(self) -> None:
        response, data = self.load()
        sent = self.post(data | {"altcha": answer_to(response)}, "Solidarity from Rabwah")
        self.assertRedirects(
            sent, self.wall.url + "?posted=live#wall-status", fetch_redirect_response=False
        )
        message = Message.objects.get()
        self.assertEqual(message.status, MessageStatus.APPROVED)
        self.assertEqual(message.reasons, [])

    def test_replayed_answer_is_refused_and_the_text_kept(self) -> None:
        response, data = self.load()
        answer = answer_to(response)
        first = self.post(data | {"altcha": answer}, "Solidarity from Rabwah")
        self.assertEqual(first.status_code, 302)
        # A second form (fresh token), the first form's answer.
        _again, data = self.load()
        body = "And once more, with the same answer"
        replayed = self.post(data | {"altcha": answer}, body)
        self.assert_error_kept_text(replayed, body, "already sent once")
        self.assertEqual(Message.objects.count(), 1)
        # The re-rendered form's new puzzle, solved, goes through.
        retry = self.post(form_fields(replayed) | VALID | {"altcha": answer_to(replayed)}, body)
        self.assertEqual(retry.status_code, 302)
        self.assertEqual(Message.objects.count(), 2)

    def test_no_answer_without_javascript_is_stored_and_held(self) -> None:
        _response, data = self.load()
        self.assertEqual(data["altcha"], "")
        sent = self.post(data, "Solidarity, sent with JavaScript off")
        self.assertRedirects(
            sent, self.wall.url + "?posted=review#wall-status", fetch_redirect_response=False
        )
        message = Message.objects.get()
        self.assertEqual(message.status, MessageStatus.PENDING)
        self.assertEqual(message.reasons, ["proof_of_work_missing"])
        # The field left out of the request altogether counts the same.
        _response, data = self.load()
        del data["altcha"]
        self.post(data, "A second message from another form")
        held = Message.objects.order_by("-id").first()
        assert held is not None
        self.assertEqual(held.reasons, ["proof_of_work_missing"])

    def test_forged_answer_is_refused_with_a_clear_error(self) -> None:
        response, data = self.load()
        fields = json.loads(base64.b64decode(answer_to(response)))
        fields["signature"] = "0" * 64
        forged = base64.b64encode(json.dumps(fields).encode()).decode()
        body = "Forged but polite"
        refused = self.post(data | {"altcha": forged}, body)
        self.assert_error_kept_text(refused, body, "did not pass")
        self.assertFalse(Message.objects.exists())

    def test_wrong_number_and_garbage_are_refused(self) -> None:
        for bad in ("garbage", "e30=", "A" * 5000):
            with self.subTest(bad=bad[:10]):
                _response, data = self.load()
                refused = self.post(data | {"altcha": bad}, "Some text")
                self.assert_error_kept_text(refused, "Some text", "did not pass")
        response, data = self.load()
        puzzle = puzzle_of(response)
        number = pow.solve(puzzle)
        assert number is not None
        wrong = pow.solution_payload(puzzle, number + 1)
        self.assert_error_kept_text(
            self.post(data | {"altcha": wrong}, "Some text"), "Some text", "did not pass"
        )
        self.assertFalse(Message.objects.exists())

    def test_expired_answer_is_refused_with_its_own_error(self) -> None:
        response, data = self.load()
        answer = answer_to(response)
        self.traveller.move_to(OPEN_AT + pow.DEFAULT_LIFETIME + dt.timedelta(seconds=1))
        refused = self.post(data | {"altcha": answer}, "Written slowly")
        self.assert_error_kept_text(refused, "Written slowly", "has expired")
        self.assertFalse(Message.objects.exists())

    def test_answer_for_another_wall_is_refused(self) -> None:
        other = make_wall(self.campaign, title="Other wall", slug="other", proof_of_work=True)
        answer = answer_to(self.client.get(other.url + "write/"))
        _response, data = self.load()
        refused = self.post(data | {"altcha": answer}, "Borrowed answer")
        self.assert_error_kept_text(refused, "Borrowed answer", "did not pass")

    def test_an_answer_error_does_not_hide_other_errors(self) -> None:
        _response, data = self.load()
        refused = self.post(data | {"altcha": "garbage", "kind": ""}, "Text")
        tree = parse(refused)
        summary = text_of(next(by_class(tree, "wc-error-summary")))
        self.assertIn("did not pass", summary)
        self.assertIn("Your message is", summary)

    def test_cache_down_is_no_error_and_the_message_is_held(self) -> None:
        response, data = self.load()
        answer = answer_to(response)
        with (
            override_settings(CACHES=DOWN),
            self.assertLogs("wagtail_campaign.proof_of_work", "WARNING") as logs,
        ):
            sent = self.post(data | {"altcha": answer}, "Sent while the cache is down")
        self.assertEqual(sent.status_code, 302)
        message = Message.objects.get()
        self.assertEqual(message.status, MessageStatus.PENDING)
        self.assertIn("proof_of_work_unverified", message.reasons)
        self.assertTrue(any("could not be marked" in line for line in logs.output))

    def test_only_the_spent_check_failing_holds_the_message(self) -> None:
        response, data = self.load()
        original_add = cache.add

        def add(key: str, *args: Any, **kwargs: Any) -> bool:
            if key.startswith("wagtail_campaign:pow-spent:"):
                raise ConnectionError("Connection refused")
            return bool(original_add(key, *args, **kwargs))

        cache.add = add  # type: ignore[method-assign]
        self.addCleanup(setattr, cache, "add", original_add)
        with self.assertLogs("wagtail_campaign.proof_of_work", "WARNING"):
            sent = self.post(data | {"altcha": answer_to(response)}, "Held, not lost")
        self.assertEqual(sent.status_code, 302)
        message = Message.objects.get()
        self.assertEqual(message.status, MessageStatus.PENDING)
        self.assertEqual(message.reasons, ["proof_of_work_unverified"])

    def test_status_texts_are_translated(self) -> None:
        response = self.client.get(self.write_url, HTTP_ACCEPT_LANGUAGE="ur")
        tree = parse(response)
        status = next(e for e in tree.iter() if e.get("data-wc-pow-status") is not None)
        working = status.get("data-working", "")
        self.assertTrue(working)
        self.assertNotEqual(working, "Checking your browser…")


@override_settings(WAGTAIL_CAMPAIGN=EASY)
class ProofOfWorkOffTests(WallTestCase):
    def test_no_field_no_script_and_posting_unchanged(self) -> None:
        response = self.client.get(self.write_url)
        self.assertIsNone(pow_input(response))
        self.assertNotIn("data-wc-pow", response.content.decode())
        self.assertEqual(scripts(response), [])
        data = form_fields(response) | VALID
        sent = self.client.post(self.write_url, data | {"body": "No puzzle here"})
        self.assertRedirects(
            sent, self.wall.url + "?posted=live#wall-status", fetch_redirect_response=False
        )
        self.assertEqual(Message.objects.get().reasons, [])

    def test_an_answer_sent_anyway_is_ignored(self) -> None:
        data = form_fields(self.client.get(self.write_url)) | VALID
        sent = self.client.post(self.write_url, data | {"body": "Hello", "altcha": "garbage"})
        self.assertEqual(sent.status_code, 302)
        self.assertEqual(Message.objects.get().status, MessageStatus.APPROVED)


class DifficultySettingTests(SimpleTestCase):
    def test_system_check_refuses_a_bad_difficulty(self) -> None:
        from wagtail_campaign.checks import check_settings

        cases = [
            (50_000, []),
            (1, []),
            (0, ["wagtail_campaign.E007"]),
            (pow.MAX_DIFFICULTY + 1, ["wagtail_campaign.E007"]),
            ("50000", ["wagtail_campaign.E007"]),
            (True, ["wagtail_campaign.E007"]),
        ]
        for value, ids in cases:
            with (
                self.subTest(value=value),
                override_settings(WAGTAIL_CAMPAIGN={"PROOF_OF_WORK_MAX_NUMBER": value}),
            ):
                self.assertEqual([e.id for e in check_settings()], ids)

    @override_settings(WAGTAIL_CAMPAIGN={"PROOF_OF_WORK_MAX_NUMBER": 123})
    def test_puzzles_use_the_configured_difficulty(self) -> None:
        with time_machine.travel(OPEN_AT, tick=False):
            challenge = proof_of_work.new_challenge(1)
        self.assertEqual(challenge.maxnumber, 123)
        self.assertEqual(challenge.expires, OPEN_AT + pow.DEFAULT_LIFETIME)
