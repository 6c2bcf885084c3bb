import unicodedata
from urllib.parse import parse_qs, unquote, urlsplit

import pytest
from hypothesis import given
from hypothesis import strategies as st

from ahmadi_campaign.errors import CampaignError, InvalidShareTarget
from ahmadi_campaign.share import (
    NETWORKS,
    ShareLink,
    compose_text,
    mastodon_share_url,
    share_links,
)

URL = "https://example.org/campaign/?lang=ur&src=share"
TEXT = "Stand with Ahmadis & their mosques 🕌  today"
URDU_TAG = "میں_احمدیوں_کے_ساتھ_ہوں"
TAGS = ("#" + URDU_TAG, "StandWithAhmadis")


def _query(link: ShareLink) -> dict[str, list[str]]:
    parts = urlsplit(link.url)
    assert "+" not in parts.query, "spaces must be %20, not +"
    assert parts.query.isascii(), "non-ASCII text must be percent-encoded as UTF-8"
    return parse_qs(parts.query, keep_blank_values=True, strict_parsing=True)


def _by_network(links: list[ShareLink]) -> dict[str, ShareLink]:
    return {link.network: link for link in links}


def test_compose_text() -> None:
    assert compose_text(TEXT, TAGS, URL) == f"{TEXT} #{URDU_TAG} #StandWithAhmadis {URL}"
    assert compose_text("  hi  ", ["a"]) == "hi #a"
    assert compose_text("", (), URL) == URL
    assert compose_text("", ()) == ""
    assert compose_text("x", "#solo") == "x #solo"


def test_default_networks_and_labels() -> None:
    links = share_links(URL, TEXT, TAGS)
    assert [link.network for link in links] == [
        "x",
        "whatsapp",
        "telegram",
        "facebook",
        "bluesky",
        "email",
    ]
    assert links[0].label == "Share on X"
    assert _by_network(links)["email"].label == "Share by email"
    assert NETWORKS == ("x", "whatsapp", "telegram", "facebook", "bluesky", "mastodon", "email")


def test_x_round_trips() -> None:
    link = _by_network(share_links(URL, TEXT, TAGS))["x"]
    assert link.url.startswith("https://x.com/intent/tweet?")
    assert _query(link) == {
        "text": [TEXT],
        "url": [URL],
        "hashtags": [f"{URDU_TAG},StandWithAhmadis"],
    }


def test_whatsapp_round_trips() -> None:
    link = _by_network(share_links(URL, TEXT, TAGS))["whatsapp"]
    assert link.url.startswith("https://wa.me/?text=")
    assert _query(link) == {"text": [f"{TEXT} #{URDU_TAG} #StandWithAhmadis {URL}"]}


def test_telegram_round_trips() -> None:
    link = _by_network(share_links(URL, TEXT, TAGS))["telegram"]
    assert link.url.startswith("https://t.me/share/url?")
    assert _query(link) == {"url": [URL], "text": [f"{TEXT} #{URDU_TAG} #StandWithAhmadis"]}


def test_facebook_round_trips() -> None:
    link = _by_network(share_links(URL, TEXT, TAGS))["facebook"]
    assert link.url.startswith("https://www.facebook.com/sharer/sharer.php?")
    assert _query(link) == {"u": [URL]}


def test_bluesky_round_trips() -> None:
    link = _by_network(share_links(URL, TEXT, TAGS))["bluesky"]
    assert link.url.startswith("https://bsky.app/intent/compose?")
    assert _query(link) == {"text": [f"{TEXT} #{URDU_TAG} #StandWithAhmadis {URL}"]}


def test_email_round_trips_with_rfc6068_encoding() -> None:
    link = _by_network(share_links(URL, TEXT, TAGS))["email"]
    assert link.url.startswith("mailto:?subject=")
    assert "%20" in link.url
    assert _query(link) == {
        "subject": [TEXT],
        "body": [f"{TEXT} #{URDU_TAG} #StandWithAhmadis {URL}"],
    }


def test_urdu_tag_is_utf8_percent_encoded() -> None:
    link = share_links(URL, hashtags=[URDU_TAG], networks=["x"])[0]
    encoded = urlsplit(link.url).query.split("hashtags=")[1]
    assert encoded.startswith("%D9%85%DB%8C%DA%BA_")  # "میں" in UTF-8
    assert unquote(encoded, errors="strict") == URDU_TAG


def test_empty_text_and_tags_are_left_out() -> None:
    links = _by_network(share_links(URL))
    assert _query(links["x"]) == {"url": [URL]}
    assert _query(links["telegram"]) == {"url": [URL]}
    assert _query(links["email"]) == {"body": [URL]}


@given(
    text=st.text(st.characters(exclude_categories=["Cs"]), max_size=40),
    tags=st.lists(
        st.text(
            st.characters(categories=["Lu", "Ll", "Lo", "Nd"], include_characters="_"),
            min_size=1,
            max_size=10,
        ).filter(lambda t: any(c.isalpha() for c in t)),
        max_size=3,
    ),
)
def test_any_text_and_tags_round_trip(text: str, tags: list[str]) -> None:
    links = _by_network(share_links(URL, text, tags, mastodon_instance="mastodon.social"))
    message = compose_text(text, tags, URL)
    assert _query(links["mastodon"]) == {"text": [message]}
    assert _query(links["whatsapp"]) == {"text": [message]}
    x = _query(links["x"])
    assert x.get("hashtags", [""]) == [",".join(unicodedata.normalize("NFC", t) for t in tags)]
    assert x.get("text", [""]) == [text.strip()]


def test_networks_filter_and_order() -> None:
    links = share_links(URL, TEXT, networks=["email", "x", "email"])
    assert [link.network for link in links] == ["email", "x"]
    assert share_links(URL, networks=[]) == []


def test_unknown_network_is_rejected() -> None:
    with pytest.raises(InvalidShareTarget, match="myspace"):
        share_links(URL, networks=["x", "myspace"])


def test_mastodon_needs_an_instance_when_requested() -> None:
    with pytest.raises(InvalidShareTarget):
        share_links(URL, networks=["mastodon"])


def test_mastodon_link_in_share_links() -> None:
    links = share_links(URL, TEXT, TAGS, mastodon_instance="https://fosstodon.org/")
    mastodon = _by_network(links)["mastodon"]
    assert [link.network for link in links][-2:] == ["mastodon", "email"]
    assert mastodon.label == "Share on Mastodon"
    assert mastodon.url.startswith("https://fosstodon.org/share?text=")
    assert _query(mastodon) == {"text": [compose_text(TEXT, TAGS, URL)]}


@pytest.mark.parametrize(
    ("instance", "host"),
    [
        ("mastodon.social", "mastodon.social"),
        ("https://fosstodon.org/", "fosstodon.org"),
        ("https://fosstodon.org", "fosstodon.org"),
        ("  Mastodon.Social.  ", "mastodon.social"),
        ("HTTPS://sub-domain.example.org/", "sub-domain.example.org"),
        ("mäｓtodon.example", "xn--mstodon-5wa.example"),  # IDNA, fullwidth "s" folded
    ],
)
def test_mastodon_instance_accepted(instance: str, host: str) -> None:
    url = mastodon_share_url(instance, "Hello world & more")
    assert url == f"https://{host}/share?text=Hello%20world%20%26%20more"


@pytest.mark.parametrize(
    "instance",
    [
        "",
        "   ",
        "evil.com/path",
        "https://evil.com/path",
        "https://evil.com/?q",
        "https://evil.com#frag",
        "javascript:alert(1)",
        "javascript://mastodon.social/%0aalert(1)",
        "http://mastodon.social",
        "user@host",
        "user@mastodon.social",
        "https://user:pw@mastodon.social/",
        "mastodon.social:8443",
        "mastodon.social:80@evil.com",
        "localhost",
        "192.168.0.1",
        "-bad.example",
        "bad-.example",
        "a..example",
        "exa mple.org",
        "evil.com\\mastodon.social",
        "x" * 64 + ".example",
        ("a" * 60 + ".") * 5 + "example",
    ],
)
def test_mastodon_instance_rejected(instance: str) -> None:
    with pytest.raises(InvalidShareTarget):
        mastodon_share_url(instance, "hi")
    with pytest.raises(InvalidShareTarget):
        share_links(URL, mastodon_instance=instance, networks=["mastodon"])


def test_mastodon_share_url_without_text() -> None:
    assert mastodon_share_url("mastodon.social", "") == "https://mastodon.social/share"


@pytest.mark.parametrize(
    "url",
    [
        "",
        "example.org",
        "/campaign/",
        "ftp://example.org/",
        "javascript:alert(1)",
        "https://",
        "https://exa mple.org/",
        "https://example.org/\n",
        "http://example.org:99999999/",
    ],
)
def test_share_url_must_be_absolute_http(url: str) -> None:
    with pytest.raises(InvalidShareTarget):
        share_links(url)


@pytest.mark.parametrize("tag", ["", "#", "two words", "tab\there", "a#b", "x\u3000y"])
def test_bad_hashtags_are_rejected(tag: str) -> None:
    with pytest.raises(InvalidShareTarget):
        share_links(URL, hashtags=[tag])
    with pytest.raises(CampaignError):
        compose_text("text", [tag])
