"""Snippets editors reuse across pages: people worth naming and sourced data series."""

from __future__ import annotations

from functools import cached_property

from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _
from modelcluster.fields import ParentalKey
from modelcluster.models import ClusterableModel
from wagtail.admin.panels import FieldPanel, HelpPanel, InlinePanel, MultiFieldPanel
from wagtail.models import Orderable
from wagtail.search import index

from ahmadi_campaign import charts
from ahmadi_campaign.errors import CampaignError

from ..blocks import web_url
from ..forms import DataSeriesForm


def _require_alt(image: object, alt: str, field: str) -> dict[str, ValidationError]:
    if image is not None and not alt.strip() and not getattr(image, "description", ""):
        return {
            field: ValidationError(
                _("Describe the image for people who cannot see it."), code="alt_required"
            )
        }
    return {}


class NotablePerson(index.Indexed, models.Model):
    """Someone whose life or work the campaign names, with a source for every claim."""

    name = models.CharField(_("name"), max_length=200)
    lifespan = models.CharField(
        _("lifespan"), max_length=50, blank=True, help_text=_("For example 1926–1996.")
    )
    photo = models.ForeignKey(
        "wagtailimages.Image",
        verbose_name=_("photo"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    photo_alt = models.CharField(
        _("photo description"),
        max_length=250,
        blank=True,
        help_text=_("What the photo shows, for screen readers. Required with a photo."),
    )
    contribution = models.CharField(
        _("contribution"),
        max_length=255,
        help_text=_("One line on why this person matters, in your own words."),
    )
    source_url = models.URLField(_("source URL"), max_length=500, validators=[web_url])
    source_title = models.CharField(_("source title"), max_length=255, blank=True)

    panels = [
        FieldPanel("name"),
        FieldPanel("lifespan"),
        FieldPanel("contribution"),
        MultiFieldPanel([FieldPanel("photo"), FieldPanel("photo_alt")], heading=_("Photo")),
        MultiFieldPanel(
            [FieldPanel("source_url"), FieldPanel("source_title")], heading=_("Source")
        ),
    ]
    search_fields = [index.SearchField("name"), index.SearchField("contribution")]

    class Meta:
        ordering = ["name"]
        verbose_name = _("notable person")
        verbose_name_plural = _("notable people")

    def __str__(self) -> str:
        return self.name

    def clean(self) -> None:
        super().clean()
        errors = _require_alt(self.photo, self.photo_alt, "photo_alt")
        if errors:
            raise ValidationError(errors)


class ChartKind(models.TextChoices):
    BAR = "bar", _("Bar chart")
    LINE = "line", _("Line chart")


class DataSeries(index.Indexed, ClusterableModel):
    """A titled list of labelled numbers with their source, drawn as an accessible chart."""

    title = models.CharField(_("title"), max_length=255)
    unit = models.CharField(
        _("unit"), max_length=50, blank=True, help_text=_("For example: people killed.")
    )
    default_kind = models.CharField(
        _("chart type"), max_length=10, choices=ChartKind.choices, default=ChartKind.BAR
    )
    source_url = models.URLField(_("source URL"), max_length=500, blank=True, validators=[web_url])
    source_note = models.TextField(
        _("note on sources"),
        blank=True,
        help_text=_("Say where the figures come from and which ones are missing or disputed."),
    )

    panels = [
        FieldPanel("title"),
        FieldPanel("unit"),
        FieldPanel("default_kind"),
        MultiFieldPanel([FieldPanel("source_url"), FieldPanel("source_note")], heading=_("Source")),
        HelpPanel(
            content=_(
                "Leave a value empty when no sourced figure exists: it is shown as "
                "'no data', never as zero. To load many rows at once, save the series "
                "and use 'Import CSV' on the list of data series."
            )
        ),
        InlinePanel("points", heading=_("Data points"), label=_("point")),
    ]
    search_fields = [index.SearchField("title"), index.SearchField("source_note")]
    base_form_class = DataSeriesForm

    class Meta:
        ordering = ["title"]
        verbose_name = _("data series")
        verbose_name_plural = _("data series")

    def __str__(self) -> str:
        return self.title

    def to_series(self) -> charts.Series:
        """The core library's view of this series (points in editor order)."""
        return charts.Series(
            title=self.title,
            unit=self.unit,
            source_url=self.source_url,
            source_note=self.source_note,
            points=tuple(point.to_point() for point in self.points.all()),
        )

    @cached_property
    def series(self) -> charts.Series | None:
        """:meth:`to_series`, or ``None`` when the series cannot be drawn (no points yet)."""
        try:
            return self.to_series()
        except CampaignError:
            return None


class DataPoint(Orderable):
    series = ParentalKey(DataSeries, on_delete=models.CASCADE, related_name="points")
    label = models.CharField(_("label"), max_length=100, help_text=_("For example a year."))
    value = models.FloatField(
        _("value"), null=True, blank=True, help_text=_("Empty when no sourced figure exists.")
    )
    note = models.CharField(_("note"), max_length=255, blank=True)
    source_url = models.URLField(_("source URL"), max_length=500, blank=True, validators=[web_url])

    panels = [
        FieldPanel("label"),
        FieldPanel("value"),
        FieldPanel("note"),
        FieldPanel("source_url"),
    ]

    class Meta(Orderable.Meta):
        verbose_name = _("data point")
        verbose_name_plural = _("data points")

    def __str__(self) -> str:
        return f"{self.label}: {self.value}"

    def clean(self) -> None:
        super().clean()
        if self.value is not None and (self.value < 0 or self.value != self.value):
            raise ValidationError({"value": _("Enter a number of at least 0.")})

    def to_point(self) -> charts.Point:
        return charts.Point(
            label=self.label, value=self.value, note=self.note, source_url=self.source_url
        )
