"""The install story: wheel -> fresh venv -> `wagtail start` -> two lines -> migrate -> page.

Slow (about a minute) but it runs in `make test` and CI: it is the only test that
proves the published wheel carries its templates, static files, migrations and
translations, and that a site we did not write can use it unchanged.
"""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap
import zipfile
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent

CREATE_AND_RENDER = textwrap.dedent(
    """
    import datetime as dt
    from django.test import Client
    from home.models import HomePage
    from wagtail_campaign.models import CampaignPage

    home = HomePage.objects.get(depth=2)
    page = CampaignPage(
        title="Clean install campaign",
        slug="campaign",
        hashtags="#IStandWithAhmadis",
        start_date=dt.date(2015, 12, 1),
        end_date=dt.date(2015, 12, 10),
        time_zone="Asia/Karachi",
        summary="Rendered from a freshly installed wheel.",
        body=[("heading", "It works")],
    )
    home.add_child(instance=page)
    page.save_revision().publish()
    response = Client().get(page.url)
    html = response.content.decode()
    assert response.status_code == 200, response.status_code
    assert '<h1 dir="auto">Clean install campaign</h1>' in html, html
    assert "wagtail_campaign/campaign.css" in html, html
    assert "wc-status--ended" in html, html
    print("RENDERED", len(html))
    """
)


def _run(args: list[str], cwd: Path, env: dict[str, str] | None = None) -> str:
    result = subprocess.run(
        args, cwd=cwd, env=env, capture_output=True, text=True, timeout=600, check=False
    )
    assert result.returncode == 0, f"{' '.join(args)}\n{result.stdout}\n{result.stderr}"
    return result.stdout


@pytest.mark.slow
def test_wheel_installs_into_a_new_wagtail_project(tmp_path: Path) -> None:
    dist = tmp_path / "dist"
    _run(
        [sys.executable, "-m", "pip", "wheel", "--no-deps", "-q", "-w", str(dist), str(ROOT)], ROOT
    )
    (wheel,) = dist.glob("ahmadi_campaign-*.whl")
    with zipfile.ZipFile(wheel) as archive:
        names = set(archive.namelist())
    for expected in [
        "ahmadi_campaign/py.typed",
        "ahmadi_campaign/data/confusables.txt",
        "wagtail_campaign/migrations/0001_initial.py",
        "wagtail_campaign/templates/wagtail_campaign/pages/campaign_page.html",
        "wagtail_campaign/static/wagtail_campaign/campaign.css",
        "wagtail_campaign/locale/ur/LC_MESSAGES/django.mo",
    ]:
        assert expected in names, expected
    assert not any(name.startswith(("tests/", "example_site/")) for name in names)

    venv = tmp_path / "venv"
    _run([sys.executable, "-m", "venv", str(venv)], tmp_path)
    python = venv / "bin" / "python"
    _run([str(python), "-m", "pip", "install", "-q", f"{wheel}[wagtail]"], tmp_path)

    _run([str(venv / "bin" / "wagtail"), "start", "mysite"], tmp_path)
    project = tmp_path / "mysite"
    settings = project / "mysite" / "settings" / "base.py"
    # The two lines a developer adds.
    settings.write_text(
        settings.read_text()
        + '\nINSTALLED_APPS += ["wagtail_campaign"]\n'
        + 'WAGTAIL_CAMPAIGN = {"BASE_TEMPLATE": "base.html"}\n'
    )
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "mysite.settings.dev"}
    env.pop("DATABASE_URL", None)
    check = _run([str(python), "manage.py", "check"], project, env)
    assert "wagtail_campaign" not in check
    _run([str(python), "manage.py", "migrate", "--noinput", "-v0"], project, env)
    out = _run([str(python), "manage.py", "shell", "-c", CREATE_AND_RENDER], project, env)
    assert "RENDERED" in out, out
