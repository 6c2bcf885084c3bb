"""Query counts that must not grow with data, system checks, sitemap and search."""

from __future__ import annotations

from django.core import checks
from django.db import connection
from django.test import TestCase, override_settings
from django.test.utils import CaptureQueriesContext
from wagtail.models import Page

from tests.plugin import utils
from wagtail_campaign.models import CampaignPage, TimelineEvent


class QueryCountTests(TestCase):
    """A campaign page showing a whole timeline and ten charts."""

    @classmethod
    def setUpTestData(cls) -> None:
        cls.home = utils.host_home()
        cls.image = utils.make_image()
        cls.series = [utils.make_series(title=f"Series {n}") for n in range(10)]

    def page_with_events(self, count: int) -> CampaignPage:
        timeline = utils.make_timeline(self.home, events=count, slug=f"timeline-{count}")
        TimelineEvent.objects.filter(page=timeline).update(image=self.image, image_alt="A photo")
        body = [("chart", {"series": s, "kind": "", "takeaway": ""}) for s in self.series]
        body.append(
            (
                "timeline_excerpt",
                {"timeline": timeline, "category": "", "limit": 0, "newest_first": False},
            )
        )
        return utils.make_campaign(self.home, slug=f"campaign-{count}", body=body)

    def render(self, page: CampaignPage) -> str:
        response = self.client.get(page.url)
        self.assertEqual(response.status_code, 200)
        return response.content.decode()

    def test_query_count_does_not_grow_with_events(self) -> None:
        small, large = self.page_with_events(20), self.page_with_events(200)
        self.render(small)  # first renders create image renditions
        self.render(large)
        with CaptureQueriesContext(connection) as baseline:
            html = self.render(small)
        self.assertEqual(html.count('class="wc-event"'), 20)
        with self.assertNumQueries(len(baseline.captured_queries)):
            html = self.render(large)
        self.assertEqual(html.count('class="wc-event"'), 200)
        self.assertEqual(html.count('role="img"'), 10, html[:3000])


class SystemCheckTests(TestCase):
    def ids(self) -> set[str]:
        return {message.id for message in checks.run_checks() if message.id}

    def test_default_setup_is_clean(self) -> None:
        self.assertFalse({i for i in self.ids() if i.startswith("wagtail_campaign.")})

    @override_settings(WAGTAIL_CAMPAIGN={"BASE_TEMPLATE": "no/such/base.html"})
    def test_missing_base_template_warns_with_a_hint(self) -> None:
        found = [m for m in checks.run_checks() if m.id == "wagtail_campaign.W001"]
        self.assertEqual(len(found), 1)
        self.assertIn("BASE_TEMPLATE", found[0].hint)

    @override_settings(WAGTAIL_CAMPAIGN={"BASE_TEMPLATE": "wagtail_campaign/blocks/heading.html"})
    def test_base_template_without_content_block_warns(self) -> None:
        self.assertIn("wagtail_campaign.W003", self.ids())

    @override_settings(WAGTAIL_CAMPAIGN={"BASE_TEMPLTE": "base.html"})
    def test_unknown_key_is_an_error(self) -> None:
        self.assertIn("wagtail_campaign.E002", self.ids())

    @override_settings(WAGTAIL_CAMPAIGN={"SHARE_NETWORKS": ["x", "myspace"]})
    def test_unknown_share_network_is_an_error(self) -> None:
        self.assertIn("wagtail_campaign.E004", self.ids())

    @override_settings(WAGTAIL_CAMPAIGN=["base.html"])
    def test_setting_must_be_a_dict(self) -> None:
        self.assertIn("wagtail_campaign.E001", self.ids())

    @override_settings(WAGTAIL_CAMPAIGN={"BASE_TEMPLATE": ""})
    def test_empty_base_template_is_an_error(self) -> None:
        self.assertIn("wagtail_campaign.E003", self.ids())


class SitemapAndSearchTests(TestCase):
    @classmethod
    def setUpTestData(cls) -> None:
        cls.home = utils.host_home()
        cls.campaign = utils.make_campaign(cls.home)
        cls.timeline = utils.make_timeline(cls.campaign, events=2)

    def test_sitemap_lists_campaign_and_timeline(self) -> None:
        xml = self.client.get("/sitemap.xml").content.decode()
        self.assertIn("http://localhost/campaign/", xml)
        self.assertIn("http://localhost/campaign/timeline/", xml)

    def test_pages_are_searchable_by_their_own_fields(self) -> None:
        # "persecuted" is only in the campaign's summary; "happened" only in event texts.
        found = Page.objects.live().search("persecuted")
        self.assertEqual([page.pk for page in found], [self.campaign.pk])
        found = Page.objects.live().search("happened")
        self.assertEqual([page.pk for page in found], [self.timeline.pk])
