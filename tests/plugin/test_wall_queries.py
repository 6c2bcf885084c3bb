"""Query counts of the wall and its feed do not grow with the number of messages."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db import connection
from django.test import override_settings
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from tests.plugin.test_wall_helpers import OPEN_AT, VALID, add_messages, form_action, form_fields
from tests.plugin.test_wall_write import WallTestCase
from wagtail_campaign.models import Message

#: Measured on SQLite; printed by the tests with ``-s``.
COUNTRIES = ["PK", "GB", "DE", "CA", "US", "", "IN", "NG"]
KINDS = ["support", "thanks"]


class QueryCountTests(WallTestCase):
    def fill(self, count: int) -> None:
        """``count`` approved messages of mixed countries and kinds, plus some held ones."""
        Message.objects.all().delete()
        for n, country in enumerate(COUNTRIES):
            share = count // len(COUNTRIES) + (1 if n < count % len(COUNTRIES) else 0)
            add_messages(
                self.wall,
                share,
                prefix=f"{count}-{n}-",
                start=OPEN_AT + dt.timedelta(milliseconds=n),
                step=dt.timedelta(milliseconds=len(COUNTRIES)),
                country=country,
                kind=KINDS[n % 2],
            )
        add_messages(self.wall, 5, prefix=f"held-{count}-", status="pending")
        self.assertEqual(Message.objects.visible().count(), count)

    def count_queries(self, url: str, **headers: Any) -> tuple[int, Any]:
        self.client.get(url, **headers)  # warm Wagtail's site root paths in the cache
        with CaptureQueriesContext(connection) as queries:
            response = self.client.get(url, **headers)
        return len(queries), response

    def test_wall_page_queries_do_not_grow_with_messages(self) -> None:
        counts = {}
        for size in (10, 10_000):
            self.fill(size)
            counts[size], response = self.count_queries(self.wall.url)
            self.assertEqual(response.status_code, 200)
            self.assertEqual(response.context["stats"]["total"], size)
        print(f"\nwall page queries: {counts}")
        self.assertEqual(counts[10], counts[10_000])

    def test_older_page_queries_do_not_grow_with_messages(self) -> None:
        counts = {}
        for size in (30, 10_000):
            self.fill(size)
            first = self.client.get(self.wall.url)
            older = first.context["older_cursor"]
            counts[size], response = self.count_queries(f"{self.wall.url}?before={older}")
            self.assertEqual(len(response.context["wall_messages"]), 10 if size == 30 else 20)
        print(f"\nolder page queries: {counts}")
        self.assertEqual(counts[30], counts[10_000])

    def test_feed_queries_do_not_grow_and_a_304_costs_at_most_one(self) -> None:
        feed = reverse("wagtail_campaign:wall_feed", args=[self.wall.pk])
        route = self.wall.url + "messages-json/"
        counts: dict[str, int] = {}
        for size in (10, 10_000):
            self.fill(size)
            counts[f"feed {size}"], response = self.count_queries(feed)
            self.assertEqual(response.status_code, 200)
            etag = response["ETag"]
            with CaptureQueriesContext(connection) as queries:
                not_modified = self.client.get(feed, HTTP_IF_NONE_MATCH=etag)
            self.assertEqual(not_modified.status_code, 304)
            counts[f"304 {size}"] = len(queries)
            self.assertLessEqual(len(queries), 1, [q["sql"] for q in queries])
            counts[f"route {size}"], routed = self.count_queries(route)
            self.assertEqual(routed.status_code, 200)
            counts[f"route 304 {size}"], _ = self.count_queries(
                route, HTTP_IF_NONE_MATCH=routed["ETag"]
            )
        print(f"\nfeed queries: {counts}")
        self.assertEqual(counts["feed 10"], counts["feed 10000"])
        self.assertEqual(counts["feed 10"], 1)
        self.assertEqual(counts["route 10"], counts["route 10000"])

    @override_settings(WAGTAIL_CAMPAIGN={"MIN_FILL_SECONDS": 0})
    def test_posting_a_message_costs_three_queries(self) -> None:
        """The wall, the policy's history (three counts and the near-duplicate candidates),
        the insert. Before: 12 (Wagtail's routing 6, the window 1, three counts 3, the
        near-duplicate scan 1, the insert 1)."""
        add_messages(self.wall, 30, prefix="before-")
        # The wall's own dates (no campaign lookup); the site's own hostname (Wagtail's
        # cached root paths name it: no site lookup).
        self.wall.opens_on, self.wall.closes_on = dt.date(2015, 12, 1), dt.date(2015, 12, 10)
        self.wall.time_zone = "Asia/Karachi"
        self.wall.save()
        self.client.defaults["HTTP_HOST"] = "localhost"
        counts, run = {}, {}
        for n, target in enumerate(["plain URL", "write/ route"]):
            form = self.client.get(self.write_url)
            url = form_action(form) if target == "plain URL" else self.write_url
            data = form_fields(form) | VALID | {"body": f"Message {n} from Lahore, with love."}
            with CaptureQueriesContext(connection) as queries:
                response = self.client.post(url, data)
            self.assertEqual(response.status_code, 302)
            # The test's own transaction wraps the insert in a savepoint; outside a
            # transaction the insert is one statement with no BEGIN and COMMIT.
            run[target] = [q["sql"] for q in queries if "SAVEPOINT" not in q["sql"]]
            counts[target] = len(run[target])
        print(f"\nposting queries: {counts}")
        self.assertEqual(counts["plain URL"], 3, run["plain URL"])
        # Wagtail's routing: the site, the page tree, aliases and view restrictions.
        self.assertEqual(counts["write/ route"], 10)
