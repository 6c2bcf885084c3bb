"""Posting on a message wall without JavaScript: the write/ route, its errors and its window."""

from __future__ import annotations

import datetime as dt
from typing import Any

import time_machine
from django.core import signing
from django.test import TestCase, override_settings
from django.urls import reverse

from tests.plugin import utils
from tests.plugin.hostile import BANNED_TERMS, DISGUISES
from tests.plugin.test_wall_helpers import (
    OPEN_AT,
    VALID,
    WINDOW_END,
    WINDOW_START,
    by_class,
    executable_markup,
    form_fields,
    make_wall,
    parse,
    post_message,
    reset_cache,
    text_of,
)
from wagtail_campaign.forms import form_token
from wagtail_campaign.models import Message, MessageStatus

SHORT = "We stand with you, friends."


class WallTestCase(TestCase):
    """A campaign (1-10 December 2015, Asia/Karachi) with a post-moderated wall under it."""

    wall_fields: dict[str, Any] = {}

    @classmethod
    def setUpTestData(cls) -> None:
        cls.home = utils.host_home()
        cls.campaign = utils.make_campaign(cls.home)
        cls.wall = make_wall(cls.campaign, **cls.wall_fields)
        cls.write_url = cls.wall.url + "write/"

    def setUp(self) -> None:
        reset_cache()
        self.clock = time_machine.travel(OPEN_AT, tick=False)
        self.traveller = self.clock.start()
        self.addCleanup(self.clock.stop)

    def assert_refused(self, response: Any, body: str, needle: str) -> None:
        """HTTP 200, the error beside the form, the visitor's text kept, nothing stored."""
        self.assertEqual(response.status_code, 200)
        tree = parse(response)
        errors = " ".join(text_of(e) for e in by_class(tree, "wc-error"))
        self.assertIn(needle, errors)
        textarea = next(tree.iter("textarea"))
        self.assertEqual("".join(textarea.itertext()).strip("\n"), body)
        self.assertFalse(Message.objects.exists())


@override_settings(WAGTAIL_CAMPAIGN={"MIN_FILL_SECONDS": 0})
class WriteWithoutJavaScriptTests(WallTestCase):
    def test_form_has_csrf_token_hidden_honeypot_and_signed_token(self) -> None:
        response = self.client.get(self.write_url)
        self.assertEqual(response.status_code, 200)
        self.assertIn("no-store", response["Cache-Control"])
        tree = parse(response)
        form = next(f for f in tree.iter("form") if f.get("method") == "post")
        # A public wall's form is sent to the plain URL (no page routing), see test_wall_plain_post.
        self.assertEqual(
            form.get("action"), reverse("wagtail_campaign:wall_write", args=[self.wall.pk])
        )
        inputs = {i.get("name"): i for i in form.iter("input")}
        self.assertTrue(inputs["csrfmiddlewaretoken"].get("value"))
        self.assertEqual(inputs["token"].get("type"), "hidden")
        token = inputs["token"].get("value", "")
        self.assertEqual(
            signing.TimestampSigner(salt="wagtail_campaign.message-form").unsign(token),
            str(self.wall.pk),
        )
        honeypot = inputs["website"]
        self.assertEqual(honeypot.get("tabindex"), "-1")
        box = next(e for e in form.iter() if honeypot in list(e))
        self.assertEqual(box.get("aria-hidden"), "true")
        self.assertIn("wc-honeypot", box.get("class", ""))
        self.assertEqual(next(form.iter("textarea")).get("dir"), "auto")

    def test_valid_post_goes_live_on_a_post_moderated_wall(self) -> None:
        response = post_message(
            self.client, self.wall, "Hello <b>friends</b>\n\nhttps://example.org"
        )
        self.assertRedirects(
            response, self.wall.url + "?posted=live#wall-status", fetch_redirect_response=False
        )
        message = Message.objects.get()
        self.assertEqual(message.status, MessageStatus.APPROVED)
        self.assertEqual(message.reasons, [])
        self.assertEqual(message.display_name, "Amina")
        self.assertEqual(message.country, "PK")
        self.assertEqual(message.text, "Hello <b>friends</b>\n\nhttps://example.org")
        # Stored sanitised: the visitor's markup is text, the bare URL a safe link.
        body = parse(message.body)
        self.assertEqual([e.tag for e in body.iter() if e.tag != "document"], ["p", "p", "a"])
        link = next(body.iter("a"))
        self.assertEqual(link.get("href"), "https://example.org")
        self.assertEqual(link.get("rel"), "nofollow ugc noopener")
        self.assertIn("<b>friends</b>", text_of(body))
        page = self.client.get(self.wall.url + "?posted=live")
        self.assertContains(page, "Your message is on the wall.")

    def test_held_message_is_stored_with_the_policy_reasons(self) -> None:
        body = "Read https://example.org/a and https://example.org/b please"
        response = post_message(self.client, self.wall, body)
        self.assertRedirects(
            response, self.wall.url + "?posted=review#wall-status", fetch_redirect_response=False
        )
        message = Message.objects.get()
        self.assertEqual(message.status, MessageStatus.PENDING)
        self.assertEqual(message.reasons, ["too_many_links"])

    def test_empty_message(self) -> None:
        self.assert_refused(post_message(self.client, self.wall, ""), "", "Write your message.")

    def test_errors_are_tied_to_their_fields_for_screen_readers(self) -> None:
        response = post_message(self.client, self.wall, "", kind="")
        tree = parse(response)
        ids = {e.get("id") for e in tree.iter() if e.get("id")}
        textarea = next(tree.iter("textarea"))
        self.assertEqual(textarea.get("aria-invalid"), "true")
        described = (textarea.get("aria-describedby") or "").split()
        self.assertIn("id_body_error", described)
        self.assertTrue(set(described) <= ids, described)
        name = next(i for i in tree.iter("input") if i.get("name") == "display_name")
        self.assertTrue(set((name.get("aria-describedby") or "").split()) <= ids)
        fieldset = next(tree.iter("fieldset"))
        self.assertIn(fieldset.get("aria-describedby"), ids)
        summary = next(by_class(tree, "wc-error-summary"))
        self.assertEqual(summary.get("role"), "alert")
        links = [a.get("href", "").lstrip("#") for a in summary.iter("a")]
        self.assertEqual(links, ["id_kind_0", "id_body"])
        self.assertTrue(set(links) <= ids)

    def test_invisible_characters_only_count_as_empty(self) -> None:
        body = "\u200b\u200b\u2066"
        response = post_message(self.client, self.wall, body)
        self.assertEqual(response.status_code, 200)
        self.assertIn("Write between 2 and 1000", response.content.decode())
        self.assertFalse(Message.objects.exists())

    def test_too_long_message(self) -> None:
        body = "a" * 1001
        self.assert_refused(
            post_message(self.client, self.wall, body), body, "Write between 2 and 1000"
        )

    def test_filled_honeypot(self) -> None:
        response = post_message(self.client, self.wall, SHORT, website="http://spam.example")
        self.assert_refused(response, SHORT, "The form could not be sent.")
        # The honeypot comes back empty, so a person whose browser filled it can resend.
        self.assertEqual(form_fields(response)["website"], "")

    @override_settings(WAGTAIL_CAMPAIGN={"MIN_FILL_SECONDS": 3})
    def test_sent_too_fast_then_again_after_a_pause(self) -> None:
        response = post_message(self.client, self.wall, SHORT)
        self.assert_refused(response, SHORT, "That was very fast.")
        self.traveller.shift(dt.timedelta(seconds=5))
        again = self.client.post(self.write_url, form_fields(response) | VALID | {"body": SHORT})
        self.assertEqual(again.status_code, 302)
        self.assertEqual(Message.objects.count(), 1)

    def test_tampered_token_gets_a_fresh_token_and_the_retry_works(self) -> None:
        response = post_message(self.client, self.wall, SHORT, token=form_token(self.wall.pk) + "x")
        self.assert_refused(response, SHORT, "Please send the form again.")
        fresh = form_fields(response)
        self.assertNotEqual(fresh["token"], form_token(self.wall.pk) + "x")
        again = self.client.post(self.write_url, fresh | VALID | {"body": SHORT})
        self.assertEqual(again.status_code, 302)
        self.assertEqual(Message.objects.count(), 1)

    def test_token_of_another_wall_is_refused(self) -> None:
        response = post_message(self.client, self.wall, SHORT, token=form_token(self.wall.pk + 99))
        self.assert_refused(response, SHORT, "Please send the form again.")

    def test_expired_token_gets_a_fresh_token_and_the_retry_works(self) -> None:
        data = form_fields(self.client.get(self.write_url)) | VALID | {"body": SHORT}
        self.traveller.shift(dt.timedelta(hours=25))  # the form stayed open overnight
        response = self.client.post(self.write_url, data)
        self.assert_refused(response, SHORT, "This form is too old.")
        again = self.client.post(self.write_url, form_fields(response) | VALID | {"body": SHORT})
        self.assertEqual(again.status_code, 302)
        self.assertEqual(Message.objects.count(), 1)

    def test_banned_term(self) -> None:
        self.wall.banned_terms = "kafir"
        self.wall.save()
        body = "You are all kafir"
        response = post_message(self.client, self.wall, body)
        self.assert_refused(response, body, "words this wall does not accept")

    def test_rate_limited(self) -> None:
        self.wall.max_messages_per_client = 1
        self.wall.save()
        self.assertEqual(post_message(self.client, self.wall, SHORT).status_code, 302)
        body = "And a second, different message."
        response = post_message(self.client, self.wall, body)
        self.assertEqual(response.status_code, 200)
        self.assertIn("Please wait a few minutes.", text_of(parse(response)))
        self.assertEqual(next(parse(response).iter("textarea")).text.strip("\n"), body)
        self.assertEqual(Message.objects.count(), 1)
        # Another visitor is not limited by the first one's counter.
        visitor = self.client_class(REMOTE_ADDR="198.51.100.9")
        self.assertEqual(post_message(visitor, self.wall, body).status_code, 302)

    def test_duplicate_from_the_same_visitor(self) -> None:
        self.assertEqual(post_message(self.client, self.wall, SHORT).status_code, 302)
        response = post_message(self.client, self.wall, SHORT)
        self.assertEqual(response.status_code, 200)
        self.assertIn("You have already posted this message.", text_of(parse(response)))
        self.assertEqual(next(parse(response).iter("textarea")).text.strip("\n"), SHORT)
        self.assertEqual(Message.objects.count(), 1)

    def test_hostile_markup_is_stored_as_text(self) -> None:
        body = (
            '<script>alert(1)</script> <img src=x onerror="alert(2)"> '
            '<a href="javascript:alert(3)">click</a> javascript:alert(4) '
            "<svg onload=alert(5)>"
        )
        self.assertEqual(post_message(self.client, self.wall, body).status_code, 302)
        message = Message.objects.get()
        self.assertEqual(executable_markup(parse(message.body)), [])
        self.assertIn("<script>alert(1)</script>", text_of(parse(message.body)))


@override_settings(WAGTAIL_CAMPAIGN={"MIN_FILL_SECONDS": 0})
class PreModerationTests(WallTestCase):
    wall_fields = {"moderation_mode": "pre", "slug": "pre-wall"}

    def test_valid_post_waits_for_review(self) -> None:
        response = post_message(self.client, self.wall, SHORT)
        self.assertRedirects(
            response, self.wall.url + "?posted=review#wall-status", fetch_redirect_response=False
        )
        message = Message.objects.get()
        self.assertEqual(message.status, MessageStatus.PENDING)
        self.assertEqual(message.reasons, [])
        page = self.client.get(self.wall.url + "?posted=review")
        self.assertContains(page, "once a moderator has read it")
        self.assertNotContains(page, SHORT)


@override_settings(WAGTAIL_CAMPAIGN={"MIN_FILL_SECONDS": 0})
class LookAlikeEvasionTests(WallTestCase):
    # The same list the social import tests feed through Mastodon (tests/plugin/hostile.py).
    wall_fields = {"banned_terms": BANNED_TERMS}

    def test_disguised_banned_terms_are_rejected_through_the_form(self) -> None:
        for name, body in DISGUISES.items():
            with self.subTest(name):
                reset_cache()
                response = post_message(self.client, self.wall, body)
                self.assert_refused(response, body, "words this wall does not accept")

    def test_innocent_text_still_goes_through(self) -> None:
        response = post_message(self.client, self.wall, "Karachi stands with you")
        self.assertEqual(response.status_code, 302)


class WindowTests(WallTestCase):
    """The wall opens at midnight in Karachi on 1 December and closes after 10 December."""

    def at(self, instant: dt.datetime) -> None:
        self.traveller.move_to(instant)

    def assert_closed(self) -> None:
        page = self.client.get(self.wall.url)
        self.assertContains(page, "The wall is closed for new messages.")
        self.assertNotContains(page, "Write a message")
        form = self.client.get(self.write_url)
        self.assertEqual(form.status_code, 200)
        self.assertContains(form, "The wall is closed for new messages.")
        self.assertFalse(list(parse(form).iter("textarea")))
        data = VALID | {"body": SHORT, "token": form_token(self.wall.pk)}
        posted = self.client.post(self.write_url, data)
        self.assertEqual(posted.status_code, 200)
        self.assertFalse(Message.objects.exists())

    @override_settings(WAGTAIL_CAMPAIGN={"MIN_FILL_SECONDS": 0})
    def assert_open(self) -> None:
        page = self.client.get(self.wall.url)
        self.assertContains(page, "Write a message")
        self.assertNotContains(page, "The wall is closed")
        response = post_message(self.client, self.wall, SHORT + str(Message.objects.count()))
        self.assertEqual(response.status_code, 302)

    def test_closed_just_before_midnight_in_karachi(self) -> None:
        self.at(WINDOW_START - dt.timedelta(microseconds=1))
        self.assert_closed()

    def test_open_at_midnight_in_karachi(self) -> None:
        self.at(WINDOW_START)
        self.assert_open()

    def test_open_in_the_last_moment_of_the_last_day(self) -> None:
        self.at(WINDOW_END - dt.timedelta(microseconds=1))
        self.assert_open()

    def test_closed_once_the_last_day_is_over(self) -> None:
        self.at(WINDOW_END)
        self.assert_closed()

    def test_wall_dates_override_the_campaign(self) -> None:
        self.wall.opens_on = dt.date(2015, 12, 6)
        self.wall.save()
        self.at(dt.datetime(2015, 12, 5, 18, 59, 59, tzinfo=dt.UTC))  # 23:59:59 in Karachi
        self.assert_closed()
