"""The seeded example site in Debian's Chromium, as visitors and a moderator use it.

Public pages run under the strict policy and the admin under its looser one
(``example_site/middleware.py``); a violation shows up as a console error, so
"no console error" is the check that the two policies fit what the pages do.

Also: a newcomer's whole path (home, campaign and its chart table, timeline, both
walls, posting, approval in the admin, the message arriving on the open wall without
a reload); every public page with JavaScript off; axe-core (bundled by the
axe-playwright-python package, no CDN) on every public page in English and Urdu; and
no request to any other host from those pages.
"""

from __future__ import annotations

import importlib.util
import os
import subprocess
import sys
import tempfile
import urllib.parse
from collections.abc import Iterator
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest

from tests.prerequisites import skip_or_fail

ROOT = Path(__file__).resolve().parent.parent
CHROMIUM = Path("/usr/bin/chromium")

pytestmark = pytest.mark.slow


def _screenshots_module() -> ModuleType:
    # The screenshot script already knows how to start a seeded demo and watch a page.
    name = "example_site_screenshots"
    if name in sys.modules:
        return sys.modules[name]
    spec = importlib.util.spec_from_file_location(name, ROOT / "scripts" / "screenshots.py")
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module  # dataclasses look their module up here
    spec.loader.exec_module(module)
    return module


@pytest.fixture(scope="module")
def site() -> Iterator[dict[str, Any]]:
    if not CHROMIUM.exists():
        skip_or_fail("/usr/bin/chromium is not installed", tests="browser tests")
    shots = _screenshots_module()
    from playwright.sync_api import sync_playwright

    with (
        tempfile.TemporaryDirectory(prefix="example-site-browser-") as workdir,
        shots.demo_server(Path(workdir)) as base,
        sync_playwright() as playwright,
    ):
        env = {
            **os.environ,
            "DATABASE_URL": f"sqlite:///{Path(workdir) / 'db.sqlite3'}",
            "DJANGO_SETTINGS_MODULE": "example_site.settings",
            "DEBUG": "1",
        }
        printed = subprocess.run(
            [sys.executable, str(shots.MANAGE), "demo_admin"],
            env=env,
            check=True,
            capture_output=True,
            text=True,
            timeout=300,
        ).stdout
        password = printed.split("password ", 1)[1].split()[0]
        browser = playwright.chromium.launch(
            executable_path=str(CHROMIUM), args=shots.CHROMIUM_ARGS
        )
        try:
            yield {"base": base, "browser": browser, "password": password, "shots": shots}
        finally:
            browser.close()


def _visit(site: dict[str, Any], paths: list[str], *, login: bool = False) -> list[str]:
    context = site["browser"].new_context()
    page = context.new_page()
    problems: list[str] = []
    site["shots"].watch(page, problems)
    base = site["base"]
    if login:
        _log_in(page, site)
    for path in paths:
        response = page.goto(base + path, wait_until="networkidle")
        assert response is not None and response.status == 200, path
    context.close()
    return problems


def test_public_pages_run_clean_under_the_strict_policy(site: dict[str, Any]) -> None:
    paths = [
        "/",
        "/istandwithahmadis/",
        "/istandwithahmadis/timeline/",
        "/istandwithahmadis/wall/",
        "/try-the-wall/",
        "/try-the-wall/write/",
    ]
    assert _visit(site, paths) == []


def test_the_admin_runs_clean_under_its_policy(site: dict[str, Any]) -> None:
    paths = [
        "/admin/",
        "/admin/pages/",
        "/admin/snippets/wagtail_campaign/message/",
        "/admin/snippets/wagtail_campaign/dataseries/",
    ]
    assert _visit(site, paths, login=True) == []


PUBLIC_PATHS = [
    "/",
    "/istandwithahmadis/",
    "/istandwithahmadis/timeline/",
    "/istandwithahmadis/wall/",
    "/try-the-wall/",
    "/try-the-wall/write/",
]


def _log_in(page: Any, site: dict[str, Any]) -> None:
    page.goto(site["base"] + "/admin/login/", wait_until="networkidle")
    page.fill("#id_username", "demo-admin")
    page.fill("#id_password", site["password"])
    page.click("button[type=submit]")
    page.wait_for_load_state("networkidle")


def _post_on_the_open_wall(page: Any, text: str) -> None:
    """Fill the open wall's form as a person would, waiting out the minimum fill time."""
    from wagtail_campaign.settings import DEFAULTS

    page.fill("textarea[name=body]", text)
    page.check("input[name=kind][value=support]")
    # The demo keeps the plugin's MIN_FILL_SECONDS: the form must stay open that long.
    page.wait_for_timeout(DEFAULTS["MIN_FILL_SECONDS"] * 1000 + 500)
    page.click("main button[type=submit]")  # not the header's language buttons
    page.wait_for_load_state("networkidle")
    assert "posted=review" in page.url


def test_a_newcomer_walks_from_home_to_an_approved_message_that_appears_live(
    site: dict[str, Any],
) -> None:
    from playwright.sync_api import expect

    from example_site.home import demo_content as content

    base = site["base"]
    visitor = site["browser"].new_context()
    page = visitor.new_page()
    problems: list[str] = []
    site["shots"].watch(page, problems)

    page.goto(base + "/", wait_until="networkidle")
    page.locator('main a[href="/istandwithahmadis/"]').first.click()
    page.wait_for_url(base + "/istandwithahmadis/")
    expect(page.locator("h1")).to_have_text(content.CAMPAIGN["title"])
    # The chart's data, as a table with a source for every row.
    rows = page.locator(".wc-chart__table tbody tr")
    expect(rows).to_have_count(len(content.POINTS))
    for row, point in zip(rows.all(), content.POINTS, strict=True):
        expect(row.locator("th")).to_have_text(point.label)
        expect(row.locator(f'a[href="{point.source_url}"]')).to_be_visible()

    page.locator('main a[href="/istandwithahmadis/timeline/"]').first.click()
    page.wait_for_url(base + "/istandwithahmadis/timeline/")
    expect(page.locator(".wc-timeline > .wc-event")).to_have_count(len(content.EVENTS))

    page.locator('a[href="/istandwithahmadis/wall/"]').first.click()
    page.wait_for_url(base + "/istandwithahmadis/wall/")
    expect(page.locator(".wc-wall__messages")).to_contain_text("Sample: a reader in Lahore")
    expect(page.locator('a[href="/istandwithahmadis/wall/write/"]')).to_have_count(0)

    page.locator('a[href="/try-the-wall/"]').first.click()
    page.wait_for_url(base + "/try-the-wall/")
    page.get_by_role("link", name="Write a message").click()
    page.wait_for_url(base + "/try-the-wall/write/")
    text = "A newcomer's message, approved while the wall stays open."
    _post_on_the_open_wall(page, text)
    wall = page  # back on the open wall, polling; it stays open while a moderator approves
    expect(wall.locator("#wall-status")).to_contain_text("once a moderator has read it")
    expect(wall.locator(".wc-wall__messages")).not_to_contain_text(text)
    wall.evaluate("window.__notReloaded = true")

    moderator = site["browser"].new_context()
    admin = moderator.new_page()
    _log_in(admin, site)
    admin.get_by_role("button", name="Campaigns").click()
    admin.get_by_role("link", name="Messages").first.click()
    admin.wait_for_url("**/admin/snippets/wagtail_campaign/message/**")
    admin.locator("tr", has_text=text).locator("input[type=checkbox]").check()
    admin.get_by_role("link", name="Approve").click()
    admin.wait_for_url("**/wagtail_campaign_approve/**")
    expect(admin.locator("main")).to_contain_text(text)
    admin.get_by_role("button", name="Yes, go ahead").click()
    admin.wait_for_load_state("networkidle")
    expect(admin.locator("body")).to_contain_text("1 message changed: Approve.")
    moderator.close()

    # wall.js polls every 15 s (slowing down while nothing is new) and at once when its tab
    # becomes visible again. Headless Chromium never hides a page, so bringing it to the front
    # fires no event: send the visibilitychange that a browser sends when the visitor returns.
    wall.bring_to_front()
    wall.evaluate("document.dispatchEvent(new Event('visibilitychange'))")
    expect(wall.locator(".wc-wall__messages li").first).to_contain_text(text, timeout=40_000)
    expect(wall.locator("[data-wc-live]")).to_contain_text(text)
    assert wall.evaluate("window.__notReloaded") is True  # it came without a reload
    assert problems == []
    visitor.close()


def test_the_mastodon_share_form_may_send_visitors_to_their_server(site: dict[str, Any]) -> None:
    # Browsers apply form-action to the redirect after a form too; the public policy allows it.
    context = site["browser"].new_context()
    page = context.new_page()
    problems: list[str] = []
    site["shots"].watch(page, problems)
    page.route(
        "https://mastodon.example/**",
        lambda route: route.fulfill(status=200, content_type="text/plain", body="shared"),
    )
    page.goto(site["base"] + "/istandwithahmadis/", wait_until="networkidle")
    page.fill(".wc-share__mastodon input", "mastodon.example")
    page.click(".wc-share__mastodon button")
    page.wait_for_url("https://mastodon.example/**")
    assert problems == []
    context.close()


def test_every_public_page_shows_its_content_and_takes_a_message_without_javascript(
    site: dict[str, Any],
) -> None:
    from playwright.sync_api import expect

    from example_site.home import demo_content as content

    base = site["base"]
    context = site["browser"].new_context(java_script_enabled=False)
    page = context.new_page()

    def visit(path: str) -> None:
        response = page.goto(base + path)
        assert response is not None and response.status == 200, path

    visit("/")
    for path in ("/istandwithahmadis/", "/istandwithahmadis/timeline/", "/try-the-wall/"):
        expect(page.locator(f'main a[href="{path}"]').first).to_be_visible()

    visit("/istandwithahmadis/")
    # The campaign's facts, each with its source.
    for url in (content.TRIBUNE_JHELUM, content.DAWN_JHELUM, content.DW):
        expect(page.locator(f'main a[href="{url}"]').first).to_be_visible()
    for person in content.PEOPLE:
        expect(page.get_by_text(person.name).first).to_be_visible()
        expect(page.locator(f'main a[href="{person.source_url}"]').first).to_be_visible()
    # The chart's table: one row per sourced year, each with its source link.
    rows = page.locator(".wc-chart__table tbody tr")
    expect(rows).to_have_count(len(content.POINTS))
    for row, point in zip(rows.all(), content.POINTS, strict=True):
        expect(row.locator("th")).to_have_text(point.label)
        expect(row.locator(f'a[href="{point.source_url}"]')).to_be_visible()

    visit("/istandwithahmadis/timeline/")
    events = page.locator(".wc-timeline > .wc-event")
    expect(events).to_have_count(len(content.EVENTS))
    for event in content.EVENTS:
        item = events.filter(has_text=event.headline)
        expect(item).to_have_count(1)
        expect(item).to_be_visible()
        for source in event.sources:
            expect(item.locator(f'a[href="{source.url}"]').first).to_be_visible()

    visit("/istandwithahmadis/wall/")
    messages = page.locator(".wc-wall__messages > .wc-message")
    # Newest first, up to a page of them; the rest behind "Older messages".
    shown = messages.count()
    assert shown == min(len(content.SAMPLE_MESSAGES), 20)
    samples = {message.display_name: message.text for message in content.SAMPLE_MESSAGES}
    for i in range(shown):
        message = messages.nth(i)
        expect(message).to_be_visible()
        name = message.locator(".wc-message__name").inner_text()
        expect(message.locator(".wc-message__body")).to_have_text(samples[name])
    older = page.get_by_role("link", name="Older messages")
    if len(content.SAMPLE_MESSAGES) > shown:
        expect(older).to_be_visible()
        older.click()
        expect(page.locator(".wc-wall__messages > .wc-message").first).to_be_visible()
    else:
        expect(older).to_have_count(0)

    visit("/try-the-wall/")
    page.get_by_role("link", name="Write a message").click()
    page.wait_for_url(base + "/try-the-wall/write/")
    _post_on_the_open_wall(page, "Posted from a browser with JavaScript turned off.")
    expect(page.locator("#wall-status")).to_contain_text("once a moderator has read it")
    context.close()


def _each_public_page(site: dict[str, Any], check: Any) -> int:
    """Load every public page in English, then in Urdu (through the site's language form).

    Calls ``check(page, language, path)`` on each, and once with ``language=None`` before
    the first load; returns how many pages were checked.
    """
    base = site["base"]
    checked = 0
    for language in ("en", "ur"):
        context = site["browser"].new_context()
        page = context.new_page()
        check(page, None, "")  # lets a check attach its listeners before the first load
        if language != "en":
            site["shots"].switch_language(page, base, language)
        for path in PUBLIC_PATHS:
            response = page.goto(base + path, wait_until="networkidle")
            assert response is not None and response.status == 200, path
            assert page.get_attribute("html", "lang") == language, path
            check(page, language, path)
            checked += 1
        # The write form again, as it comes back with its error messages.
        page.goto(base + "/try-the-wall/write/", wait_until="networkidle")
        page.click("main button[type=submit]")
        page.wait_for_load_state("networkidle")
        assert page.locator("[aria-invalid=true]").count() > 0
        check(page, language, "/try-the-wall/write/ (sent empty, with errors)")
        checked += 1
        context.close()
    return checked


def test_public_pages_have_no_serious_accessibility_violation_in_either_language(
    site: dict[str, Any],
) -> None:
    # axe-core comes bundled in the axe-playwright-python package: nothing from a CDN.
    from axe_playwright_python.sync_playwright import Axe

    axe = Axe()
    found: list[str] = []

    def check(page: Any, language: str | None, path: str) -> None:
        if language is None:
            return
        results = axe.run(page).response
        assert results["passes"], f"axe ran no check on {language} {path}"
        for violation in results["violations"]:
            if violation["impact"] in {"serious", "critical"}:
                targets = [node["target"] for node in violation["nodes"]]
                found.append(f"{language} {path}: {violation['id']} {targets}")

    assert _each_public_page(site, check) == 2 * (len(PUBLIC_PATHS) + 1)
    assert found == []


def test_public_pages_request_nothing_from_another_host_in_either_language(
    site: dict[str, Any],
) -> None:
    host = urllib.parse.urlsplit(site["base"]).netloc
    elsewhere: list[str] = []
    seen: list[str] = []

    def record(url: str) -> None:
        seen.append(url)
        parts = urllib.parse.urlsplit(url)
        if parts.scheme != "data" and (parts.scheme != "http" or parts.netloc != host):
            elsewhere.append(url)

    def check(page: Any, language: str | None, path: str) -> None:
        if language is None:
            page.on("request", lambda request: record(request.url))

    assert _each_public_page(site, check) == 2 * (len(PUBLIC_PATHS) + 1)
    assert any(url.endswith(".css") for url in seen)  # the listener did see the pages' requests
    assert elsewhere == []
