"""Moderation in the Wagtail admin: the message listing, its filters, bulk actions and export,
and the social import sources and archive uploads beside it.

Messages are registered as a snippet (in the "Campaigns" menu) because snippets
bring what moderators need with Wagtail's own look: filters, search, bulk
actions with a confirmation step, history, and a streaming CSV export.
Message text is anonymous input shown to privileged users, so it is always
rendered escaped here (never ``mark_safe``).
"""

from __future__ import annotations

import csv
from collections.abc import Iterator
from typing import Any

import django_filters
from django.db.models import QuerySet
from django.http import Http404
from django.urls import path, reverse
from django.utils.html import format_html
from django.utils.text import Truncator
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext
from wagtail.admin.filters import DateRangePickerWidget, WagtailFilterSet
from wagtail.admin.menu import MenuItem
from wagtail.admin.panels import FieldPanel, ObjectList
from wagtail.admin.site_summary import SummaryItem
from wagtail.admin.ui.tables import Column, DateColumn, StatusTagColumn
from wagtail.admin.views.mixins import Echo
from wagtail.snippets.bulk_actions.snippet_bulk_action import SnippetBulkAction
from wagtail.snippets.views.snippets import (
    DeleteView,
    EditView,
    HistoryView,
    IndexView,
    InspectView,
    SnippetViewSet,
    UsageView,
)

from ahmadi_campaign.series import neutralise_cell

from .models.social import ArchiveImport, SocialSource
from .models.wall import Message, MessageKind, MessageSource, MessageStatus
from .moderation import ACTIONS, moderate
from .permissions import message_permission_policy, moderated_walls
from .views.imports import ArchiveUploadForm, ArchiveUploadView, run_source_now

#: Why a stored message was held: the codes of the core policy's holding verdicts, plus
#: the submission pipeline's own (rejected messages are never stored).
REASONS = [
    ("too_many_links", _("Too many links")),
    ("duplicate_other_client", _("Same text as another visitor's")),
    ("near_duplicate", _("Near-duplicate")),
    ("shouting", _("Shouting")),
    ("cache_unavailable", _("Rate limits could not be checked")),
    ("wall_busy", _("Wall was busy")),
    ("proof_of_work_missing", _("Sent without the browser check")),
    ("proof_of_work_unverified", _("Browser check could not be recorded")),
]


def _may_moderate(user: Any) -> bool:
    return bool(message_permission_policy.user_has_any_permission(user, ["view", "change"]))


def pending_messages(user: Any) -> QuerySet[Message]:
    return Message.objects.filter(wall__in=moderated_walls(user), status=MessageStatus.PENDING)


class MessageFilterSet(WagtailFilterSet):
    wall = django_filters.ModelChoiceFilter(
        label=_("Wall"), queryset=lambda request: moderated_walls(request.user)
    )
    status = django_filters.MultipleChoiceFilter(
        label=_("Status"), choices=MessageStatus.choices, widget=django_filters.widgets.CSVWidget
    )
    kind = django_filters.ChoiceFilter(label=_("Kind"), choices=MessageKind.choices)
    source = django_filters.ChoiceFilter(label=_("Source"), choices=MessageSource.choices)
    country = django_filters.CharFilter(label=_("Country code"), method="filter_country")
    reason = django_filters.ChoiceFilter(label=_("Reason"), choices=REASONS, method="filter_reason")
    created_at = django_filters.DateFromToRangeFilter(
        label=_("Received"), widget=DateRangePickerWidget
    )
    featured = django_filters.BooleanFilter(label=_("Featured"))

    class Meta:
        model = Message
        fields = ["wall", "status", "kind", "source", "country", "reason", "created_at", "featured"]

    def filter_country(self, queryset: QuerySet[Message], name: str, value: str) -> Any:
        return queryset.filter(country=value.strip().upper()) if value else queryset

    def filter_reason(self, queryset: QuerySet[Message], name: str, value: str) -> Any:
        # ``reasons`` is a JSON list of codes; matching the quoted code works on every
        # database (JSON ``contains`` does not exist on SQLite).
        return queryset.filter(reasons__icontains=f'"{value}"') if value else queryset


class MessageTextColumn(Column):
    """The message, shortened, escaped, and linked to its full view."""

    def get_value(self, instance: Message) -> str:
        return Truncator(instance.text).chars(120)


class MessageIndexView(IndexView):
    def write_csv_row(self, writer: Any, row_dict: dict[str, Any]) -> Any:
        # A cell that starts like a formula would run in a spreadsheet: neutralise it.
        return writer.writerow(
            {
                field: neutralise_cell(
                    str(self.preprocess_field_value(field, value, self.FORMAT_CSV))
                )
                for field, value in row_dict.items()
            }
        )

    def stream_csv(self, queryset: QuerySet[Message]) -> Iterator[str]:
        # Wagtail's version caches the whole queryset; a large wall is read in chunks.
        writer = csv.DictWriter(Echo(), fieldnames=self.list_export)
        yield writer.writerow({f: self.get_heading(queryset, f) for f in self.list_export})
        for item in queryset.iterator(chunk_size=2000):
            yield self.write_csv_row(writer, self.to_row_dict(item))


class OwnWallsOnly:
    """For views of one message: a message of a wall the user may not moderate is not found.

    (Wagtail's generic views check the model permission only; ours is per wall.)
    """

    def get_object(self, *args: Any) -> Message:
        message: Message = super().get_object(*args)  # type: ignore[misc]
        user = self.request.user  # type: ignore[attr-defined]
        if not message_permission_policy.user_has_any_permission_for_instance(
            user, ["view", "change"], message
        ):
            raise Http404
        return message


class MessageEditView(OwnWallsOnly, EditView):
    pass


class MessageInspectView(OwnWallsOnly, InspectView):
    pass


class MessageDeleteView(OwnWallsOnly, DeleteView):
    pass


class MessageHistoryView(OwnWallsOnly, HistoryView):
    pass


class MessageUsageView(OwnWallsOnly, UsageView):
    pass


class PendingMenuItem(MenuItem):
    """The "Messages" menu entry, with how many wait for review."""

    def is_shown(self, request: Any) -> bool:
        return _may_moderate(request.user)

    def render_component(self, request: Any) -> Any:
        component = super().render_component(request)
        count = pending_messages(request.user).count()
        if count:
            component.label = format_html("{} ({})", component.label, count)
            component.attrs = {
                **component.attrs,
                "aria-label": ngettext(
                    "%(label)s, %(count)d awaiting review",
                    "%(label)s, %(count)d awaiting review",
                    count,
                )
                % {"label": self.label, "count": count},
            }
        return component


class MessageViewSet(SnippetViewSet):
    model = Message
    icon = "comment"
    menu_label = _("Messages")
    add_to_admin_menu = False
    index_view_class = MessageIndexView
    edit_view_class = MessageEditView
    inspect_view_class = MessageInspectView
    delete_view_class = MessageDeleteView
    history_view_class = MessageHistoryView
    usage_view_class = MessageUsageView
    filterset_class = MessageFilterSet
    search_fields = ["text", "display_name"]
    ordering = ["-created_at", "-id"]
    inspect_view_enabled = True
    copy_view_enabled = False
    list_per_page = 50
    list_display = [
        MessageTextColumn("text", label=_("Message")),
        "display_name",
        Column("wall", label=_("Wall")),
        StatusTagColumn(
            "status",
            accessor="get_status_display",
            label=_("Status"),
            primary=lambda m: m.status == MessageStatus.APPROVED,
        ),
        "kind",
        "country",
        "source",
        Column("flag_count", label=_("Reports")),
        DateColumn("created_at", label=_("Received")),
    ]
    list_export = [
        "id",
        "wall",
        "created_at",
        "status",
        "kind",
        "display_name",
        "country",
        "language",
        "text",
        "source",
        "source_url",
        "reasons",
        "flag_count",
        "featured",
        "moderated_at",
    ]
    export_filename = "messages"
    inspect_view_fields = [
        "wall",
        "status",
        "kind",
        "display_name",
        "country",
        "language",
        "text",
        "source",
        "source_url",
        "reasons",
        "flag_count",
        "featured",
        "created_at",
        "moderated_at",
        "moderated_by",
    ]
    panels = ["status", "featured", "kind", "display_name", "country"]

    @property
    def menu_item_class(self) -> type[MenuItem]:
        return PendingMenuItem

    def get_queryset(self, request: Any) -> QuerySet[Message]:
        return message_permission_policy.instances_user_has_any_permission_for(
            request.user, ["view", "change"]
        ).select_related("wall")


# ---------------------------------------------------------------- bulk actions


class MessageBulkAction(SnippetBulkAction):
    """Base of the moderation bulk actions; each subclass names one of :data:`ACTIONS`."""

    template_name = "wagtail_campaign/admin/confirm_bulk_moderation.html"
    models = [Message]
    moderation_action = ""

    def check_perm(self, obj: Message) -> bool:
        return message_permission_policy.user_has_permission_for_instance(
            self.request.user, "change", obj
        )

    @classmethod
    def execute_action(
        cls, objects: list[Message], user: Any = None, **kwargs: Any
    ) -> tuple[int, int]:
        return moderate(objects, cls.moderation_action, user), 0

    def get_execution_context(self) -> dict[str, Any]:
        return {**super().get_execution_context(), "user": self.request.user}

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        return {**super().get_context_data(**kwargs), "action_label": self.display_name}

    def get_success_message(self, num_parent_objects: int, num_child_objects: int) -> str:
        return ngettext(
            "%(count)d message changed: %(action)s.",
            "%(count)d messages changed: %(action)s.",
            num_parent_objects,
        ) % {"count": num_parent_objects, "action": self.display_name}


def _bulk_action(name: str, priority: int, classes: set[str] | None = None) -> type:
    label = ACTIONS[name][0]
    return type(
        f"{name.title()}MessagesBulkAction",
        (MessageBulkAction,),
        {
            "display_name": label,
            "action_type": f"wagtail_campaign_{name}",
            "aria_label": label,
            "moderation_action": name,
            "action_priority": priority,
            "classes": classes or set(),
        },
    )


BULK_ACTIONS = [
    _bulk_action("approve", 10),
    _bulk_action("reject", 20),
    _bulk_action("spam", 25, {"serious"}),
    _bulk_action("hide", 26),
    _bulk_action("feature", 40),
    _bulk_action("unfeature", 41),
]


# ---------------------------------------------------------------- dashboard


class PendingMessagesSummaryItem(SummaryItem):
    order = 250
    template_name = "wagtail_campaign/admin/pending_summary.html"

    def get_context_data(self, parent_context: Any) -> dict[str, Any]:
        count = pending_messages(self.request.user).count()
        url = reverse("wagtailsnippets_wagtail_campaign_message:list") + "?status=pending"
        return {"count": count, "url": url}

    def is_shown(self) -> bool:
        return message_permission_policy.user_has_any_permission(
            self.request.user, ["view", "change"]
        )


# ---------------------------------------------------------------- social imports


class OwnWallsQuerysetMixin:
    """Editors see the sources and imports of the walls they may moderate."""

    def get_queryset(self, request: Any) -> Any:
        model = self.model  # type: ignore[attr-defined]
        return model.objects.filter(wall__in=moderated_walls(request.user)).select_related("wall")


class SocialSourceViewSet(OwnWallsQuerysetMixin, SnippetViewSet):
    model = SocialSource
    icon = "globe"
    menu_label = _("Social media sources")
    list_display = [
        "hashtag",
        "network",
        Column("wall", label=_("Wall")),
        "enabled",
        Column("status_text", label=_("Last run")),
    ]
    list_filter = ["network", "enabled"]
    copy_view_enabled = False

    def get_urlpatterns(self) -> list[Any]:
        return [
            *super().get_urlpatterns(),
            path("run/<int:pk>/", run_source_now, name="run"),
        ]


class ArchiveImportViewSet(OwnWallsQuerysetMixin, SnippetViewSet):
    model = ArchiveImport
    icon = "upload"
    menu_label = _("X archive imports")
    add_view_class = ArchiveUploadView
    edit_handler = ObjectList(
        [FieldPanel("wall"), FieldPanel("archive"), FieldPanel("hashtags"), FieldPanel("kind")],
        base_form_class=ArchiveUploadForm,
    )
    list_display = [
        "file_name",
        Column("wall", label=_("Wall")),
        StatusTagColumn("status", accessor="get_status_display", label=_("Status")),
        Column("percent", label=_("Percent done")),
        "stored",
        "duplicates",
        "rejected",
        "skipped",
        DateColumn("created_at", label=_("Uploaded")),
    ]
    inspect_view_enabled = True
    inspect_view_fields = [
        "wall",
        "file_name",
        "status",
        "total",
        "processed",
        "stored",
        "duplicates",
        "rejected",
        "skipped",
        "error",
        "created_by",
        "created_at",
        "finished_at",
    ]
    copy_view_enabled = False
