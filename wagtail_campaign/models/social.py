"""Where imported posts come from: a hashtag on a Mastodon server or on Bluesky, and
uploaded X archives.

A source remembers how far its last import got (``cursor``), so a run that stops
half-way (crash, deploy, rate limit) continues where it stopped, and what went
wrong last (``last_error``), which editors see in the admin. Two runs of one
source at once need no lock: (source, source id) is unique, so the worst they
can do is fetch a page twice. Credentials are
never stored here: ``account`` names an entry of the ``SOCIAL_ACCOUNTS`` setting.
"""

from __future__ import annotations

from django.conf import settings as django_settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from wagtail.admin.panels import FieldPanel, FieldRowPanel, HelpPanel, MultiFieldPanel

from ahmadi_campaign.campaign import Hashtag
from ahmadi_campaign.errors import CampaignError

from .. import settings as plugin_settings
from .wall import MessageKind, MessageSource, MessageWallPage


class Network(models.TextChoices):
    MASTODON = "mastodon", _("Mastodon")
    BLUESKY = "bluesky", _("Bluesky")


class SocialSource(models.Model):
    """One hashtag on one network, imported onto one wall."""

    wall = models.ForeignKey(
        MessageWallPage,
        verbose_name=_("wall"),
        on_delete=models.CASCADE,
        related_name="social_sources",
    )
    network = models.CharField(_("network"), max_length=10, choices=Network.choices)
    server = models.CharField(
        _("server"),
        max_length=200,
        blank=True,
        help_text=_(
            "Mastodon: the server to read, e.g. mastodon.social. Bluesky: leave empty for the "
            "public search service (or the account's server when an account is chosen)."
        ),
    )
    hashtag = models.CharField(
        _("hashtag"), max_length=100, help_text=_("For example #IStandWithAhmadis")
    )
    account = models.CharField(
        _("account"),
        max_length=50,
        blank=True,
        help_text=_(
            "Bluesky only: the name of an account in the site's settings "
            "(WAGTAIL_CAMPAIGN['SOCIAL_ACCOUNTS']). Passwords are never stored in the database."
        ),
    )
    kind = models.CharField(
        _("imported as"), max_length=20, choices=MessageKind.choices, default=MessageKind.SUPPORT
    )
    include_replies = models.BooleanField(_("include replies"), default=False)
    include_reposts = models.BooleanField(_("include boosts and reposts"), default=False)
    enabled = models.BooleanField(
        _("import automatically"),
        default=True,
        help_text=_("Scheduled imports skip sources that are not enabled."),
    )
    max_pages = models.PositiveSmallIntegerField(
        _("pages per run"), default=10, help_text=_("At most this many pages are fetched per run.")
    )

    # Progress, kept between runs. Not edited by people.
    cursor = models.CharField(max_length=500, blank=True, editable=False)
    since = models.CharField(max_length=100, blank=True, editable=False)
    walk_top = models.CharField(max_length=100, blank=True, editable=False)
    last_run_at = models.DateTimeField(_("last run"), null=True, blank=True, editable=False)
    last_success_at = models.DateTimeField(_("last success"), null=True, blank=True, editable=False)
    last_error = models.TextField(_("last error"), blank=True, editable=False)
    last_stored = models.PositiveIntegerField(_("stored"), default=0, editable=False)
    last_duplicates = models.PositiveIntegerField(_("already there"), default=0, editable=False)
    last_rejected = models.PositiveIntegerField(_("rejected"), default=0, editable=False)
    last_skipped = models.PositiveIntegerField(_("skipped"), default=0, editable=False)

    panels = [
        HelpPanel(
            content=_(
                "Posts with this hashtag are imported onto the wall through the wall's own "
                "moderation: they are judged like visitors' messages and, on a wall that reviews "
                "first, wait for a moderator. Each shows a link to the original post; images "
                "are never loaded from the network."
            )
        ),
        FieldPanel("wall"),
        FieldRowPanel([FieldPanel("network"), FieldPanel("server")]),
        FieldRowPanel([FieldPanel("hashtag"), FieldPanel("account")]),
        MultiFieldPanel(
            [
                FieldPanel("kind"),
                FieldRowPanel([FieldPanel("include_replies"), FieldPanel("include_reposts")]),
                FieldRowPanel([FieldPanel("enabled"), FieldPanel("max_pages")]),
            ],
            heading=_("Import"),
        ),
    ]

    class Meta:
        verbose_name = _("social media source")
        verbose_name_plural = _("social media sources")
        constraints = [
            models.UniqueConstraint(
                fields=["wall", "network", "server", "hashtag"], name="wc_social_source_unique"
            )
        ]

    def __str__(self) -> str:
        where = self.server or self.get_network_display()
        return f"{self.hashtag} ({where}) → {self.wall}"

    @property
    def message_source(self) -> str:
        return MessageSource.MASTODON if self.network == Network.MASTODON else MessageSource.BLUESKY

    def clean(self) -> None:
        errors: dict[str, str] = {}
        try:
            self.hashtag = str(Hashtag(self.hashtag))
        except CampaignError as exc:
            errors["hashtag"] = str(exc)
        if self.network == Network.MASTODON and not self.server.strip():
            errors["server"] = str(_("Name the Mastodon server to read, e.g. mastodon.social."))
        if self.account and self.network != Network.BLUESKY:
            errors["account"] = str(_("Accounts are only used for Bluesky."))
        if self.account and self.account not in (plugin_settings.get("SOCIAL_ACCOUNTS") or {}):
            errors["account"] = str(
                _("No account of that name in WAGTAIL_CAMPAIGN['SOCIAL_ACCOUNTS'].")
            )
        if errors:
            raise ValidationError(errors)

    def status_text(self) -> str:
        """One line for the admin listing: what the last run did."""
        if not self.last_run_at:
            return str(_("Not run yet"))
        if self.last_error:
            return str(_("Failed: %(error)s")) % {"error": self.last_error}
        return str(
            _(
                "%(stored)d new, %(duplicates)d already there, %(rejected)d rejected, "
                "%(skipped)d skipped"
            )
        ) % {
            "stored": self.last_stored,
            "duplicates": self.last_duplicates,
            "rejected": self.last_rejected,
            "skipped": self.last_skipped,
        }

    status_text.short_description = _("last run")  # type: ignore[attr-defined]


class ArchiveImport(models.Model):
    """One uploaded X archive being imported onto a wall, with its progress."""

    class Status(models.TextChoices):
        QUEUED = "queued", _("Queued")
        RUNNING = "running", _("Importing")
        DONE = "done", _("Done")
        FAILED = "failed", _("Failed")

    wall = models.ForeignKey(
        MessageWallPage,
        verbose_name=_("wall"),
        on_delete=models.CASCADE,
        related_name="archive_imports",
    )
    file_name = models.CharField(_("file"), max_length=255)
    stored_path = models.CharField(max_length=500, blank=True, editable=False)
    hashtags = models.CharField(
        _("only posts with these hashtags"),
        max_length=300,
        blank=True,
        help_text=_("Space-separated. Empty: the hashtags of the wall's campaign."),
    )
    kind = models.CharField(
        _("imported as"), max_length=20, choices=MessageKind.choices, default=MessageKind.SUPPORT
    )
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.QUEUED
    )
    total = models.PositiveIntegerField(_("posts in the archive"), default=0)
    processed = models.PositiveIntegerField(_("processed"), default=0)
    stored = models.PositiveIntegerField(_("stored"), default=0)
    duplicates = models.PositiveIntegerField(_("already there"), default=0)
    rejected = models.PositiveIntegerField(_("rejected"), default=0)
    skipped = models.PositiveIntegerField(_("skipped"), default=0)
    error = models.TextField(_("error"), blank=True)
    created_by = models.ForeignKey(
        django_settings.AUTH_USER_MODEL,
        verbose_name=_("uploaded by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField(_("uploaded"), default=timezone.now)
    finished_at = models.DateTimeField(_("finished"), null=True, blank=True)

    class Meta:
        verbose_name = _("X archive import")
        verbose_name_plural = _("X archive imports")
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.file_name} → {self.wall}"

    @property
    def percent(self) -> int:
        return (
            int(100 * self.processed / self.total)
            if self.total
            else (100 if self.status == self.Status.DONE else 0)
        )
