"""X (Twitter) archives: the tweets of a downloaded archive, parsed into posts.

An archive holds ``data/tweets.js`` (and ``data/tweets-part1.js``... for large
accounts), each a JavaScript assignment ``window.YTD.tweets.part0 = [{"tweet": {...}}]``.
:func:`strip_js_assignment` removes the assignment and the rest is read as JSON: the
file is never evaluated. :func:`read_x_archive` takes the ``.zip`` itself (within limits
on member count and uncompressed size, against zip bombs) or one ``tweets.js``; the
author's handle and name come from ``data/account.js`` when the zip has it.
"""

from __future__ import annotations

import datetime as dt
import html
import io
import re
import zipfile
import zlib
from collections.abc import Iterable, Mapping
from functools import partial
from typing import Any, BinaryIO

from ..campaign import Hashtag
from ..errors import InvalidArchive, InvalidSocialData
from ..sanitize import text_to_html
from ..text import normalize_text
from .posts import (
    ItemError,
    ParseReport,
    SkippedItem,
    SocialPost,
    Source,
    aware_datetime,
    get_list,
    get_object,
    get_str,
    language_code,
    load_json,
    media_links,
    one_line,
    parse_items,
    text_hashtags,
    unique_hashtags,
    web_url,
)

__all__ = [
    "MAX_ARCHIVE_MEMBERS",
    "MAX_TWEETS_BYTES",
    "parse_tweets_js",
    "read_x_archive",
    "strip_js_assignment",
]

#: Most members a zip may list (an archive also holds one file per photo or video).
MAX_ARCHIVE_MEMBERS = 100_000
#: Most bytes of tweet files read, uncompressed, from one archive.
MAX_TWEETS_BYTES = 256 * 1024 * 1024

_ASSIGNMENT = re.compile(r"\s*window\.YTD\.[A-Za-z0-9_]+\.part[0-9]+\s*=\s*")
_TWEET_FILE = re.compile(r"(?:.*/)?data/tweets?(?:-part(?P<part>[0-9]{1,4}))?\.js")
_ACCOUNT_FILE = re.compile(r"(?:.*/)?data/account\.js")
_SCREEN_NAME = re.compile(r"[A-Za-z0-9_]{1,50}")
_MONTHS = {
    name: number
    for number, name in enumerate(
        ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"), 1
    )
}
_TWITTER_DATE = re.compile(
    r"[A-Z][a-z]{2} (?P<month>[A-Z][a-z]{2}) (?P<day>\d\d) (?P<h>\d\d):(?P<m>\d\d):(?P<s>\d\d) "
    r"(?P<sign>[+-])(?P<oh>\d\d)(?P<om>\d\d) (?P<year>\d{4})"
)


def strip_js_assignment(source: str) -> str:
    """Return the JSON text of an archive file, without its ``window.YTD.<name>.partN =``.

    A byte-order mark, surrounding whitespace and one trailing ``;`` are dropped; a file
    that is already plain JSON (an array or object) is returned as is. Anything else
    raises :class:`~ahmadi_campaign.errors.InvalidSocialData`.
    """
    text = source.removeprefix("\ufeff")
    if match := _ASSIGNMENT.match(text):
        text = text[match.end() :]
    elif not text.lstrip().startswith(("[", "{")):
        raise InvalidSocialData(
            "This is not an X archive file: it should start with "
            "'window.YTD.tweets.part0 = [' (or be a JSON array)."
        )
    text = text.strip()
    return text.removesuffix(";").rstrip()


def parse_tweets_js(
    source: str | bytes,
    *,
    author_handle: str = "",
    author_name: str = "",
    hashtags: Iterable[str | Hashtag] = (),
) -> ParseReport:
    """Parse one ``tweets.js`` (or ``tweets-partN.js``) of an X archive.

    *author_handle* (the screen name, without ``@``) and *author_name* are the archive
    owner's: tweets do not repeat them. With *hashtags*, tweets carrying none of them are
    skipped. Raises :class:`~ahmadi_campaign.errors.InvalidSocialData` when the file is not
    the expected assignment of a JSON array; bad tweets are skipped and reported.
    """
    if isinstance(source, bytes):
        try:
            source = source.decode("utf-8-sig")
        except UnicodeDecodeError as exc:
            raise InvalidSocialData(f"The tweets file is not UTF-8: {exc}.") from None
    data = load_json(strip_js_assignment(source), "The tweets file")
    handle = author_handle.strip().removeprefix("@")
    handle = handle if _SCREEN_NAME.fullmatch(handle) else ""
    build = partial(_tweet, handle, one_line(author_name))
    return parse_items(data, "The tweets file", hashtags, build)


def _tweet(handle: str, name: str, item: Mapping[str, Any]) -> SocialPost:
    tweet = get_object(item, "tweet") if "tweet" in item else item  # older archives: no wrapper
    tweet_id = get_str(tweet, "id_str", required=True)
    if not tweet_id.isdigit() or not tweet_id.isascii() or len(tweet_id) > 30:
        raise ItemError("bad-id", "Field 'id_str' is not a tweet id.")
    raw = get_str(tweet, "full_text") or get_str(tweet, "text")
    text = html.unescape(raw)  # the API escapes &, < and > in tweet text
    entities = get_object(tweet, "entities")
    extended = get_object(tweet, "extended_entities") or entities
    for entity in [*get_list(entities, "urls"), *get_list(extended, "media")]:
        if isinstance(entity, dict) and isinstance(short := entity.get("url"), str) and short:
            text = text.replace(short, web_url(entity.get("expanded_url")) or short)
    text = normalize_text(text)
    media = media_links(
        (entry.get("media_url_https") or entry.get("media_url"), entry.get("ext_alt_text"))
        for entry in get_list(extended, "media")
        if isinstance(entry, dict)
    )
    if not text and not media:
        raise ItemError("empty", "The tweet has neither text nor media.")
    entity_tags = (
        tag.get("text") for tag in get_list(entities, "hashtags") if isinstance(tag, dict)
    )
    return SocialPost(
        source=Source.X_ARCHIVE,
        source_id=tweet_id,
        url=f"https://x.com/{handle or 'i/web'}/status/{tweet_id}",
        author_name=name,
        author_handle=handle,
        created_at=_created_at(tweet.get("created_at")),
        text=text,
        html=text_to_html(text),
        language=language_code(tweet.get("lang")),
        hashtags=unique_hashtags(
            text_hashtags(text), (tag for tag in entity_tags if isinstance(tag, str))
        ),
        media=media,
        is_reblog=tweet.get("retweeted") is True or raw.startswith("RT @"),
        is_reply=bool(get_str(tweet, "in_reply_to_status_id_str")),
        sensitive=tweet.get("possibly_sensitive") is True,
    )


def _created_at(value: object) -> dt.datetime:
    """Parse Twitter's ``Wed Dec 02 10:00:00 +0000 2015`` (English names, any locale)."""
    if isinstance(value, str) and (match := _TWITTER_DATE.fullmatch(value.strip())):
        offset = dt.timedelta(hours=int(match["oh"]), minutes=int(match["om"]))
        try:
            return dt.datetime(
                int(match["year"]),
                _MONTHS.get(match["month"], 0),
                int(match["day"]),
                int(match["h"]),
                int(match["m"]),
                int(match["s"]),
                tzinfo=dt.timezone(-offset if match["sign"] == "-" else offset),
            )
        except ValueError:
            pass
    return aware_datetime(value, "created_at")  # ISO 8601 in converted archives


def read_x_archive(
    archive: bytes | BinaryIO,
    *,
    hashtags: Iterable[str | Hashtag] = (),
    max_bytes: int = MAX_TWEETS_BYTES,
    max_members: int = MAX_ARCHIVE_MEMBERS,
) -> ParseReport:
    """Read the tweets of an X archive: the ``.zip`` as downloaded, or one ``tweets.js``.

    From a zip, every ``data/tweets.js`` and ``data/tweets-partN.js`` is read in part order
    and ``data/account.js`` names the author. Media files are never opened. A file object
    must be binary and seekable (an upload or ``open(path, "rb")``). Raises
    :class:`~ahmadi_campaign.errors.InvalidArchive` for a broken zip, one without tweets,
    one listing more than *max_members* files or with tweet files over *max_bytes*
    uncompressed (whatever the zip claims), and
    :class:`~ahmadi_campaign.errors.InvalidSocialData` for a malformed tweets file.
    """
    file = io.BytesIO(archive) if isinstance(archive, bytes | bytearray) else archive
    if not zipfile.is_zipfile(file):
        file.seek(0)
        data = file.read(max_bytes + 1)
        if len(data) > max_bytes:
            raise InvalidArchive(f"The tweets file is larger than {max_bytes} bytes.")
        return parse_tweets_js(data, hashtags=hashtags)
    file.seek(0)
    try:
        with zipfile.ZipFile(file) as zipped:
            return _read_zip(zipped, hashtags, max_bytes, max_members)
    except (zipfile.BadZipFile, zlib.error, EOFError, RuntimeError, NotImplementedError) as exc:
        raise InvalidArchive(f"The archive cannot be read: {exc}.") from None


def _read_zip(
    zipped: zipfile.ZipFile,
    hashtags: Iterable[str | Hashtag],
    max_bytes: int,
    max_members: int,
) -> ParseReport:
    members = zipped.infolist()
    if len(members) > max_members:
        raise InvalidArchive(f"The archive lists {len(members)} files, over {max_members}.")
    parts = sorted(
        (int(match["part"] or 0), member.filename, member)
        for member in members
        if (match := _TWEET_FILE.fullmatch(member.filename)) and not member.is_dir()
    )
    if not parts:
        raise InvalidArchive("The archive has no data/tweets.js: is it an X archive?")
    budget = max_bytes
    handle, name = "", ""
    account = next((m for m in members if _ACCOUNT_FILE.fullmatch(m.filename)), None)
    if account is not None:
        data = _read_member(zipped, account, budget)
        budget -= len(data)
        handle, name = _account(data)
    report = ParseReport()
    for _, _, member in parts:
        data = _read_member(zipped, member, budget)
        budget -= len(data)
        part = parse_tweets_js(data, author_handle=handle, author_name=name, hashtags=hashtags)
        offset = report.total
        skipped = tuple(
            SkippedItem(
                item.position + offset, item.code, f"{member.filename}: {item.reason}", item.item_id
            )
            for item in part.skipped
        )
        report += ParseReport(part.posts, skipped)
    return report


def _read_member(zipped: zipfile.ZipFile, member: zipfile.ZipInfo, budget: int) -> bytes:
    """Read one member, stopping as soon as it passes *budget* bytes (sizes can lie)."""
    if member.file_size > budget:
        raise InvalidArchive(f"{member.filename} is {member.file_size} bytes, over the limit.")
    with zipped.open(member) as stream:
        data = stream.read(budget + 1)
    if len(data) > budget:
        raise InvalidArchive(f"{member.filename} is larger than the limit of the archive.")
    return data


def _account(data: bytes) -> tuple[str, str]:
    """The screen name and display name in ``data/account.js``, or empty strings."""
    try:
        items = load_json(strip_js_assignment(data.decode("utf-8-sig")), "account.js")
    except (InvalidSocialData, UnicodeDecodeError):
        return "", ""
    first = items[0] if isinstance(items, list) and items else {}
    account = first.get("account") if isinstance(first, dict) else None
    if not isinstance(account, dict):
        return "", ""
    handle, name = account.get("username"), account.get("accountDisplayName")
    return (handle if isinstance(handle, str) else ""), (name if isinstance(name, str) else "")
