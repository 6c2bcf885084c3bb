"""Admin registration: a "Campaigns" menu with messages, notable people and data series."""

from __future__ import annotations

from typing import Any

from django.urls import path, reverse
from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin.widgets import Button
from wagtail.permissions import register_permission_policy
from wagtail.snippets.models import register_snippet
from wagtail.snippets.views.snippets import EditView, SnippetViewSet, SnippetViewSetGroup

from . import moderation
from .models import DataSeries, Message, NotablePerson, SocialSource
from .permissions import message_permission_policy
from .views.csv_import import CSVImportView
from .viewsets import (
    BULK_ACTIONS,
    ArchiveImportViewSet,
    MessageViewSet,
    PendingMessagesSummaryItem,
    SocialSourceViewSet,
)

# Before any viewset is registered: Wagtail creates a fallback policy for a model the first
# time a viewset asks for one, and refuses a custom policy after that. Apps' ready() may run
# after Wagtail has loaded every wagtail_hooks module, so this cannot wait for ours.
register_permission_policy(Message, message_permission_policy)


def _import_url(series: DataSeries) -> str:
    return reverse("wagtailsnippets_wagtail_campaign_dataseries:import_csv", args=(series.pk,))


class NotablePersonViewSet(SnippetViewSet):
    model = NotablePerson
    icon = "user"
    list_display = ["name", "lifespan", "contribution"]
    search_fields = ["name", "contribution"]


class DataSeriesEditView(EditView):
    @property
    def header_more_buttons(self) -> list[Any]:
        buttons = list(super().header_more_buttons)
        buttons.append(Button(_("Import CSV"), url=_import_url(self.object), icon_name="upload"))
        return buttons


class DataSeriesViewSet(SnippetViewSet):
    model = DataSeries
    icon = "table"
    list_display = ["title", "unit", "default_kind"]
    search_fields = ["title"]
    edit_view_class = DataSeriesEditView

    def get_urlpatterns(self) -> list[Any]:
        return [
            *super().get_urlpatterns(),
            path("import-csv/<int:pk>/", CSVImportView.as_view(), name="import_csv"),
        ]


class CampaignSnippets(SnippetViewSetGroup):
    items = (
        MessageViewSet,
        SocialSourceViewSet,
        ArchiveImportViewSet,
        NotablePersonViewSet,
        DataSeriesViewSet,
    )
    menu_icon = "site"
    menu_label = _("Campaigns")
    menu_name = "campaigns"


register_snippet(CampaignSnippets)


@hooks.register("register_snippet_listing_buttons")
def data_series_import_button(snippet: Any, user: Any, next_url: str | None = None) -> list[Any]:
    if isinstance(snippet, DataSeries) and user.has_perm("wagtail_campaign.change_dataseries"):
        return [Button(_("Import CSV"), url=_import_url(snippet), icon_name="upload", priority=30)]
    return []


@hooks.register("register_log_actions")
def message_log_actions(actions: Any) -> None:
    moderation.register_log_actions(actions)


@hooks.register("construct_homepage_summary_items")
def pending_messages_summary(request: Any, items: list[Any]) -> None:
    items.append(PendingMessagesSummaryItem(request))


for _action in BULK_ACTIONS:
    hooks.register("register_bulk_action", _action)


@hooks.register("register_snippet_listing_buttons")
def social_source_run_button(snippet: Any, user: Any, next_url: str | None = None) -> list[Any]:
    if isinstance(snippet, SocialSource) and user.has_perm("wagtail_campaign.change_socialsource"):
        url = reverse("wagtailsnippets_wagtail_campaign_socialsource:run", args=(snippet.pk,))
        # Wagtail's action controller sends a POST with the CSRF token: imports change data.
        attrs = {
            "data-controller": "w-action",
            "data-action": "w-action#post",
            "data-w-action-url-value": url,
        }
        return [Button(_("Import now"), url=url, icon_name="download", priority=20, attrs=attrs)]
    return []
