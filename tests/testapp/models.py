"""The host site's own page model, which the plugin must not need to know about."""

from wagtail.models import Page


class HostHomePage(Page):
    pass
