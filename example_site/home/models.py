"""The example site's own home page: a host model that is not ours, as in a real site."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _
from wagtail.admin.panels import FieldPanel
from wagtail.fields import RichTextField
from wagtail.models import Page


class HomePage(Page):
    intro = RichTextField(_("introduction"), blank=True)

    content_panels = [*Page.content_panels, FieldPanel("intro")]

    class Meta:
        verbose_name = _("home page")

    def get_context(self, request: HttpRequest, *args: Any, **kwargs: Any) -> dict[str, Any]:
        from wagtail_campaign.models import CampaignPage, MessageWallPage, TimelinePage

        context: dict[str, Any] = super().get_context(request, *args, **kwargs)
        below = self.get_descendants().live().public()
        context["campaigns"] = below.type(CampaignPage).specific()
        context["timelines"] = below.type(TimelinePage).specific()
        walls = list(below.type(MessageWallPage).specific())
        context["open_walls"] = [wall for wall in walls if wall.is_open()]
        context["closed_walls"] = [wall for wall in walls if not wall.is_open()]
        return context
