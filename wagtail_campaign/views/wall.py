"""Routes of a message wall page: read, write, report, and the JSON feed.

The wall itself (``/``) holds no form and no CSRF token, so a CDN may cache it;
writing and reporting happen on their own uncached routes. Every response
carries a strict Content-Security-Policy: no inline script, nothing from other
hosts.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings as django_settings
from django.db.models import Count, Q
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.utils import timezone
from django.utils.cache import patch_cache_control, patch_vary_headers
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_protect
from wagtail.contrib.routable_page.models import RoutablePageMixin, path

from ahmadi_campaign.errors import InvalidCursor
from ahmadi_campaign.feed import Cursor, CursorSigner, etag_for, etag_matches


def _signer(wall_pk: int) -> CursorSigner:
    return CursorSigner(django_settings.SECRET_KEY, purpose=f"wagtail_campaign.wall.{wall_pk}")


def _secure(response: HttpResponse) -> HttpResponse:
    from ..models.wall import SECURITY_HEADERS

    for header, value in SECURITY_HEADERS.items():
        response.headers.setdefault(header, value)
    return response


def _private(response: HttpResponse) -> HttpResponse:
    patch_cache_control(response, private=True, no_store=True)
    return response


def message_json(message: Any) -> dict[str, Any]:
    """The public fields of a message; never its fingerprint, reasons or moderator."""
    from ..templatetags.wagtail_campaign_tags import country_name, message_html

    return {
        "id": message.pk,
        "kind": message.kind,
        "kind_label": str(message.get_kind_display()),
        "display_name": message.display_name,
        "country": message.country,
        "country_name": country_name(message.country),
        "language": message.language,
        "body": str(message_html(message.body)),
        "created_at": message.created_at.isoformat(),
        "source": message.source,
        "source_url": message.source_url,
        "featured": message.featured,
    }


class WallRoutesMixin(RoutablePageMixin):
    """Reading with keyset pagination, writing, reporting and the feed for a wall page."""

    def visible_messages(self) -> Any:
        from ..models.wall import Message

        return Message.objects.visible().filter(wall=self).order_by("-created_at", "-id")

    def page_of_messages(self, before: Cursor | None, size: int) -> tuple[list[Any], bool]:
        found = self.visible_messages()
        if before is not None:
            found = found.filter(
                Q(created_at__lt=before.timestamp)
                | Q(created_at=before.timestamp, id__lt=before.id)
            )
        rows = list(found[: size + 1])
        return rows[:size], len(rows) > size

    def wall_stats(self) -> dict[str, Any]:
        visible = self.visible_messages().order_by()
        by_country = list(
            visible.exclude(country="")
            .values_list("country")
            .annotate(n=Count("id"))
            .order_by("-n")
        )
        by_kind = list(visible.values_list("kind").annotate(n=Count("id")).order_by("-n"))
        return {
            "total": sum(n for _, n in by_kind),
            "by_country": by_country[:10],
            "countries": len(by_country),
            "by_kind": by_kind,
        }

    def get_context(self, request: HttpRequest, *args: Any, **kwargs: Any) -> dict[str, Any]:
        from ..models.wall import PAGE_SIZE

        context: dict[str, Any] = super().get_context(request, *args, **kwargs)  # type: ignore[misc]
        before = None
        if request.GET.get("before"):
            try:
                before = _signer(self.pk).decode(request.GET["before"])  # type: ignore[attr-defined]
            except InvalidCursor:
                context["cursor_error"] = _("That link to older messages is not valid.")
        messages, more = self.page_of_messages(before, PAGE_SIZE)
        older = newest = ""
        if messages and before is None:
            first = messages[0]
            newest = _signer(self.pk).encode(Cursor(first.created_at, first.pk))  # type: ignore[attr-defined]
        if more and messages:
            last = messages[-1]
            older = _signer(self.pk).encode(Cursor(last.created_at, last.pk))  # type: ignore[attr-defined]
        context.update(
            wall_messages=messages,
            older_cursor=older,
            newest_cursor=newest,
            is_open=self.is_open(),  # type: ignore[attr-defined]
            window=self.window(),  # type: ignore[attr-defined]
            stats=self.wall_stats(),
            posted=request.GET.get("posted", ""),
            feed_url=self.url + self.reverse_subpage("feed"),  # type: ignore[attr-defined]
            write_url=self.url + self.reverse_subpage("write"),  # type: ignore[attr-defined]
        )
        return context

    @path("")
    def read(self, request: HttpRequest) -> HttpResponse:
        return _secure(self.render(request))  # type: ignore[attr-defined,no-any-return]

    @path("write/", name="write")
    @csrf_protect
    def write(self, request: HttpRequest) -> HttpResponse:
        from ..forms import MessageForm
        from ..submission import submit

        language = get_language() or "en"
        context = self.get_context(request)
        if not context["is_open"]:
            return _secure(_private(self._render_form(request, context, None, status=200)))
        if request.method == "POST":
            form = MessageForm(request.POST, wall=self, language=language)
            if form.is_valid():
                data = form.cleaned_data
                outcome = submit(
                    self,  # type: ignore[arg-type]
                    body=data["body"],
                    kind=data["kind"],
                    display_name=data["display_name"],
                    country=data["country"],
                    language=language,
                    request=request,
                )
                if outcome.stored:
                    state = "live" if outcome.live else "review"
                    return redirect(f"{self.url}?posted={state}#wall-status")  # type: ignore[attr-defined]
                form.add_error("body", _refusal_text(outcome.refused_reason, outcome.decision))
        else:
            form = MessageForm(wall=self, language=language)
        return _secure(_private(self._render_form(request, context, form)))

    def _render_form(
        self, request: HttpRequest, context: dict[str, Any], form: Any, status: int = 200
    ) -> HttpResponse:
        context["form"] = form
        return TemplateResponse(
            request, "wagtail_campaign/pages/message_wall_write.html", context, status=status
        )

    @path("report/<int:message_id>/", name="report")
    @csrf_protect
    def report(self, request: HttpRequest, message_id: int) -> HttpResponse:
        from ..moderation import flag_message

        message = self.visible_messages().filter(pk=message_id).first()
        context = self.get_context(request)
        context["reported_message"] = message
        if message is not None and request.method == "POST":
            flag_message(message, request, timezone.now())
            return redirect(f"{self.url}?posted=reported#wall-status")  # type: ignore[attr-defined]
        response = TemplateResponse(
            request,
            "wagtail_campaign/pages/message_wall_report.html",
            context,
            status=200 if message else 404,
        )
        return _secure(_private(response))

    @path("messages-json/", name="feed")
    def feed(self, request: HttpRequest) -> HttpResponse:
        """Approved messages as JSON, newest first or after/before a cursor, with an ETag."""
        from ..models.wall import PAGE_SIZE

        signer = _signer(self.pk)  # type: ignore[attr-defined]
        try:
            after = signer.decode(request.GET["after"]) if request.GET.get("after") else None
            before = signer.decode(request.GET["before"]) if request.GET.get("before") else None
        except InvalidCursor as exc:
            return _secure(JsonResponse({"error": str(exc)}, status=400))
        if after is not None:
            found = self.visible_messages().filter(
                Q(created_at__gt=after.timestamp) | Q(created_at=after.timestamp, id__gt=after.id)
            )
            messages = list(reversed(list(found.order_by("created_at", "id")[:PAGE_SIZE])))
            more_before = False
        else:
            messages, more_before = self.page_of_messages(before, PAGE_SIZE)
        etag = etag_for(((m.pk, m.featured) for m in messages), salt=request.get_full_path())
        if etag_matches(request.headers.get("If-None-Match"), etag):
            response = HttpResponse(status=304)
        else:
            newest = messages[0] if messages else None
            oldest = messages[-1] if messages else None
            response = JsonResponse(
                {
                    "messages": [message_json(m) for m in messages],
                    "after": signer.encode(Cursor(newest.created_at, newest.pk))
                    if newest
                    else request.GET.get("after", ""),
                    "before": signer.encode(Cursor(oldest.created_at, oldest.pk))
                    if oldest and more_before
                    else "",
                },
                json_dumps_params={"ensure_ascii": False},
            )
        response["ETag"] = etag
        patch_cache_control(response, public=True, max_age=5)
        patch_vary_headers(response, ["Accept-Language"])
        return _secure(response)


def _refusal_text(reason: str, decision: Any) -> str:
    if reason == "rate_limited":
        return _("You have posted several messages in a short time. Please wait a few minutes.")
    messages = {
        "empty": _("The message is empty."),
        "too_short": _("The message is too short."),
        "too_long": _("The message is too long."),
        "banned_term": _("The message contains words this wall does not accept."),
        "duplicate": _("You have already posted this message."),
        "flood": _("You have posted several messages in a short time. Please wait a few minutes."),
    }
    return messages.get(reason) or decision.message or _("The message could not be accepted.")
