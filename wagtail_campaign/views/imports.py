"""Admin views of social imports: run a source now, upload an X archive."""

from __future__ import annotations

import tempfile
import uuid
from pathlib import Path
from typing import Any

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST
from wagtail.admin.forms import WagtailAdminModelForm
from wagtail.snippets.views.snippets import CreateView

from .. import settings as plugin_settings
from ..models.social import ArchiveImport, SocialSource
from ..permissions import moderated_walls


def import_dir() -> Path:
    """Where uploaded archives wait for their import: private, never under MEDIA_ROOT."""
    configured = plugin_settings.get("IMPORT_DIR")
    path = Path(configured) if configured else Path(tempfile.gettempdir()) / "wagtail_campaign"
    path.mkdir(mode=0o700, parents=True, exist_ok=True)
    return path


@require_POST
def run_source_now(request: HttpRequest, pk: int) -> HttpResponse:
    """Queue an import of one source (with no worker configured it runs at once)."""
    from ..tasks import import_source

    source = get_object_or_404(SocialSource, pk=pk)
    if not request.user.has_perm("wagtail_campaign.change_socialsource") or not (
        moderated_walls(request.user).filter(pk=source.wall_id).exists()
    ):
        raise PermissionDenied
    result = import_source.enqueue(source.pk)
    source.refresh_from_db()
    if result.is_finished:
        if source.last_error:
            messages.error(
                request, _("The import stopped: %(error)s") % {"error": source.last_error}
            )
        else:
            messages.success(request, source.status_text())
    else:
        messages.success(request, _("The import has started; refresh to see how it went."))
    return redirect("wagtailsnippets_wagtail_campaign_socialsource:list")


class ArchiveUploadForm(WagtailAdminModelForm):
    archive = forms.FileField(
        label=gettext_lazy("X archive"),
        required=False,
        help_text=gettext_lazy(
            "The .zip file X sends when you download your archive, or its data/tweets.js. "
            "Only the tweets are read; the file is deleted after the import."
        ),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if "wall" in self.fields and self.for_user is not None:
            self.fields["wall"].queryset = moderated_walls(self.for_user)

    def clean_archive(self) -> Any:
        upload = self.cleaned_data.get("archive")
        if not self.instance._state.adding:
            return upload
        if upload is None:
            raise forms.ValidationError(_("Choose the archive to upload."))
        limit = int(plugin_settings.get("MAX_ARCHIVE_BYTES"))
        if upload.size > limit:
            raise forms.ValidationError(
                _("The file is %(size)s; the largest accepted is %(limit)s.")
                % {"size": filesizeformat(upload.size), "limit": filesizeformat(limit)}
            )
        if not upload.name.lower().endswith((".zip", ".js")):
            raise forms.ValidationError(_("Upload the archive's .zip file or its tweets.js."))
        return upload


class ArchiveUploadView(CreateView):
    """Store the upload privately, then queue its import; the listing shows the progress."""

    def save_instance(self) -> ArchiveImport:
        upload = self.form.cleaned_data["archive"]
        archive: ArchiveImport = self.form.save(commit=False)
        archive.created_by = self.request.user
        archive.file_name = Path(upload.name).name[:255]
        path = import_dir() / f"{uuid.uuid4().hex}{Path(upload.name).suffix.lower()}"
        with path.open("wb") as out:
            for chunk in upload.chunks():
                out.write(chunk)
        archive.stored_path = str(path)
        archive.save()
        return archive

    def form_valid(self, form: Any) -> HttpResponse:
        from ..tasks import import_x_archive

        response = super().form_valid(form)
        # Queued after the row is committed, so a worker always finds it.
        import_x_archive.enqueue(self.object.pk)
        return response
