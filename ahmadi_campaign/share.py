"""Plain share links: no third-party script, no tracking, one URL per network.

Networks are described as data in ``_CHANNELS``; adding one is a one-line change
naming its endpoint and which query parameter carries which part of the message.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from enum import Enum, auto
from urllib.parse import quote, urlencode, urlsplit

from .campaign import Hashtag
from .errors import InvalidHashtag, InvalidShareTarget

__all__ = ["NETWORKS", "ShareLink", "compose_text", "mastodon_share_url", "share_links"]

_HOST_LABEL = re.compile(r"(?!-)[a-z0-9-]{1,63}(?<!-)")


@dataclass(frozen=True, slots=True)
class ShareLink:
    """A link that opens a network's own share dialog, prefilled with the message."""

    network: str
    label: str
    url: str


class _Part(Enum):
    """Which part of the message a query parameter carries."""

    TEXT = auto()  # the text alone
    URL = auto()  # the shared URL alone
    HASHTAGS = auto()  # tags separated by commas, without "#"
    TEXT_AND_HASHTAGS = auto()  # the text followed by "#tag"s
    MESSAGE = auto()  # the text, "#tag"s and URL


@dataclass(frozen=True, slots=True)
class _Channel:
    network: str
    label: str
    endpoint: str  # "{instance}" is replaced by a validated host
    params: tuple[tuple[str, _Part], ...]


_CHANNELS: tuple[_Channel, ...] = (
    _Channel(
        "x",
        "Share on X",
        "https://x.com/intent/tweet",
        (("text", _Part.TEXT), ("url", _Part.URL), ("hashtags", _Part.HASHTAGS)),
    ),
    _Channel("whatsapp", "Share on WhatsApp", "https://wa.me/", (("text", _Part.MESSAGE),)),
    _Channel(
        "telegram",
        "Share on Telegram",
        "https://t.me/share/url",
        (("url", _Part.URL), ("text", _Part.TEXT_AND_HASHTAGS)),
    ),
    _Channel(
        "facebook",
        "Share on Facebook",
        "https://www.facebook.com/sharer/sharer.php",
        (("u", _Part.URL),),
    ),
    _Channel(
        "bluesky", "Share on Bluesky", "https://bsky.app/intent/compose", (("text", _Part.MESSAGE),)
    ),
    _Channel(
        "mastodon", "Share on Mastodon", "https://{instance}/share", (("text", _Part.MESSAGE),)
    ),
    _Channel(
        "email", "Share by email", "mailto:", (("subject", _Part.TEXT), ("body", _Part.MESSAGE))
    ),
)
_BY_NETWORK = {channel.network: channel for channel in _CHANNELS}

NETWORKS: tuple[str, ...] = tuple(_BY_NETWORK)
"""Machine names of the supported networks, in the default order."""


def _check_url(url: str) -> None:
    """Reject anything but an absolute http(s) URL with a host and no whitespace."""
    if not isinstance(url, str) or any(ch.isspace() or ord(ch) < 32 for ch in url):
        raise InvalidShareTarget(f"{url!r} is not an absolute http(s) URL")
    try:
        parts = urlsplit(url)
        _ = parts.port  # raises ValueError for a malformed port
    except ValueError:
        raise InvalidShareTarget(f"{url!r} is not an absolute http(s) URL") from None
    if parts.scheme.lower() not in ("http", "https") or not parts.hostname:
        raise InvalidShareTarget(f"{url!r} is not an absolute http(s) URL")


def _normalise_hashtags(hashtags: Sequence[str | Hashtag] | str) -> tuple[str, ...]:
    """Validate tags with :class:`~ahmadi_campaign.campaign.Hashtag`; return them without '#'."""
    if isinstance(hashtags, str):
        hashtags = (hashtags,)
    try:
        return tuple(
            tag.text if isinstance(tag, Hashtag) else Hashtag(tag).text for tag in hashtags
        )
    except InvalidHashtag as exc:
        raise InvalidShareTarget(str(exc)) from exc


def compose_text(text: str, hashtags: Sequence[str | Hashtag] = (), url: str | None = None) -> str:
    """Join text, "#tag"s and an optional URL with single spaces, skipping empty parts."""
    tags = " ".join(f"#{tag}" for tag in _normalise_hashtags(hashtags))
    return " ".join(part for part in (text.strip(), tags, url or "") if part)


def _mastodon_host(instance: str) -> str:
    """Return the ASCII (IDNA) host of a Mastodon instance given as a host or https origin."""
    candidate = instance.strip() if isinstance(instance, str) else ""
    scheme, sep, rest = candidate.partition("://")
    if sep:
        if scheme.lower() != "https":
            raise InvalidShareTarget(f"{instance!r} is not an https Mastodon instance")
        candidate = rest.removesuffix("/")
    candidate = candidate.removesuffix(".")
    try:
        host = candidate.encode("idna").decode("ascii").lower()
    except UnicodeError:
        raise InvalidShareTarget(f"{instance!r} is not a valid host name") from None
    labels = host.split(".")
    if (
        len(host) > 253
        or len(labels) < 2
        or labels[-1].isdigit()
        or not all(_HOST_LABEL.fullmatch(label) for label in labels)
    ):
        raise InvalidShareTarget(f"{instance!r} is not a valid host name")
    return host


def _encode(endpoint: str, params: list[tuple[str, str]]) -> str:
    """Append *params* as a query encoded with %20 for spaces and UTF-8 escapes."""
    if not params:
        return endpoint
    return f"{endpoint}?{urlencode(params, quote_via=quote)}"


def mastodon_share_url(instance: str, text: str) -> str:
    """Return the share URL on a visitor-chosen Mastodon *instance*, validating the host."""
    host = _mastodon_host(instance)
    return _encode(f"https://{host}/share", [("text", text)] if text else [])


def share_links(
    url: str,
    text: str = "",
    hashtags: Sequence[str | Hashtag] = (),
    *,
    mastodon_instance: str | None = None,
    networks: Sequence[str] | None = None,
) -> list[ShareLink]:
    """Return share links for *url* on each network, in *networks* order if given.

    Mastodon is included only with a *mastodon_instance*; naming it in *networks*
    without one is an error, as is an unknown network name.
    """
    _check_url(url)
    tags = _normalise_hashtags(hashtags)
    if networks is None:
        selected = [c for c in _CHANNELS if c.network != "mastodon" or mastodon_instance]
    else:
        unknown = [name for name in networks if name not in _BY_NETWORK]
        if unknown:
            raise InvalidShareTarget(f"unknown networks: {', '.join(map(repr, unknown))}")
        selected = [_BY_NETWORK[name] for name in dict.fromkeys(networks)]
    parts = {
        _Part.TEXT: text.strip(),
        _Part.URL: url,
        _Part.HASHTAGS: ",".join(tags),
        _Part.TEXT_AND_HASHTAGS: compose_text(text, tags),
        _Part.MESSAGE: compose_text(text, tags, url),
    }
    links = []
    for channel in selected:
        endpoint = channel.endpoint
        if "{instance}" in endpoint:
            if not mastodon_instance:
                raise InvalidShareTarget(f"{channel.network} needs an instance")
            endpoint = endpoint.format(instance=_mastodon_host(mastodon_instance))
        params = [(key, parts[part]) for key, part in channel.params if parts[part]]
        links.append(ShareLink(channel.network, channel.label, _encode(endpoint, params)))
    return links
