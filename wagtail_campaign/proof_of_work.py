"""The message wall's optional proof-of-work check (see :mod:`ahmadi_campaign.pow`).

Puzzles are made and checked here, on the site itself: no third-party service is
contacted. Each wall signs its puzzles with its own key, derived from
``SECRET_KEY`` and never stored. An answer counts once: the spent challenge is
kept in the Django cache until it expires.

Only a wrong answer is refused. A form sent without one (JavaScript off, or the
script not finished yet) is accepted but held for review, and so is one whose
answer could not be marked as spent because the cache is down.
"""

from __future__ import annotations

import datetime as dt
import logging
import math

from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.crypto import salted_hmac
from django.utils.translation import gettext_lazy as _

from ahmadi_campaign import pow
from ahmadi_campaign.errors import InvalidProofOfWork, ProofOfWorkExpired

from . import settings as plugin_settings

logger = logging.getLogger(__name__)

#: Review reasons stored on a held message.
MISSING = "proof_of_work_missing"
UNVERIFIED = "proof_of_work_unverified"
#: Name of the form field carrying the answer (the one ALTCHA's widget uses).
FIELD_NAME = "altcha"
_SPENT_KEY = "wagtail_campaign:pow-spent"
#: Spent challenges outlive their expiry a little, in case servers' clocks differ.
_CLOCK_MARGIN = 60


def wall_key(wall_pk: int) -> bytes:
    """The key a wall signs its puzzles with: derived from ``SECRET_KEY`` on every use."""
    key: bytes = salted_hmac(
        "wagtail_campaign.proof_of_work", f"wall:{wall_pk}", algorithm="sha256"
    ).digest()
    return key


def new_challenge(wall_pk: int, now: dt.datetime | None = None) -> pow.Challenge:
    """A fresh puzzle for a visitor's form on the wall ``wall_pk``."""
    return pow.create_challenge(
        wall_key(wall_pk),
        now=now or timezone.now(),
        max_number=int(plugin_settings.get("PROOF_OF_WORK_MAX_NUMBER")),
    )


def check_answer(payload: str, wall_pk: int, now: dt.datetime | None = None) -> str:
    """Check and spend a visitor's answer; return a review reason, or ``""`` if none.

    Raises :class:`~django.core.exceptions.ValidationError` with a sentence for the
    visitor when the answer is wrong, expired or already used.
    """
    now = now or timezone.now()
    if not payload:
        return MISSING
    try:
        solution = pow.verify(payload, wall_key(wall_pk), now=now)
    except ProofOfWorkExpired:
        raise ValidationError(
            _("The automatic check in your browser has expired. Please send the form again."),
            code="pow_expired",
        ) from None
    except InvalidProofOfWork:
        raise ValidationError(
            _("The automatic check in your browser did not pass. Please send the form again."),
            code="pow_invalid",
        ) from None
    lifetime = math.ceil((solution.expires - now).total_seconds()) + _CLOCK_MARGIN
    try:
        first_use = cache.add(f"{_SPENT_KEY}:{solution.challenge}", 1, lifetime)
    except Exception as exc:  # noqa: BLE001 - any backend error means "cache unavailable"
        logger.warning("Proof of work could not be marked as used, holding the message: %s", exc)
        return UNVERIFIED
    if not first_use:
        raise ValidationError(
            _("This form was already sent once. Please send it again."), code="pow_reused"
        )
    return ""
