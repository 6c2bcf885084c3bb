"""Admin forms: data series with row checks, and CSV import."""

from __future__ import annotations

from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _
from wagtail.admin.forms import WagtailAdminModelForm

from ahmadi_campaign import charts

#: Largest CSV file accepted for import (a series of a few thousand rows fits easily).
MAX_CSV_BYTES = 512 * 1024


class DataSeriesForm(WagtailAdminModelForm):
    """Rejects two points with the same label, which a chart could not tell apart."""

    def clean(self) -> dict[str, Any]:
        cleaned: dict[str, Any] = super().clean()
        seen: set[str] = set()
        for form in self.formsets["points"].forms:
            if not form.is_valid() or form.cleaned_data.get("DELETE"):
                continue
            label = (form.cleaned_data.get("label") or "").strip()
            if label in seen:
                form.add_error("label", _("Another point already has this label."))
            seen.add(label)
        return cleaned


class CSVImportForm(forms.Form):
    """Upload a file or paste CSV text; either way the rows are checked before anything changes."""

    file = forms.FileField(
        label=_("CSV file"),
        required=False,
        help_text=_("Columns: label (or year), value, and optionally note and source_url."),
    )
    text = forms.CharField(
        label=_("or paste CSV"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 10, "dir": "auto"}),
    )

    def clean(self) -> dict[str, Any]:
        cleaned: dict[str, Any] = super().clean()
        upload = cleaned.get("file")
        text = cleaned.get("text") or ""
        if upload is not None:
            if upload.size > MAX_CSV_BYTES:
                raise ValidationError(
                    _("The file is too large (at most %(size)d KB).")
                    % {"size": MAX_CSV_BYTES // 1024}
                )
            try:
                text = upload.read().decode("utf-8-sig")
            except UnicodeDecodeError:
                raise ValidationError(
                    _("The file must be UTF-8 text (save it as CSV UTF-8).")
                ) from None
        if not text.strip():
            raise ValidationError(_("Choose a CSV file or paste CSV text."))
        try:
            cleaned["points"] = charts.parse_csv(text)
        except charts.InvalidSeries as exc:
            for message in getattr(exc, "errors", None) or [str(exc)]:
                self.add_error(None, message)
        return cleaned
