"""The message wall: a page where supporters post, and the messages they post.

A message is stored once, already sanitised, with the policy's verdict; what
moderators change afterwards is its status. Nothing here stores an IP address:
the sender is known only by a fingerprint that cannot be traced back once the
day's salt is gone (see :mod:`ahmadi_campaign.privacy`).
"""

from __future__ import annotations

import datetime as dt
import zoneinfo
from typing import Any

from django.conf import settings as django_settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from wagtail.admin.panels import FieldPanel, FieldRowPanel, HelpPanel, MultiFieldPanel
from wagtail.fields import RichTextField
from wagtail.models import Page

from ahmadi_campaign.campaign import Campaign, Phase
from ahmadi_campaign.errors import CampaignError
from ahmadi_campaign.moderation import (
    BannedTermsRule,
    DuplicateRule,
    EmptyRule,
    FloodRule,
    LengthRule,
    LinkRule,
    Policy,
    ShoutingRule,
)

from ..expressions import JSONArrayLength
from ..views.wall import WallRoutesMixin
from .pages import CampaignPage, CampaignTemplateMixin, TimeZoneField

#: Longest message, in user-perceived characters.
MAX_MESSAGE_CHARS = 1000


class ModerationMode(models.TextChoices):
    PRE = "pre", _("Review first: nothing shows until a moderator approves it")
    POST = "post", _("Publish at once what the policy approves; moderators review later")


class MessageKind(models.TextChoices):
    SUPPORT = "support", _("Support")
    THANKS = "thanks", _("Thanks")
    TESTIMONY = "testimony", _("Testimony")
    OTHER = "other", _("Other")


class MessageStatus(models.TextChoices):
    PENDING = "pending", _("Awaiting review")
    APPROVED = "approved", _("Approved")
    REJECTED = "rejected", _("Rejected")
    SPAM = "spam", _("Spam")
    HIDDEN = "hidden", _("Hidden after reports")


class MessageSource(models.TextChoices):
    SITE = "site", _("This site")
    MASTODON = "mastodon", _("Mastodon")
    BLUESKY = "bluesky", _("Bluesky")
    X_ARCHIVE = "x-archive", _("X archive")


def _default_kinds() -> str:
    return "support,thanks"


class MessageWallPage(WallRoutesMixin, CampaignTemplateMixin, Page):  # type: ignore[misc]  # noqa: DJ008
    """A wall of messages, open for posting during a campaign's window."""

    intro = RichTextField(_("introduction"), blank=True, features=["bold", "italic", "link"])
    campaign = models.ForeignKey(
        CampaignPage,
        verbose_name=_("campaign"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text=_("The wall is open while this campaign runs. Empty: the nearest one above."),
    )
    opens_on = models.DateField(
        _("opens on"), null=True, blank=True, help_text=_("Overrides the campaign's first day.")
    )
    closes_on = models.DateField(
        _("closes after"), null=True, blank=True, help_text=_("Overrides the campaign's last day.")
    )
    time_zone = TimeZoneField(
        _("time zone"),
        blank=True,
        help_text=_("For the dates above. Empty: the campaign's time zone."),
    )
    moderation_mode = models.CharField(
        _("moderation"), max_length=4, choices=ModerationMode.choices, default=ModerationMode.PRE
    )
    kinds = models.CharField(
        _("kinds of message offered"),
        max_length=100,
        default=_default_kinds,
        help_text=_("Comma-separated: support, thanks, testimony, other."),
    )
    banned_terms = models.TextField(
        _("banned terms"),
        blank=True,
        help_text=_(
            "One per line. Look-alike letters, accents and invisible characters are caught too. "
            "Messages containing them are rejected."
        ),
    )
    max_links = models.PositiveSmallIntegerField(
        _("links allowed"), default=1, help_text=_("A message with more links is held for review.")
    )
    max_messages_per_client = models.PositiveSmallIntegerField(
        _("messages per person per 10 minutes"), default=3, validators=[MinValueValidator(1)]
    )
    max_messages_per_minute = models.PositiveIntegerField(
        _("messages per minute for the whole wall"),
        default=120,
        validators=[MinValueValidator(1)],
        help_text=_("Beyond this, new messages are held for review instead of refused."),
    )
    flag_threshold = models.PositiveSmallIntegerField(
        _("reports before hiding"),
        default=3,
        validators=[MinValueValidator(1), MaxValueValidator(100)],
        help_text=_("A message reported by this many different visitors is hidden for review."),
    )
    proof_of_work = models.BooleanField(
        _("proof-of-work check"),
        default=False,
        help_text=_(
            "Visitors' browsers solve a small puzzle before posting, which slows down bulk "
            "senders. It runs on this site; no outside service is involved. Messages sent "
            "without JavaScript are accepted but held for review."
        ),
    )

    content_panels = [
        *Page.content_panels,
        FieldPanel("intro"),
        MultiFieldPanel(
            [
                HelpPanel(
                    content=_(
                        "Visitors can post while the campaign runs (or between the dates set "
                        "here). Outside that window the wall stays readable but closed."
                    )
                ),
                FieldPanel("campaign"),
                FieldRowPanel([FieldPanel("opens_on"), FieldPanel("closes_on")]),
                FieldPanel("time_zone"),
            ],
            heading=_("When the wall is open"),
        ),
        MultiFieldPanel(
            [
                FieldPanel("moderation_mode"),
                FieldPanel("kinds"),
                FieldPanel("banned_terms"),
                FieldRowPanel([FieldPanel("max_links"), FieldPanel("flag_threshold")]),
                FieldRowPanel(
                    [FieldPanel("max_messages_per_client"), FieldPanel("max_messages_per_minute")]
                ),
                FieldPanel("proof_of_work"),
            ],
            heading=_("Moderation"),
        ),
    ]
    template = "wagtail_campaign/pages/message_wall_page.html"

    class Meta:
        verbose_name = _("message wall")
        verbose_name_plural = _("message walls")

    def clean(self) -> None:
        super().clean()
        errors: dict[str, Any] = {}
        unknown = [k for k in self.kind_list(validate=False) if k not in MessageKind.values]
        if unknown or not self.kind_list(validate=False):
            errors["kinds"] = _("Choose from: %(kinds)s.") % {
                "kinds": ", ".join(MessageKind.values)
            }
        if self.opens_on and self.closes_on and self.closes_on < self.opens_on:
            errors["closes_on"] = _("The wall cannot close before it opens.")
        if errors:
            raise ValidationError(errors)

    def kind_list(self, *, validate: bool = True) -> list[str]:
        kinds = [k.strip().lower() for k in (self.kinds or "").split(",") if k.strip()]
        return [k for k in kinds if k in MessageKind.values] if validate else kinds

    def kind_choices(self) -> list[tuple[str, str]]:
        labels = dict(MessageKind.choices)
        return [(kind, labels[kind]) for kind in self.kind_list()]

    def linked_campaign(self) -> CampaignPage | None:
        if self.campaign_id:
            return self.campaign  # type: ignore[return-value]
        # One query: the nearest campaign page above, already of the specific type.
        return CampaignPage.objects.ancestor_of(self).last() if self.pk else None

    def window(self) -> Campaign | None:
        """The posting window as a core :class:`Campaign`, or ``None`` if none is set."""
        campaign_page = self.linked_campaign()
        base = campaign_page.campaign if campaign_page else None
        first = self.opens_on or (campaign_page.start_date if campaign_page else None)
        last = self.closes_on or (campaign_page.end_date if campaign_page else None)
        zone = self.time_zone or (campaign_page.time_zone if campaign_page else "UTC")
        if first is None or last is None:
            return None
        tags = [str(t) for t in base.hashtags] if base else ["wall"]
        try:
            return Campaign.from_local_dates(self.title, tags, first, last, zone)
        except (CampaignError, zoneinfo.ZoneInfoNotFoundError):
            return None

    def is_open(self, instant: dt.datetime | None = None) -> bool:
        window = self.window()
        return window is not None and window.phase_at(instant or timezone.now()) is Phase.LIVE

    def get_cached_paths(self) -> list[str]:
        # Moderation purges these from a front-end cache: the wall and its feed.
        return ["/", "/" + self.reverse_subpage("feed")]

    def policy(self) -> Policy:
        """The core moderation policy configured on this wall."""
        terms = tuple(t.strip() for t in self.banned_terms.splitlines() if t.strip())
        return Policy(
            [
                EmptyRule(),
                LengthRule(min_chars=2, max_chars=MAX_MESSAGE_CHARS),
                BannedTermsRule(terms=terms),
                LinkRule(max_links=self.max_links),
                FloodRule(max_messages=self.max_messages_per_client, window_minutes=10),
                DuplicateRule(window_minutes=60),
                ShoutingRule(),
            ]
        )


class MessageQuerySet(models.QuerySet["Message"]):
    def visible(self) -> MessageQuerySet:
        return self.filter(status=MessageStatus.APPROVED)


class Message(models.Model):
    """One message on a wall, stored sanitised with the reasons for its status."""

    wall = models.ForeignKey(
        MessageWallPage,
        verbose_name=_("wall"),
        on_delete=models.CASCADE,
        related_name="messages",
        db_index=False,  # wc_message_wall_feed starts with the wall
    )
    status = models.CharField(
        _("status"), max_length=10, choices=MessageStatus.choices, default=MessageStatus.PENDING
    )
    kind = models.CharField(_("kind"), max_length=20, choices=MessageKind.choices)
    display_name = models.CharField(_("name"), max_length=80, blank=True)
    country = models.CharField(_("country"), max_length=2, blank=True)
    language = models.CharField(_("language"), max_length=10, blank=True)
    body = models.TextField(_("message (sanitised HTML)"))
    text = models.TextField(_("message (plain text)"))
    source = models.CharField(
        _("source"), max_length=20, choices=MessageSource.choices, default=MessageSource.SITE
    )
    source_id = models.CharField(_("source id"), max_length=255)
    source_url = models.URLField(_("original post"), max_length=500, blank=True)
    fingerprint = models.CharField(_("client fingerprint"), max_length=32, blank=True)
    # No index of their own: wc_message_client and wc_message_digest serve every lookup,
    # and each index costs every insert.
    digest = models.CharField(max_length=32, blank=True, editable=False)
    shingles = models.JSONField(default=list, blank=True, editable=False)
    # Kept by the database: the near-duplicate check leaves out messages whose shingle
    # count rules out the similarity without reading their (compressed) shingles.
    shingle_count = models.GeneratedField(
        expression=JSONArrayLength("shingles"),
        output_field=models.PositiveIntegerField(),
        db_persist=True,
    )
    reasons = models.JSONField(_("policy reasons"), default=list, blank=True)
    flag_count = models.PositiveIntegerField(_("reports"), default=0)
    featured = models.BooleanField(_("featured"), default=False)
    created_at = models.DateTimeField(_("received"), default=timezone.now)
    moderated_at = models.DateTimeField(_("moderated"), null=True, blank=True)
    moderated_by = models.ForeignKey(
        django_settings.AUTH_USER_MODEL,
        verbose_name=_("moderated by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    objects = MessageQuerySet.as_manager()

    # A message points at its wall, but it is not content that "uses" the page: keeping it
    # out of Wagtail's reference index saves a third of the cost of storing one.
    wagtail_reference_index_ignore = True

    class Meta:
        verbose_name = _("message")
        verbose_name_plural = _("messages")
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["source", "source_id"], name="wc_message_source_unique")
        ]
        indexes = [
            # The wall and the feed: approved messages of one wall, newest first, by keyset.
            models.Index(
                fields=["wall", "status", "-created_at", "-id"], name="wc_message_wall_feed"
            ),
            # Moderation queues and the duplicate/flood checks.
            models.Index(fields=["wall", "fingerprint", "created_at"], name="wc_message_client"),
            models.Index(fields=["wall", "digest", "created_at"], name="wc_message_digest"),
        ]

    def __str__(self) -> str:
        name = self.display_name or _("Anonymous")
        return f"{name}: {self.text[:60]}"


class MessageFlag(models.Model):
    """One visitor's report of a message; one per fingerprint, so reports cannot be stuffed."""

    message = models.ForeignKey(Message, on_delete=models.CASCADE, related_name="flags")
    wagtail_reference_index_ignore = True
    fingerprint = models.CharField(max_length=32)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("report")
        verbose_name_plural = _("reports")
        constraints = [
            models.UniqueConstraint(fields=["message", "fingerprint"], name="wc_flag_once")
        ]

    def __str__(self) -> str:
        return f"report on {self.message_id}"


# ---------------------------------------------------------------- reading and routes

#: Messages per page on the wall and in the feed.
PAGE_SIZE = 20
#: Headers on every wall response: no inline script anywhere, nothing from other hosts.
SECURITY_HEADERS = {
    "Content-Security-Policy": (
        "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
        "connect-src 'self'; font-src 'self'; object-src 'none'; base-uri 'self'; "
        "form-action 'self' https:; frame-ancestors 'self'"
    ),
    "Referrer-Policy": "same-origin",
    "X-Content-Type-Options": "nosniff",
}
