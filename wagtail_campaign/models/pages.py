"""Page types: a campaign with its window and hashtags, and a sourced timeline.

Each page type is an abstract mixin plus a concrete page, as
``wagtail.contrib.forms`` does, so a site with its own base page class can
build its own concrete pages from our mixins.
"""

from __future__ import annotations

import datetime as dt
import zoneinfo
from collections.abc import Iterable
from functools import cached_property
from typing import Any

from django.core.exceptions import ValidationError
from django.db import models
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from modelcluster.fields import ParentalKey
from wagtail.admin.panels import (
    FieldPanel,
    FieldRowPanel,
    HelpPanel,
    InlinePanel,
    MultiFieldPanel,
    ObjectList,
    TabbedInterface,
)
from wagtail.contrib.routable_page.models import RoutablePageMixin, path
from wagtail.fields import RichTextField, StreamField
from wagtail.models import Orderable, Page
from wagtail.rich_text import expand_db_html
from wagtail.search import index

from ahmadi_campaign import charts, timeline
from ahmadi_campaign.campaign import Campaign, Hashtag, Phase
from ahmadi_campaign.errors import CampaignError
from ahmadi_campaign.share import mastodon_share_url

from .. import settings
from ..blocks import CampaignStreamBlock, SourceBlock
from .snippets import DataSeries, _require_alt


def time_zone_choices() -> list[tuple[str, str]]:
    """The zones of the installed time zone database, for the editor's select box."""
    return [(name, name) for name in sorted(zoneinfo.available_timezones())]


class TimeZoneField(models.CharField):  # type: ignore[type-arg]
    """The name of an IANA time zone, such as ``Asia/Karachi``.

    Its choices are read from the installed tz database when a form is built, not stored
    on the field: frozen into migrations they would change with every tzdata release and
    ask every site for a new migration of this app.
    """

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("max_length", 64)
        super().__init__(*args, **kwargs)

    def formfield(self, **kwargs: Any) -> Any:
        from django import forms
        from django.utils.text import capfirst

        choices = [("", "---------")] if self.blank else []
        return forms.ChoiceField(
            label=capfirst(self.verbose_name),
            help_text=self.help_text,
            required=not self.blank,
            choices=[*choices, *time_zone_choices()],
            initial=self.get_default() or None,
        )

    def validate(self, value: Any, model_instance: Any) -> None:
        super().validate(value, model_instance)
        if value and value not in zoneinfo.available_timezones():
            raise ValidationError(_("%(zone)s is not a known time zone.") % {"zone": value})


RICH_TEXT_FEATURES = ["bold", "italic", "link", "ol", "ul"]


def parse_hashtags(value: str) -> list[Hashtag]:
    """Split an editor's "#one #two" (spaces or commas) into validated hashtags."""
    return [Hashtag(part) for part in value.replace(",", " ").split()]


class CampaignTemplateMixin:
    """Gives our page templates the host's base template to extend."""

    def get_context(self, request: HttpRequest, *args: Any, **kwargs: Any) -> dict[str, Any]:
        context: dict[str, Any] = super().get_context(request, *args, **kwargs)  # type: ignore[misc]
        context["campaign_base_template"] = settings.get("BASE_TEMPLATE")
        return context


class ChartCSVRouteMixin(RoutablePageMixin):
    """Serves ``chart/<id>/csv/`` for every data series, so chart blocks can offer a download.

    Wagtail serves pages only on paths of letters, digits, ``-`` and ``_``, so
    sub-routes cannot end in ``.csv``; the ``Content-Disposition`` header names
    the file instead.
    """

    @path("chart/<int:series_id>/csv/", name="chart_csv")
    def chart_csv(self, request: HttpRequest, series_id: int) -> HttpResponse:
        series = DataSeries.objects.filter(pk=series_id).first()
        core = series.series if series else None
        if core is None:
            raise Http404
        response = HttpResponse(charts.to_csv(core), content_type="text/csv; charset=utf-8")
        response["Content-Disposition"] = f'attachment; filename="data-series-{series_id}.csv"'
        response["X-Content-Type-Options"] = "nosniff"
        return response

    def chart_csv_url(self, series_id: int) -> str:
        return self.url + self.reverse_subpage("chart_csv", args=(series_id,))  # type: ignore[attr-defined]


class CampaignPageMixin(models.Model):
    """Fields and behaviour of a campaign: its window, hashtags, message and phase content."""

    hashtags = models.CharField(
        _("hashtags"),
        max_length=255,
        help_text=_("One or more, separated by spaces. The first is the main one."),
    )
    start_date = models.DateField(_("first day"))
    end_date = models.DateField(_("last day"))
    time_zone = TimeZoneField(
        _("time zone"),
        default="UTC",
        help_text=_("The campaign starts at midnight of its first day in this time zone."),
    )
    summary = models.TextField(
        _("summary"),
        max_length=300,
        help_text=_("One or two sentences; also used when the page is shared."),
    )
    goal = RichTextField(_("goal"), blank=True, features=["bold", "italic", "link"])
    hero_image = models.ForeignKey(
        "wagtailimages.Image",
        verbose_name=_("hero image"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    hero_image_alt = models.CharField(
        _("hero image description"),
        max_length=250,
        blank=True,
        help_text=_("What the image shows, for people who cannot see it."),
    )
    body = StreamField(CampaignStreamBlock(), verbose_name=_("body"), blank=True)
    before_body = StreamField(
        CampaignStreamBlock(), verbose_name=_("shown before the campaign"), blank=True
    )
    during_body = StreamField(
        CampaignStreamBlock(), verbose_name=_("shown during the campaign"), blank=True
    )
    after_body = StreamField(
        CampaignStreamBlock(), verbose_name=_("shown after the campaign"), blank=True
    )

    campaign_panels = [
        FieldPanel("hashtags"),
        FieldRowPanel([FieldPanel("start_date"), FieldPanel("end_date")]),
        FieldPanel("time_zone"),
    ]
    content_panels = [
        *Page.content_panels,
        MultiFieldPanel(campaign_panels, heading=_("Campaign window")),
        FieldPanel("summary"),
        FieldPanel("goal"),
        MultiFieldPanel(
            [FieldPanel("hero_image"), FieldPanel("hero_image_alt")], heading=_("Hero image")
        ),
        FieldPanel("body"),
    ]
    phase_panels = [
        HelpPanel(
            content=_(
                "The body is always shown. Below it, visitors see one of these three, "
                "depending on the time when they visit: before the first day, during the "
                "campaign, or after the last day (in the campaign's time zone)."
            )
        ),
        FieldPanel("before_body"),
        FieldPanel("during_body"),
        FieldPanel("after_body"),
    ]
    search_fields = [
        *Page.search_fields,
        index.SearchField("summary"),
        index.SearchField("goal"),
        index.SearchField("body"),
        index.FilterField("start_date"),
    ]

    class Meta:
        abstract = True

    def clean(self) -> None:
        super().clean()
        errors: dict[str, Any] = {}
        try:
            tags = parse_hashtags(self.hashtags or "")
            if not tags:
                errors["hashtags"] = _("Enter at least one hashtag, for example #StandWithUs.")
            else:
                self.hashtags = " ".join(str(tag) for tag in tags)
        except CampaignError as exc:
            errors["hashtags"] = str(exc)
        if self.start_date and self.end_date and self.end_date < self.start_date:
            errors["end_date"] = _("The last day cannot be before the first day.")
        errors.update(_require_alt(self.hero_image, self.hero_image_alt, "hero_image_alt"))
        if errors:
            raise ValidationError(errors)

    @cached_property
    def campaign(self) -> Campaign | None:
        """The core :class:`~ahmadi_campaign.campaign.Campaign`, or ``None`` if not valid."""
        try:
            return Campaign.from_local_dates(
                self.title,
                parse_hashtags(self.hashtags),
                self.start_date,
                self.end_date,
                self.time_zone,
            )
        except (CampaignError, TypeError):
            return None

    def phase_at(self, instant: dt.datetime | None = None) -> Phase | None:
        campaign = self.campaign
        return campaign.phase_at(instant or timezone.now()) if campaign else None

    def phase_body(self, phase: Phase | None) -> Any:
        return {
            Phase.UPCOMING: self.before_body,
            Phase.LIVE: self.during_body,
            Phase.ENDED: self.after_body,
        }.get(phase)  # type: ignore[arg-type]


class CampaignPage(CampaignTemplateMixin, ChartCSVRouteMixin, CampaignPageMixin, Page):  # type: ignore[misc]  # noqa: DJ008
    """A campaign, placeable under any page of the host site."""

    template = "wagtail_campaign/pages/campaign_page.html"

    edit_handler = TabbedInterface(
        [
            ObjectList(CampaignPageMixin.content_panels, heading=_("Content")),
            ObjectList(CampaignPageMixin.phase_panels, heading=_("Before, during, after")),
            ObjectList(Page.promote_panels, heading=_("Promote")),
            ObjectList(Page.settings_panels, heading=_("Settings")),
        ]
    )

    class Meta:
        verbose_name = _("campaign page")
        verbose_name_plural = _("campaign pages")

    def get_context(self, request: HttpRequest, *args: Any, **kwargs: Any) -> dict[str, Any]:
        from ..rendering import campaign_state

        context = super().get_context(request, *args, **kwargs)
        context.update(campaign_state(self))
        context["phase_body"] = self.phase_body(context.get("phase"))
        return context

    @path("share/mastodon/", name="share_mastodon")
    def share_on_mastodon(self, request: HttpRequest) -> HttpResponse:
        """Send the visitor to the share page of the Mastodon server they typed."""
        instance = request.GET.get("instance", "")
        text = " ".join(filter(None, [self.summary, self.full_url or ""]))
        try:
            target = mastodon_share_url(instance, text)
        except CampaignError:
            return redirect(self.url + "?mastodon=invalid#share")
        return redirect(target)


class TimelinePageMixin(models.Model):
    intro = RichTextField(_("introduction"), blank=True, features=RICH_TEXT_FEATURES)

    content_panels = [
        *Page.content_panels,
        FieldPanel("intro"),
        HelpPanel(
            content=_(
                "Events are listed by date whatever their order here. Give a year, a year "
                "and month, or a full date, and at least one source for every event."
            )
        ),
        InlinePanel("events", heading=_("Events"), label=_("event")),
    ]

    class Meta:
        abstract = True


class TimelinePage(CampaignTemplateMixin, ChartCSVRouteMixin, TimelinePageMixin, Page):  # type: ignore[misc]  # noqa: DJ008
    """A dated, sourced list of events, readable without JavaScript."""

    template = "wagtail_campaign/pages/timeline_page.html"
    search_fields = [
        *Page.search_fields,
        index.SearchField("intro"),
        index.RelatedFields("events", [index.SearchField("headline"), index.SearchField("body")]),
    ]

    class Meta:
        verbose_name = _("timeline page")
        verbose_name_plural = _("timeline pages")

    def event_queryset(self) -> models.QuerySet[TimelineEvent]:
        return self.events.select_related("image")  # type: ignore[attr-defined,no-any-return]

    def get_timeline(self, events: Any = None) -> timeline.Timeline:
        """Events in date order as the core :class:`~ahmadi_campaign.timeline.Timeline`."""
        rows = list(self.event_queryset() if events is None else events)
        return timeline.Timeline(row.to_event() for row in rows)

    @staticmethod
    def in_date_order(rows: Iterable[TimelineEvent]) -> list[TimelineEvent]:
        """Event rows in the core timeline's order (stable for equal partial dates).

        For display only: it skips building core events (rich text expansion), which
        the exports need but a list of rows does not.
        """
        return sorted(rows, key=lambda row: row.partial_date.sort_key)

    def get_context(self, request: HttpRequest, *args: Any, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context(request, *args, **kwargs)
        rows = list(self.event_queryset())
        categories = list(dict.fromkeys(row.category for row in rows if row.category))
        selected = request.GET.get("category", "")
        if selected not in categories:
            selected = ""
        shown = [row for row in rows if not selected or row.category == selected]
        context.update(
            events=self.in_date_order(shown),
            categories=categories,
            selected_category=selected,
            timeline_json_url=self.url + self.reverse_subpage("timeline_json"),
            json_ld=self.get_timeline(rows).to_json_ld(self.title, self.full_url),
        )
        return context

    # "timeline.json" is not a path Wagtail serves (no dots), hence "timeline-json/".
    @path("timeline-json/", name="timeline_json")
    def timeline_json(self, request: HttpRequest) -> JsonResponse:
        data = self.get_timeline().to_timelinejs(title=self.title)
        response = JsonResponse(data, json_dumps_params={"ensure_ascii": False})
        response["Access-Control-Allow-Origin"] = "*"  # public data, meant to be reused
        return response


class TimelineEvent(Orderable):
    page = ParentalKey(TimelinePage, on_delete=models.CASCADE, related_name="events")
    year = models.PositiveSmallIntegerField(_("year"))
    month = models.PositiveSmallIntegerField(
        _("month"), null=True, blank=True, choices=[(m, m) for m in range(1, 13)]
    )
    day = models.PositiveSmallIntegerField(
        _("day"), null=True, blank=True, choices=[(d, d) for d in range(1, 32)]
    )
    headline = models.CharField(_("headline"), max_length=255)
    body = RichTextField(_("text"), blank=True, features=RICH_TEXT_FEATURES)
    category = models.CharField(
        _("category"), max_length=100, blank=True, help_text=_("Visitors can filter by it.")
    )
    image = models.ForeignKey(
        "wagtailimages.Image",
        verbose_name=_("image"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    image_alt = models.CharField(_("image description"), max_length=250, blank=True)
    sources = StreamField([("source", SourceBlock())], verbose_name=_("sources"), blank=True)

    panels = [
        FieldRowPanel([FieldPanel("year"), FieldPanel("month"), FieldPanel("day")]),
        FieldPanel("headline"),
        FieldPanel("body"),
        FieldPanel("category"),
        FieldRowPanel([FieldPanel("image"), FieldPanel("image_alt")]),
        FieldPanel("sources"),
    ]

    class Meta(Orderable.Meta):
        verbose_name = _("event")
        verbose_name_plural = _("events")

    def __str__(self) -> str:
        return f"{self.partial_date}: {self.headline}"

    def clean(self) -> None:
        super().clean()
        errors: dict[str, Any] = {}
        try:
            timeline.PartialDate(self.year, self.month, self.day)
        except CampaignError as exc:
            errors["day" if self.day else "month"] = str(exc)
        errors.update(_require_alt(self.image, self.image_alt, "image_alt"))
        if errors:
            raise ValidationError(errors)

    @property
    def partial_date(self) -> timeline.PartialDate:
        return timeline.PartialDate(self.year, self.month, self.day)

    @property
    def event_key(self) -> str:
        return f"event-{self.pk or id(self)}"

    def to_event(self) -> timeline.Event:
        return timeline.Event(
            date=self.partial_date,
            headline=self.headline,
            body=expand_db_html(self.body),
            # The raw JSON of the sources (two plain text fields) spares Wagtail's block
            # conversion, which cost about 1 ms per event on a 200-event page.
            sources=tuple(
                timeline.Source(url=block["value"]["url"], title=block["value"]["title"])
                for block in self.sources.raw_data
            ),
            category=self.category,
            unique_id=self.event_key,
        )
