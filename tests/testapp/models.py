"""The host site's own page models, which the plugin must not need to know about."""

from wagtail import blocks
from wagtail.fields import StreamField
from wagtail.models import Page


class HostHomePage(Page):
    pass


class HostStreamPage(Page):
    """A plain Wagtail page with core blocks only: the peer in the page benchmark."""

    body = StreamField(
        [("heading", blocks.CharBlock()), ("paragraph", blocks.RichTextBlock())], blank=True
    )
    template = "testapp/host_stream_page.html"
