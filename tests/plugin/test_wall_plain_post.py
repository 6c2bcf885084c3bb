"""The write form's plain URL: the checks Wagtail's routing would make, and the same behaviour."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.test import Client, override_settings
from django.urls import reverse
from wagtail.models import Page, PageViewRestriction, Site

from tests.plugin.test_wall_helpers import (
    VALID,
    WINDOW_END,
    WINDOW_START,
    form_action,
    form_fields,
    make_wall,
    parse,
    text_of,
)
from tests.plugin.test_wall_resilience import DOWN
from tests.plugin.test_wall_write import SHORT, WallTestCase
from tests.testapp.models import HostHomePage
from wagtail_campaign.models import Message, MessageStatus

#: What a hand-made POST sends when it did not load the form first.
LIVE = "?posted=live#wall-status"


@override_settings(WAGTAIL_CAMPAIGN={"MIN_FILL_SECONDS": 0})
class PlainPostTests(WallTestCase):
    @classmethod
    def setUpTestData(cls) -> None:
        super().setUpTestData()
        cls.post_url = reverse("wagtail_campaign:wall_write", args=[cls.wall.pk])

    def form_data(self, body: str = SHORT) -> dict[str, str]:
        return form_fields(self.client.get(self.write_url)) | VALID | {"body": body}

    def test_a_public_walls_form_is_sent_to_the_plain_url(self) -> None:
        self.assertEqual(form_action(self.client.get(self.write_url)), self.post_url)

    def test_stored_and_sent_back_to_the_wall_with_the_security_headers(self) -> None:
        response = self.client.post(self.post_url, self.form_data())
        self.assertRedirects(response, self.wall.url + LIVE, fetch_redirect_response=False)
        self.assertIn("Content-Security-Policy", response)
        message = Message.objects.get()
        self.assertEqual((message.wall_id, message.status), (self.wall.pk, MessageStatus.APPROVED))

    def test_errors_are_shown_beside_the_form_with_the_text_kept(self) -> None:
        body = "x"
        response = self.client.post(self.post_url, self.form_data(body))
        self.assertEqual(response.status_code, 200)
        self.assertIn("no-store", response["Cache-Control"])
        self.assertIn("Content-Security-Policy", response)
        tree = parse(response)
        self.assertIn("Write between 2 and", " ".join(text_of(e) for e in tree.iter()))
        self.assertEqual("".join(next(tree.iter("textarea")).itertext()).strip("\n"), body)
        # The form shown again is sent to the same place, and works.
        self.assertEqual(form_action(response), self.post_url)
        again = self.client.post(self.post_url, form_fields(response) | {"body": SHORT})
        self.assertRedirects(again, self.wall.url + LIVE, fetch_redirect_response=False)

    def test_csrf_is_checked(self) -> None:
        browser = Client(enforce_csrf_checks=True)
        data = self.form_data()
        data.pop("csrfmiddlewaretoken")
        self.assertEqual(browser.post(self.post_url, data).status_code, 403)
        self.assertFalse(Message.objects.exists())

    def test_a_get_goes_to_the_form(self) -> None:
        response = self.client.get(self.post_url)
        self.assertRedirects(response, self.write_url, fetch_redirect_response=False)

    def test_no_such_wall_a_draft_and_an_unpublished_wall_are_not_found(self) -> None:
        missing = reverse("wagtail_campaign:wall_write", args=[self.wall.pk + 1000])
        self.assertEqual(self.client.post(missing, self.form_data()).status_code, 404)
        data = self.form_data()
        self.wall.unpublish()
        self.assertEqual(self.client.post(self.post_url, data).status_code, 404)
        self.assertFalse(Message.objects.exists())

    def test_a_restricted_wall_posts_to_its_route_and_the_plain_url_sends_it_there(self) -> None:
        for page, kind in ((self.campaign, "password"), (self.wall, "login")):
            with self.subTest(kind):
                data = self.form_data()
                PageViewRestriction.objects.create(
                    page=page,
                    restriction_type=kind,
                    password="secret" if kind == "password" else "",
                )
                # The form itself is behind the restriction now (a password form, a login).
                self.assertFalse(list(parse(self.client.get(self.write_url)).iter("textarea")))
                response = self.client.post(self.post_url, data)
                self.assertEqual(response.status_code, 307)  # the browser sends the POST again
                self.assertEqual(response["Location"], self.write_url)
                # ...where Wagtail asks for the password or the login, and stores nothing.
                routed = self.client.post(self.write_url, data)
                self.assertNotIn("posted=", routed.get("Location", ""))
                self.assertFalse(Message.objects.exists())
                PageViewRestriction.objects.all().delete()

    def test_the_form_of_a_wall_with_a_restriction_is_sent_to_its_route(self) -> None:
        PageViewRestriction.objects.create(
            page=self.campaign, restriction_type=PageViewRestriction.LOGIN
        )
        self.client.force_login(_user())
        self.assertEqual(form_action(self.client.get(self.write_url)), self.write_url)

    def test_a_hosts_own_serving_hook_sends_the_form_through_the_route(self) -> None:
        from wagtail import hooks

        served = []

        def guard(page: Any, request: Any, *args: Any, **kwargs: Any) -> None:
            served.append(page.pk)

        data = self.form_data()
        with hooks.register_temporarily("before_serve_page", guard):
            self.assertEqual(form_action(self.client.get(self.write_url)), self.write_url)
            response = self.client.post(self.post_url, data)
            self.assertEqual(response.status_code, 307)
            self.assertEqual(response["Location"], self.write_url)
            routed = self.client.post(self.write_url, data)
        self.assertRedirects(routed, self.wall.url + LIVE, fetch_redirect_response=False)
        self.assertIn(self.wall.pk, served)  # the host's hook saw the post

    def test_a_wall_of_another_site_is_not_found(self) -> None:
        other_home = HostHomePage(title="Other home", slug="other-home")
        Page.get_first_root_node().add_child(instance=other_home)
        Site.objects.create(hostname="other.example", port=80, root_page=other_home)
        other_wall = make_wall(other_home, slug="other-wall")
        url = reverse("wagtail_campaign:wall_write", args=[other_wall.pk])
        data = self.form_data()
        # Its own host reaches it; ours (the default site) does not.
        self.assertEqual(self.client.post(url, data, HTTP_HOST="localhost").status_code, 404)
        self.assertFalse(Message.objects.exists())

    def test_closed_wall_stores_nothing(self) -> None:
        data = self.form_data()
        self.traveller.move_to(WINDOW_END)
        response = self.client.post(self.post_url, data)
        self.assertEqual(response.status_code, 200)
        self.assertContains(response, "The wall is closed for new messages.")
        self.assertFalse(Message.objects.exists())

    def test_cache_down_holds_the_message_and_sends_the_visitor_back(self) -> None:
        data = self.form_data()
        with (
            override_settings(CACHES=DOWN),
            self.assertLogs("wagtail_campaign.submission", "WARNING"),
        ):
            response = self.client.post(self.post_url, data)
        review = self.wall.url + "?posted=review#wall-status"
        self.assertRedirects(response, review, fetch_redirect_response=False)
        self.assertIn("cache_unavailable", Message.objects.get().reasons)


def _user() -> Any:
    from django.contrib.auth import get_user_model

    return get_user_model().objects.create_user("reader", password="x")  # noqa: S106


class PostingWindowTests(WallTestCase):
    """``posting_open_now`` (no query with the wall's own dates) agrees with ``is_open_now``."""

    def test_agrees_at_the_edges_of_both_windows(self) -> None:
        own = (dt.date(2015, 12, 3), dt.date(2015, 12, 8))
        for opens_on, closes_on, zone in [
            (None, None, ""),  # the campaign's window
            (*own, ""),  # own dates in the campaign's time zone
            (*own, "UTC"),
            (*own, "America/St_Johns"),
            (own[1], own[0], "UTC"),  # last day before the first: no window, closed
        ]:
            walls = type(self.wall).objects.filter(pk=self.wall.pk)
            # update(): the admin would refuse the last window, a wall may still hold one.
            walls.update(opens_on=opens_on, closes_on=closes_on, time_zone=zone)
            wall = walls.get()
            for instant in [
                WINDOW_START - dt.timedelta(microseconds=1),
                WINDOW_START,
                dt.datetime(2015, 12, 2, 18, 59, 59, tzinfo=dt.UTC),
                dt.datetime(2015, 12, 2, 23, 59, 59, tzinfo=dt.UTC),
                dt.datetime(2015, 12, 3, 0, 0, tzinfo=dt.UTC),
                dt.datetime(2015, 12, 3, 3, 30, tzinfo=dt.UTC),
                dt.datetime(2015, 12, 9, 0, 0, tzinfo=dt.UTC),
                dt.datetime(2015, 12, 9, 3, 29, 59, tzinfo=dt.UTC),
                dt.datetime(2015, 12, 9, 3, 30, tzinfo=dt.UTC),
                WINDOW_END - dt.timedelta(microseconds=1),
                WINDOW_END,
            ]:
                with self.subTest(window=(opens_on, closes_on, zone), at=instant):
                    self.traveller.move_to(instant)
                    self.assertEqual(wall.posting_open_now(), wall.is_open_now()[1])

    def test_no_query_with_the_walls_own_dates_and_time_zone(self) -> None:
        self.wall.opens_on, self.wall.closes_on = dt.date(2015, 12, 3), dt.date(2015, 12, 8)
        self.wall.time_zone = "Asia/Karachi"
        self.wall.save()
        wall = type(self.wall).objects.get(pk=self.wall.pk)
        with self.assertNumQueries(0):
            self.assertTrue(wall.posting_open_now())
