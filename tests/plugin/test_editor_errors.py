"""Bad editor input gives a clear form error, never a 500, and never loses saved content."""

from __future__ import annotations

from typing import Any

from django.urls import reverse
from wagtail.test.utils import WagtailPageTestCase
from wagtail.test.utils.form_data import inline_formset, nested_form_data, rich_text, streamfield

from tests.plugin import utils
from tests.plugin.test_pages import campaign_form
from wagtail_campaign.models import CampaignPage, TimelinePage


class CampaignFormErrorTests(WagtailPageTestCase):
    @classmethod
    def setUpTestData(cls) -> None:
        cls.home = utils.host_home()
        cls.existing = utils.make_campaign(cls.home, slug="existing")

    def setUp(self) -> None:
        self.login()

    def add(self, **overrides: Any) -> Any:
        url = reverse(
            "wagtailadmin_pages:add", args=("wagtail_campaign", "campaignpage", self.home.pk)
        )
        return self.client.post(url, campaign_form(**overrides))

    def test_end_before_start(self) -> None:
        response = self.add(start_date="2015-12-10", end_date="2015-12-01")
        self.assertEqual(response.status_code, 200)
        self.assertContains(response, "The last day cannot be before the first day.")
        self.assertFalse(CampaignPage.objects.filter(slug="istandwithahmadis").exists())

    def test_malformed_hashtags(self) -> None:
        for bad, message in [
            ("#stand-with", "can hold only letters, digits and underscores"),
            ("#12345", "cannot be only digits"),
            ("   ", "Enter at least one hashtag"),
        ]:
            with self.subTest(bad=bad):
                response = self.add(hashtags=bad)
                self.assertEqual(response.status_code, 200)
                self.assertContains(response, message)
        self.assertFalse(CampaignPage.objects.filter(slug="istandwithahmadis").exists())

    def test_call_to_action_needs_exactly_one_link(self) -> None:
        body = streamfield(
            [
                (
                    "call_to_action",
                    {"heading": "Act", "text": "", "button_label": "Go", "page": "", "url": ""},
                )
            ]
        )
        response = self.add(body=body)
        self.assertEqual(response.status_code, 200)
        self.assertContains(response, "Choose a page or enter an address")

    def test_invalid_edit_keeps_the_saved_page(self) -> None:
        url = reverse("wagtailadmin_pages:edit", args=(self.existing.pk,))
        data = campaign_form(
            title="Changed title", slug="existing", start_date="2016-01-10", end_date="2016-01-01"
        )
        response = self.client.post(url, data)
        self.assertEqual(response.status_code, 200)
        self.assertContains(response, "The last day cannot be before the first day.")
        fresh = CampaignPage.objects.get(pk=self.existing.pk)
        self.assertEqual(fresh.title, "I stand with Ahmadis")
        self.assertEqual(str(fresh.end_date), "2015-12-10")
        self.assertEqual(fresh.get_latest_revision().as_object().title, "I stand with Ahmadis")
        self.assertEqual(self.client.get(fresh.url).status_code, 200)


class TimelineFormErrorTests(WagtailPageTestCase):
    @classmethod
    def setUpTestData(cls) -> None:
        cls.home = utils.host_home()

    def setUp(self) -> None:
        self.login()

    def test_impossible_date_is_rejected(self) -> None:
        data = nested_form_data(
            {
                "title": "Timeline",
                "slug": "t",
                "intro": rich_text(""),
                "events": inline_formset(
                    [
                        {
                            "year": "2015",
                            "month": "2",
                            "day": "29",
                            "headline": "Not a day",
                            "body": rich_text(""),
                            "category": "",
                            "image": "",
                            "image_alt": "",
                            "sources": streamfield([]),
                        }
                    ]
                ),
                "seo_title": "",
                "search_description": "",
                "slug_url": "",
            }
        )
        url = reverse(
            "wagtailadmin_pages:add", args=("wagtail_campaign", "timelinepage", self.home.pk)
        )
        response = self.client.post(url, data)
        self.assertEqual(response.status_code, 200)
        self.assertContains(response, "2015-02 has no day 29")
        self.assertFalse(TimelinePage.objects.exists())
