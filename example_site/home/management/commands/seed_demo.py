"""``manage.py seed_demo``: build the #IStandWithAhmadis demo, as often as you like.

Each page, snippet and message is looked up first and created only when it is
missing, so a second run changes nothing and an editor's changes in the admin
survive. The one value refreshed on every run is the window of the "try it"
wall, which must always include today.
"""

from __future__ import annotations

import datetime as dt
import zoneinfo
from typing import Any

from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.utils import timezone
from wagtail.models import Page, Site
from wagtail.rich_text import RichText

from ahmadi_campaign.sanitize import text_to_html
from ahmadi_campaign.text import normalize_text
from example_site.home import demo_content as content
from example_site.home.models import HomePage
from wagtail_campaign.models import (
    CampaignPage,
    DataPoint,
    DataSeries,
    Message,
    MessageKind,
    MessageStatus,
    MessageWallPage,
    ModerationMode,
    NotablePerson,
    TimelineEvent,
    TimelinePage,
)
from wagtail_campaign.moderation import moderate
from wagtail_campaign.submission import Incoming, judge_and_store

#: How long the "try it" wall has been open, and how long it stays open, from today.
TRY_WALL_OPENED_DAYS_AGO = 3
TRY_WALL_OPEN_DAYS_AHEAD = 365


def _publish(page: Page) -> None:
    page.save_revision().publish()


def _child(parent: Page, model: type[Page], slug: str) -> Any:
    found = parent.get_children().filter(slug=slug).first()
    if found is None:
        return None
    specific = found.specific
    if not isinstance(specific, model):
        raise CommandError(
            f"{found.url_path} exists but is a {type(specific).__name__}, not a {model.__name__}; "
            "move or rename it, then run seed_demo again."
        )
    return specific


class Command(BaseCommand):
    help = "Create the #IStandWithAhmadis demo content; run it again to add only what is missing."

    def handle(self, *args: Any, **options: Any) -> None:
        self.created: list[str] = []
        with transaction.atomic():
            home = self.home()
            series = self.series()
            people = self.people()
            campaign = self.campaign(home)
            timeline = self.timeline(campaign)
            self.campaign_body(campaign, series, people, timeline)
            archive = self.archive_wall(campaign)
            self.sample_messages(archive)
            self.try_wall(home)
        if self.created:
            self.stdout.write("Created: " + "; ".join(self.created) + ".")
        else:
            self.stdout.write("The demo content is already there; nothing to add.")

    # ------------------------------------------------------------ pages and snippets

    def home(self) -> HomePage:
        site = Site.objects.filter(is_default_site=True).select_related("root_page").first()
        home = site.root_page.specific if site else None
        if not isinstance(home, HomePage):
            raise CommandError("The default site's root page is not the example site's HomePage.")
        if home.get_latest_revision() is None:  # as the migration left it: fill it in once
            home.title = home.draft_title = content.HOME_TITLE
            home.intro = content.HOME_INTRO
            _publish(home)
            self.created.append("home page text")
        return home

    def series(self) -> DataSeries:
        series = DataSeries.objects.filter(title=content.SERIES["title"]).first()
        if series is None:
            series = DataSeries.objects.create(**content.SERIES, default_kind="bar")
            DataPoint.objects.bulk_create(
                DataPoint(
                    series=series,
                    sort_order=n,
                    label=p.label,
                    value=p.value,
                    note=p.note,
                    source_url=p.source_url,
                )
                for n, p in enumerate(content.POINTS)
            )
            self.created.append(f"data series with {len(content.POINTS)} points")
        return series

    def people(self) -> list[NotablePerson]:
        people = []
        for person in content.PEOPLE:
            found, made = NotablePerson.objects.get_or_create(
                name=person.name,
                defaults={
                    "lifespan": person.lifespan,
                    "contribution": person.contribution,
                    "source_url": person.source_url,
                    "source_title": person.source_title,
                },
            )
            if made:
                self.created.append(f"notable person {person.name}")
            people.append(found)
        return people

    def campaign(self, home: HomePage) -> CampaignPage:
        spec = content.CAMPAIGN
        page = _child(home, CampaignPage, spec["slug"])
        if page is None:
            page = CampaignPage(
                title=spec["title"],
                slug=spec["slug"],
                hashtags=spec["hashtags"],
                start_date=dt.date(*spec["start_date"]),
                end_date=dt.date(*spec["end_date"]),
                time_zone=spec["time_zone"],
                summary=spec["summary"],
                goal=spec["goal"],
                show_in_menus=True,
            )
            home.add_child(instance=page)
            self.created.append("campaign page")
        return page

    def timeline(self, campaign: CampaignPage) -> TimelinePage:
        page = _child(campaign, TimelinePage, content.TIMELINE["slug"])
        if page is None:
            page = TimelinePage(
                title=content.TIMELINE["title"],
                slug=content.TIMELINE["slug"],
                intro=content.TIMELINE["intro"],
                show_in_menus=True,
            )
            campaign.add_child(instance=page)
            TimelineEvent.objects.bulk_create(
                TimelineEvent(
                    page=page,
                    sort_order=n,
                    year=event.year,
                    month=event.month,
                    day=event.day,
                    headline=event.headline,
                    body=event.body,
                    category=event.category,
                    sources=[("source", {"url": s.url, "title": s.title}) for s in event.sources],
                )
                for n, event in enumerate(content.EVENTS)
            )
            _publish(TimelinePage.objects.get(pk=page.pk))
            self.created.append(f"timeline with {len(content.EVENTS)} events")
        return page

    def campaign_body(
        self,
        campaign: CampaignPage,
        series: DataSeries,
        people: list[NotablePerson],
        timeline: TimelinePage,
    ) -> None:
        if campaign.get_latest_revision() is not None:
            return  # filled in by an earlier run (or edited since): leave it alone
        campaign.body = [
            ("heading", "What happened"),
            ("paragraph", RichText(content.WHAT_HAPPENED)),
            ("paragraph", RichText(content.THE_CAMPAIGN)),
            ("statement", {**content.STATEMENT, "source_url": "", "source_title": ""}),
            ("heading", "Ahmadis the campaign named"),
            *[("notable_person", person) for person in people],
            ("heading", "Lives lost, year by year"),
            ("chart", {"series": series, "kind": "", "takeaway": content.CHART_TAKEAWAY}),
            ("paragraph", RichText(content.RUNNING_TOTALS)),
            # The excerpt brings its own heading: the timeline's title.
            (
                "timeline_excerpt",
                {"timeline": timeline, "category": "", "limit": 5, "newest_first": True},
            ),
            ("heading", "Pass it on"),
            ("share_bar", {"text": "", "networks": [], "mastodon": True}),
        ]
        campaign.after_body = [("paragraph", RichText(content.AFTER_CAMPAIGN))]
        _publish(campaign)
        self.created.append("campaign body")

    def archive_wall(self, campaign: CampaignPage) -> MessageWallPage:
        spec = content.ARCHIVE_WALL
        page = _child(campaign, MessageWallPage, spec["slug"])
        if page is None:
            page = MessageWallPage(
                title=spec["title"],
                slug=spec["slug"],
                intro=spec["intro"],
                campaign=campaign,
                moderation_mode=ModerationMode.PRE,
                kinds="support,thanks",
                show_in_menus=True,
            )
            campaign.add_child(instance=page)
            _publish(page)
            self.created.append("archived message wall")
        return page

    def try_wall(self, home: HomePage) -> MessageWallPage:
        spec = content.TRY_WALL
        today = timezone.localdate(timezone=zoneinfo.ZoneInfo("Asia/Karachi"))
        opens = today - dt.timedelta(days=TRY_WALL_OPENED_DAYS_AGO)
        closes = today + dt.timedelta(days=TRY_WALL_OPEN_DAYS_AHEAD)
        page = _child(home, MessageWallPage, spec["slug"])
        if page is None:
            page = MessageWallPage(
                title=spec["title"],
                slug=spec["slug"],
                intro=spec["intro"],
                opens_on=opens,
                closes_on=closes,
                time_zone="Asia/Karachi",
                moderation_mode=ModerationMode.PRE,
                kinds="support,thanks,testimony,other",
                show_in_menus=True,
            )
            home.add_child(instance=page)
            _publish(page)
            self.created.append("open 'try it' wall")
        elif page.opens_on != opens or page.closes_on != closes:
            # A new revision only when the dates move, i.e. at most once a day.
            page.opens_on, page.closes_on = opens, closes
            _publish(page)
            self.created.append(f"'try it' wall window moved to {opens}–{closes}")
        return page

    # ------------------------------------------------------------ messages

    def sample_messages(self, wall: MessageWallPage) -> None:
        karachi = zoneinfo.ZoneInfo("Asia/Karachi")
        added = []
        for sample in content.SAMPLE_MESSAGES:
            text = normalize_text(sample.text)
            outcome = judge_and_store(
                wall,
                Incoming(
                    text=text,
                    html=text_to_html(text),
                    kind=MessageKind(sample.kind),
                    created_at=dt.datetime(2015, 12, sample.day, sample.hour, tzinfo=karachi),
                    display_name=sample.display_name,
                    country=sample.country,
                    language=sample.language,
                    source="site",
                    source_id=sample.source_id,
                ),
            )
            if outcome.message is None:
                raise CommandError(
                    f"The wall's policy refused sample {sample.source_id}: {outcome.refused_reason}"
                )
            if not outcome.duplicate:
                added.append(outcome.message)
        # Samples wait for review like any message; the demo approves the new ones.
        pending = [m for m in added if m.status == MessageStatus.PENDING]
        moderate(Message.objects.filter(pk__in=[m.pk for m in pending]), "approve", None)
        if added:
            self.created.append(f"{len(added)} sample messages")
