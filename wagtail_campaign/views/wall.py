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

import functools
from typing import Any

from django.conf import settings as django_settings
from django.db.models import BooleanField, Count, Exists, Expression, OuterRef, Value
from django.db.models.functions import Length, Substr
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect, JsonResponse
from django.http.request import split_domain_port
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

from ahmadi_campaign.campaign import Campaign, Phase
from ahmadi_campaign.errors import CampaignError, InvalidCursor
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


#: What a listed message shows (the wall's template and the feed's JSON). The rest - the
#: plain text, the shingles, the fingerprint, the reasons - is never read when listing, and
#: decoding it cost more than everything else on a page of 20.
LISTED_FIELDS = (
    "id",
    "wall_id",
    "kind",
    "display_name",
    "country",
    "language",
    "body",
    "source",
    "source_url",
    "featured",
    "created_at",
)


class _Keyset(Expression):
    """``(created_at, id) < (timestamp, id)`` (or ``>``): the keyset condition as one row value.

    It means the same as ``created_at < t OR (created_at = t AND id < i)``, but PostgreSQL
    uses the whole comparison as a bound of the (wall, status, created_at, id) index scan
    (an OR is checked row by row, so page 1,000 read 20,000 rows to skip them); and as one
    node it costs the ORM a fraction of building three lookups, which was most of what a
    deep page cost more than page 1. SQLite and MySQL compare row values too.
    """

    output_field = BooleanField()
    conditional = True

    def __init__(self, cursor: Cursor, operator: str) -> None:
        super().__init__()
        self.cursor = cursor
        self.operator = operator
        self.columns: tuple[Any, Any] | None = None

    def resolve_expression(
        self,
        query: Any = None,
        allow_joins: bool = True,
        reuse: Any = None,
        summarize: bool = False,
        for_save: bool = False,
    ) -> _Keyset:
        resolved = self.copy()
        resolved.columns = (query.resolve_ref("created_at"), query.resolve_ref("id"))
        return resolved

    def get_source_expressions(self) -> list[Any]:
        return list(self.columns or ())

    def set_source_expressions(self, exprs: list[Any]) -> None:
        self.columns = (exprs[0], exprs[1]) if exprs else None

    def as_sql(self, compiler: Any, connection: Any) -> tuple[str, list[Any]]:
        if self.columns is None:
            raise ValueError("Resolve the keyset condition before compiling it.")
        (stamp_sql, stamp_params), (id_sql, id_params) = (
            compiler.compile(column) for column in self.columns
        )
        stamp = self.columns[0].output_field.get_db_prep_value(self.cursor.timestamp, connection)
        sql = f"({stamp_sql}, {id_sql}) {self.operator} (%s, %s)"
        return sql, [*stamp_params, *id_params, stamp, self.cursor.id]


def _older_than(cursor: Cursor) -> _Keyset:
    return _Keyset(cursor, "<")


def _newer_than(cursor: Cursor) -> _Keyset:
    return _Keyset(cursor, ">")


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

    found = Message.objects.filter(
        wall_id=wall_id, status=MessageStatus.APPROVED, wall__live=True
    ).only(*LISTED_FIELDS)
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


def _site_roots(request: HttpRequest) -> list[str]:
    """The root paths (``url_path``) of the site Wagtail serves ``request`` from; [] if none.

    A site whose hostname and port are the request's is always Wagtail's choice, and
    Wagtail keeps every site's root paths in the cache: that answer costs no query. Any
    other request (the default site standing in, the cache down) asks
    ``Site.find_for_request``, as Wagtail's routing does.
    """
    from wagtail.models import Site

    hostname = split_domain_port(request._get_raw_host())[0]
    try:
        root_url = Site(hostname=hostname, port=int(request.get_port())).root_url
        roots = [root.root_path for root in Site.get_site_root_paths() if root.root_url == root_url]
    except Exception:  # noqa: BLE001 - an odd port or the cache down: ask the database
        roots = []
    if roots:
        return roots
    site = Site.find_for_request(request)
    return [site.root_page.url_path] if site is not None else []


def _path_on_site(page: Any, roots: list[str]) -> str:
    """The page's URL under the first of ``roots`` that holds it ("" if none does): what
    Wagtail's ``page.get_url(request)`` gives on that site, without looking anything up."""
    root = next((root for root in roots if page.url_path.startswith(root)), None)
    if root is None:
        return ""
    url: str = reverse("wagtail_serve", args=(page.url_path[len(root) :],))
    if not getattr(django_settings, "WAGTAIL_APPEND_SLASH", True) and url != "/":
        url = url.rstrip("/")
    return url


#: Wagtail's own serving hooks, which the plain posting URL does the work of: the request
#: method check and the view restrictions (live, site and restrictions are checked there).
_WAGTAILS_OWN_HOOKS = {
    ("before_serve_page", "wagtail.wagtail_hooks.check_request_method"),
    ("on_serve_page", "wagtail.wagtail_hooks.check_view_restrictions"),
}


def plain_posting_allowed() -> bool:
    """Whether only Wagtail's own serving hooks are registered.

    A host's own ``before_serve_page`` or ``on_serve_page`` hook may guard a wall in ways
    the plain URL cannot know; then the form posts to the ``write/`` route, through them.
    """
    from wagtail import hooks

    return all(
        (name, f"{hook.__module__}.{hook.__qualname__}") in _WAGTAILS_OWN_HOOKS
        for name in ("before_serve_page", "on_serve_page")
        for hook in hooks.get_hooks(name)
    )


#: Stands in for the wall's id while its query is compiled (no page has a negative id).
_PROBE_ID = -7_654_321


@functools.lru_cache(maxsize=8)
def _postable_wall_sql(alias: str) -> tuple[str, tuple[Any, ...], int]:
    """SQL of "this live wall, and whether a view restriction covers it", compiled once.

    Returns the SQL, its parameters and the position of the wall's id among them. Building
    and compiling the query (a page has some fifty columns, and the restriction check is
    a subquery) cost three times what running it does, on every message.
    """
    from ..models.wall import MessageWallPage

    walls = (
        MessageWallPage.objects.using(alias)
        .live()
        .filter(pk=_PROBE_ID)
        .annotate(restricted=Exists(_restrictions_above("path")))
    )
    sql, params = walls.query.get_compiler(using=alias).as_sql()
    return sql, tuple(params), list(params).index(_PROBE_ID)


@csrf_protect
def wall_write(request: HttpRequest, wall_id: int) -> HttpResponse:
    """Where the write form is sent, at a plain URL (see ``wagtail_campaign.urls``).

    Wagtail's routing (the site, the page tree level by level, the serving hooks) was a
    third of the cost of storing a message. Here the wall is found by id, with the checks
    that routing makes: the request's site holds the wall, the wall is live, and no view
    restriction (login, groups, password) covers it or a page above it. A restricted wall
    sends the request on to its own ``write/`` route (307, so the POST is kept), where
    Wagtail asks for the login or the password, and so does every wall while the host
    has serving hooks of its own (see :func:`plain_posting_allowed`); a GET goes to the
    form. What follows is
    the route's own code: the same form, errors beside it, the same redirect.
    """
    from ..models.wall import MessageWallPage

    sql, params, at = _postable_wall_sql(MessageWallPage.objects.db)
    values = list(params)
    values[at] = wall_id
    wall = next(iter(MessageWallPage.objects.raw(sql, values)), None)
    wall_url = _path_on_site(wall, _site_roots(request)) if wall is not None else ""
    if not wall_url:
        raise Http404(_("There is no such wall."))
    routed = wall.restricted or not plain_posting_allowed()
    if routed or request.method != "POST":
        route = wall_url + wall.reverse_subpage("write")
        return _secure(HttpResponseRedirect(route, status=307 if routed else 302))
    return _secure(wall.write_response(request, wall_url=wall_url))


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
        found = self.visible_messages().only(*LISTED_FIELDS)
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

    def post_url(self, request: HttpRequest, write_url: str) -> str:
        """Where the form is sent: the plain URL if the host included ours and the wall is
        public (see :func:`wall_write`), else the ``write/`` route."""
        try:
            url = reverse("wagtail_campaign:wall_write", args=[self.pk])  # type: ignore[attr-defined]
        except NoReverseMatch:
            return write_url
        if not plain_posting_allowed() or self.is_restricted():
            return write_url
        return url

    def posting_open_now(self) -> bool:
        """Whether the wall takes messages now: ``is_open_now()[1]``, often without a query.

        A wall with its own dates and time zone has the window they make (the campaign
        adds only hashtags, which do not change the phase), so the campaign is not
        looked up.
        """
        if not (self.opens_on and self.closes_on and self.time_zone):  # type: ignore[attr-defined]
            return self.is_open_now()[1]
        try:
            own = Campaign.from_local_dates(
                self.title,  # type: ignore[attr-defined]
                ["wall"],
                self.opens_on,  # type: ignore[attr-defined]
                self.closes_on,  # type: ignore[attr-defined]
                self.time_zone,  # type: ignore[attr-defined]
            )
        except CampaignError:
            return False  # window() is None: closed
        return own.phase_at(timezone.now()) is Phase.LIVE

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
        # The wall's URL taken from the request path: no lookup (Wagtail's site root
        # paths live in the cache, which may be the very thing that is down).
        route = self.reverse_subpage("write")  # type: ignore[attr-defined]
        suffix = request.path.removesuffix(route)
        return self.write_response(request, wall_url=suffix if suffix != request.path else "")

    def write_response(self, request: HttpRequest, *, wall_url: str) -> HttpResponse:
        """The form, or what became of a message sent with it: for write/ and the plain URL.

        A stored message sends the visitor to ``wall_url`` ("": look the wall's URL up).
        """
        from ..forms import MessageForm
        from ..submission import submit

        language = get_language() or "en"
        posting = request.method == "POST"
        # A post only needs to know whether the wall is open; a page shown needs its window.
        window_state = (None, self.posting_open_now()) if posting else self.is_open_now()
        if not window_state[1]:
            # Closed: nothing is stored, whatever is posted.
            return _private(self._render_form(request, None, self.is_open_now()))
        if posting:
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
                    target = wall_url or self.wall_url(request)
                    return redirect(f"{target}?posted={state}#wall-status")
                form.add_error("body", refusal_text(outcome.refused_reason))
        else:
            form = MessageForm(wall=self, language=language)
        window_state = self.is_open_now() if posting else window_state
        return _private(self._render_form(request, form, window_state))

    def _render_form(
        self, request: HttpRequest, form: Any, window_state: tuple[Any, bool]
    ) -> HttpResponse:
        context = self.wall_context(request, window_state=window_state)
        context["form"] = form
        context["post_url"] = self.post_url(request, context["write_url"])
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
