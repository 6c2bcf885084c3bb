"""A wall under trouble: the cache is down, privacy of addresses, repeated imports."""

from __future__ import annotations

import logging
from typing import Any

from django.apps import apps
from django.core import serializers
from django.core.cache.backends.base import BaseCache
from django.db import connection
from django.test import Client, override_settings

from ahmadi_campaign.sanitize import text_to_html
from tests.plugin.test_wall_helpers import OPEN_AT, VALID, add_messages, form_fields
from tests.plugin.test_wall_write import WallTestCase
from wagtail_campaign.models import Message, MessageSource, MessageStatus
from wagtail_campaign.submission import Incoming, judge_and_store

RAW_IP = "203.0.113.77"


class DownCache(BaseCache):
    """A cache whose server is unreachable: every call raises, as Redis's client does."""

    def __init__(self, location: str, params: dict[str, Any]) -> None:
        super().__init__(params)

    def _down(self, *args: Any, **kwargs: Any) -> Any:
        raise ConnectionError("Error 111 connecting to cache:6379. Connection refused.")

    add = get = set = touch = delete = clear = incr = decr = has_key = _down
    get_many = set_many = delete_many = _down


DOWN = {"default": {"BACKEND": f"{__name__}.DownCache"}}


@override_settings(WAGTAIL_CAMPAIGN={"MIN_FILL_SECONDS": 0})
class CacheDownTests(WallTestCase):
    def test_message_is_held_and_the_visitor_sees_success(self) -> None:
        write_url = self.wall.url + "write/"
        data = form_fields(self.client.get(write_url)) | VALID | {"body": "Solidarity from Lahore"}
        with (
            override_settings(CACHES=DOWN),
            self.assertLogs("wagtail_campaign.submission", "WARNING") as logs,
        ):
            response = self.client.post(write_url, data)
        self.assertRedirects(
            response, self.wall.url + "?posted=review#wall-status", fetch_redirect_response=False
        )
        message = Message.objects.get()
        self.assertEqual(message.status, MessageStatus.PENDING)
        self.assertIn("cache_unavailable", message.reasons)
        self.assertTrue(message.fingerprint)  # per-process salts stood in
        self.assertTrue(any("unavailable" in line for line in logs.output))

    def test_rate_limit_window_expiring_mid_hit_is_not_an_outage(self) -> None:
        from django.core.cache import cache

        from wagtail_campaign.submission import RateLimiter

        limiter = RateLimiter(self.wall)
        original_add = cache.add
        calls = []

        def add_then_expire(key: str, value: Any, timeout: Any = None) -> bool:
            # The key is created, then expires before incr() reaches it.
            calls.append(key)
            if len(calls) == 1:
                return True
            return bool(original_add(key, value, timeout))

        cache.add = add_then_expire  # type: ignore[method-assign]
        self.addCleanup(setattr, cache, "add", original_add)
        with self.assertNoLogs("wagtail_campaign.submission", "WARNING"):
            decision = limiter.check("a" * 32, OPEN_AT)
        self.assertTrue(decision.allowed)
        self.assertFalse(decision.unavailable)


class _Collect(logging.Handler):
    def __init__(self) -> None:
        super().__init__(logging.DEBUG)
        self.lines: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.lines.append(self.format(record))
        if record.exc_info:
            self.lines.append(logging.Formatter().formatException(record.exc_info))


@override_settings(WAGTAIL_CAMPAIGN={"MIN_FILL_SECONDS": 0})
class NoRawAddressTests(WallTestCase):
    def test_the_address_is_stored_and_logged_nowhere(self) -> None:
        handler = _Collect()
        root = logging.getLogger()
        previous = root.level
        root.addHandler(handler)
        root.setLevel(logging.DEBUG)
        self.addCleanup(root.removeHandler, handler)
        self.addCleanup(root.setLevel, previous)

        visitor = Client(REMOTE_ADDR=RAW_IP, HTTP_USER_AGENT="Mozilla/5.0 (X11; Linux)")
        forwarded = Client(REMOTE_ADDR=RAW_IP, HTTP_X_FORWARDED_FOR=RAW_IP)
        write_url = self.wall.url + "write/"
        for client, body in ((visitor, "Solidarity from Rabwah"), (forwarded, "A second one")):
            data = form_fields(client.get(write_url)) | VALID | {"body": body}
            self.assertEqual(client.post(write_url, data).status_code, 302)
        # A refused post, a held post, a report and the cache being down: more paths.
        data = form_fields(visitor.get(write_url)) | VALID | {"body": "Solidarity from Rabwah"}
        self.assertEqual(visitor.post(write_url, data).status_code, 200)
        shown = add_messages(self.wall, 1, prefix="shown")[0]
        self.assertEqual(visitor.post(f"{self.wall.url}report/{shown.pk}/").status_code, 302)
        # (Wagtail itself needs the cache to build page URLs, so the form is loaded before.)
        data = form_fields(visitor.get(write_url)) | VALID | {"body": "While the cache is down"}
        with override_settings(CACHES=DOWN):
            self.assertEqual(visitor.post(write_url, data).status_code, 302)

        posted = Message.objects.exclude(pk=shown.pk)
        self.assertEqual(posted.count(), 3)
        self.assertTrue(all(posted.values_list("fingerprint", flat=True)))
        searched = 0
        # Every table there is (a model whose migration is still being written has none yet).
        tables = set(connection.introspection.table_names())
        for model in apps.get_models():
            if model._meta.db_table not in tables:
                continue
            rows = model._default_manager.all()
            dump = serializers.serialize("json", rows)
            searched += len(rows)
            self.assertNotIn(RAW_IP, dump, model._meta.label)
            self.assertNotIn("203.0.113", dump, model._meta.label)
        self.assertGreater(searched, 10)
        self.assertTrue(handler.lines)  # the cache outage was logged
        self.assertNotIn(RAW_IP, "\n".join(handler.lines))


class ImportDuplicateTests(WallTestCase):
    def incoming(self, **fields: Any) -> Incoming:
        text = "Standing with the Ahmadiyya community today"
        defaults: dict[str, Any] = {
            "text": text,
            "html": text_to_html(text),
            "kind": "support",
            "created_at": OPEN_AT,
            "source": MessageSource.MASTODON,
            "source_id": "https://mastodon.example/users/a/statuses/1",
            "source_url": "https://mastodon.example/@a/1",
        }
        defaults.update(fields)
        return Incoming(**defaults)

    def test_the_same_post_imported_twice_is_one_row(self) -> None:
        for fingerprint in ("", "f" * 32):
            with self.subTest(fingerprint=fingerprint):
                Message.objects.all().delete()
                incoming = self.incoming(fingerprint=fingerprint)
                first = judge_and_store(self.wall, incoming)
                second = judge_and_store(self.wall, incoming)
                self.assertTrue(first.stored)
                self.assertFalse(first.duplicate)
                self.assertTrue(second.duplicate)
                self.assertEqual(second.message, first.message)
                self.assertEqual(Message.objects.count(), 1)

    def test_a_racing_import_ends_in_one_row(self) -> None:
        # Two importers pass the lookup at once; the unique constraint settles it.
        from unittest import mock

        incoming = self.incoming()
        first = judge_and_store(self.wall, incoming)
        lookups = Message.objects.filter
        calls = []

        def blind_first_lookup(*args: Any, **kwargs: Any) -> Any:
            calls.append(kwargs)
            if len(calls) == 1 and "source_id" in kwargs:
                return Message.objects.none()
            return lookups(*args, **kwargs)

        with mock.patch.object(Message.objects, "filter", side_effect=blind_first_lookup):
            second = judge_and_store(self.wall, incoming)
        self.assertTrue(second.duplicate)
        self.assertEqual(second.message, first.message)
        self.assertEqual(Message.objects.count(), 1)


class FingerprintSaltTests(WallTestCase):
    def request(self, address: str = "198.51.100.7") -> Any:
        from django.test import RequestFactory

        return RequestFactory().post("/", REMOTE_ADDR=address, HTTP_USER_AGENT="Firefox")

    def test_processes_racing_at_midnight_share_the_first_salt(self) -> None:
        from unittest import mock

        from django.core.cache import cache

        from wagtail_campaign.submission import client_fingerprint

        first, degraded = client_fingerprint(self.request(), OPEN_AT)
        self.assertFalse(degraded)
        # A second process read the cache just before the first one wrote today's salt.
        real_get = cache.get
        reads: list[str] = []

        def stale_get(key: str, *args: Any, **kwargs: Any) -> Any:
            reads.append(key)
            return None if len(reads) == 1 else real_get(key, *args, **kwargs)

        with mock.patch.object(cache, "get", side_effect=stale_get):
            second, degraded = client_fingerprint(self.request(), OPEN_AT)
        self.assertFalse(degraded)
        self.assertEqual(second, first)
        self.assertNotEqual(client_fingerprint(self.request("198.51.100.8"), OPEN_AT)[0], first)

    def test_a_days_salt_is_gone_after_two_days(self) -> None:
        import datetime as dt

        from django.core.cache import cache

        from wagtail_campaign.submission import client_fingerprint, salt_key

        today = client_fingerprint(self.request(), OPEN_AT)[0]
        self.assertIsNotNone(cache.get(salt_key(OPEN_AT.date())))
        tomorrow = OPEN_AT + dt.timedelta(days=1)
        self.assertNotEqual(client_fingerprint(self.request(), tomorrow)[0], today)
        self.traveller.shift(dt.timedelta(hours=48, seconds=1))
        self.assertIsNone(cache.get(salt_key(OPEN_AT.date())))

    @override_settings(WAGTAIL_CAMPAIGN={"MIN_FILL_SECONDS": 0})
    def test_a_request_without_a_usable_address_still_posts(self) -> None:
        for address in ("", "unix:/run/gunicorn.sock"):
            with self.subTest(address=address):
                client = Client(REMOTE_ADDR=address)
                write_url = self.wall.url + "write/"
                data = form_fields(client.get(write_url)) | VALID | {"body": f"From {address!r}"}
                self.assertEqual(client.post(write_url, data).status_code, 302)
