"""Drop-in page types under a host site whose home page model is not ours."""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

import time_machine
from django.test import override_settings
from wagtail.models import Page
from wagtail.test.utils import WagtailPageTestCase
from wagtail.test.utils.form_data import inline_formset, nested_form_data, rich_text, streamfield

from tests.plugin import utils
from tests.testapp.models import HostHomePage
from wagtail_campaign.models import CampaignPage, TimelinePage

KARACHI_MIDNIGHT_UTC = dt.datetime(2015, 11, 30, 19, 0, tzinfo=dt.UTC)  # 1 Dec 00:00 +05:00


def every_block(series_pk: int, person_pk: int, timeline_pk: int, image_pk: int) -> Any:
    return streamfield(
        [
            ("heading", "What happened"),
            ("paragraph", rich_text("<p>A factory was burned.</p>")),
            ("image", {"image": image_pk, "alt_text": "Burned factory", "decorative": False}),
            (
                "statement",
                {
                    "quote": "We stand with you.",
                    "attribution": "A supporter",
                    "role": "",
                    "source_url": "https://example.org/statement",
                    "source_title": "Statement",
                },
            ),
            ("notable_person", person_pk),
            ("chart", {"series": series_pk, "kind": "bar", "takeaway": "2010 was the worst year."}),
            ("countdown", {"campaign": ""}),
            # A tuple stays one multi-valued field in nested_form_data.
            ("share_bar", {"text": "", "networks": ("x", "whatsapp"), "mastodon": True}),
            (
                "timeline_excerpt",
                {"timeline": timeline_pk, "category": "", "limit": 2, "newest_first": True},
            ),
            (
                "call_to_action",
                {
                    "heading": "Speak up",
                    "text": "Post a message.",
                    "button_label": "Write",
                    "page": "",
                    "url": "https://example.org/write",
                },
            ),
        ]
    )


def campaign_form(**overrides: Any) -> dict[str, Any]:
    data = {
        "title": "I stand with Ahmadis",
        "slug": "istandwithahmadis",
        "hashtags": "#IStandWithAhmadis #میں_احمدیوں_کے_ساتھ_ہوں",
        "start_date": "2015-12-01",
        "end_date": "2015-12-10",
        "time_zone": "Asia/Karachi",
        "summary": "Ten days of support for a persecuted minority.",
        "goal": rich_text("<p>Show that Pakistanis stand together.</p>"),
        "hero_image": "",
        "hero_image_alt": "",
        "body": streamfield([]),
        "before_body": streamfield([("paragraph", rich_text("<p>BEFORE-TEXT</p>"))]),
        "during_body": streamfield([("paragraph", rich_text("<p>DURING-TEXT</p>"))]),
        "after_body": streamfield([("paragraph", rich_text("<p>AFTER-TEXT</p>"))]),
        "seo_title": "",
        "search_description": "",
        "slug_url": "",
    }
    data.update(overrides)
    return nested_form_data(data)


class DropInTests(WagtailPageTestCase):
    @classmethod
    def setUpTestData(cls) -> None:
        cls.home = utils.host_home()
        cls.series = utils.make_series()
        cls.person = utils.make_person()
        cls.image = utils.make_image()
        cls.timeline = utils.make_timeline(cls.home, events=4)

    def setUp(self) -> None:
        self.user = self.login()

    def test_page_types_can_live_under_a_host_page(self) -> None:
        self.assertCanCreateAt(HostHomePage, CampaignPage)
        self.assertCanCreateAt(HostHomePage, TimelinePage)
        self.assertCanCreateAt(CampaignPage, TimelinePage)
        self.assertCanCreateAt(Page, CampaignPage)

    def test_campaign_page_created_in_admin_with_every_block_renders(self) -> None:
        body = every_block(self.series.pk, self.person.pk, self.timeline.pk, self.image.pk)
        form_data = campaign_form(**{"body": body})
        self.assertCanCreate(self.home, CampaignPage, form_data)
        page = CampaignPage.objects.get(slug="istandwithahmadis")
        self.assertEqual(page.hashtags, "#IStandWithAhmadis #میں_احمدیوں_کے_ساتھ_ہوں")
        self.assertEqual(
            [block.block_type for block in page.body],
            [
                "heading",
                "paragraph",
                "image",
                "statement",
                "notable_person",
                "chart",
                "countdown",
                "share_bar",
                "timeline_excerpt",
                "call_to_action",
            ],
        )
        page.save_revision().publish()
        self.assertPageIsRoutable(page)
        self.assertPageIsRenderable(page)
        self.assertPageIsPreviewable(page, post_data=form_data)
        response = self.client.get(page.url)
        self.assertEqual(response.status_code, 200)
        html = response.content.decode()
        for needle in [
            '<h1 dir="auto">I stand with Ahmadis</h1>',
            'class="wc-heading"',
            "A factory was burned.",
            'alt="Burned factory"',
            "We stand with you.",
            "Abdus Salam",
            'role="img"',
            "2010 was the worst year.",
            "<table>",
            'class="wc-chart__csv"',
            'class="wc-status wc-status--ended"',
            "https://x.com/intent/tweet?",
            "https://wa.me/?text=",
            'href="/istandwithahmadis/chart/',
            'name="instance"',
            'class="wc-timeline-excerpt"',
            "Event 3",
            "https://example.org/write",
            'rel="stylesheet"',
            'property="og:title"',
        ]:
            self.assertIn(needle, html)
        self.assertNotIn("Event 1<", html)  # limit 2, newest first: events 3 and 2 only
        self.assertNotIn("facebook.com", html)  # only the networks the editor chose

    def test_timeline_page_created_in_admin_with_inline_events(self) -> None:
        data = nested_form_data(
            {
                "title": "Persecution since 1974",
                "slug": "since-1974",
                "intro": rich_text("<p>Sourced events.</p>"),
                "events": inline_formset(
                    [
                        {
                            "year": "1974",
                            "month": "9",
                            "day": "7",
                            "headline": "Constitutional amendment",
                            "body": rich_text("<p>Declared non-Muslims.</p>"),
                            "category": "law",
                            "image": "",
                            "image_alt": "",
                            "sources": streamfield(
                                [("source", {"url": "https://example.org/1974", "title": "Report"})]
                            ),
                        },
                        {
                            "year": "1984",
                            "month": "",
                            "day": "",
                            "headline": "Ordinance XX",
                            "body": rich_text("<p>Further restrictions.</p>"),
                            "category": "law",
                            "image": "",
                            "image_alt": "",
                            "sources": streamfield([]),
                        },
                    ]
                ),
                "seo_title": "",
                "search_description": "",
                "slug_url": "",
            }
        )
        self.assertCanCreate(self.home, TimelinePage, data)
        page = TimelinePage.objects.get(slug="since-1974")
        self.assertEqual(page.events.count(), 2)
        response = self.client.get(page.url)
        self.assertContains(response, '<time class="wc-event__date" datetime="1974-09-07">')
        self.assertContains(response, "Constitutional amendment")


class PhaseTests(WagtailPageTestCase):
    """What visitors see at the edges of the window, in Asia/Karachi."""

    @classmethod
    def setUpTestData(cls) -> None:
        cls.home = utils.host_home()
        cls.page = utils.make_campaign(
            cls.home,
            before_body=[("paragraph", "<p>BEFORE-TEXT</p>")],
            during_body=[("paragraph", "<p>DURING-TEXT</p>")],
            after_body=[("paragraph", "<p>AFTER-TEXT</p>")],
        )

    def visit(self, instant: dt.datetime) -> str:
        with time_machine.travel(instant, tick=False):
            response = self.client.get(self.page.url)
        self.assertEqual(response.status_code, 200)
        return response.content.decode()

    def test_one_microsecond_before_start_is_upcoming(self) -> None:
        html = self.visit(KARACHI_MIDNIGHT_UTC - dt.timedelta(microseconds=1))
        self.assertIn("BEFORE-TEXT", html)
        self.assertNotIn("DURING-TEXT", html)
        self.assertIn("wc-status--upcoming", html)
        self.assertIn('datetime="P0DT0H0M"', html)

    def test_local_midnight_is_day_one(self) -> None:
        html = self.visit(KARACHI_MIDNIGHT_UTC)
        self.assertIn("DURING-TEXT", html)
        self.assertIn("Day 1 of 10", html)
        self.assertIn('datetime="P10DT0H0M"', html)

    def test_last_minute_is_day_ten(self) -> None:
        html = self.visit(KARACHI_MIDNIGHT_UTC + dt.timedelta(days=10, minutes=-1))
        self.assertIn("Day 10 of 10", html)
        self.assertIn("DURING-TEXT", html)

    def test_end_is_exclusive(self) -> None:
        html = self.visit(KARACHI_MIDNIGHT_UTC + dt.timedelta(days=10))
        self.assertIn("AFTER-TEXT", html)
        self.assertNotIn("DURING-TEXT", html)
        self.assertIn("wc-status--ended", html)
        self.assertNotIn("data-wc-countdown", html)

    def test_countdown_is_in_the_html_before_any_script(self) -> None:
        html = self.visit(KARACHI_MIDNIGHT_UTC - dt.timedelta(days=2, hours=3, minutes=4))
        self.assertIn('datetime="P2DT3H4M"', html)
        self.assertRegex(
            html, r'class="wc-countdown__n">2</span> <span class="wc-countdown__word">days'
        )
        self.assertIn('data-wc-target="2015-12-01T00:00:00+05:00"', html)


class TimelineExportTests(WagtailPageTestCase):
    @classmethod
    def setUpTestData(cls) -> None:
        cls.home = utils.host_home()
        cls.timeline = utils.make_timeline(cls.home, events=6)

    def test_timeline_json_uses_timelinejs3_field_names(self) -> None:
        response = self.client.get(self.timeline.url + "timeline-json/")
        self.assertEqual(response.status_code, 200)
        self.assertEqual(response["Content-Type"], "application/json")
        data = json.loads(response.content)
        self.assertEqual(set(data) - {"title"}, {"events"})
        self.assertEqual(len(data["events"]), 6)
        allowed_event_keys = {
            "start_date",
            "end_date",
            "text",
            "media",
            "group",
            "display_date",
            "background",
            "autolink",
            "unique_id",
        }
        allowed_date_keys = {
            "year",
            "month",
            "day",
            "hour",
            "minute",
            "second",
            "millisecond",
            "display_date",
        }
        for event in data["events"]:
            self.assertLessEqual(set(event), allowed_event_keys)
            self.assertLessEqual(set(event["start_date"]), allowed_date_keys)
            self.assertIn("year", event["start_date"])
            self.assertLessEqual(set(event["text"]), {"headline", "text"})
            self.assertTrue(event["unique_id"])
        self.assertEqual(len({e["unique_id"] for e in data["events"]}), 6)

    def test_json_ld_in_page_parses_and_names_types(self) -> None:
        html = self.client.get(self.timeline.url).content.decode()
        start = html.index('<script type="application/ld+json">') + len(
            '<script type="application/ld+json">'
        )
        data = json.loads(html[start : html.index("</script>", start)])
        self.assertEqual(data["@context"], "https://schema.org")
        self.assertEqual(data["@type"], "ItemList")
        self.assertEqual({item["item"]["@type"] for item in data["itemListElement"]}, {"Event"})

    def test_category_filter_works_without_javascript(self) -> None:
        html = self.client.get(self.timeline.url, {"category": "law"}).content.decode()
        self.assertIn("Event 1", html)
        self.assertNotIn("Event 2<", html)
        self.assertIn('aria-current="page"><bdi>law</bdi>', html)
        unknown = self.client.get(self.timeline.url, {"category": "<script>"})
        self.assertEqual(unknown.status_code, 200)
        self.assertNotIn("<script>", unknown.content.decode().split("application/ld+json")[0])

    def test_events_are_listed_by_date_not_by_editor_order(self) -> None:
        html = self.client.get(self.timeline.url).content.decode()
        positions = [html.index(f">Event {n}<") for n in range(6)]
        self.assertEqual(positions, sorted(positions))  # event n is 1974 + n
        self.assertIn('href="https://example.org/3"', html)


@override_settings(LANGUAGE_CODE="ur")
class UrduTests(WagtailPageTestCase):
    @classmethod
    def setUpTestData(cls) -> None:
        cls.home = utils.host_home()
        cls.page = utils.make_campaign(cls.home, hashtags="#میں_احمدیوں_کے_ساتھ_ہوں")

    def test_page_renders_right_to_left_with_urdu_hashtag(self) -> None:
        html = self.client.get(self.page.url, HTTP_ACCEPT_LANGUAGE="ur").content.decode()
        self.assertIn('lang="ur" dir="rtl"', html)
        self.assertIn('<bdi class="wc-hashtag">#میں_احمدیوں_کے_ساتھ_ہوں</bdi>', html)
        # Our strings come from the Urdu catalogue ("This campaign ran from ...").
        self.assertIn("یہ مہم", html)
        self.assertNotIn("This campaign ran from", html)


class MastodonShareTests(WagtailPageTestCase):
    @classmethod
    def setUpTestData(cls) -> None:
        cls.home = utils.host_home()
        cls.page = utils.make_campaign(cls.home)

    def test_valid_instance_redirects_to_its_share_page(self) -> None:
        response = self.client.get(
            self.page.url + "share/mastodon/", {"instance": "mastodon.social"}
        )
        self.assertEqual(response.status_code, 302)
        self.assertTrue(response["Location"].startswith("https://mastodon.social/share?text="))
        self.assertIn("Ten%20days%20of%20support", response["Location"])

    def test_hostile_instances_go_back_to_the_page(self) -> None:
        for instance in ["javascript:alert(1)", "evil.example/path", "user@host", "", "a b"]:
            with self.subTest(instance=instance):
                response = self.client.get(
                    self.page.url + "share/mastodon/", {"instance": instance}
                )
                self.assertEqual(response.status_code, 302)
                self.assertEqual(response["Location"], self.page.url + "?mastodon=invalid#share")

    def test_error_is_shown_next_to_the_form(self) -> None:
        page = utils.make_campaign(
            self.home,
            slug="with-share",
            body=[("share_bar", {"text": "", "networks": [], "mastodon": True})],
        )
        html = self.client.get(page.url, {"mastodon": "invalid"}).content.decode()
        self.assertIn('aria-invalid="true" aria-describedby="wc-mastodon-error"', html)
        self.assertIn("Enter the address of a Mastodon server", html)
        self.assertNotIn("wc-mastodon-error", self.client.get(page.url).content.decode())
