"""System checks: tell a developer, with a hint, what in their set-up will break our pages."""

from __future__ import annotations

from typing import Any

from django.conf import settings as django_settings
from django.core.checks import Error, Tags, Warning, register
from django.template import TemplateDoesNotExist, TemplateSyntaxError
from django.template.loader import get_template
from django.template.loader_tags import BlockNode

from ahmadi_campaign.pow import MAX_DIFFICULTY
from ahmadi_campaign.share import NETWORKS

from . import settings

#: Blocks our page templates fill in the host's base template.
REQUIRED_BLOCKS = ("content",)
OPTIONAL_BLOCKS = ("title", "extra_css", "extra_js")


def _block_names(template: Any) -> set[str]:
    # Django templates expose their node tree; a base template's blocks are BlockNodes.
    nodelist = getattr(getattr(template, "template", None), "nodelist", None)
    if nodelist is None:
        return set()
    return {node.name for node in nodelist.get_nodes_by_type(BlockNode)}


@register(Tags.compatibility)
def check_settings(app_configs: Any = None, **kwargs: Any) -> list[Error]:
    configured = getattr(django_settings, "WAGTAIL_CAMPAIGN", {})
    if not isinstance(configured, dict):
        return [
            Error(
                "WAGTAIL_CAMPAIGN must be a dict.",
                hint='For example: WAGTAIL_CAMPAIGN = {"BASE_TEMPLATE": "base.html"}',
                id="wagtail_campaign.E001",
            )
        ]
    errors = []
    for key in sorted(set(configured) - set(settings.DEFAULTS)):
        errors.append(
            Error(
                f"WAGTAIL_CAMPAIGN has an unknown key {key!r}.",
                hint=f"Known keys: {', '.join(sorted(settings.DEFAULTS))}.",
                id="wagtail_campaign.E002",
            )
        )
    base = configured.get("BASE_TEMPLATE", settings.DEFAULTS["BASE_TEMPLATE"])
    if not isinstance(base, str) or not base:
        errors.append(
            Error(
                "WAGTAIL_CAMPAIGN['BASE_TEMPLATE'] must be a template name.",
                hint='For example "base.html".',
                id="wagtail_campaign.E003",
            )
        )
    networks = configured.get("SHARE_NETWORKS", settings.DEFAULTS["SHARE_NETWORKS"])
    if not isinstance(networks, list | tuple) or not set(networks) <= set(NETWORKS):
        errors.append(
            Error(
                "WAGTAIL_CAMPAIGN['SHARE_NETWORKS'] must be a list of known networks.",
                hint=f"Choose from: {', '.join(NETWORKS)}.",
                id="wagtail_campaign.E004",
            )
        )
    for key in ("MIN_FILL_SECONDS", "TRUSTED_PROXIES", "FINGERPRINT_RETENTION_DAYS"):
        value = configured.get(key, settings.DEFAULTS[key])
        if isinstance(value, bool) or not isinstance(value, int) or value < 0:
            errors.append(
                Error(
                    f"WAGTAIL_CAMPAIGN[{key!r}] must be a whole number of 0 or more.",
                    hint=f"The default is {settings.DEFAULTS[key]}.",
                    id="wagtail_campaign.E005",
                )
            )
    difficulty = configured.get(
        "PROOF_OF_WORK_MAX_NUMBER", settings.DEFAULTS["PROOF_OF_WORK_MAX_NUMBER"]
    )
    if (
        isinstance(difficulty, bool)
        or not isinstance(difficulty, int)
        or not 1 <= difficulty <= MAX_DIFFICULTY
    ):
        errors.append(
            Error(
                "WAGTAIL_CAMPAIGN['PROOF_OF_WORK_MAX_NUMBER'] must be a whole number from 1 "
                f"to {MAX_DIFFICULTY:,}.",
                hint=(
                    f"The default is {settings.DEFAULTS['PROOF_OF_WORK_MAX_NUMBER']:,}; "
                    "a browser tries half this many hashes on average."
                ),
                id="wagtail_campaign.E007",
            )
        )
    accounts = configured.get("SOCIAL_ACCOUNTS", {})
    if not isinstance(accounts, dict) or not all(
        isinstance(entry, dict) and {"handle", "app_password"} <= set(entry)
        for entry in accounts.values()
    ):
        errors.append(
            Error(
                "WAGTAIL_CAMPAIGN['SOCIAL_ACCOUNTS'] must map names to "
                "{'handle': ..., 'app_password': ...}.",
                hint="Read the app password from the environment; never commit it.",
                id="wagtail_campaign.E006",
            )
        )
    return errors


@register(Tags.templates)
def check_base_template(app_configs: Any = None, **kwargs: Any) -> list[Warning]:
    base = settings.get("BASE_TEMPLATE")
    if not isinstance(base, str) or not base:
        return []  # reported by check_settings
    try:
        template = get_template(base)
    except TemplateDoesNotExist:
        return [
            Warning(
                f"The base template {base!r} for campaign pages could not be found.",
                hint=(
                    "Create it, or set WAGTAIL_CAMPAIGN = {'BASE_TEMPLATE': 'your/base.html'} "
                    "to the template your site's pages extend."
                ),
                id="wagtail_campaign.W001",
            )
        ]
    except TemplateSyntaxError as exc:
        return [
            Warning(
                f"The base template {base!r} has a syntax error: {exc}",
                id="wagtail_campaign.W002",
            )
        ]
    missing = [name for name in REQUIRED_BLOCKS if name not in _block_names(template)]
    if missing:
        return [
            Warning(
                f"The base template {base!r} has no {{% block {missing[0]} %}}, so campaign "
                "pages would render empty.",
                hint=(
                    "Add the block to your base template, or override "
                    "wagtail_campaign/base.html to map our blocks onto yours."
                ),
                id="wagtail_campaign.W003",
            )
        ]
    return []


#: Database backends the plugin is tested on (the message table has a generated column
#: and the wall's history query is written for these).
SUPPORTED_VENDORS = ("postgresql", "sqlite")


@register(Tags.database)
def check_database(app_configs: Any = None, databases: Any = None, **kwargs: Any) -> list[Error]:
    """Only run with ``check --database``: the vendor of each database the check is given."""
    from django.db import connections

    errors = []
    for alias in databases or ():
        vendor = connections[alias].vendor
        if vendor not in SUPPORTED_VENDORS:
            errors.append(
                Error(
                    f"The database {alias!r} is {vendor}; wagtail_campaign supports PostgreSQL "
                    "and SQLite.",
                    hint="Its migrations and the message walls' queries would fail there.",
                    id="wagtail_campaign.E008",
                )
            )
    return errors
