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


class SocialImportError(CampaignError):
    """Importing posts from a social network or an archive failed."""


class InvalidSocialData(SocialImportError):
    """A page or file is not JSON, or not the shape the network documents."""


class InvalidArchive(InvalidSocialData):
    """An X archive is not a readable zip, lacks tweets, or exceeds the size limits."""


class FetchError(SocialImportError):
    """An HTTP request failed for good: bad URL, error status, timeouts or retries exhausted.

    ``status`` is the last HTTP status received (``None`` when no response came back),
    ``attempts`` the number of requests made and ``error`` the machine-readable error name a
    JSON error body gave, if any (Bluesky's ``"ExpiredToken"``, say).
    """

    def __init__(
        self,
        message: str,
        *,
        url: str = "",
        status: int | None = None,
        attempts: int = 0,
        error: str = "",
    ) -> None:
        super().__init__(message)
        self.url = url
        self.status = status
        self.attempts = attempts
        self.error = error


class InvalidProofOfWork(CampaignError):
    """A proof-of-work answer is malformed, forged, or does not solve its challenge."""


class ProofOfWorkExpired(InvalidProofOfWork):
    """A genuine proof-of-work answer arrived after its challenge expired."""
