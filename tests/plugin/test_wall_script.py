"""wall.js in a real browser: the wall page and feed answers come from Django, served under CSP.

Django renders everything first; Chromium then gets those recorded answers through
Playwright's request routing (no ORM call may run while Playwright's loop does).
"""

from __future__ import annotations

import datetime as dt
import shutil
from pathlib import Path
from typing import Any

import pytest

import wagtail_campaign
from tests.plugin.test_wall_helpers import OPEN_AT, add_messages
from tests.plugin.test_wall_write import WallTestCase
from wagtail_campaign.models import Message, MessageStatus

STATIC = Path(wagtail_campaign.__file__).parent / "static" / "wagtail_campaign"
ORIGIN = "http://wall.test"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking"]
# Polls every few milliseconds instead of every 15 seconds.
FAST_TIMERS = "const t = window.setTimeout; window.setTimeout = (f, d) => t(f, Math.min(d, 30));"
WATCH_CSP = (
    "window.__violations = [];"
    "document.addEventListener('securitypolicyviolation', (e) => "
    "window.__violations.push(e.violatedDirective + ' ' + e.blockedURI));"
)
# Everything the live region says, in order.
WATCH_LIVE = (
    "window.__announced = [];"
    "document.addEventListener('DOMContentLoaded', () => {"
    "const live = document.querySelector('[data-wc-live]');"
    "new MutationObserver(() => window.__announced.push(live.textContent))"
    ".observe(live, {childList: true, characterData: true, subtree: true}); });"
)


def chromium() -> str:
    path = shutil.which("chromium") or shutil.which("chromium-browser")
    if path is None:
        pytest.skip("Chromium is not installed")
    pytest.importorskip("playwright.sync_api")
    return path


class LiveUpdateTests(WallTestCase):
    def recorded(self, response: Any) -> dict[str, Any]:
        headers = {k: v for k, v in response.items() if k.lower() != "content-length"}
        return {"status": response.status_code, "headers": headers, "body": response.content}

    def test_new_messages_arrive_inert_and_are_announced(self) -> None:
        executable = chromium()
        add_messages(self.wall, 3)
        page = self.client.get(self.wall.url)
        feed_url = page.context["feed_url"]
        after = page.context["newest_cursor"]
        Message.objects.create(
            wall=self.wall,
            status=MessageStatus.APPROVED,
            kind="thanks",
            display_name="",
            body='<p>Thank you<img src="x" onerror="window.__pwned=1"><script>window.__pwned=2'
            '</script><a href="javascript:window.__pwned=3">link</a></p>',
            text="Thank you",
            source_id="live-1",
            created_at=OPEN_AT + dt.timedelta(minutes=5),
        )
        fresh = self.client.get(feed_url, {"after": after})
        self.assertEqual(len(fresh.json()["messages"]), 1)
        later = add_messages(self.wall, 2, prefix="later", start=OPEN_AT + dt.timedelta(hours=1))
        more = self.client.get(feed_url, {"after": fresh.json()["after"]})
        self.assertEqual(len(more.json()["messages"]), 2)
        answers = {
            self.wall.url: self.recorded(page),
            feed_url: [self.recorded(fresh), self.recorded(more)],
            "/static/wagtail_campaign/wall.js": {
                "status": 200,
                "headers": {"Content-Type": "text/javascript"},
                "body": (STATIC / "wall.js").read_bytes(),
            },
            "/static/wagtail_campaign/campaign.css": {
                "status": 200,
                "headers": {"Content-Type": "text/css"},
                "body": (STATIC / "campaign.css").read_bytes(),
            },
        }
        polls: list[str] = []
        new_id = Message.objects.get(source_id="live-1").pk
        result = self.run_browser(executable, answers, feed_url, polls, new_id)
        self.assertEqual(result["violations"], [])
        self.assertIsNone(result["pwned"])
        self.assertEqual(
            result["order"][:3],
            [f"message-{m.pk}" for m in reversed(later)] + [f"message-{new_id}"],
        )
        self.assertEqual(len(result["order"]), 6)
        # Stripped tags leave their text behind, as plain text.
        self.assertEqual(
            result["announced"], ["Anonymous: Thank youwindow.__pwned=2link", "2 new messages"]
        )
        self.assertEqual(result["live"], "2 new messages")
        self.assertEqual(result["aria_live"], "polite")
        self.assertEqual(result["tags"], ["P", "A"])
        self.assertIsNone(result["href"])  # the javascript: URL was dropped
        self.assertEqual(result["dir"], "auto")
        # The script polled on with each newer cursor, then got 304s.
        self.assertGreaterEqual(len(polls), 3)
        self.assertIn(f"after={after}", polls[0])
        self.assertNotIn(f"after={after}", polls[1])

    def run_browser(
        self,
        executable: str,
        answers: dict[str, Any],
        feed_url: str,
        polls: list[str],
        new_id: int,
    ) -> dict[str, Any]:
        from playwright.sync_api import sync_playwright

        def answer(route: Any) -> None:
            request = route.request
            path = request.url.removeprefix(ORIGIN).split("?", 1)[0]
            found = answers.get(path)
            if path == feed_url:
                polls.append(request.url)
                if len(polls) > len(found):  # nothing newer: the last answer's ETag matches
                    etag = found[-1]["headers"]["ETag"]
                    self.assertEqual(request.headers.get("if-none-match"), etag)
                    route.fulfill(status=304, headers={"ETag": etag})
                    return
                found = found[len(polls) - 1]
            if found is None:
                route.fulfill(status=404, body=b"")
                return
            route.fulfill(status=found["status"], headers=found["headers"], body=found["body"])

        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path=executable, args=CHROMIUM_ARGS)
            try:
                page = browser.new_page()
                page.add_init_script(FAST_TIMERS + WATCH_CSP + WATCH_LIVE)
                page.route("**/*", answer)
                page.goto(ORIGIN + self.wall.url, wait_until="load")
                page.evaluate(f"() => {{ window.__newId = {new_id}; }}")
                page.wait_for_function("() => document.querySelectorAll('.wc-message').length > 3")
                page.wait_for_function("() => document.querySelectorAll('.wc-message').length > 5")
                page.wait_for_timeout(300)  # a few more polls: 304s must add nothing
                return dict(
                    page.evaluate(
                        """() => {
                    const first = document.getElementById('message-' + window.__newId);
                    const body = first.querySelector('.wc-message__body');
                    const live = document.querySelector('[data-wc-live]');
                    return {
                        order: [...document.querySelectorAll('.wc-message')].map((e) => e.id),
                        live: live.textContent,
                        aria_live: live.getAttribute('aria-live'),
                        tags: [...body.querySelectorAll('*')].map((e) => e.tagName),
                        href: body.querySelector('a').getAttribute('href'),
                        dir: body.getAttribute('dir'),
                        pwned: window.__pwned === undefined ? null : window.__pwned,
                        violations: window.__violations,
                        announced: window.__announced,
                    };
                }"""
                    )
                )
            finally:
                browser.close()
