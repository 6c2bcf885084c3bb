"""The example site's production settings and its Content-Security-Policy middleware."""

from __future__ import annotations

import os
import secrets
import subprocess
import sys
from pathlib import Path

import pytest
from django.http import HttpResponse
from django.test import RequestFactory, override_settings

from example_site.middleware import ContentSecurityPolicyMiddleware

ROOT = Path(__file__).resolve().parent.parent
MANAGE = ROOT / "example_site" / "manage.py"
PUBLIC = "default-src 'self'; script-src 'self'"
ADMIN = "default-src 'self'; script-src 'self' 'unsafe-inline'"


def _production_env(**extra: str) -> dict[str, str]:
    env = {
        key: value
        for key, value in os.environ.items()
        if key not in {"SECRET_KEY", "DEBUG", "REDIS_URL", "DATABASE_URL"}
    }
    env.update(DJANGO_SETTINGS_MODULE="example_site.settings_production", **extra)
    return env


@pytest.mark.slow
def test_check_deploy_reports_nothing() -> None:
    env = _production_env(
        SECRET_KEY=secrets.token_urlsafe(50), ALLOWED_HOSTS="campaign.example.org"
    )
    done = subprocess.run(
        [sys.executable, str(MANAGE), "check", "--deploy", "--fail-level", "WARNING"],
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )
    output = done.stdout + done.stderr
    assert done.returncode == 0, output
    assert "System check identified no issues (0 silenced)." in output
    assert "WARNING" not in output.upper()


@pytest.mark.slow
def test_production_refuses_to_start_without_a_secret_key() -> None:
    done = subprocess.run(
        [sys.executable, str(MANAGE), "check"],
        env=_production_env(ALLOWED_HOSTS="campaign.example.org"),
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert done.returncode != 0
    assert "Set SECRET_KEY in the environment" in done.stderr


# Run in the production settings' process: a page, its hashed stylesheet, the HTTPS redirect.
SERVE = """
import re
from django.test import Client
client = Client()
page = client.get("/", secure=True, HTTP_HOST="campaign.example.org")
css = re.findall(r'href="(/static/home/site\\.[0-9a-f]{12}\\.css)"', page.content.decode())
style = client.get(css[0], secure=True, HTTP_HOST="campaign.example.org")
plain = client.get("/", HTTP_HOST="campaign.example.org")
print(page.status_code, page.headers["Strict-Transport-Security"], style.status_code,
      style.headers["Cache-Control"], plain.status_code, plain.headers["Location"], sep="|")
"""


@pytest.mark.slow
def test_production_serves_hashed_static_files_over_https_only(tmp_path: Path) -> None:
    env = _production_env(
        SECRET_KEY=secrets.token_urlsafe(50),
        ALLOWED_HOSTS="campaign.example.org",
        STATIC_ROOT=str(tmp_path / "static"),
        DATABASE_URL=f"sqlite:///{tmp_path / 'db.sqlite3'}",
    )
    for command in (["migrate", "--noinput", "-v0"], ["collectstatic", "--noinput", "-v0"]):
        subprocess.run([sys.executable, str(MANAGE), *command], env=env, check=True, timeout=600)
    done = subprocess.run(
        [sys.executable, str(MANAGE), "shell", "-v0", "-c", SERVE],
        env=env,
        check=True,
        capture_output=True,
        text=True,
        timeout=300,
    )
    page, hsts, style, cache, plain, location = done.stdout.strip().splitlines()[-1].split("|")
    assert page == "200" and "max-age=" in hsts and "includeSubDomains" in hsts
    assert style == "200" and "immutable" in cache  # WhiteNoise, hashed names
    assert plain == "301" and location == "https://campaign.example.org/"


def _policy(path: str, response: HttpResponse | None = None, *, debug: bool = False) -> str:
    middleware = ContentSecurityPolicyMiddleware(lambda request: response or HttpResponse())
    with override_settings(
        CSP_PUBLIC=PUBLIC, CSP_ADMIN=ADMIN, CSP_ADMIN_PREFIX="/admin/", DEBUG=debug
    ):
        return middleware(RequestFactory().get(path)).headers.get("Content-Security-Policy", "")


def test_public_pages_get_the_strict_policy() -> None:
    assert _policy("/") == PUBLIC
    assert _policy("/istandwithahmadis/timeline/") == PUBLIC
    assert _policy("/administration-is-not-the-admin/") == PUBLIC


def test_the_admin_gets_its_own_policy() -> None:
    assert _policy("/admin/") == ADMIN
    assert _policy("/admin/pages/3/edit/") == ADMIN


def test_a_policy_set_by_the_view_is_kept() -> None:
    wall = HttpResponse()
    wall.headers["Content-Security-Policy"] = "default-src 'none'"
    assert _policy("/wall/", wall) == "default-src 'none'"


def test_debug_error_pages_are_left_alone_only_in_debug() -> None:
    assert _policy("/missing/", HttpResponse(status=404), debug=True) == ""
    assert _policy("/missing/", HttpResponse(status=404)) == PUBLIC
