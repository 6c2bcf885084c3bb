"""A Content-Security-Policy header on every response, chosen by URL prefix.

Public pages get a strict policy: scripts and styles only from files of this
site, nothing from other hosts, no inline script. Wagtail's admin still relies
on inline scripts and styles, so the admin prefix gets a looser policy of its
own (no nonce: Wagtail's templates could not carry one).

Django 5.2 has no CSP support of its own, and django-csp 4 sets policies per
view (decorators), not per URL prefix; Wagtail's admin has hundreds of views, so
a prefix rule in a dozen lines is the clearer tool here.

Responses that already carry a policy keep it: the plugin's message walls set
their own (``setdefault``), and so do we.
"""

from __future__ import annotations

from collections.abc import Callable

from django.conf import settings
from django.http import HttpRequest, HttpResponse


class ContentSecurityPolicyMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        if settings.DEBUG and response.status_code in (404, 500):
            # Django's technical error pages style themselves inline; let them, in DEBUG only.
            return response
        policy = (
            settings.CSP_ADMIN
            if request.path.startswith(settings.CSP_ADMIN_PREFIX)
            else settings.CSP_PUBLIC
        )
        response.headers.setdefault("Content-Security-Policy", policy)
        return response
