"""Wall statistics."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from zoneinfo import ZoneInfo

from ahmadi_campaign.stats import compute_stats


@dataclass
class Msg:
    created_at: dt.datetime
    country: str
    kind: str
    source: str


def test_counts_by_day_in_campaign_zone_country_kind_and_source() -> None:
    karachi = ZoneInfo("Asia/Karachi")
    messages = [
        Msg(dt.datetime(2015, 11, 30, 19, 30, tzinfo=dt.UTC), "pk", "support", "site"),
        Msg(dt.datetime(2015, 12, 1, 10, tzinfo=dt.UTC), "PK", "support", "mastodon"),
        Msg(dt.datetime(2015, 12, 2, 10, tzinfo=dt.UTC), "IN", "thanks", "site"),
        {
            "created_at": dt.datetime(2015, 12, 2, 11, tzinfo=dt.UTC),
            "country": "",
            "kind": "support",
            "source": "site",
        },
    ]
    stats = compute_stats(messages, tz=karachi)
    assert stats.total == 4
    assert stats.by_day == ((dt.date(2015, 12, 1), 2), (dt.date(2015, 12, 2), 2))
    assert stats.by_country == (("PK", 2), ("", 1), ("IN", 1))
    assert stats.countries == 2
    assert stats.by_kind == (("support", 3), ("thanks", 1))
    assert stats.by_source == (("site", 3), ("mastodon", 1))
    assert stats.as_dict()["by_day"] == [["2015-12-01", 2], ["2015-12-02", 2]]


def test_utc_days_by_default_and_empty_input() -> None:
    stats = compute_stats(
        [Msg(dt.datetime(2015, 11, 30, 19, 30, tzinfo=dt.UTC), "PK", "s", "site")]
    )
    assert stats.by_day == ((dt.date(2015, 11, 30), 1),)
    empty = compute_stats([])
    assert empty.total == 0 and empty.by_country == () and empty.countries == 0
