"""The plugin's settings, read from ``settings.WAGTAIL_CAMPAIGN`` (a dict) with defaults.

.. code-block:: python

    WAGTAIL_CAMPAIGN = {
        "BASE_TEMPLATE": "base.html",   # the host site's base template
        "SHARE_NETWORKS": ["x", "whatsapp", "telegram", "facebook", "bluesky", "email"],
    }
"""

from __future__ import annotations

from typing import Any

from django.conf import settings

from ahmadi_campaign.share import NETWORKS

DEFAULTS: dict[str, Any] = {
    "BASE_TEMPLATE": "base.html",
    "SHARE_NETWORKS": [n for n in NETWORKS if n != "mastodon"],
}


def get(name: str) -> Any:
    """Return the setting ``name``, falling back to its default."""
    configured = getattr(settings, "WAGTAIL_CAMPAIGN", None)
    if not isinstance(configured, dict):  # reported by the system check wagtail_campaign.E001
        configured = {}
    return configured.get(name, DEFAULTS[name])
