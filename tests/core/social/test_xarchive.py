"""X archives: tweets.js read as JSON (never run), zips within limits, tweets to posts."""

from __future__ import annotations

import datetime as dt
import io
import json
import zipfile

import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

from ahmadi_campaign.errors import InvalidArchive, InvalidSocialData
from ahmadi_campaign.social import (
    MediaLink,
    Source,
    parse_tweets_js,
    read_x_archive,
    strip_js_assignment,
)

from .replay import DATA
from .test_posts import assert_no_executable_markup

TWEETS = (DATA / "tweets.js").read_bytes()
PART1 = (DATA / "tweets-part1.js").read_bytes()
ACCOUNT = (DATA / "account.js").read_bytes()


def _zip(files: dict[str, bytes], compression: int = zipfile.ZIP_DEFLATED) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression) as archive:
        for name, data in files.items():
            archive.writestr(name, data)
    return buffer.getvalue()


def test_tweets_js() -> None:
    report = parse_tweets_js(TWEETS, author_handle="@someone", author_name="Some One")
    assert report.total == 6
    assert [(item.position, item.code) for item in report.skipped] == [
        (3, "bad-date"),
        (4, "missing-field"),
    ]
    first, retweet, reply, media = report.posts
    assert first.source is Source.X_ARCHIVE
    assert first.source_id == "672002437000000001"
    assert first.url == "https://x.com/someone/status/672002437000000001"
    assert first.author_handle == "someone" and first.author_name == "Some One"
    assert first.created_at == dt.datetime(2015, 12, 2, 10, tzinfo=dt.UTC)
    # Entities decoded, t.co replaced by the real address.
    assert first.text == (
        "Ahmadis & everyone else deserve safety <3 #IStandWithAhmadis "
        "https://www.example.org/report/2015/ahmadis"
    )
    assert (
        "&lt;3" in first.html and 'href="https://www.example.org/report/2015/ahmadis"' in first.html
    )
    assert_no_executable_markup(first.html)
    assert first.language == "en" and first.hashtags == ("IStandWithAhmadis",)
    assert retweet.is_reblog and not first.is_reblog
    assert reply.is_reply and reply.language == ""  # "und"
    assert reply.created_at == dt.datetime(2015, 12, 2, 7, tzinfo=dt.UTC)
    assert media.media == (MediaLink("https://pbs.twimg.com/media/CVabc123.jpg"),)
    assert media.text.endswith("https://twitter.com/someone/status/672002437000000006/photo/1")


def test_without_an_author_the_url_still_works() -> None:
    report = parse_tweets_js(TWEETS.decode(), author_handle="not a handle!")
    assert report.posts[0].url == "https://x.com/i/web/status/672002437000000001"
    assert report.posts[0].author_handle == ""


def test_hashtag_filter() -> None:
    report = parse_tweets_js(TWEETS, hashtags=["#istandwithahmadis"])
    assert len(report.posts) == 3
    assert report.skipped_by_code() == {"bad-date": 1, "missing-field": 1, "no-matching-hashtag": 1}


@pytest.mark.parametrize(
    ("tweet", "code"),
    [
        (
            {"id_str": "12a", "full_text": "x", "created_at": "Wed Dec 02 10:00:00 +0000 2015"},
            "bad-id",
        ),
        ({"id_str": "1", "full_text": "", "created_at": "Wed Dec 02 10:00:00 +0000 2015"}, "empty"),
        (
            {"id_str": "1", "full_text": "x", "created_at": "Wed Foo 02 10:00:00 +0000 2015"},
            "bad-date",
        ),
        (
            {"id_str": "1", "full_text": "x", "created_at": "Wed Feb 30 10:00:00 +0000 2015"},
            "bad-date",
        ),
        ({"tweet": "not an object"}, "missing-field"),
    ],
)
def test_bad_tweets_are_skipped(tweet: dict[str, object], code: str) -> None:
    good = {"id_str": "2", "text": "fine", "created_at": "2015-12-02T10:00:00Z"}
    report = parse_tweets_js(json.dumps([tweet, good, 7]))
    assert [post.source_id for post in report.posts] == ["2"]  # old archives: no wrapper
    assert [item.code for item in report.skipped] == [code, "not-an-object"]


def test_negative_offsets_and_tweet_escapes() -> None:
    tweet = {
        "id_str": "3",
        "full_text": "&lt;script&gt;alert(1)&lt;/script&gt; \u202eevil",
        "created_at": "Wed Dec 02 10:00:00 -0330 2015",
        "retweeted": True,
        "possibly_sensitive": True,
    }
    (post,) = parse_tweets_js(json.dumps([{"tweet": tweet}])).posts
    assert post.created_at == dt.datetime(2015, 12, 2, 13, 30, tzinfo=dt.UTC)
    assert post.text == "<script>alert(1)</script> evil"  # plain text; the HTML escapes it
    assert_no_executable_markup(post.html)
    assert post.is_reblog and post.sensitive


@pytest.mark.parametrize(
    ("source", "message"),
    [
        ("alert(document.cookie)", "not an X archive file"),
        ("window.YTD.tweets.part0 = alert(1)", "not valid JSON"),
        ("window.YTD.tweets.part0 = [{]", "not valid JSON"),
        ("window.YTD.tweets.part0 = {}", "should be a JSON array"),
        ("", "not an X archive file"),
        (b"\xff\xfe window", "not UTF-8"),
    ],
)
def test_files_that_are_not_tweets_raise(source: str | bytes, message: str) -> None:
    with pytest.raises(InvalidSocialData, match=message):
        parse_tweets_js(source)


def test_strip_js_assignment_examples() -> None:
    assert strip_js_assignment("window.YTD.tweets.part0 = []") == "[]"
    assert strip_js_assignment("\ufeffwindow.YTD.tweets.part12=[1];\n") == "[1]"
    assert strip_js_assignment('  [{"a": 1}]  ') == '[{"a": 1}]'
    assert strip_js_assignment("{}") == "{}"
    with pytest.raises(InvalidSocialData):
        strip_js_assignment("var x = [];")
    with pytest.raises(InvalidSocialData):
        strip_js_assignment("window.YTD.tweets.part0 [] ")  # no '=': not stripped, not JSON


json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.text(),
    lambda children: (
        st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=8), children, max_size=4)
    ),
    max_leaves=12,
)


@settings(deadline=None)  # timings vary on a busy CI machine
@given(
    json_values,
    st.from_regex(r"[A-Za-z0-9_]{1,12}", fullmatch=True),
    st.integers(min_value=0, max_value=9999),
    st.sampled_from(["", " ", "  ", "\n", "\t"]),
    st.sampled_from(["", "\n", ";", ";\n", " ;  "]),
    st.booleans(),
    st.booleans(),
)
def test_strip_js_assignment_round_trip(
    value: object, name: str, part: int, space: str, end: str, bom: bool, indent: bool
) -> None:
    body = json.dumps(value, indent=2 if indent else None, ensure_ascii=False)
    mark = "\ufeff" if bom else ""
    source = f"{mark}window.YTD.{name}.part{part}{space}={space}{body}{end}"
    assert json.loads(strip_js_assignment(source)) == value


@settings(deadline=None)  # timings vary on a busy CI machine
@given(st.text())
@example("window.YTD.tweets.part0 = ")
@example("window.YTD.x.part1 = [1];;")
@example("[" * 5000)
def test_tweets_js_never_runs_anything(source: str) -> None:
    # Whatever the text, the result is a report or our own error: nothing is evaluated.
    try:
        report = parse_tweets_js(source)
    except InvalidSocialData:
        return
    assert report.total >= 0


def test_plain_json_stays_json_after_stripping() -> None:
    value = [{"tweet": {"id_str": "1"}}]
    assert json.loads(strip_js_assignment(json.dumps(value))) == value


# ---------------------------------------------------------------------------- zip archives


def test_a_zip_archive_with_parts_and_account() -> None:
    archive = _zip(
        {
            "twitter-2015-12-11/data/tweets-part1.js": PART1,
            "twitter-2015-12-11/data/account.js": ACCOUNT,
            "twitter-2015-12-11/data/tweets.js": TWEETS,
            "twitter-2015-12-11/data/tweets_media/672002437000000006-CVabc123.jpg": b"\xff\xd8",
            "twitter-2015-12-11/Your archive.html": b"<script>never read</script>",
        }
    )
    report = read_x_archive(archive)
    assert report.total == 7
    assert [post.source_id for post in report.posts][-1] == "672002437000000007"  # part 1 last
    assert {post.author_handle for post in report.posts} == {"someone"}
    assert {post.author_name for post in report.posts} == {"Some One"}
    assert [item.position for item in report.skipped] == [3, 4]
    assert report.skipped[0].reason.startswith("twitter-2015-12-11/data/tweets.js: ")


def test_skipped_positions_count_across_parts() -> None:
    broken_part = b"window.YTD.tweets.part1 = [7]"
    report = read_x_archive(_zip({"data/tweets.js": TWEETS, "data/tweets-part1.js": broken_part}))
    assert report.skipped[-1].position == 6 and report.skipped[-1].code == "not-an-object"
    assert report.posts[0].author_handle == ""  # no account.js


def test_a_file_object_and_a_bare_tweets_js() -> None:
    assert read_x_archive(io.BytesIO(_zip({"data/tweets.js": TWEETS}))).total == 6
    assert read_x_archive(TWEETS, hashtags=["IStandWithAhmadis"]).total == 6
    assert read_x_archive(io.BytesIO(TWEETS)).total == 6


def test_an_account_file_that_is_broken_is_ignored() -> None:
    for account in (b"junk", b"window.YTD.account.part0 = [5]", b'[{"account": {"username": 5}}]'):
        report = read_x_archive(_zip({"data/tweets.js": TWEETS, "data/account.js": account}))
        assert report.posts[0].author_handle == ""


def test_a_zip_without_tweets() -> None:
    with pytest.raises(InvalidArchive, match="no data/tweets.js"):
        read_x_archive(_zip({"data/like.js": b"window.YTD.like.part0 = []"}))


def test_too_many_members() -> None:
    files = {f"data/tweets_media/{n}.jpg": b"" for n in range(20)} | {"data/tweets.js": TWEETS}
    with pytest.raises(InvalidArchive, match="lists 21 files, over 10"):
        read_x_archive(_zip(files), max_members=10)


def test_a_zip_bomb_is_refused() -> None:
    bomb = b"window.YTD.tweets.part0 = [" + b" " * 5_000_000 + b"]"
    archive = _zip({"data/tweets.js": bomb})
    assert len(archive) < 20_000
    with pytest.raises(InvalidArchive, match="over the limit"):
        read_x_archive(archive, max_bytes=1_000_000)


def test_sizes_add_up_across_parts() -> None:
    archive = _zip({"data/tweets.js": TWEETS, "data/tweets-part1.js": PART1})
    with pytest.raises(InvalidArchive):
        read_x_archive(archive, max_bytes=len(TWEETS) + len(PART1) - 1)
    assert read_x_archive(archive, max_bytes=len(TWEETS) + len(PART1)).total == 7
    with_account = _zip({"data/tweets.js": TWEETS, "data/account.js": ACCOUNT})
    with pytest.raises(InvalidArchive):  # the account file counts too
        read_x_archive(with_account, max_bytes=len(TWEETS) + len(ACCOUNT) - 1)


def test_a_lying_size_is_caught_while_reading(monkeypatch: pytest.MonkeyPatch) -> None:
    archive = _zip({"data/tweets.js": TWEETS})
    original = zipfile.ZipFile.infolist

    def shrunk(self: zipfile.ZipFile) -> list[zipfile.ZipInfo]:
        members = original(self)
        for member in members:
            member.file_size = 10  # what a forged central directory would claim
        return members

    monkeypatch.setattr(zipfile.ZipFile, "infolist", shrunk)
    with pytest.raises(InvalidArchive):
        read_x_archive(archive, max_bytes=100)


def test_a_large_bare_file_is_refused() -> None:
    with pytest.raises(InvalidArchive, match="larger than 100 bytes"):
        read_x_archive(TWEETS, max_bytes=100)


def test_a_corrupt_zip_is_an_archive_error() -> None:
    archive = bytearray(_zip({"data/tweets.js": TWEETS}))
    start = archive.index(b"window") - 1 if b"window" in archive else 60
    archive[start : start + 40] = b"\x00" * 40  # damage the compressed data
    with pytest.raises(InvalidArchive, match="cannot be read"):
        read_x_archive(bytes(archive))


def test_a_stored_zip_with_a_damaged_crc() -> None:
    archive = bytearray(_zip({"data/tweets.js": TWEETS}, zipfile.ZIP_STORED))
    index = archive.index(b"window.YTD")
    archive[index] = ord("W")
    with pytest.raises(InvalidArchive, match="cannot be read"):
        read_x_archive(bytes(archive))
