"""Admin view: replace a data series' points with rows from a CSV file, all or nothing."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.generic import FormView
from wagtail.admin.views.generic.base import WagtailAdminTemplateMixin
from wagtail.log_actions import log

from ..forms import CSVImportForm
from ..models import DataPoint, DataSeries


class CSVImportView(WagtailAdminTemplateMixin, FormView):  # type: ignore[type-arg]
    form_class = CSVImportForm
    template_name = "wagtail_campaign/admin/csv_import.html"
    header_icon = "table"

    def dispatch(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        self.series = get_object_or_404(DataSeries, pk=kwargs["pk"])
        if not request.user.has_perm("wagtail_campaign.change_dataseries"):
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)  # type: ignore[no-any-return]

    def get_page_title(self) -> str:
        return _("Import CSV")

    def get_page_subtitle(self) -> str:
        return str(self.series)

    def edit_url(self) -> str:
        return reverse("wagtailsnippets_wagtail_campaign_dataseries:edit", args=(self.series.pk,))

    def get_breadcrumbs_items(self) -> list[dict[str, str]]:
        return [
            *self.breadcrumbs_items,
            {
                "url": reverse("wagtailsnippets_wagtail_campaign_dataseries:list"),
                "label": str(DataSeries._meta.verbose_name_plural).capitalize(),
            },
            {"url": self.edit_url(), "label": str(self.series)},
            {"url": "", "label": _("Import CSV")},
        ]

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        context.update(series=self.series, cancel_url=self.edit_url())
        return context

    def form_valid(self, form: CSVImportForm) -> HttpResponse:
        points = form.cleaned_data["points"]
        with transaction.atomic():
            # Replaced only after every row has been checked: a bad file changes nothing.
            self.series.points.all().delete()
            DataPoint.objects.bulk_create(
                DataPoint(
                    series=self.series,
                    sort_order=n,
                    label=point.label,
                    value=point.value,
                    note=point.note,
                    source_url=point.source_url,
                )
                for n, point in enumerate(points)
            )
            log(self.series, "wagtail.edit", user=self.request.user)
        messages.success(
            self.request,
            _("Imported %(count)d points into '%(title)s'.")
            % {"count": len(points), "title": self.series.title},
        )
        return redirect(self.edit_url())
