"""StreamField blocks for campaign content, importable by any host site.

Use :class:`CampaignStreamBlock` as a whole (``StreamField(CampaignStreamBlock())``)
or pick single blocks. Block lists live here only: every change to a block list
makes a migration, so defining them once keeps pages and migrations in step.
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.core.validators import URLValidator
from django.utils.translation import gettext_lazy as _
from wagtail import blocks
from wagtail.blocks.struct_block import StructBlockValidationError
from wagtail.images.blocks import ImageBlock
from wagtail.snippets.blocks import SnippetChooserBlock

from ahmadi_campaign.share import NETWORKS

from . import rendering

#: Sources are web pages: only http(s) addresses (the core library accepts no other).
web_url = URLValidator(schemes=["http", "https"])

_NETWORK_LABELS = {
    "x": "X",
    "whatsapp": "WhatsApp",
    "telegram": "Telegram",
    "facebook": "Facebook",
    "bluesky": "Bluesky",
    "mastodon": "Mastodon",
    "email": _("E-mail"),
}


class SourceBlock(blocks.StructBlock):
    """A cited source: a link and what it is."""

    url = blocks.URLBlock(label=_("URL"), validators=[web_url])
    title = blocks.CharBlock(label=_("title"), max_length=255)

    class Meta:
        icon = "link"
        label = _("Source")


class StatementBlock(blocks.StructBlock):
    """A statement or quotation with who said it and where it was published."""

    quote = blocks.TextBlock(label=_("statement"))
    attribution = blocks.CharBlock(label=_("attribution"), max_length=255)
    role = blocks.CharBlock(
        label=_("role"), required=False, max_length=255, help_text=_("For example: organiser.")
    )
    source_url = blocks.URLBlock(label=_("source URL"), required=False, validators=[web_url])
    source_title = blocks.CharBlock(label=_("source title"), required=False, max_length=255)

    class Meta:
        icon = "openquote"
        label = _("Statement")
        template = "wagtail_campaign/blocks/statement.html"


class NotablePersonBlock(SnippetChooserBlock):
    def __init__(self, **kwargs: Any) -> None:
        super().__init__("wagtail_campaign.NotablePerson", **kwargs)

    class Meta:
        icon = "user"
        label = _("Notable person")
        template = "wagtail_campaign/blocks/notable_person.html"


class ChartBlock(blocks.StructBlock):
    """A data series drawn as an SVG chart, with a takeaway sentence, a table and a CSV link."""

    series = SnippetChooserBlock("wagtail_campaign.DataSeries", label=_("data series"))
    kind = blocks.ChoiceBlock(
        label=_("chart type"),
        choices=[("", _("As set on the data series")), ("bar", _("Bar")), ("line", _("Line"))],
        required=False,
    )
    takeaway = blocks.TextBlock(
        label=_("takeaway"),
        required=False,
        help_text=_("One plain sentence saying what the chart shows, read before the chart."),
    )

    class Meta:
        icon = "table"
        label = _("Chart")
        template = "wagtail_campaign/blocks/chart.html"

    def get_context(
        self, value: Any, parent_context: dict[str, Any] | None = None
    ) -> dict[str, Any]:
        context = super().get_context(value, parent_context)
        context.update(rendering.chart_context(value, parent_context or {}))
        return context


class CountdownBlock(blocks.StructBlock):
    """Time until a campaign starts or ends, rendered on the server."""

    campaign = blocks.PageChooserBlock(
        label=_("campaign"),
        page_type="wagtail_campaign.CampaignPage",
        required=False,
        help_text=_("Leave empty to use the campaign page this block is on."),
    )

    class Meta:
        icon = "time"
        label = _("Countdown")
        template = "wagtail_campaign/blocks/countdown.html"

    def get_context(
        self, value: Any, parent_context: dict[str, Any] | None = None
    ) -> dict[str, Any]:
        context = super().get_context(value, parent_context)
        page = value.get("campaign") or (parent_context or {}).get("page")
        context.update(rendering.campaign_state(page))
        return context


class ShareBarBlock(blocks.StructBlock):
    """Plain share links: no third-party script, no tracking."""

    text = blocks.CharBlock(
        label=_("text to share"),
        required=False,
        max_length=200,
        help_text=_("Leave empty to use the page's summary."),
    )
    networks = blocks.MultipleChoiceBlock(
        label=_("networks"),
        required=False,
        choices=[(n, _NETWORK_LABELS[n]) for n in NETWORKS if n != "mastodon"],
        help_text=_("Leave empty for the site's default networks."),
    )
    mastodon = blocks.BooleanBlock(
        label=_("offer Mastodon"),
        required=False,
        default=True,
        help_text=_("Visitors type their own Mastodon server."),
    )

    class Meta:
        icon = "link"
        label = _("Share bar")
        template = "wagtail_campaign/blocks/share_bar.html"

    def get_context(
        self, value: Any, parent_context: dict[str, Any] | None = None
    ) -> dict[str, Any]:
        context = super().get_context(value, parent_context)
        context.update(rendering.share_context(value, parent_context or {}))
        return context


class TimelineExcerptBlock(blocks.StructBlock):
    """Some events of a timeline page, newest or oldest first, with a link to the whole."""

    timeline = blocks.PageChooserBlock(
        label=_("timeline"), page_type="wagtail_campaign.TimelinePage"
    )
    category = blocks.CharBlock(
        label=_("category"), required=False, help_text=_("Only events of this category.")
    )
    limit = blocks.IntegerBlock(
        label=_("number of events"),
        min_value=0,
        default=5,
        help_text=_("0 shows every event."),
    )
    newest_first = blocks.BooleanBlock(label=_("newest first"), required=False, default=True)

    class Meta:
        icon = "date"
        label = _("Timeline excerpt")
        template = "wagtail_campaign/blocks/timeline_excerpt.html"

    def get_context(
        self, value: Any, parent_context: dict[str, Any] | None = None
    ) -> dict[str, Any]:
        context = super().get_context(value, parent_context)
        context.update(rendering.timeline_excerpt(value))
        return context


class CallToActionBlock(blocks.StructBlock):
    """A heading, a sentence and one button linking to a page or an address."""

    heading = blocks.CharBlock(label=_("heading"), max_length=120)
    text = blocks.TextBlock(label=_("text"), required=False)
    button_label = blocks.CharBlock(label=_("button label"), max_length=60)
    page = blocks.PageChooserBlock(label=_("page"), required=False)
    url = blocks.URLBlock(label=_("or address"), required=False)

    class Meta:
        icon = "pick"
        label = _("Call to action")
        template = "wagtail_campaign/blocks/call_to_action.html"

    def clean(self, value: Any) -> Any:
        value = super().clean(value)
        if bool(value.get("page")) == bool(value.get("url")):
            message = _("Choose a page or enter an address (one of the two).")
            raise StructBlockValidationError(
                block_errors={"page": ValidationError(message), "url": ValidationError(message)}
            )
        return value


class CampaignStreamBlock(blocks.StreamBlock):
    """Every block a campaign page offers editors."""

    heading = blocks.CharBlock(
        label=_("Heading"), icon="title", template="wagtail_campaign/blocks/heading.html"
    )
    paragraph = blocks.RichTextBlock(
        label=_("Paragraph"),
        features=["bold", "italic", "link", "ol", "ul"],
        template="wagtail_campaign/blocks/paragraph.html",
    )
    image = ImageBlock(label=_("Image"))
    statement = StatementBlock()
    notable_person = NotablePersonBlock()
    chart = ChartBlock()
    countdown = CountdownBlock()
    share_bar = ShareBarBlock()
    timeline_excerpt = TimelineExcerptBlock()
    call_to_action = CallToActionBlock()
