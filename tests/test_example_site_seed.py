"""The demo content: sourced facts only, samples labelled as samples, and an idempotent seed."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from example_site.home import demo_content as content

ROOT = Path(__file__).resolve().parent.parent
MANAGE = ROOT / "example_site" / "manage.py"
# The fact sheet the demo content was written from; present in the project's workspace only.
FACTS = ROOT.parent / "shared" / "seed" / "facts.md"
WEB = re.compile(r"^https?://[^\s/]+\.[^\s/]+/")

# Printed by `manage.py shell`: what a reviewer would check in the database after seeding.
INSPECT = """
import json
from django.apps import apps
from django.utils import timezone
from wagtail_campaign.models import (
    CampaignPage, DataPoint, Message, MessageWallPage, TimelineEvent
)
campaign = CampaignPage.objects.get(slug="istandwithahmadis")
walls = {w.slug: w for w in MessageWallPage.objects.all()}
print(json.dumps({
    "counts": {m._meta.label: m._default_manager.count() for m in apps.get_models()},
    "phase": str(campaign.phase_at(timezone.now()).value),
    "points_without_source": DataPoint.objects.filter(source_url="").count(),
    "points": DataPoint.objects.count(),
    "events_without_source": [
        e.headline for e in TimelineEvent.objects.all()
        if not [b for b in e.sources if b.value["url"]]
    ],
    "events": TimelineEvent.objects.count(),
    "archive_open": walls["wall"].is_open(),
    "try_open": walls["try-the-wall"].is_open(),
    "messages": list(Message.objects.values_list("status", "display_name", "source")),
}))
"""


def _inspect(env: dict[str, str]) -> Any:
    # The JSON is the last line; Django's shell may print a note on its imports before it.
    output = _manage(env, "shell", "-v0", "-c", INSPECT)
    return json.loads(output.strip().splitlines()[-1])


def _manage(env: dict[str, str], *args: str) -> str:
    done = subprocess.run(
        [sys.executable, str(MANAGE), *args],
        env=env,
        check=True,
        timeout=600,
        capture_output=True,
        text=True,
    )
    return done.stdout


@pytest.fixture(scope="module")
def seeded_twice(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    database = tmp_path_factory.mktemp("seed") / "db.sqlite3"
    env = {
        **os.environ,
        "DATABASE_URL": f"sqlite:///{database}",
        "DJANGO_SETTINGS_MODULE": "example_site.settings",
    }
    env.pop("REDIS_URL", None)
    _manage(env, "migrate", "--noinput", "-v0")
    first_output = _manage(env, "seed_demo")
    first = _inspect(env)
    second_output = _manage(env, "seed_demo")
    second = _inspect(env)
    return {
        "first": first,
        "second": second,
        "first_output": first_output,
        "second_output": second_output,
    }


# ---------------------------------------------------------------- the fixtures, as data


def test_every_data_point_has_a_web_source() -> None:
    assert content.POINTS
    for point in content.POINTS:
        assert WEB.match(point.source_url), point
        assert point.note, point


def test_only_sourced_years_are_charted() -> None:
    labels = [point.label for point in content.POINTS]
    assert labels == ["2001", "2007", "2009", "2010", "2011", "2013", "2014", "2015", "2016"]
    assert all(point.value is not None for point in content.POINTS)
    # The takeaway names the sourced years, and no year is charted that it does not name.
    assert "2001, 2007, 2009, 2010, 2011 and 2013 to 2016" in content.CHART_TAKEAWAY


def test_disputed_and_lower_bound_figures_say_so() -> None:
    by_year = {point.label: point for point in content.POINTS}
    assert "94" in by_year["2010"].note and "98" in by_year["2010"].note
    for year in ("2011", "2016"):
        assert by_year[year].note.startswith("At least"), year
    riots = next(e for e in content.EVENTS if e.year == 1953)
    assert "disputed" in riots.body and "not chart" in riots.body


def test_every_event_has_a_web_source_and_a_valid_precision() -> None:
    for event in content.EVENTS:
        assert event.sources, event.headline
        assert all(WEB.match(source.url) and source.title for source in event.sources)
        assert event.day is None or event.month is not None, event.headline
    precisions = {(e.month is not None) + (e.day is not None) for e in content.EVENTS}
    assert precisions == {0, 1, 2}  # years, months and days all occur


def test_people_have_sources() -> None:
    names = {person.name for person in content.PEOPLE}
    assert names == {"Abdus Salam", "Sir Muhammad Zafarullah Khan", "Akhtar Hussain Malik"}
    assert all(WEB.match(person.source_url) for person in content.PEOPLE)


def test_sample_messages_are_labelled_and_varied() -> None:
    samples = content.SAMPLE_MESSAGES
    assert len({s.source_id for s in samples}) == len(samples) >= 10
    for sample in samples:
        assert sample.display_name.startswith(("Sample: ", "نمونہ: ")), sample
        assert 1 <= sample.day <= 10  # dated inside the campaign
    assert {s.kind for s in samples} == {"support", "thanks"}
    assert {"PK", "IN", "AE", "US", "CA", "GB"} <= {s.country for s in samples}
    assert any(s.language == "ur" for s in samples)
    assert "sample" in content.ARCHIVE_WALL["intro"].lower()


@pytest.mark.skipif(not FACTS.exists(), reason="the fact sheet is not in this checkout")
def test_every_cited_address_is_on_the_fact_sheet() -> None:
    facts = FACTS.read_text(encoding="utf-8")
    missing = sorted({url for url in content.all_source_urls() if url not in facts})
    assert not missing


# ---------------------------------------------------------------- the seeded database


@pytest.mark.slow
def test_seeding_twice_changes_nothing(seeded_twice: dict[str, Any]) -> None:
    assert seeded_twice["first"]["counts"] == seeded_twice["second"]["counts"]
    assert "nothing to add" in seeded_twice["second_output"]
    assert "Created:" in seeded_twice["first_output"]


@pytest.mark.slow
def test_seeded_points_and_events_carry_sources(seeded_twice: dict[str, Any]) -> None:
    seeded = seeded_twice["second"]
    assert seeded["points"] == len(content.POINTS)
    assert seeded["points_without_source"] == 0
    assert seeded["events"] == len(content.EVENTS)
    assert seeded["events_without_source"] == []


@pytest.mark.slow
def test_seeded_campaign_and_walls(seeded_twice: dict[str, Any]) -> None:
    seeded = seeded_twice["second"]
    assert seeded["phase"] == "ended"
    assert seeded["archive_open"] is False
    assert seeded["try_open"] is True
    messages = seeded["messages"]
    assert len(messages) == len(content.SAMPLE_MESSAGES)
    assert {status for status, _name, _source in messages} == {"approved"}
    assert {source for _status, _name, source in messages} == {"site"}


def test_demo_password_is_generated_once_and_kept_private(tmp_path: Path) -> None:
    from example_site.home.management.commands.demo_admin import demo_password

    stored = tmp_path / ".demo-admin-password"
    first = demo_password(stored)
    assert len(first) >= 16
    assert demo_password(stored) == first
    assert stored.stat().st_mode & 0o077 == 0  # readable by its owner only
