"""The plugin's settings, read from ``settings.WAGTAIL_CAMPAIGN`` (a dict) with defaults.

.. code-block:: python

    WAGTAIL_CAMPAIGN = {
        "BASE_TEMPLATE": "base.html",   # the host site's base template
        "SHARE_NETWORKS": ["x", "whatsapp", "telegram", "facebook", "bluesky", "email"],
        "MIN_FILL_SECONDS": 3,          # a visitor's form must be open this long
        "TRUSTED_PROXIES": 0,           # reverse proxies appending to X-Forwarded-For
        "FINGERPRINT_RETENTION_DAYS": 30,
        "PROOF_OF_WORK_MAX_NUMBER": 50_000,  # difficulty of the walls' optional check
    }
"""

from __future__ import annotations

from typing import Any

from django.conf import settings

from ahmadi_campaign.share import NETWORKS

DEFAULTS: dict[str, Any] = {
    "BASE_TEMPLATE": "base.html",
    "SHARE_NETWORKS": [n for n in NETWORKS if n != "mastodon"],
    # Seconds a visitor's form must have been open before it is accepted (bots are faster).
    "MIN_FILL_SECONDS": 3,
    # How many reverse proxies in front of the site append to X-Forwarded-For (0: none,
    # REMOTE_ADDR is the client). Only used to compute the fingerprint; never stored.
    "TRUSTED_PROXIES": 0,
    # Fingerprints older than this many days are erased by `purge_fingerprints`.
    "FINGERPRINT_RETENTION_DAYS": 30,
    # Accounts for social imports, by name: {"ours": {"handle": "...", "app_password": "..."}}.
    # Read the password from the environment in your settings; it is never stored in the DB.
    "SOCIAL_ACCOUNTS": {},
    # Where uploaded X archives wait for their import (not under MEDIA_ROOT: archives are
    # private). Empty: a folder in the system's temporary directory.
    "IMPORT_DIR": "",
    # Largest X archive upload accepted, in bytes.
    "MAX_ARCHIVE_BYTES": 512 * 1024 * 1024,
    # Difficulty of the proof-of-work check walls can turn on: the browser tries half this
    # many SHA-256 hashes on average (50,000: at most half a second in desktop Chromium).
    "PROOF_OF_WORK_MAX_NUMBER": 50_000,
}


def get(name: str) -> Any:
    """Return the setting ``name``, falling back to its default."""
    configured = getattr(settings, "WAGTAIL_CAMPAIGN", None)
    if not isinstance(configured, dict):  # reported by the system check wagtail_campaign.E001
        configured = {}
    return configured.get(name, DEFAULTS[name])
