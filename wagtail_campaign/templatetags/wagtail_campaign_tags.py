"""Template filters for campaign pages: dates, countdowns, JSON-LD, share labels."""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

from django import template
from django.http import HttpRequest
from django.utils import formats
from django.utils.html import format_html
from django.utils.safestring import SafeString
from django.utils.translation import gettext as _
from django.utils.translation import npgettext

from ahmadi_campaign.campaign import Countdown
from ahmadi_campaign.timeline import PartialDate, Precision

register = template.Library()

_NETWORK_NAMES = {
    "x": "X",
    "whatsapp": "WhatsApp",
    "telegram": "Telegram",
    "facebook": "Facebook",
    "bluesky": "Bluesky",
    "mastodon": "Mastodon",
}


@register.filter
def full_url(page: Any, request: HttpRequest | None = None) -> str:
    """The page's absolute URL, or "" when it has none (not under a site)."""
    if page is None or not hasattr(page, "get_full_url"):
        return ""
    return page.get_full_url(request) or ""


@register.filter
def absolute(url: str, request: HttpRequest | None = None) -> str:
    """Make a site-relative URL absolute (for Open Graph, which needs a full address)."""
    if not url or "://" in url or request is None:
        return url
    return request.build_absolute_uri(url)


@register.filter
def partial_date(value: PartialDate) -> str:
    """A partial date in the active language: "1974", "September 1974", "7 September 1974"."""
    if value.precision is Precision.YEAR:
        return str(value.year)
    day = dt.date(value.year, value.month or 1, value.day or 1)
    if value.precision is Precision.MONTH:
        return formats.date_format(day, "YEAR_MONTH_FORMAT")
    return formats.date_format(day, "DATE_FORMAT")


@register.filter
def countdown_parts(countdown: Countdown | None) -> list[dict[str, Any]]:
    """Days, hours and minutes left, each with its translated singular and plural word."""
    if countdown is None:
        return []
    units = [
        ("days", countdown.days, lambda n: npgettext("countdown", "day", "days", n)),
        ("hours", countdown.hours, lambda n: npgettext("countdown", "hour", "hours", n)),
        ("minutes", countdown.minutes, lambda n: npgettext("countdown", "minute", "minutes", n)),
    ]
    return [
        {"unit": unit, "value": value, "word": word(value), "one": word(1), "other": word(2)}
        for unit, value, word in units
    ]


@register.filter
def iso_duration(value: dt.timedelta | None) -> str:
    """An ISO 8601 duration for ``<time datetime>``, to the minute."""
    if value is None:
        return ""
    minutes = int(value.total_seconds() // 60)
    days, rest = divmod(minutes, 24 * 60)
    hours, minutes = divmod(rest, 60)
    return f"P{days}DT{hours}H{minutes}M"


@register.filter
def json_ld(data: dict[str, Any] | None) -> SafeString | str:
    """A ``<script type="application/ld+json">`` element, escaped as Django's json_script."""
    if not data:
        return ""
    text = json.dumps(data, ensure_ascii=False, separators=(",", ":"))
    # The same escapes json_script uses, so no value can close the element.
    for char, escape in (("<", "\\u003C"), (">", "\\u003E"), ("&", "\\u0026")):
        text = text.replace(char, escape)
    return format_html('<script type="application/ld+json">{}</script>', SafeString(text))


@register.filter
def share_label(network: str) -> str:
    """Translated link text for a share network."""
    if network == "email":
        return _("Share by e-mail")
    return _("Share on %(network)s") % {"network": _NETWORK_NAMES.get(network, network)}


@register.filter
def message_html(body: str) -> SafeString:
    """A stored message body, sanitised again at render time: stored HTML is never trusted."""
    from ahmadi_campaign.sanitize import sanitize_html

    return SafeString(sanitize_html(body))  # noqa: S704 - the sanitiser's output is the safe part


@register.filter
def country_name(code: str) -> str:
    """A country's name in the active language (CLDR), or the code if unknown."""
    if not code:
        return ""
    from babel import Locale, UnknownLocaleError
    from django.utils.translation import get_language

    try:
        locale = Locale.parse((get_language() or "en").replace("-", "_"))
    except (UnknownLocaleError, ValueError):
        locale = Locale("en")
    return str(locale.territories.get(code.upper(), code.upper()))
