"""Exceptions raised by the core library.

Every error caused by bad input is a :class:`ValueError`, so callers that only
know the standard library can still catch it, and a subclass of
:class:`CampaignError`, so callers can tell our validation errors apart.
"""


class CampaignError(ValueError):
    """Base class for invalid input rejected by ``ahmadi_campaign``."""


class InvalidHashtag(CampaignError):
    """A hashtag is empty, too long or contains characters a hashtag cannot hold."""


class InvalidSchedule(CampaignError):
    """A campaign window is not a valid pair of timezone-aware datetimes."""


class InvalidDate(CampaignError):
    """A partial date (year, year-month or full date) does not exist."""


class InvalidSource(CampaignError):
    """A cited source has no title or a URL that is not http(s)."""


class InvalidShareTarget(CampaignError):
    """A share link cannot be built (unknown network, bad URL or Mastodon instance)."""


class TextLengthError(CampaignError):
    """Text is shorter or longer than allowed, counted in user-perceived characters."""


class PolicyConfigError(CampaignError):
    """A moderation policy description names an unknown rule or a bad setting."""


class InvalidCursor(CampaignError):
    """A feed cursor is malformed, was tampered with, or was signed with another key."""
