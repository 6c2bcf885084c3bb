"""Campaign windows, phases at the edges, countdowns, day numbers and hashtags."""

from __future__ import annotations

import datetime as dt
import unicodedata
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given
from hypothesis import strategies as st

from ahmadi_campaign.campaign import Campaign, Hashtag, Phase, extract_hashtags
from ahmadi_campaign.errors import CampaignError, InvalidHashtag, InvalidSchedule

KARACHI = ZoneInfo("Asia/Karachi")
UTC = dt.UTC


@pytest.fixture
def seed_campaign() -> Campaign:
    return Campaign.from_local_dates(
        "I stand with Ahmadis",
        ["#IStandWithAhmadis"],
        dt.date(2015, 12, 1),
        dt.date(2015, 12, 10),
        "Asia/Karachi",
    )


def test_from_local_dates_starts_and_ends_at_local_midnight(seed_campaign: Campaign) -> None:
    assert seed_campaign.start == dt.datetime(2015, 12, 1, tzinfo=KARACHI)
    assert seed_campaign.end == dt.datetime(2015, 12, 11, tzinfo=KARACHI)
    # Karachi is UTC+5: the campaign began at 19:00 UTC the day before.
    assert seed_campaign.start.astimezone(UTC) == dt.datetime(2015, 11, 30, 19, tzinfo=UTC)
    assert seed_campaign.total_days == 10
    assert list(seed_campaign.days())[0] == dt.date(2015, 12, 1)
    assert list(seed_campaign.days())[-1] == dt.date(2015, 12, 10)


@pytest.mark.parametrize(
    ("instant", "phase"),
    [
        (dt.datetime(2015, 11, 30, 18, 59, 59, 999999, tzinfo=UTC), Phase.UPCOMING),
        (dt.datetime(2015, 11, 30, 19, 0, tzinfo=UTC), Phase.LIVE),
        (dt.datetime(2015, 12, 1, 0, 0, tzinfo=KARACHI), Phase.LIVE),
        (dt.datetime(2015, 12, 10, 23, 59, 59, 999999, tzinfo=KARACHI), Phase.LIVE),
        (dt.datetime(2015, 12, 11, 0, 0, tzinfo=KARACHI), Phase.ENDED),
        (dt.datetime(2015, 12, 10, 19, 0, tzinfo=UTC), Phase.ENDED),
        (dt.datetime(2026, 1, 1, tzinfo=UTC), Phase.ENDED),
    ],
)
def test_phase_at_window_edges(seed_campaign: Campaign, instant: dt.datetime, phase: Phase) -> None:
    assert seed_campaign.phase_at(instant) is phase
    assert seed_campaign.is_live(instant) is (phase is Phase.LIVE)


def test_day_number_counts_local_days(seed_campaign: Campaign) -> None:
    # 19:30 UTC on 30 November is 00:30 on 1 December in Karachi: day 1.
    assert seed_campaign.day_number(dt.datetime(2015, 11, 30, 19, 30, tzinfo=UTC)) == 1
    # 18:59 UTC on 1 December is 23:59 on 1 December in Karachi: still day 1.
    assert seed_campaign.day_number(dt.datetime(2015, 12, 1, 18, 59, tzinfo=UTC)) == 1
    assert seed_campaign.day_number(dt.datetime(2015, 12, 1, 19, 0, tzinfo=UTC)) == 2
    assert seed_campaign.day_number(dt.datetime(2015, 12, 10, 12, tzinfo=KARACHI)) == 10
    assert seed_campaign.day_number(dt.datetime(2015, 12, 11, tzinfo=KARACHI)) is None
    assert seed_campaign.day_number(dt.datetime(2015, 11, 1, tzinfo=KARACHI)) is None


def test_countdown_targets_start_then_end(seed_campaign: Campaign) -> None:
    before = dt.datetime(2015, 11, 29, 17, 30, 15, tzinfo=KARACHI)
    countdown = seed_campaign.countdown(before)
    assert countdown is not None
    assert countdown.phase is Phase.UPCOMING
    assert countdown.target == seed_campaign.start
    assert (countdown.days, countdown.hours, countdown.minutes, countdown.seconds) == (1, 6, 29, 45)

    during = dt.datetime(2015, 12, 10, 23, 0, tzinfo=KARACHI)
    countdown = seed_campaign.countdown(during)
    assert countdown is not None
    assert countdown.phase is Phase.LIVE
    assert countdown.remaining == dt.timedelta(hours=1)
    assert seed_campaign.countdown(dt.datetime(2016, 1, 1, tzinfo=UTC)) is None


def test_campaign_over_a_dst_change_counts_calendar_days() -> None:
    campaign = Campaign.from_local_dates(
        "Spring", ["spring"], dt.date(2025, 3, 29), dt.date(2025, 3, 31), "Europe/London"
    )
    assert campaign.total_days == 3
    assert campaign.duration == dt.timedelta(hours=71)  # clocks went forward on 30 March
    assert (
        campaign.day_number(dt.datetime(2025, 3, 31, 0, 30, tzinfo=ZoneInfo("Europe/London"))) == 3
    )


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"end": dt.datetime(2015, 11, 1, tzinfo=UTC)}, "must end after it starts"),
        ({"end": dt.datetime(2015, 12, 1, tzinfo=UTC)}, "must end after it starts"),
        ({"start": dt.datetime(2015, 12, 1)}, "timezone-aware"),
        ({"end": dt.datetime(2015, 12, 11)}, "timezone-aware"),
        ({"hashtags": []}, "at least one hashtag"),
        ({"hashtags": ["#"]}, "at least one letter"),
        ({"hashtags": ["#stand with"]}, "only letters"),
        ({"title": "   "}, "needs a title"),
    ],
)
def test_invalid_campaigns_raise_clear_errors(kwargs: dict[str, object], message: str) -> None:
    values: dict[str, object] = {
        "title": "Campaign",
        "hashtags": ["tag"],
        "start": dt.datetime(2015, 12, 1, tzinfo=UTC),
        "end": dt.datetime(2015, 12, 11, tzinfo=UTC),
    }
    values.update(kwargs)
    with pytest.raises(CampaignError, match=message) as info:
        Campaign(**values)  # type: ignore[arg-type]
    assert isinstance(info.value, ValueError)


def test_from_local_dates_rejects_bad_input() -> None:
    with pytest.raises(InvalidSchedule, match="Unknown time zone"):
        Campaign.from_local_dates("x", ["x"], dt.date(2015, 1, 1), dt.date(2015, 1, 2), "Mars/Base")
    with pytest.raises(InvalidSchedule, match="before the first day"):
        Campaign.from_local_dates("x", ["x"], dt.date(2015, 1, 2), dt.date(2015, 1, 1), "UTC")


def test_phase_at_rejects_naive_instant(seed_campaign: Campaign) -> None:
    with pytest.raises(InvalidSchedule):
        seed_campaign.phase_at(dt.datetime(2015, 12, 5))


def test_one_day_campaign_with_tzinfo_object() -> None:
    campaign = Campaign.from_local_dates(
        "Day", "solo", dt.date(2020, 1, 1), dt.date(2020, 1, 1), UTC
    )
    assert campaign.total_days == 1
    assert [t.text for t in campaign.hashtags] == ["solo"]


@pytest.mark.parametrize(
    "spelling",
    [
        "#IStandWithAhmadis",
        "#istandwithahmadis",
        "ISTANDWITHAHMADIS",
        "＃ＩＳｔａｎｄＷｉｔｈＡｈｍａｄｉｓ",
    ],
)
def test_hashtags_match_case_and_width_insensitively(spelling: str) -> None:
    assert Hashtag("#IStandWithAhmadis") == Hashtag(spelling)
    assert Hashtag("#IStandWithAhmadis").matches(spelling)


def test_urdu_hashtags_keep_their_spelling_and_match() -> None:
    tag = Hashtag("#میں_احمدیوں_کے_ساتھ_ہوں")
    assert str(tag) == "#میں_احمدیوں_کے_ساتھ_ہوں"
    assert tag.matches("میں_احمدیوں_کے_ساتھ_ہوں")
    # Zero-width non-joiner, needed in Urdu/Persian spelling, does not split a tag
    # and does not make a different tag.
    assert Hashtag("#ہم\u200cآہنگی").matches("#ہمآہنگی")
    # Hindi with combining vowel signs.
    assert Hashtag("#अहमदिया").text == "अहमदिया"


@pytest.mark.parametrize(
    "bad", ["", "#", "##", "# tag", "#tag!", "#12345", "#a-b", "#a" * 60, "#tag\u202e", "#ta g"]
)
def test_malformed_hashtags_are_rejected(bad: str) -> None:
    with pytest.raises(InvalidHashtag):
        Hashtag(bad)


def test_matches_returns_false_for_garbage() -> None:
    assert not Hashtag("stand").matches("not a tag")
    assert not Hashtag("stand").matches("#standing")


def test_campaign_deduplicates_hashtags_and_matches(seed_campaign: Campaign) -> None:
    campaign = Campaign("x", ["#Stand", "#stand", "#Other"], seed_campaign.start, seed_campaign.end)
    assert [t.text for t in campaign.hashtags] == ["Stand", "Other"]
    assert campaign.main_hashtag.text == "Stand"
    assert campaign.matches_hashtag("#OTHER")
    assert not campaign.matches_hashtag("#third")


def test_extract_hashtags_from_text() -> None:
    text = (
        "We #StandWith you. #IStandWithAhmadis #istandwithahmadis C# page#anchor #میں_ساتھ_ہوں #123"
    )
    assert [t.text for t in extract_hashtags(text)] == [
        "StandWith",
        "IStandWithAhmadis",
        "میں_ساتھ_ہوں",
    ]


def _key(value: str) -> str:
    return unicodedata.normalize("NFKC", value).casefold()


@given(
    st.text(alphabet=st.characters(categories=["Lu", "Ll", "Lo", "Nd"]), min_size=1, max_size=30)
)
def test_valid_tags_round_trip_and_match_case_variants(body: str) -> None:
    try:
        tag = Hashtag("#" + body)
    except InvalidHashtag:
        assert body.isdigit()
        return
    assert Hashtag(str(tag)) == tag
    assert tag.text == unicodedata.normalize("NFC", body)
    for variant in (body.upper(), body.lower(), body.casefold()):
        # Case mappings that change a letter's identity (Turkish dotless i) are
        # different tags; every other case variant is the same tag.
        if _key(variant) == _key(body):
            assert tag.matches("#" + variant)


def test_hashtag_or_none_parses_once_and_refuses_quietly() -> None:
    from ahmadi_campaign.campaign import hashtag_or_none

    tag = hashtag_or_none("#IStandWithAhmadis")
    assert tag is not None and tag == Hashtag("istandwithahmadis")
    assert hashtag_or_none("#IStandWithAhmadis") is tag  # cached: imports repeat tags
    assert hashtag_or_none("#") is None and hashtag_or_none("#12") is None
    assert hashtag_or_none("#a b") is None
