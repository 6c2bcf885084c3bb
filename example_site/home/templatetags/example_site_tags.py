"""Template tags of the example site's base template."""

from __future__ import annotations

from typing import Any

from django import template
from wagtail.models import Page, Site

register = template.Library()


@register.simple_tag(takes_context=True)
def section_links(context: dict[str, Any]) -> list[Page]:
    """Live, public pages shown in menus, down to two levels below the home page."""
    request = context.get("request")
    site = Site.find_for_request(request) if request is not None else None
    if site is None:
        return []
    root = site.root_page
    below = root.get_descendants().filter(depth__lte=root.depth + 2)
    return list(below.live().public().in_menu())
