"""Moderation in the Wagtail admin: listing, filters, bulk actions, audit log, permissions,
dashboard and export."""

from __future__ import annotations

import csv
import datetime as dt
import io
import uuid
from typing import Any
from unittest import mock

from django.contrib.auth.models import Group, Permission
from django.test import TestCase
from django.urls import reverse
from wagtail.models import GroupPagePermission, ModelLogEntry, Page
from wagtail.test.utils import WagtailTestUtils

from tests.plugin import utils
from wagtail_campaign.models import Message, MessageStatus, MessageWallPage
from wagtail_campaign.moderation import moderate, purge_walls

LIST_URL = "wagtailsnippets_wagtail_campaign_message:list"


def make_wall(parent: Page, slug: str, **fields: Any) -> MessageWallPage:
    wall = MessageWallPage(
        title=fields.pop("title", slug.title()),
        slug=slug,
        opens_on=dt.date(2015, 12, 1),
        closes_on=dt.date(2015, 12, 10),
        time_zone="Asia/Karachi",
        **fields,
    )
    parent.add_child(instance=wall)
    wall.save_revision().publish()
    return wall


def make_message(wall: MessageWallPage, text: str, **fields: Any) -> Message:
    defaults: dict[str, Any] = {
        "status": MessageStatus.PENDING,
        "kind": "support",
        "body": f"<p>{text}</p>",
        "text": text,
        "source_id": uuid.uuid4().hex,
    }
    defaults.update(fields)
    return Message.objects.create(wall=wall, **defaults)


def bulk_url(action: str, *messages: Message) -> str:
    url = reverse("wagtail_bulk_action", args=("wagtail_campaign", "message", action))
    return url + "?" + "&".join(f"id={m.pk}" for m in messages)


class ModerationAdminTests(WagtailTestUtils, TestCase):
    @classmethod
    def setUpTestData(cls) -> None:
        home = utils.host_home()
        cls.wall_a = make_wall(home, "wall-a")
        cls.wall_b = make_wall(home, "wall-b")
        cls.hostile = make_message(
            cls.wall_a,
            '<script>alert("x")</script> =HYPERLINK("http://evil.example")',
            display_name="<img src=x onerror=alert(1)>",
            country="PK",
            reasons=["too_many_links"],
        )
        cls.plain = make_message(cls.wall_a, "We stand with you", country="IN")
        cls.other = make_message(cls.wall_b, "Message on the other wall", country="US")
        cls.approved = make_message(cls.wall_b, "Already approved", status=MessageStatus.APPROVED)

        # A moderator of wall A only: message permissions plus "edit" on wall A's page.
        cls.moderators = Group.objects.create(name="Wall A moderators")
        cls.moderators.permissions.add(
            Permission.objects.get(codename="access_admin"),
            Permission.objects.get(codename="change_message"),
            Permission.objects.get(codename="view_message"),
        )
        GroupPagePermission.objects.create(
            group=cls.moderators,
            page=cls.wall_a,
            permission=Permission.objects.get(codename="change_page"),
        )
        cls.moderator = cls.create_user("moderator", password="pw")  # type: ignore[attr-defined]
        cls.moderator.groups.add(cls.moderators)
        cls.outsider = cls.create_user("outsider", password="pw")  # type: ignore[attr-defined]
        cls.outsider.user_permissions.add(Permission.objects.get(codename="access_admin"))

    # ------------------------------------------------------------ listing

    def test_listing_shows_messages_escaped(self) -> None:
        self.login()
        response = self.client.get(reverse(LIST_URL))
        self.assertEqual(response.status_code, 200)
        content = response.content.decode()
        self.assertIn("We stand with you", content)
        self.assertNotIn("<script>alert", content)
        self.assertNotIn("<img src=x", content)
        self.assertIn("&lt;script&gt;", content)

    def test_filters_narrow_the_listing(self) -> None:
        self.login()
        cases = {
            "status=approved": ({"Already approved"}, {"We stand with you"}),
            f"wall={self.wall_b.pk}": ({"Message on the other wall"}, {"We stand with you"}),
            "country=in": ({"We stand with you"}, {"Message on the other wall"}),
            "reason=too_many_links": ({"HYPERLINK"}, {"We stand with you"}),
            "kind=support&source=site": ({"We stand with you", "Already approved"}, set()),
        }
        for query, (present, absent) in cases.items():
            with self.subTest(query=query):
                response = self.client.get(reverse(LIST_URL) + "?" + query)
                self.assertEqual(response.status_code, 200)
                content = response.content.decode()
                for text in present:
                    self.assertIn(text, content)
                for text in absent:
                    self.assertNotIn(text, content)

    def test_search_finds_text(self) -> None:
        self.login()
        response = self.client.get(reverse(LIST_URL) + "?q=other+wall")
        content = response.content.decode()
        self.assertIn("Message on the other wall", content)
        self.assertNotIn("We stand with you", content)

    # ------------------------------------------------------------ bulk actions

    def test_bulk_approve_changes_status_and_writes_audit_log(self) -> None:
        user = self.login()
        url = bulk_url("wagtail_campaign_approve", self.plain, self.other)
        confirm = self.client.get(url)
        self.assertEqual(confirm.status_code, 200)
        self.assertContains(confirm, "We stand with you")
        response = self.client.post(url)
        self.assertEqual(response.status_code, 302)
        for message in (self.plain, self.other):
            message.refresh_from_db()
            self.assertEqual(message.status, MessageStatus.APPROVED)
            self.assertEqual(message.moderated_by, user)
            self.assertIsNotNone(message.moderated_at)
            self.assertTrue(
                ModelLogEntry.objects.filter(
                    object_id=str(message.pk), action="wagtail_campaign.message.approve"
                ).exists()
            )

    def test_each_bulk_action(self) -> None:
        self.login()
        expected = {
            "reject": ("status", MessageStatus.REJECTED),
            "spam": ("status", MessageStatus.SPAM),
            "hide": ("status", MessageStatus.HIDDEN),
            "feature": ("featured", True),
            "unfeature": ("featured", False),
        }
        for action, (field, value) in expected.items():
            with self.subTest(action=action):
                response = self.client.post(bulk_url(f"wagtail_campaign_{action}", self.plain))
                self.assertEqual(response.status_code, 302)
                self.plain.refresh_from_db()
                self.assertEqual(getattr(self.plain, field), value)

    def test_moderate_skips_unchanged_and_logs_once_each(self) -> None:
        user = self.create_superuser("boss")
        self.assertEqual(moderate([self.approved], "approve", user), 0)
        self.assertEqual(moderate([self.plain, self.hostile], "approve", user), 2)
        self.assertEqual(
            ModelLogEntry.objects.filter(action="wagtail_campaign.message.approve").count(), 2
        )

    # ------------------------------------------------------------ permissions per wall

    def test_moderator_sees_only_their_walls(self) -> None:
        self.client.force_login(self.moderator)
        response = self.client.get(reverse(LIST_URL))
        self.assertEqual(response.status_code, 200)
        self.assertContains(response, "We stand with you")
        self.assertNotContains(response, "Message on the other wall")

    def test_moderator_cannot_edit_or_bulk_moderate_another_wall(self) -> None:
        self.client.force_login(self.moderator)
        edit = reverse("wagtailsnippets_wagtail_campaign_message:edit", args=(self.other.pk,))
        self.assertEqual(self.client.get(edit).status_code, 404)
        for view in ("inspect", "history", "delete"):
            url = reverse(f"wagtailsnippets_wagtail_campaign_message:{view}", args=(self.other.pk,))
            self.assertEqual(self.client.get(url).status_code, 404, view)
        self.client.post(bulk_url("wagtail_campaign_approve", self.other, self.plain))
        self.other.refresh_from_db()
        self.plain.refresh_from_db()
        self.assertEqual(self.other.status, MessageStatus.PENDING)
        self.assertEqual(self.plain.status, MessageStatus.APPROVED)

    def test_moderator_can_edit_a_message_of_their_wall(self) -> None:
        self.client.force_login(self.moderator)
        edit = reverse("wagtailsnippets_wagtail_campaign_message:edit", args=(self.plain.pk,))
        self.assertEqual(self.client.get(edit).status_code, 200)

    def test_user_without_message_permission_gets_no_listing(self) -> None:
        self.client.force_login(self.outsider)
        response = self.client.get(reverse(LIST_URL))
        self.assertNotEqual(response.status_code, 200)

    # ------------------------------------------------------------ dashboard and menu

    def test_dashboard_and_menu_show_pending_count(self) -> None:
        self.client.force_login(self.moderator)
        response = self.client.get(reverse("wagtailadmin_home"))
        self.assertEqual(response.status_code, 200)
        # Wall A has two pending messages; wall B's are not this moderator's business.
        self.assertContains(response, "2 messages awaiting review")
        self.assertContains(response, "Messages (2)")

    # ------------------------------------------------------------ export

    def test_csv_export_streams_and_neutralises_formulas(self) -> None:
        self.login()
        response = self.client.get(reverse(LIST_URL) + f"?export=csv&wall={self.wall_a.pk}")
        self.assertEqual(response.status_code, 200)
        self.assertTrue(response.streaming)
        rows = list(csv.reader(io.StringIO(b"".join(response.streaming_content).decode())))
        texts = [row[8] for row in rows[1:]]
        self.assertEqual(len(texts), 2)
        self.assertIn("We stand with you", texts)
        hostile = next(t for t in texts if "HYPERLINK" in t)
        self.assertFalse(hostile.startswith("="))
        for row in rows[1:]:
            for cell in row:
                self.assertFalse(cell[:1] in "=+-@" and cell, cell)

    # ------------------------------------------------------------ front-end cache

    def test_moderation_purges_wall_and_feed_when_frontend_cache_is_installed(self) -> None:
        purged: list[list[str]] = []

        class RecordingBatch:
            def __init__(self) -> None:
                self.urls: list[str] = []

            def add_page(self, page: Page) -> None:
                self.urls.extend(page.full_url + p.lstrip("/") for p in page.get_cached_paths())

            def purge(self) -> None:
                purged.append(self.urls)

        with (
            mock.patch("wagtail_campaign.moderation.apps.is_installed", return_value=True),
            mock.patch("wagtail.contrib.frontend_cache.utils.PurgeBatch", RecordingBatch),
        ):
            moderate([self.plain], "approve", None)
        self.assertEqual(len(purged), 1)
        self.assertIn(self.wall_a.full_url, purged[0])
        self.assertTrue(any("json" in url for url in purged[0]), purged[0])

    def test_purge_failure_does_not_break_moderation(self) -> None:
        with (
            mock.patch("wagtail_campaign.moderation.apps.is_installed", return_value=True),
            mock.patch(
                "wagtail.contrib.frontend_cache.utils.PurgeBatch.purge",
                side_effect=RuntimeError("CDN down"),
            ),
            self.assertLogs("wagtail_campaign.moderation", "ERROR"),
        ):
            purge_walls([self.wall_a.pk])


def test_reason_filter_offers_only_codes_the_pipeline_stores() -> None:
    # Every code offered must be one a held message can carry; a typo would filter nothing.
    import inspect

    from ahmadi_campaign import moderation
    from wagtail_campaign import proof_of_work, submission
    from wagtail_campaign.viewsets import REASONS

    known = "".join(inspect.getsource(m) for m in (moderation, submission, proof_of_work))
    for code, _label in REASONS:
        assert f'"{code}"' in known, code
