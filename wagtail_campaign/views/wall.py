"""Routes of a message wall page: read, write, report, and the JSON feed.

The wall itself (``/``) holds no form and no CSRF token, so a CDN may cache it;
writing and reporting happen on their own uncached routes. Every response
carries a strict Content-Security-Policy: no inline script, nothing from other
hosts.

The feed is served twice by one function, :func:`feed_response`: at a plain
Django URL (``wagtail_campaign.urls``, one database query, so a browser's
conditional poll costs almost nothing) and as the page's own ``messages-json/``
route for hosts that have not included those URLs. Wagtail serves page routes
only on paths of letters, digits, ``-`` and ``_``, so that route cannot be
spelt ``messages.json``.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings as django_settings
from django.db.models import Count, Exists, OuterRef, Q, Value
from django.db.models.functions import Length, Substr
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from django.utils.cache import patch_cache_control, patch_vary_headers
from django.utils.decorators import method_decorator
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_protect
from wagtail.contrib.routable_page.models import RoutablePageMixin, path

from ahmadi_campaign.campaign import Phase
from ahmadi_campaign.errors import InvalidCursor
from ahmadi_campaign.feed import Cursor, CursorSigner, etag_for, etag_matches

#: Values of ``?posted=`` the wall page thanks the visitor for.
POSTED_STATES = ("live", "review", "reported")


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


def _older_than(cursor: Cursor) -> Q:
    # The first term repeats what the OR implies: PostgreSQL can use it as an index bound
    # (the OR alone is checked row by row, so page 1,000 read 20,000 rows to skip them).
    return Q(created_at__lte=cursor.timestamp) & (
        Q(created_at__lt=cursor.timestamp) | Q(created_at=cursor.timestamp, id__lt=cursor.id)
    )


def _newer_than(cursor: Cursor) -> Q:
    return Q(created_at__gte=cursor.timestamp) & (
        Q(created_at__gt=cursor.timestamp) | Q(created_at=cursor.timestamp, id__gt=cursor.id)
    )


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
        # Imported rows skip form validation: offer only web links.
        "source_url": message.source_url
        if message.source_url.lower().startswith(("https://", "http://"))
        else "",
        "featured": message.featured,
    }


def _feed_error(text: str, status: int) -> HttpResponse:
    return _secure(_private(JsonResponse({"error": text}, status=status)))


def _public_messages(wall_id: int, *, public_only: bool) -> Any:
    """Approved messages of a live wall; with ``public_only``, none of a restricted wall."""
    from ..models.wall import Message, MessageStatus

    found = Message.objects.filter(wall_id=wall_id, status=MessageStatus.APPROVED, wall__live=True)
    if public_only:
        found = found.filter(~Exists(_restrictions_above("wall__path")))
    return found


def _restrictions_above(path_field: str) -> Any:
    """View restrictions on a page or any ancestor: their page's path prefixes its path.

    The plain feed URL skips Wagtail's serving hooks, so it must check these itself.
    """
    from wagtail.models import PageViewRestriction

    return PageViewRestriction.objects.filter(
        page__path=Substr(OuterRef(path_field), 1, Length("page__path"))
    )


def feed_response(request: HttpRequest, wall_id: int, *, public_only: bool) -> HttpResponse:
    """Approved messages as JSON, newest first or after/before a cursor, with an ETag.

    One query answers both a full response and a ``304 Not Modified``: the ETag is
    computed from the very rows the response would carry.
    """
    from ..models.wall import PAGE_SIZE, MessageWallPage

    signer = _signer(wall_id)
    try:
        after = signer.decode(request.GET["after"]) if request.GET.get("after") else None
        before = signer.decode(request.GET["before"]) if request.GET.get("before") else None
    except InvalidCursor:
        return _feed_error(_("That cursor is not valid. Reload the wall."), 400)
    found = _public_messages(wall_id, public_only=public_only)
    if after is not None:
        # The oldest messages newer than the cursor, so a reader catches up in order.
        rows = list(found.filter(_newer_than(after)).order_by("created_at", "id")[: PAGE_SIZE + 1])
        more = len(rows) > PAGE_SIZE
        messages = rows[:PAGE_SIZE][::-1]
    else:
        if before is not None:
            found = found.filter(_older_than(before))
        rows = list(found.order_by("-created_at", "-id")[: PAGE_SIZE + 1])
        more = len(rows) > PAGE_SIZE
        messages = rows[:PAGE_SIZE]
    if not messages:
        # Only an empty answer needs a second query: is there such a wall at all?
        walls = MessageWallPage.objects.live().filter(pk=wall_id)
        if public_only:
            walls = walls.filter(~Exists(_restrictions_above("path")))
        if not walls.exists():
            return _feed_error(_("There is no such wall."), 404)
    salt = f"{request.get_full_path()}|{get_language()}|{more}"
    etag = etag_for(((m.pk, m.featured) for m in messages), salt=salt)
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
                # More newer messages are waiting: poll again at once with "after".
                "more_after": more if after is not None else False,
                "before": signer.encode(Cursor(oldest.created_at, oldest.pk))
                if oldest and more and after is None
                else "",
            },
            json_dumps_params={"ensure_ascii": False},
        )
    response["ETag"] = etag
    if public_only:
        patch_cache_control(response, public=True, max_age=5)
    else:
        patch_cache_control(response, private=True, max_age=5)
    patch_vary_headers(response, ["Accept-Language"])
    return _secure(response)


def wall_feed(request: HttpRequest, wall_id: int) -> HttpResponse:
    """The feed at a plain URL (see ``wagtail_campaign.urls``): public walls only."""
    if request.method not in ("GET", "HEAD"):
        return _feed_error(_("Only GET is allowed here."), 405)
    return feed_response(request, wall_id, public_only=True)


class WallRoutesMixin(RoutablePageMixin):
    """Reading with keyset pagination, writing, reporting and the feed for a wall page."""

    def serve(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        # Every route, redirects and errors included, carries the security headers.
        return _secure(super().serve(request, *args, **kwargs))

    def visible_messages(self) -> Any:
        from ..models.wall import Message

        return Message.objects.visible().filter(wall=self).order_by("-created_at", "-id")

    def page_of_messages(self, before: Cursor | None, size: int) -> tuple[list[Any], bool]:
        found = self.visible_messages()
        if before is not None:
            found = found.filter(_older_than(before))
        rows = list(found[: size + 1])
        return rows[:size], len(rows) > size

    def wall_stats(self) -> dict[str, Any]:
        from ..models.wall import MessageKind

        visible = self.visible_messages().order_by()
        by_country = list(
            visible.exclude(country="")
            .values_list("country")
            .annotate(n=Count("id"))
            .order_by("-n", "country")
        )
        labels = dict(MessageKind.choices)
        by_kind = [
            (kind, labels.get(kind, kind), n)
            for kind, n in visible.values_list("kind")
            .annotate(n=Count("id"))
            .order_by("-n", "kind")
        ]
        return {
            "total": sum(n for _kind, _label, n in by_kind),
            "by_country": by_country[:10],
            "countries": len(by_country),
            "by_kind": by_kind,
        }

    def wall_url(self, request: HttpRequest) -> str:
        return self.get_url(request) or ""  # type: ignore[attr-defined,no-any-return]

    def is_restricted(self) -> bool:
        """Whether a view restriction covers this wall; one query, whatever the depth."""
        from wagtail.models import PageViewRestriction

        path = Value(self.path)  # type: ignore[attr-defined]
        above = PageViewRestriction.objects.filter(page__path=Substr(path, 1, Length("page__path")))
        return bool(above.exists())

    def feed_url(self, request: HttpRequest, wall_url: str) -> str:
        """The plain feed URL if the host included ours and the wall is public, else the route."""
        try:
            url = reverse("wagtail_campaign:wall_feed", args=[self.pk])  # type: ignore[attr-defined]
        except NoReverseMatch:
            url = ""
        if url and not self.is_restricted():
            return url
        return wall_url + self.reverse_subpage("feed")  # type: ignore[attr-defined,no-any-return]

    def is_open_now(self) -> tuple[Any, bool]:
        """The posting window and whether it is open now (the window costs queries: ask once)."""
        window = self.window()  # type: ignore[attr-defined]
        return window, window is not None and window.phase_at(timezone.now()) is Phase.LIVE

    def wall_context(
        self,
        request: HttpRequest,
        *args: Any,
        window_state: tuple[Any, bool] | None = None,
        **kwargs: Any,
    ) -> dict[str, Any]:
        """What every wall template needs: URLs and whether the wall is open."""
        context: dict[str, Any] = super().get_context(request, *args, **kwargs)  # type: ignore[misc]
        window, is_open = window_state or self.is_open_now()
        wall_url = self.wall_url(request)
        context.update(
            window=window,
            is_open=is_open,
            wall_url=wall_url,
            write_url=wall_url + self.reverse_subpage("write"),  # type: ignore[attr-defined]
            report_url=wall_url + "report/",
        )
        return context

    def get_context(self, request: HttpRequest, *args: Any, **kwargs: Any) -> dict[str, Any]:
        from ..models.wall import PAGE_SIZE

        context = self.wall_context(request, *args, **kwargs)
        signer = _signer(self.pk)  # type: ignore[attr-defined]
        before = None
        if request.GET.get("before"):
            try:
                before = signer.decode(request.GET["before"])
            except InvalidCursor:
                context["cursor_error"] = _(
                    "That link to older messages is not valid. Here are the newest messages."
                )
        messages, more = self.page_of_messages(before, PAGE_SIZE)
        older = newest = ""
        if messages and before is None:
            newest = signer.encode(Cursor(messages[0].created_at, messages[0].pk))
        if more and messages:
            older = signer.encode(Cursor(messages[-1].created_at, messages[-1].pk))
        posted = request.GET.get("posted", "")
        context.update(
            wall_messages=messages,
            older_cursor=older,
            newest_cursor=newest,
            # Only the newest page takes live updates; an older page stays as it is.
            live_updates=before is None,
            stats=self.wall_stats(),
            posted=posted if posted in POSTED_STATES else "",
            feed_url=self.feed_url(request, context["wall_url"]),
        )
        return context

    @path("")
    def read(self, request: HttpRequest) -> HttpResponse:
        return self.render(request)  # type: ignore[attr-defined,no-any-return]

    def _redirect_to_wall(self, request: HttpRequest, route: str, state: str) -> HttpResponse:
        # The wall's URL taken from the request path: no lookup (Wagtail's site root
        # paths live in the cache, which may be the very thing that is down).
        suffix = request.path.removesuffix(route)
        wall_url = suffix if suffix != request.path else self.wall_url(request)
        return redirect(f"{wall_url}?posted={state}#wall-status")

    @path("write/", name="write")
    @method_decorator(csrf_protect)
    def write(self, request: HttpRequest) -> HttpResponse:
        from ..forms import MessageForm
        from ..submission import submit

        language = get_language() or "en"
        window_state = self.is_open_now()
        if not window_state[1]:
            # Closed: nothing is stored, whatever is posted.
            return _private(self._render_form(request, None, window_state))
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
                    # The interface language says nothing of the message's own language
                    # (an English message from the Urdu page): leave it unknown and let
                    # dir="auto" place the text.
                    language="",
                    request=request,
                    extra_reasons=form.review_reasons,
                )
                if outcome.stored:
                    state = "live" if outcome.live else "review"
                    route = self.reverse_subpage("write")  # type: ignore[attr-defined]
                    return self._redirect_to_wall(request, route, state)
                form.add_error("body", refusal_text(outcome.refused_reason))
        else:
            form = MessageForm(wall=self, language=language)
        return _private(self._render_form(request, form, window_state))

    def _render_form(
        self, request: HttpRequest, form: Any, window_state: tuple[Any, bool]
    ) -> HttpResponse:
        context = self.wall_context(request, window_state=window_state)
        context["form"] = form
        return TemplateResponse(request, "wagtail_campaign/pages/message_wall_write.html", context)

    @path("report/<int:message_id>/", name="report")
    @method_decorator(csrf_protect)
    def report(self, request: HttpRequest, message_id: int) -> HttpResponse:
        from ..moderation import flag_message
        from ..submission import report_allowed

        message = self.visible_messages().filter(pk=message_id).first()
        refused = ""
        if message is not None and request.method == "POST":
            now = timezone.now()
            if report_allowed(self, request, now):  # type: ignore[arg-type]
                message.wall = self  # saves flag_message a query for the threshold
                flag_message(message, request, now)
                route = self.reverse_subpage("report", args=(message_id,))  # type: ignore[attr-defined]
                return self._redirect_to_wall(request, route, "reported")
            refused = _("You have sent many reports in a short time. Please wait a few minutes.")
        context = self.wall_context(request)
        context.update(reported_message=message, report_error=refused)
        response = TemplateResponse(
            request,
            "wagtail_campaign/pages/message_wall_report.html",
            context,
            status=200 if message else 404,
        )
        return _private(response)

    @path("messages-json/", name="feed")
    def feed(self, request: HttpRequest) -> HttpResponse:
        """The feed as a page route; Wagtail has already checked any view restriction."""
        return feed_response(request, self.pk, public_only=False)  # type: ignore[attr-defined]


def refusal_text(reason: str) -> str:
    """The sentence shown beside the form when the policy or the rate limit refuses a message."""
    wait = _("You have posted several messages in a short time. Please wait a few minutes.")
    messages = {
        "rate_limited": wait,
        "flood": wait,
        "empty": _("The message is empty."),
        "too_short": _("The message is too short."),
        "too_long": _("The message is too long."),
        "banned_term": _("The message contains words this wall does not accept."),
        "duplicate": _("You have already posted this message."),
    }
    return messages.get(reason) or _("The message could not be accepted.")
