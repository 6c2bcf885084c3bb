"""Template context for pages and blocks, computed from the core library.

Blocks and pages call these functions from ``get_context`` so templates only
display values; nothing here renders HTML by hand except the chart SVG, which
the core builds with every text escaped.
"""

from __future__ import annotations

from typing import Any

from django.utils import timezone
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _

from ahmadi_campaign import charts
from ahmadi_campaign.errors import CampaignError
from ahmadi_campaign.share import share_links

from . import settings


def campaign_state(page: Any, now: Any = None) -> dict[str, Any]:
    """Phase, countdown and "day N of M" of a campaign page; empty for any other page."""
    specific = getattr(page, "specific", page)
    campaign = getattr(specific, "campaign", None)
    if campaign is None:
        return {}
    instant = now or timezone.now()
    return {
        "campaign": campaign,
        "campaign_page": specific,
        "phase": campaign.phase_at(instant),
        "countdown": campaign.countdown(instant),
        "day_number": campaign.day_number(instant),
        "total_days": campaign.total_days,
    }


def _chart_labels() -> charts.ChartLabels:
    # Translated at render time, in the visitor's language.
    return charts.ChartLabels(
        bar_summary=_("Bar chart of {title}, {first} to {last}."),
        line_summary=_("Line chart of {title}, {first} to {last}."),
        highest=_("Highest: {value} in {label}."),
        missing=_("{count} of {total} have no data."),
    )


def chart_context(value: Any, parent_context: dict[str, Any]) -> dict[str, Any]:
    """Everything the chart template shows: SVG, summary, table rows, CSV link, source."""
    series = value.get("series")
    core = getattr(series, "series", None)
    if core is None:
        return {"chart": None}
    kind = value.get("kind") or series.default_kind
    draw = charts.line_chart if kind == "line" else charts.bar_chart
    try:
        chart = draw(
            core,
            id_prefix=f"wc-chart-{series.pk}-{kind}",
            no_data_text=_("no data"),
            labels=_chart_labels(),
        )
    except CampaignError:
        return {"chart": None}
    page = parent_context.get("page")
    csv_url = page.chart_csv_url(series.pk) if hasattr(page, "chart_csv_url") else ""
    rows = [
        {"label": label, "value": shown, "note": point.note, "source_url": point.source_url}
        for (label, shown), point in zip(chart.table_rows, core.points, strict=True)
    ]
    return {
        "chart": chart,
        "chart_rows": rows,
        # The core escapes every text it writes into the SVG (tests parse it).
        "chart_svg": mark_safe(chart.svg),  # noqa: S308
        "series": series,
        "csv_url": csv_url,
    }


def share_context(value: Any, parent_context: dict[str, Any]) -> dict[str, Any]:
    """Share links for the page the block is on (none if the page has no public URL)."""
    page = parent_context.get("page")
    request = parent_context.get("request")
    if page is None:
        return {"share_links": []}
    url = page.get_full_url(request) if hasattr(page, "get_full_url") else None
    if not url:
        return {"share_links": []}
    specific = getattr(page, "specific", page)
    campaign = getattr(specific, "campaign", None)
    text = value.get("text") or getattr(specific, "summary", "") or page.title
    networks = list(value.get("networks") or settings.get("SHARE_NETWORKS"))
    try:
        links = share_links(url, text, campaign.hashtags if campaign else (), networks=networks)
    except CampaignError:
        links = []
    mastodon_url = ""
    if value.get("mastodon") and hasattr(specific, "reverse_subpage"):
        try:
            mastodon_url = specific.url + specific.reverse_subpage("share_mastodon")
        except Exception:  # noqa: BLE001 - a page type without the route offers no form
            mastodon_url = ""
    mastodon_error = ""
    if mastodon_url and request is not None and request.GET.get("mastodon") == "invalid":
        mastodon_error = _("Enter the address of a Mastodon server, for example mastodon.social.")
    return {"share_links": links, "mastodon_url": mastodon_url, "mastodon_error": mastodon_error}


def timeline_excerpt(value: Any) -> dict[str, Any]:
    """Events of the chosen timeline page for an excerpt block, in date order."""
    page = value.get("timeline")
    timeline_page = getattr(page, "specific", None)
    if timeline_page is None or not hasattr(timeline_page, "event_queryset"):
        return {"events": [], "timeline_page": None}
    rows = list(timeline_page.event_queryset())
    category = value.get("category")
    if category:
        rows = [row for row in rows if row.category == category]
    ordered = timeline_page.in_date_order(rows)
    if value.get("newest_first"):
        ordered.reverse()
    limit = value.get("limit") or 0
    return {"events": ordered[:limit] if limit else ordered, "timeline_page": timeline_page}
