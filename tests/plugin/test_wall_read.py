"""Reading a wall: rendering, hostile markup, reports, keyset pagination, the feed, headers."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

from django.test import Client, override_settings
from django.urls import reverse
from wagtail.models import PageViewRestriction

import wagtail_campaign
from ahmadi_campaign.sanitize import text_to_html
from tests.plugin.test_wall_helpers import (
    OPEN_AT,
    add_messages,
    by_class,
    executable_markup,
    parse,
    text_of,
)
from tests.plugin.test_wall_write import WallTestCase
from wagtail_campaign.models import Message, MessageFlag, MessageStatus
from wagtail_campaign.submission import Incoming, judge_and_store

HOSTILE = (
    '<p>Hi<script>alert(1)</script><img src="x" onerror="alert(2)">'
    '<a href="javascript:alert(3)">click</a><a href="JaVa&#x09;script:alert(4)">tab</a>'
    '<svg onload="alert(5)"></svg><iframe src="https://evil.example"></iframe>'
    '<p style="color:red" onclick="alert(6)">styled</p></p>'
)
PUBLIC_FIELDS = {
    "id",
    "kind",
    "kind_label",
    "display_name",
    "country",
    "country_name",
    "language",
    "body",
    "created_at",
    "source",
    "source_url",
    "featured",
}


def message_ids(response: Any) -> list[int]:
    return [
        int(li.get("id", "").removeprefix("message-"))
        for li in by_class(parse(response), "wc-message")
        if li.get("id")
    ]


def older_link(response: Any) -> str | None:
    return next((a.get("href") for a in parse(response).iter("a") if a.get("rel") == "next"), None)


class RenderingTests(WallTestCase):
    def test_hostile_markup_never_becomes_executable(self) -> None:
        # A row that skipped the form (a faulty import, a restored backup) is sanitised
        # again when shown: stored HTML is never trusted.
        Message.objects.create(
            wall=self.wall,
            status=MessageStatus.APPROVED,
            kind="support",
            display_name='<img src=x onerror="alert(7)">',
            body=HOSTILE,
            text="Hi",
            source_id="hostile",
            source_url="javascript:alert(8)",
        )
        page = self.client.get(self.wall.url)
        self.assertEqual(page.status_code, 200)
        self.assertEqual(executable_markup(parse(page)), [])
        self.assertEqual([e.get("style") for e in parse(page).iter() if e.get("style")], [])
        self.assertIn('<img src=x onerror="alert(7)">', text_of(parse(page)))
        self.assertNotIn("Original post", text_of(next(by_class(parse(page), "wc-message"))))
        feed = self.client.get(reverse("wagtail_campaign:wall_feed", args=[self.wall.pk]))
        item = feed.json()["messages"][0]
        self.assertEqual(executable_markup(parse(item["body"])), [])
        self.assertIn("styled", item["body"])
        self.assertEqual(item["source_url"], "")

    def test_submitted_hostile_text_renders_as_text(self) -> None:
        text = '<script>alert(1)</script> <a href="javascript:alert(2)">x</a> javascript:alert(3)'
        outcome = judge_and_store(
            self.wall,
            Incoming(
                text=text,
                html=text_to_html(text),
                kind="support",
                created_at=OPEN_AT,
            ),
        )
        self.assertTrue(outcome.live)
        for content in (
            self.client.get(self.wall.url).content.decode(),
            self.client.get(self.wall.url + "messages-json/").json()["messages"][0]["body"],
        ):
            self.assertEqual(executable_markup(parse(content)), [])

    def test_urdu_message_is_shown_with_automatic_direction(self) -> None:
        urdu = "ہم آپ کے ساتھ ہیں"
        Message.objects.create(
            wall=self.wall,
            status=MessageStatus.APPROVED,
            kind="support",
            display_name="عائشہ",
            language="ur",
            body=f"<p>{urdu}</p>",
            text=urdu,
            source_id="urdu",
        )
        tree = parse(self.client.get(self.wall.url))
        body = next(by_class(tree, "wc-message__body"))
        self.assertEqual(body.get("dir"), "auto")
        self.assertEqual(text_of(body), urdu)
        self.assertEqual(next(by_class(tree, "wc-message__name")).tag, "bdi")
        self.assertEqual(next(by_class(tree, "wc-message")).find("article").get("lang"), "ur")

    def test_only_approved_messages_are_shown(self) -> None:
        shown = add_messages(self.wall, 2, prefix="ok")
        for status in ("pending", "rejected", "spam", "hidden"):
            add_messages(self.wall, 1, prefix=status, status=status)
        page = self.client.get(self.wall.url)
        self.assertEqual(sorted(message_ids(page)), sorted(m.pk for m in shown))

    def test_statistics_count_approved_messages_by_country_and_kind(self) -> None:
        add_messages(self.wall, 3, prefix="pk", country="PK", kind="support")
        add_messages(self.wall, 2, prefix="gb", country="GB", kind="thanks")
        add_messages(self.wall, 1, prefix="none", kind="thanks")
        add_messages(self.wall, 4, prefix="held", country="DE", status="pending")
        response = self.client.get(self.wall.url)
        stats = response.context["stats"]
        self.assertEqual(stats["total"], 6)
        self.assertEqual(stats["countries"], 2)
        self.assertEqual(stats["by_country"], [("PK", 3), ("GB", 2)])
        self.assertEqual(
            [(k, n) for k, _label, n in stats["by_kind"]], [("support", 3), ("thanks", 3)]
        )
        tree = parse(response)
        lists = {ul.get("data-wc-stats"): ul for ul in by_class(tree, "wc-wall-stats__list")}
        self.assertEqual(
            [text_of(li) for li in lists["country"].iter("li")],
            ["Pakistan: 3", "United Kingdom: 2"],
        )
        self.assertEqual(
            [text_of(li) for li in lists["kind"].iter("li")], ["Support: 3", "Thanks: 3"]
        )
        self.assertIn("6 messages from 2 countries.", text_of(tree))


class PaginationTests(WallTestCase):
    def test_older_messages_links_walk_every_message_once(self) -> None:
        # Five messages share one timestamp, so the id must break the tie.
        made = add_messages(self.wall, 40, prefix="a")
        made += add_messages(
            self.wall, 5, prefix="tie", start=OPEN_AT + dt.timedelta(hours=1), step=dt.timedelta(0)
        )
        expected = [m.pk for m in sorted(made, key=lambda m: (m.created_at, m.pk), reverse=True)]
        seen: list[int] = []
        url: str | None = self.wall.url
        pages = 0
        while url:
            response = self.client.get(url)
            self.assertEqual(response.status_code, 200)
            seen += message_ids(response)
            url = older_link(response)
            pages += 1
            if pages == 1:
                # Visitors post while someone is reading: the next pages do not shift.
                add_messages(self.wall, 7, prefix="new", start=OPEN_AT + dt.timedelta(days=1))
        self.assertEqual(pages, 3)
        self.assertEqual(seen, expected)

    def test_tampered_cursor_shows_a_clear_message(self) -> None:
        add_messages(self.wall, 25)
        link = older_link(self.client.get(self.wall.url))
        assert link
        cursor = link.split("before=", 1)[1]
        for bad in (
            cursor[:-2] + ("AA" if not cursor.endswith("AA") else "BB"),
            "garbage",
            "%00" * 40,
        ):
            with self.subTest(bad):
                response = self.client.get(f"{self.wall.url}?before={bad}")
                self.assertEqual(response.status_code, 200)
                self.assertIn("That link to older messages is not valid.", text_of(parse(response)))
                self.assertEqual(len(message_ids(response)), 20)

    def test_cursor_of_another_wall_is_refused(self) -> None:
        from tests.plugin.test_wall_helpers import make_wall

        other = make_wall(self.campaign, slug="other-wall")
        add_messages(other, 25, prefix="o")
        link = older_link(self.client.get(other.url))
        assert link
        response = self.client.get(self.wall.url + "?" + link.split("?", 1)[1])
        self.assertIn("That link to older messages is not valid.", text_of(parse(response)))


class ReportTests(WallTestCase):
    def setUp(self) -> None:
        super().setUp()
        self.message = add_messages(self.wall, 1)[0]
        self.report_url = f"{self.wall.url}report/{self.message.pk}/"

    def report_as(self, address: str, agent: str = "Firefox") -> Any:
        client = Client(enforce_csrf_checks=True, REMOTE_ADDR=address, HTTP_USER_AGENT=agent)
        form = client.get(self.report_url)
        self.assertEqual(form.status_code, 200)
        token = next(i for i in parse(form).iter("input") if i.get("name") == "csrfmiddlewaretoken")
        return client.post(self.report_url, {"csrfmiddlewaretoken": token.get("value")})

    def status(self) -> str:
        self.message.refresh_from_db()
        return self.message.status

    def test_report_needs_post_and_csrf(self) -> None:
        client = Client(enforce_csrf_checks=True)
        self.assertEqual(client.get(self.report_url).status_code, 200)
        self.assertEqual(client.post(self.report_url).status_code, 403)
        self.assertFalse(MessageFlag.objects.exists())
        response = self.report_as("192.0.2.1")
        self.assertRedirects(
            response, self.wall.url + "?posted=reported#wall-status", fetch_redirect_response=False
        )
        self.assertEqual(MessageFlag.objects.count(), 1)

    def test_hidden_after_reports_from_distinct_visitors(self) -> None:
        self.assertEqual(self.wall.flag_threshold, 3)
        self.report_as("192.0.2.1")
        self.report_as("192.0.2.1")  # the same visitor again counts once
        self.report_as("192.0.2.2")
        self.assertEqual(self.status(), MessageStatus.APPROVED)
        self.assertEqual(self.message.flag_count, 2)
        # Reporters are counted by network: the same address in another browser counts once.
        self.report_as("192.0.2.2", agent="Chromium")
        self.assertEqual(self.status(), MessageStatus.APPROVED)
        self.report_as("192.0.2.3")
        self.assertEqual(self.status(), MessageStatus.HIDDEN)
        self.assertEqual(self.message.flag_count, 3)
        self.assertNotIn(self.message.pk, message_ids(self.client.get(self.wall.url)))
        self.assertEqual(self.client.get(self.report_url).status_code, 404)

    def test_one_network_rotating_its_user_agent_cannot_report_without_limit(self) -> None:
        self.wall.flag_threshold = 100
        self.wall.save()
        targets = add_messages(self.wall, 11, prefix="target")
        for n, target in enumerate(targets):
            self.report_url = f"{self.wall.url}report/{target.pk}/"
            response = self.report_as("192.0.2.50", agent=f"Bot/{n}")
            if n < 10:
                self.assertEqual(response.status_code, 302)
        self.assertEqual(response.status_code, 200)
        self.assertIn("You have sent many reports", text_of(parse(response)))
        self.assertEqual(MessageFlag.objects.count(), 10)
        self.assertEqual(self.report_as("192.0.2.51").status_code, 302)  # others still can

    def test_unknown_or_hidden_message(self) -> None:
        response = self.client.post(f"{self.wall.url}report/{self.message.pk + 1000}/")
        self.assertEqual(response.status_code, 404)
        self.assertContains(response, "This message is not on the wall", status_code=404)


class FeedTests(WallTestCase):
    def setUp(self) -> None:
        super().setUp()
        self.feed_url = reverse("wagtail_campaign:wall_feed", args=[self.wall.pk])

    def test_wall_page_points_the_script_at_the_plain_feed(self) -> None:
        self.assertEqual(self.feed_url, f"/campaign/walls/{self.wall.pk}/messages.json")
        article = next(by_class(parse(self.client.get(self.wall.url)), "wc-wall"))
        self.assertEqual(article.get("data-wc-feed"), self.feed_url)

    def test_approved_only_public_fields_only(self) -> None:
        add_messages(self.wall, 3, prefix="ok", fingerprint="f" * 32, reasons=["shouting"])
        add_messages(self.wall, 2, prefix="held", status="pending", fingerprint="f" * 32)
        response = self.client.get(self.feed_url)
        self.assertEqual(response.status_code, 200)
        self.assertEqual(response["Content-Type"], "application/json")
        data = response.json()
        self.assertEqual(len(data["messages"]), 3)
        for item in data["messages"]:
            self.assertEqual(set(item), PUBLIC_FIELDS)
        self.assertNotIn("f" * 32, response.content.decode())
        self.assertNotIn("shouting", response.content.decode())
        self.assertNotIn("held", response.content.decode())

    def test_after_and_before_cursors(self) -> None:
        made = add_messages(self.wall, 30)
        newest_first = [m.pk for m in reversed(made)]
        first = self.client.get(self.feed_url).json()
        self.assertEqual([m["id"] for m in first["messages"]], newest_first[:20])
        older = self.client.get(self.feed_url, {"before": first["before"]}).json()
        self.assertEqual([m["id"] for m in older["messages"]], newest_first[20:])
        self.assertEqual(older["before"], "")
        nothing_new = self.client.get(self.feed_url, {"after": first["after"]}).json()
        self.assertEqual(nothing_new["messages"], [])
        self.assertEqual(nothing_new["after"], first["after"])
        fresh = add_messages(self.wall, 2, prefix="new", start=OPEN_AT + dt.timedelta(hours=1))
        news = self.client.get(self.feed_url, {"after": first["after"]}).json()
        self.assertEqual([m["id"] for m in news["messages"]], [fresh[1].pk, fresh[0].pk])
        self.assertFalse(news["more_after"])

    def test_bad_cursor_is_a_clear_400(self) -> None:
        response = self.client.get(self.feed_url, {"after": "nonsense"})
        self.assertEqual(response.status_code, 400)
        self.assertIn("cursor is not valid", response.json()["error"])

    def test_etag_cache_control_and_304(self) -> None:
        add_messages(self.wall, 3)
        response = self.client.get(self.feed_url)
        etag = response["ETag"]
        self.assertRegex(etag, r'^"[0-9a-f]+"$')
        self.assertIn("max-age=5", response["Cache-Control"])
        self.assertIn("public", response["Cache-Control"])
        again = self.client.get(self.feed_url, HTTP_IF_NONE_MATCH=etag)
        self.assertEqual(again.status_code, 304)
        self.assertEqual(again.content, b"")
        self.assertEqual(again["ETag"], etag)
        # A new message, or a moderator hiding one, changes the ETag.
        add_messages(self.wall, 1, prefix="new", start=OPEN_AT + dt.timedelta(hours=1))
        self.assertEqual(self.client.get(self.feed_url, HTTP_IF_NONE_MATCH=etag).status_code, 200)
        etag = self.client.get(self.feed_url)["ETag"]
        Message.objects.filter(text="Message new0").update(status=MessageStatus.HIDDEN)
        self.assertEqual(self.client.get(self.feed_url, HTTP_IF_NONE_MATCH=etag).status_code, 200)

    def test_page_route_serves_the_same_feed(self) -> None:
        add_messages(self.wall, 3)
        route = self.wall.url + "messages-json/"
        plain = self.client.get(self.feed_url).json()
        routed = self.client.get(route)
        self.assertEqual(routed.json()["messages"], plain["messages"])
        self.assertEqual(self.client.get(route, HTTP_IF_NONE_MATCH=routed["ETag"]).status_code, 304)

    def test_unknown_draft_or_restricted_walls_have_no_plain_feed(self) -> None:
        add_messages(self.wall, 2)
        missing = reverse("wagtail_campaign:wall_feed", args=[self.wall.pk + 1000])
        self.assertEqual(self.client.get(missing).status_code, 404)
        PageViewRestriction.objects.create(
            page=self.campaign, restriction_type=PageViewRestriction.PASSWORD, password="secret"
        )
        self.assertEqual(self.client.get(self.feed_url).status_code, 404)
        article = next(by_class(parse(self.client.get(self.wall.url)), "wc-wall"), None)
        self.assertIsNone(article)  # Wagtail asks for the password first
        PageViewRestriction.objects.all().delete()
        self.assertEqual(self.client.get(self.feed_url).status_code, 200)
        self.wall.unpublish()
        self.assertEqual(self.client.get(self.feed_url).status_code, 404)
        self.assertEqual(self.client.post(self.feed_url).status_code, 405)

    def test_restricted_wall_uses_its_own_route(self) -> None:
        restriction = PageViewRestriction.objects.create(
            page=self.wall, restriction_type=PageViewRestriction.LOGIN
        )
        self.assertTrue(restriction.pk)
        from django.contrib.auth import get_user_model

        user = get_user_model().objects.create_user("reader", password="pw")
        self.client.force_login(user)
        article = next(by_class(parse(self.client.get(self.wall.url)), "wc-wall"))
        self.assertEqual(article.get("data-wc-feed"), self.wall.url + "messages-json/")
        self.assertIn("private", self.client.get(self.wall.url + "messages-json/")["Cache-Control"])


TEMPLATES = Path(wagtail_campaign.__file__).parent / "templates" / "wagtail_campaign"
WALL_TEMPLATES = [
    *sorted((TEMPLATES / "pages").glob("message_wall_*.html")),
    TEMPLATES / "includes" / "wall_message.html",
]


@override_settings(SECURE_CONTENT_TYPE_NOSNIFF=False, SECURE_REFERRER_POLICY=None)
class SecurityHeaderTests(WallTestCase):
    """Django's SecurityMiddleware is told to stay quiet: the headers must come from the wall."""

    def assert_secure(self, response: Any) -> None:
        policy = response["Content-Security-Policy"]
        directives = {
            part.split()[0]: part.split()[1:] for part in policy.split(";") if part.strip()
        }
        self.assertEqual(directives["script-src"], ["'self'"])
        self.assertNotIn("'unsafe-inline'", policy)
        self.assertEqual(directives["object-src"], ["'none'"])
        self.assertEqual(response["Referrer-Policy"], "same-origin")
        self.assertEqual(response["X-Content-Type-Options"], "nosniff")

    @override_settings(WAGTAIL_CAMPAIGN={"MIN_FILL_SECONDS": 0})
    def test_every_wall_response_carries_the_headers(self) -> None:
        from tests.plugin.test_wall_helpers import post_message

        message = add_messages(self.wall, 1)[0]
        report = f"{self.wall.url}report/{message.pk}/"
        responses = {
            "read": self.client.get(self.wall.url),
            "older, bad cursor": self.client.get(self.wall.url + "?before=x"),
            "write form": self.client.get(self.wall.url + "write/"),
            "write error": self.client.post(self.wall.url + "write/", {"body": ""}),
            "write success": post_message(self.client, self.wall, "Hello there"),
            "report form": self.client.get(report),
            "report done": self.client.post(report),
            "report missing": self.client.get(f"{self.wall.url}report/0/"),
            "feed": self.client.get(reverse("wagtail_campaign:wall_feed", args=[self.wall.pk])),
            "feed 400": self.client.get(
                reverse("wagtail_campaign:wall_feed", args=[self.wall.pk]), {"after": "x"}
            ),
            "feed 404": self.client.get(reverse("wagtail_campaign:wall_feed", args=[0])),
            "feed route": self.client.get(self.wall.url + "messages-json/"),
        }
        self.assertEqual(responses["write success"].status_code, 302)
        self.assertEqual(responses["report done"].status_code, 302)
        for name, response in responses.items():
            with self.subTest(name):
                self.assert_secure(response)

    def test_rendered_wall_pages_need_no_inline_script_or_style(self) -> None:
        message = add_messages(self.wall, 1)[0]
        for url in (
            self.wall.url,
            self.wall.url + "write/",
            f"{self.wall.url}report/{message.pk}/",
        ):
            with self.subTest(url):
                tree = parse(self.client.get(url))
                for element in tree.iter():
                    if element.tag == "script" and element.get("type") != "application/ld+json":
                        self.assertTrue(element.get("src"), "inline script")
                        self.assertFalse("".join(element.itertext()).strip())
                    self.assertFalse([a for a in element.attrib if a.startswith("on")])
                    self.assertIsNone(element.get("style"))

    def test_wall_templates_contain_no_inline_script_handlers_or_styles(self) -> None:
        self.assertEqual(len(WALL_TEMPLATES), 4)
        for template in WALL_TEMPLATES:
            source = template.read_text()
            with self.subTest(template.name):
                self.assertNotRegex(source, r"<script(?![^>]*\bsrc=)")
                self.assertNotRegex(source, r"\son[a-z]+\s*=")
                self.assertNotRegex(source, r"\sstyle\s*=")
                self.assertNotIn("|safe", source)
                self.assertNotIn("javascript:", source)


class ScriptTests(WallTestCase):
    SCRIPT = Path(wagtail_campaign.__file__).parent / "static" / "wagtail_campaign" / "wall.js"

    def test_script_is_small_and_announces_politely(self) -> None:
        source = self.SCRIPT.read_bytes()
        self.assertLess(len(source), 5 * 1000)
        self.assertNotIn(b"import ", source)
        self.assertNotIn(b"http", source.replace(b"https?:", b""))  # nothing from other hosts
        self.assertIn(b"[data-wc-live]", source)
        self.assertIn(b"data-wc-feed", source)
        live = next(
            e for e in parse(self.client.get(self.wall.url)).iter() if "data-wc-live" in e.attrib
        )
        self.assertEqual(live.get("aria-live"), "polite")

    def test_only_the_newest_page_polls(self) -> None:
        add_messages(self.wall, 25)
        newest = self.client.get(self.wall.url)
        listing = next(by_class(parse(newest), "wc-wall__messages"))
        self.assertIn("data-wc-poll", listing.attrib)
        self.assertTrue(listing.get("data-wc-after"))
        older = self.client.get(older_link(newest) or "")
        self.assertNotIn("data-wc-poll", next(by_class(parse(older), "wc-wall__messages")).attrib)
        # An empty wall polls too, from the start, so its first message appears live.
        Message.objects.all().delete()
        empty = next(by_class(parse(self.client.get(self.wall.url)), "wc-wall__messages"))
        self.assertIn("data-wc-poll", empty.attrib)
        self.assertEqual(empty.get("data-wc-after"), "")
