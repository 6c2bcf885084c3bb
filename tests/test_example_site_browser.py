"""The example site in Debian's Chromium: no CSP violation or script error, public or admin.

Public pages run under the strict policy and the admin under its looser one
(``example_site/middleware.py``); a violation shows up as a console error, so
"no console error" is the check that the two policies fit what the pages do.
"""

from __future__ import annotations

import importlib.util
import os
import subprocess
import sys
import tempfile
from collections.abc import Iterator
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest

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
        if os.environ.get("CI", "").lower() == "true":
            pytest.fail("/usr/bin/chromium is missing (CI=true: browser tests must run)")
        pytest.skip("/usr/bin/chromium is not installed")
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
        page.goto(base + "/admin/login/", wait_until="networkidle")
        page.fill("#id_username", "demo-admin")
        page.fill("#id_password", site["password"])
        page.click("button[type=submit]")
        page.wait_for_load_state("networkidle")
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


def test_a_visitor_posts_on_the_open_wall_and_a_moderator_sees_it(site: dict[str, Any]) -> None:
    context = site["browser"].new_context()
    page = context.new_page()
    problems: list[str] = []
    site["shots"].watch(page, problems)
    base = site["base"]
    page.goto(base + "/try-the-wall/write/", wait_until="networkidle")
    page.fill("textarea[name=body]", "Trying the demo wall from the browser test.")
    page.check("input[name=kind][value=support]")
    page.wait_for_timeout(3500)  # the form must stay open a few seconds, as a person's would
    page.click("main button[type=submit]")  # not the header's language buttons
    page.wait_for_load_state("networkidle")
    assert "posted=review" in page.url
    assert problems == []
    context.close()
    # Pre-moderation: the message waits in the admin listing for a moderator.
    admin = site["browser"].new_context()
    page = admin.new_page()
    page.goto(base + "/admin/login/", wait_until="networkidle")
    page.fill("#id_username", "demo-admin")
    page.fill("#id_password", site["password"])
    page.click("button[type=submit]")
    page.wait_for_load_state("networkidle")
    page.goto(base + "/admin/snippets/wagtail_campaign/message/?status=pending")
    assert "Trying the demo wall from the browser test." in page.content()
    admin.close()


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
