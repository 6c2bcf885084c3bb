"""Builders for plugin tests: a host site tree and campaign content."""

from __future__ import annotations

import datetime as dt
from typing import Any

from wagtail.images.models import Image
from wagtail.images.tests.utils import get_test_image_file
from wagtail.models import Page, Site

from tests.testapp.models import HostHomePage
from wagtail_campaign.models import (
    CampaignPage,
    DataPoint,
    DataSeries,
    NotablePerson,
    TimelineEvent,
    TimelinePage,
)

SEED_DEATHS = [
    ("2001", 9.0),
    ("2007", 5.0),
    ("2009", 11.0),
    ("2010", 86.0),
    ("2011", 6.0),
    ("2012", None),
    ("2013", 7.0),
    ("2014", 11.0),
    ("2015", 2.0),
]


def host_home() -> HostHomePage:
    """The host site's own home page (not our model), as the default site's root."""
    root = Page.get_first_root_node()
    home = HostHomePage(title="Host home", slug="host-home")
    root.add_child(instance=home)
    site = Site.objects.get(is_default_site=True)
    site.root_page = home
    site.hostname = "localhost"
    site.save()
    return home


def make_image(title: str = "test image") -> Image:
    return Image.objects.create(title=title, file=get_test_image_file())


def make_series(
    title: str = "Ahmadis killed per year", points: list[Any] | None = None
) -> DataSeries:
    series = DataSeries.objects.create(
        title=title, unit="people", source_url="https://example.org/source"
    )
    DataPoint.objects.bulk_create(
        DataPoint(series=series, sort_order=n, label=label, value=value)
        for n, (label, value) in enumerate(points or SEED_DEATHS)
    )
    return series


def make_person() -> NotablePerson:
    return NotablePerson.objects.create(
        name="Abdus Salam",
        lifespan="1926–1996",
        contribution="Physicist; Nobel Prize in Physics 1979.",
        source_url="https://example.org/salam",
    )


def make_timeline(parent: Page, events: int = 3, **kwargs: Any) -> TimelinePage:
    page = TimelinePage(title=kwargs.pop("title", "Timeline"), slug=kwargs.pop("slug", "timeline"))
    parent.add_child(instance=page)
    TimelineEvent.objects.bulk_create(
        TimelineEvent(
            page=page,
            sort_order=n,
            year=1974 + n % 50,
            month=(n % 12) + 1 if n % 3 else None,
            day=(n % 28) + 1 if n % 3 == 2 else None,
            headline=f"Event {n}",
            body=f"<p>What happened in event {n}.</p>",
            category="law" if n % 2 else "violence",
            sources=[("source", {"url": f"https://example.org/{n}", "title": f"Report {n}"})],
        )
        for n in range(events)
    )
    page.save_revision().publish()
    return page


def make_campaign(parent: Page, **fields: Any) -> CampaignPage:
    defaults: dict[str, Any] = {
        "title": "I stand with Ahmadis",
        "slug": "campaign",
        "hashtags": "#IStandWithAhmadis",
        "start_date": dt.date(2015, 12, 1),
        "end_date": dt.date(2015, 12, 10),
        "time_zone": "Asia/Karachi",
        "summary": "Ten days of support for a persecuted minority.",
    }
    defaults.update(fields)
    page = CampaignPage(**defaults)
    parent.add_child(instance=page)
    page.save_revision().publish()
    return page
