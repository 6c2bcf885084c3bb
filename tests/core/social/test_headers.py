"""Link, Retry-After and rate-limit headers, with property tests for the Link parser."""

from __future__ import annotations

import email.utils

import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

from ahmadi_campaign.social import parse_link_header, parse_retry_after
from ahmadi_campaign.social.headers import rate_limit_wait

NOW = 1_449_050_400.0  # 2015-12-02 10:00:00 UTC

MASTODON_LINK = (
    '<https://mastodon.example/api/v1/timelines/tag/IStandWithAhmadis?max_id=108>; rel="next", '
    '<https://mastodon.example/api/v1/timelines/tag/IStandWithAhmadis?min_id=109>; rel="prev"'
)


def test_mastodon_link_header() -> None:
    assert parse_link_header(MASTODON_LINK) == {
        "next": "https://mastodon.example/api/v1/timelines/tag/IStandWithAhmadis?max_id=108",
        "prev": "https://mastodon.example/api/v1/timelines/tag/IStandWithAhmadis?min_id=109",
    }


@pytest.mark.parametrize(
    ("header", "expected"),
    [
        ("", {}),
        ("<https://a.example/1>; rel=next", {"next": "https://a.example/1"}),
        (
            '<https://a.example/1>; rel="next last"',
            {"next": "https://a.example/1", "last": "https://a.example/1"},
        ),
        ('<https://a.example/1>; REL="Next"', {"next": "https://a.example/1"}),
        ('<https://a.example/a,b;c>; rel="next"', {"next": "https://a.example/a,b;c"}),
        (
            '<https://a.example/1>; title="a, b; rel=prev"; rel="next"',
            {"next": "https://a.example/1"},
        ),
        ('<https://a.example/1>; title="say \\"hi\\""; rel=next', {"next": "https://a.example/1"}),
        (
            '<https://a.example/1>; rel="next", <https://a.example/2>; rel="next"',
            {"next": "https://a.example/1"},
        ),
        ("<https://a.example/1>", {}),
        ('<>; rel="next"', {}),
        ('https://a.example/1; rel="next"', {}),
        ('<https://a.example/1; rel="next"', {}),
        (
            '<https://a.example/1>; rel, <https://a.example/2>; rel="prev"',
            {"prev": "https://a.example/2"},
        ),
        ('<https://a.example/1>; ; =x; rel="next"', {"next": "https://a.example/1"}),
        ('<https://a.example/1>; rel="next', {"next": "https://a.example/1"}),
    ],
)
def test_link_header_cases(header: str, expected: dict[str, str]) -> None:
    assert parse_link_header(header) == expected


def test_relative_links_resolve_against_the_base_url() -> None:
    links = parse_link_header('</api/v1/x?max_id=5>; rel="next"', base_url="https://m.example/api")
    assert links == {"next": "https://m.example/api/v1/x?max_id=5"}
    assert parse_link_header('<http://[::1>; rel="next"', base_url="https://m.example/") == {}


_targets = st.text(
    st.characters(blacklist_characters="<>", blacklist_categories=("Cs",)), min_size=1, max_size=30
).filter(lambda text: text == text.strip() and text.strip())
_relations = st.lists(
    st.text("abcdefghijklmnopqrstuvwxyz0123456789.-", min_size=1, max_size=8).map(
        lambda r: "r" + r
    ),
    min_size=1,
    max_size=3,
)
_titles = st.text(st.characters(blacklist_categories=("Cs",)), max_size=20)
_spaces = st.sampled_from(["", " ", "  ", "\t"])


def _quoted(value: str) -> str:
    return '"' + value.replace("\\", "\\\\").replace('"', '\\"') + '"'


@settings(deadline=None)  # timings vary on a busy CI machine
@given(st.lists(st.tuples(_targets, _relations, _titles, _spaces, st.booleans()), max_size=4))
def test_link_header_round_trip(links: list[tuple[str, list[str], str, str, bool]]) -> None:
    parts = []
    expected: dict[str, str] = {}
    for target, relations, title, space, title_first in links:
        rel = f"rel={_quoted(' '.join(relations))}"
        title_param = f"title={_quoted(title)}"
        params = [title_param, rel] if title_first else [rel, title_param]
        parts.append(f"<{target}>{space};{space}" + f"{space};{space}".join(params))
        for relation in relations:
            expected.setdefault(relation, target)
    assert parse_link_header(", ".join(parts)) == expected


@settings(deadline=None)  # timings vary on a busy CI machine
@given(st.text())
@example('<a>; rel="')
@example("<<>>;;,,,<")
@example('<x>; rel=\\"next\\"')
def test_link_header_parser_never_raises(header: str) -> None:
    links = parse_link_header(header, base_url="https://m.example/")
    assert all(isinstance(key, str) and isinstance(value, str) for key, value in links.items())


def test_retry_after() -> None:
    assert parse_retry_after("120", NOW) == 120.0
    assert parse_retry_after(" 0 ", NOW) == 0.0
    assert parse_retry_after(email.utils.formatdate(NOW + 90, usegmt=True), NOW) == 90.0
    assert parse_retry_after(email.utils.formatdate(NOW - 90, usegmt=True), NOW) == 0.0
    assert parse_retry_after("Wed, 02 Dec 2015 10:01:00", NOW) == 60.0  # no zone: GMT
    assert parse_retry_after("soon", NOW) is None
    assert parse_retry_after("-5", NOW) is None
    assert parse_retry_after("", NOW) is None


@pytest.mark.parametrize(
    ("headers", "wait"),
    [
        ({"x-ratelimit-remaining": "0", "x-ratelimit-reset": "2015-12-02T10:05:00.000Z"}, 300.0),
        ({"x-ratelimit-remaining": "0", "x-ratelimit-reset": "2015-12-02T10:05:00"}, 300.0),
        ({"ratelimit-remaining": "0", "ratelimit-reset": str(int(NOW) + 30)}, 30.0),
        ({"ratelimit-remaining": "0", "ratelimit-reset": "30"}, 30.0),  # a delta
        ({"ratelimit-remaining": "0", "ratelimit-reset": str(int(NOW) - 30)}, 0.0),
        ({"ratelimit-remaining": "5", "ratelimit-reset": "30"}, None),
        ({"ratelimit-remaining": "0", "ratelimit-reset": "whenever"}, None),
        ({"ratelimit-remaining": "0", "ratelimit-reset": "nan"}, None),
        ({"ratelimit-remaining": "0"}, None),
        ({"ratelimit-remaining": "none", "ratelimit-reset": "30"}, None),
        ({}, None),
    ],
)
def test_rate_limit_wait(headers: dict[str, str], wait: float | None) -> None:
    assert rate_limit_wait(headers, NOW) == wait
