"""`make demo` in miniature: migrate and seed a fresh SQLite database, serve the example site."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Iterator
from http.cookiejar import CookieJar
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
MANAGE = ROOT / "example_site" / "manage.py"


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _get(url: str) -> tuple[int, str]:
    status, _headers, body = _fetch(url)
    return status, body


def _fetch(
    url: str, opener: urllib.request.OpenerDirector | None = None, data: bytes | None = None
) -> tuple[int, dict[str, str], str]:
    open_url = opener.open if opener else urllib.request.urlopen
    try:
        with open_url(url, data=data, timeout=30) as response:  # noqa: S310 (local server)
            return response.status, dict(response.headers), response.read().decode()
    except urllib.error.HTTPError as error:
        return error.code, dict(error.headers), error.read().decode()


@pytest.fixture(scope="module")
def demo_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    database = tmp_path_factory.mktemp("demo") / "db.sqlite3"
    env = {
        **os.environ,
        "DATABASE_URL": f"sqlite:///{database}",
        "DJANGO_SETTINGS_MODULE": "example_site.settings",
    }
    env.pop("REDIS_URL", None)
    for command in (["migrate", "--noinput", "-v0"], ["seed_demo"]):
        subprocess.run(
            [sys.executable, str(MANAGE), *command],
            env=env,
            check=True,
            timeout=600,
            stdout=subprocess.DEVNULL,
        )
    port = _free_port()
    server = subprocess.Popen(
        [sys.executable, str(MANAGE), "runserver", f"127.0.0.1:{port}", "--noreload"],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                _get(base + "/admin/login/")
                break
            except OSError:
                if server.poll() is not None or time.monotonic() > deadline:
                    stderr = server.stderr.read().decode() if server.stderr else ""
                    pytest.fail(f"the example site did not start:\n{stderr}")
                time.sleep(0.3)
        yield base
    finally:
        server.terminate()
        server.wait(timeout=10)


@pytest.mark.slow
def test_home_page_answers(demo_server: str) -> None:
    status, body = _get(demo_server + "/")
    assert status == 200
    assert "<h1>I stand with Ahmadis</h1>" in body
    assert '<html lang="en" dir="ltr">' in body


@pytest.mark.slow
def test_admin_login_answers(demo_server: str) -> None:
    status, body = _get(demo_server + "/admin/login/")
    assert status == 200
    assert 'name="password"' in body


@pytest.mark.slow
def test_unknown_page_is_404_not_500(demo_server: str) -> None:
    status, _ = _get(demo_server + "/no-such-page/")
    assert status == 404


@pytest.mark.slow
def test_home_page_links_to_every_demo_page(demo_server: str) -> None:
    _status, body = _get(demo_server + "/")
    for path in (
        "/istandwithahmadis/",
        "/istandwithahmadis/timeline/",
        "/istandwithahmadis/wall/",
        "/try-the-wall/",
        "/admin/",
    ):
        assert f'href="{path}"' in body, path


@pytest.mark.slow
def test_campaign_page_shows_its_facts_with_sources(demo_server: str) -> None:
    from example_site.home import demo_content as content

    status, headers, body = _fetch(demo_server + "/istandwithahmadis/")
    assert status == 200
    for url in (content.TRIBUNE_JHELUM, content.DAWN_JHELUM, content.DW):
        assert url in body
    for person in content.PEOPLE:
        assert person.source_url in body
    for point in content.POINTS:
        assert point.source_url in body
    assert "The example site&#x27;s editors" in body or "The example site's editors" in body
    assert "ended" in body.lower() or "ran from" in body
    policy = headers["Content-Security-Policy"]
    assert "script-src 'self';" in policy and "unsafe-inline" not in policy


@pytest.mark.slow
def test_timeline_lists_every_event_with_its_sources(demo_server: str) -> None:
    from example_site.home import demo_content as content

    _status, body = _get(demo_server + "/istandwithahmadis/timeline/")
    for event in content.EVENTS:
        for source in event.sources:
            assert source.url in body, event.headline


@pytest.mark.slow
def test_walls_archive_closed_and_try_it_open(demo_server: str) -> None:
    _status, headers, archive = _fetch(demo_server + "/istandwithahmadis/wall/")
    assert "Sample: a reader in Lahore" in archive
    assert "/istandwithahmadis/wall/write/" not in archive
    from wagtail_campaign.models.wall import SECURITY_HEADERS

    # The wall's own policy, kept by the site's middleware.
    assert headers["Content-Security-Policy"] == SECURITY_HEADERS["Content-Security-Policy"]
    _status, open_wall = _get(demo_server + "/try-the-wall/")
    assert "/try-the-wall/write/" in open_wall
    status, form = _get(demo_server + "/try-the-wall/write/")
    assert status == 200 and "<textarea" in form


@pytest.mark.slow
def test_admin_gets_the_looser_policy(demo_server: str) -> None:
    _status, headers, _body = _fetch(demo_server + "/admin/login/")
    assert "'unsafe-inline'" in headers["Content-Security-Policy"]


@pytest.mark.slow
def test_language_switch_works_without_javascript(demo_server: str) -> None:
    opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(CookieJar()))
    form = urllib.parse.urlencode({"language": "ur", "next": "/istandwithahmadis/"}).encode()
    status, _headers, body = _fetch(demo_server + "/i18n/setlang/", opener, data=form)
    assert status == 200  # redirected back to the campaign page
    assert '<html lang="ur" dir="rtl">' in body
    assert "مواد پر جائیں" in body  # the skip link, in Urdu
