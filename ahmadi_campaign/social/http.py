"""Fetching JSON over HTTP with the standard library: timeouts, retries and rate limits.

:class:`HttpFetcher` is all the network code the importers share. It asks only http(s)
URLs for JSON, waits between retries with exponential backoff and jitter, obeys
``Retry-After`` and the rate-limit headers Mastodon (``X-RateLimit-*``) and Bluesky
(``ratelimit-*``) send, never waits longer than a budget in total, refuses responses
that are too large or not JSON, and raises :class:`~ahmadi_campaign.errors.FetchError`
once it gives up. Sleep, clock and jitter are injected, so tests never really wait.
"""

from __future__ import annotations

import http.client
import json
import random
import ssl
import time
import urllib.error
import urllib.request
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any
from urllib.parse import quote, urlencode, urlsplit

from .. import __version__
from ..errors import FetchError, InvalidSocialData, SocialImportError
from ..text import normalize_text
from .headers import parse_link_header, parse_retry_after, rate_limit_wait

__all__ = ["DEFAULT_USER_AGENT", "HttpFetcher", "JsonResponse", "service_url"]

#: Sent with every request, so server admins can see who asks and where to complain.
DEFAULT_USER_AGENT = f"ahmadi-campaign/{__version__} (+https://github.com/ahmadi-campaign)"

#: Statuses worth asking again: rate limited, or a server or gateway in trouble.
RETRYABLE_STATUSES = frozenset({408, 425, 429, 500, 502, 503, 504})

_Params = Mapping[str, str | int] | Sequence[tuple[str, str | int]]


@dataclass(frozen=True, slots=True)
class JsonResponse:
    """A decoded JSON response; ``headers`` has lower-case names."""

    url: str
    status: int
    headers: Mapping[str, str]
    data: Any

    @property
    def links(self) -> dict[str, str]:
        """The ``Link`` header as a mapping from relation (``"next"``...) to absolute URL."""
        return parse_link_header(self.headers.get("link", ""), base_url=self.url)


def service_url(value: str, what: str) -> str:
    """Return the origin (``scheme://host[:port]``) of a server given as a host or an origin.

    A bare host implies https; a path, query, user name or non-http(s) scheme is refused.
    """
    text = value.strip() if isinstance(value, str) else ""
    if "://" not in text:
        text = f"https://{text}"
    problem = SocialImportError(f"{value!r} is not the address of a {what}.")
    try:
        parts = urlsplit(text)
        port = parts.port
        host = (parts.hostname or "").encode("idna").decode("ascii")
    except (ValueError, UnicodeError):
        raise problem from None
    if (
        parts.scheme.lower() not in ("http", "https")
        or not host
        or parts.path not in ("", "/")
        or parts.query
        or parts.fragment
        or "@" in parts.netloc
        or any(char.isspace() for char in text)
    ):
        raise problem
    host = f"[{host}]" if ":" in host else host
    return f"{parts.scheme.lower()}://{host}{f':{port}' if port else ''}"


# ---------------------------------------------------------------------------- the fetcher


class _SafeRedirects(urllib.request.HTTPRedirectHandler):
    """Follow redirects to http(s) URLs only (urllib also allows ftp)."""

    max_redirections = 5

    def redirect_request(
        self,
        req: urllib.request.Request,
        fp: Any,
        code: int,
        msg: str,
        headers: Any,
        newurl: str,
    ) -> urllib.request.Request | None:
        if urlsplit(newurl).scheme.lower() not in ("http", "https"):
            raise FetchError(f"Refused a redirect to a non-http(s) URL: {newurl!r}.", url=newurl)
        return super().redirect_request(req, fp, code, msg, headers, newurl)


class _Retry(Exception):
    """One attempt failed in a way worth retrying."""

    def __init__(self, reason: str, status: int | None = None, wait: float | None = None):
        super().__init__(reason)
        self.reason, self.status, self.wait = reason, status, wait


class HttpFetcher:
    """GET and POST JSON with timeouts, bounded retries and respect for rate limits.

    *timeout* applies to connecting and to each read (the whole body must arrive within
    three times it); *max_attempts* counts every request of one call; backoff doubles
    from *backoff* up to *max_backoff* seconds, with jitter. A call never sleeps more
    than *max_total_wait* seconds in all: a longer ``Retry-After`` or rate-limit reset
    makes it give up at once. Bodies over *max_bytes* are refused.
    """

    def __init__(
        self,
        *,
        timeout: float = 10.0,
        max_attempts: int = 4,
        backoff: float = 1.0,
        max_backoff: float = 60.0,
        max_total_wait: float = 300.0,
        max_bytes: int = 5_000_000,
        user_agent: str = DEFAULT_USER_AGENT,
        sleep: Callable[[float], None] = time.sleep,
        clock: Callable[[], float] = time.time,
        jitter: Callable[[], float] = random.random,
    ) -> None:
        if max_attempts < 1:
            raise ValueError("max_attempts must be at least 1")
        self.timeout = timeout
        self.max_attempts = max_attempts
        self.backoff = backoff
        self.max_backoff = max_backoff
        self.max_total_wait = max_total_wait
        self.max_bytes = max_bytes
        self.user_agent = user_agent
        self._sleep, self._clock, self._jitter = sleep, clock, jitter
        self._opener = urllib.request.build_opener(_SafeRedirects())
        self._resume_at: dict[str, float] = {}  # host -> Unix time its rate limit resets
        self.total_waited = 0.0  # seconds slept over the fetcher's life, for reports

    def get_json(
        self, url: str, params: _Params | None = None, *, headers: Mapping[str, str] | None = None
    ) -> JsonResponse:
        """GET *url* (plus query *params*) and return the decoded JSON response."""
        if params:
            url = f"{url}{'&' if '?' in url else '?'}{urlencode(params, quote_via=quote)}"
        return self._fetch(url, None, headers or {})

    def post_json(
        self,
        url: str,
        payload: Mapping[str, Any] | None,
        *,
        headers: Mapping[str, str] | None = None,
    ) -> JsonResponse:
        """POST *payload* as JSON (or an empty body) to *url*; return the decoded response."""
        body = b"" if payload is None else json.dumps(payload).encode()
        return self._fetch(url, body, headers or {})

    def _fetch(self, url: str, body: bytes | None, headers: Mapping[str, str]) -> JsonResponse:
        parts = urlsplit(url)
        if parts.scheme.lower() not in ("http", "https") or not parts.hostname:
            raise FetchError(f"Only absolute http(s) URLs can be fetched, not {url!r}.", url=url)
        host = parts.netloc.lower()
        budget = _Budget(self.max_total_wait, url)
        attempts = 0
        while True:
            if (resume := self._resume_at.get(host)) and (delay := resume - self._clock()) > 0:
                self._wait(budget, delay, "the rate limit resets", attempts)
            attempts += 1
            try:
                return self._attempt(url, body, headers, host)
            except FetchError as error:
                error.attempts = attempts
                raise
            except _Retry as retry:
                if attempts >= self.max_attempts:
                    raise FetchError(
                        f"Gave up on {url} after {attempts} attempts: {retry.reason}.",
                        url=url,
                        status=retry.status,
                        attempts=attempts,
                    ) from None
                if retry.wait is None:
                    step = min(self.max_backoff, self.backoff * 2 ** (attempts - 1))
                    delay = step / 2 + step / 2 * self._jitter()
                    self._wait(budget, delay, retry.reason, attempts)
                else:
                    self._wait(budget, retry.wait, retry.reason, attempts, status=retry.status)

    def _wait(
        self, budget: _Budget, delay: float, why: str, attempts: int, status: int | None = None
    ) -> None:
        if budget.spent + delay > budget.limit:
            raise FetchError(
                f"Gave up on {budget.url}: waiting {delay:.0f} s more ({why}) would exceed "
                f"the {budget.limit:.0f} s budget.",
                url=budget.url,
                status=status,
                attempts=attempts,
            )
        budget.spent += delay
        self.total_waited += delay
        self._sleep(delay)

    def _attempt(
        self, url: str, body: bytes | None, headers: Mapping[str, str], host: str
    ) -> JsonResponse:
        method = "GET" if body is None else "POST"
        # The scheme was checked in _fetch and redirects are limited to http(s).
        request = urllib.request.Request(url, data=body, method=method)  # noqa: S310
        request.add_header("Accept", "application/json")
        request.add_header("User-Agent", self.user_agent)
        if body:
            request.add_header("Content-Type", "application/json")
        for name, value in headers.items():
            # Unredirected: credentials never follow a redirect to another host.
            request.add_unredirected_header(name.capitalize(), value)
        try:
            with self._opener.open(request, timeout=self.timeout) as response:
                status = response.status
                found = {name.lower(): value for name, value in response.headers.items()}
                raw = self._read(response, url, found)
        except urllib.error.HTTPError as error:
            try:
                found = {name.lower(): value for name, value in error.headers.items()}
                self._note_rate_limit(host, found)
                raise self._http_error(url, error.code, found, error) from None
            finally:
                error.close()
        except (OSError, http.client.HTTPException) as error:
            reason = getattr(error, "reason", None) or error
            if isinstance(reason, ssl.SSLCertVerificationError):  # asking again will not help
                message = f"{url}: the server's certificate is not valid ({reason})."
                raise FetchError(message, url=url) from None
            raise _Retry(f"no response ({type(reason).__name__}: {reason})") from None
        self._note_rate_limit(host, found)
        content_type = found.get("content-type", "").split(";")[0].strip().lower()
        if content_type != "application/json" and not content_type.endswith("+json"):
            raise FetchError(
                f"{url} answered with {content_type or 'no content type'}, not JSON "
                "(an error page or a login page?).",
                url=url,
                status=status,
            )
        try:
            data = json.loads(raw)
        except (ValueError, RecursionError) as exc:
            raise InvalidSocialData(f"{url} did not return valid JSON: {exc}.") from None
        return JsonResponse(url, status, found, data)

    def _read(self, response: Any, url: str, headers: Mapping[str, str]) -> bytes:
        """Read the body in chunks, refusing it past max_bytes or past the read deadline."""
        declared = headers.get("content-length", "")
        if declared.isdigit() and int(declared) > self.max_bytes:
            raise FetchError(f"{url} sent {declared} bytes, over {self.max_bytes}.", url=url)
        deadline = time.monotonic() + 3 * self.timeout
        chunks: list[bytes] = []
        size = 0
        while chunk := response.read(65536):
            size += len(chunk)
            if size > self.max_bytes:
                raise FetchError(f"{url} sent more than {self.max_bytes} bytes.", url=url)
            if time.monotonic() > deadline:
                raise _Retry(f"the body took longer than {3 * self.timeout:.0f} s")
            chunks.append(chunk)
        if declared.isdigit() and size < int(declared):  # read(n) does not raise on a cut
            raise _Retry(f"the connection closed after {size} of {declared} bytes")
        return b"".join(chunks)

    def _http_error(
        self, url: str, status: int, headers: Mapping[str, str], error: Any
    ) -> Exception:
        """The exception for an error status: a _Retry, or a FetchError for good."""
        now = self._clock()
        if status in RETRYABLE_STATUSES:
            wait = parse_retry_after(headers.get("retry-after", ""), now)
            if wait is None and status == 429:
                wait = rate_limit_wait(headers, now)
            return _Retry(f"HTTP {status}", status, wait)
        name, detail = _error_details(error, headers)
        return FetchError(
            f"{url} answered HTTP {status}{': ' + detail if detail else ''}.",
            url=url,
            status=status,
            error=name,
        )

    def _note_rate_limit(self, host: str, headers: Mapping[str, str]) -> None:
        wait = rate_limit_wait(headers, now := self._clock())
        if wait:
            self._resume_at[host] = now + wait
        else:
            self._resume_at.pop(host, None)


@dataclass(slots=True)
class _Budget:
    """Seconds one call may still sleep."""

    limit: float
    url: str
    spent: float = 0.0


def _error_details(error: Any, headers: Mapping[str, str]) -> tuple[str, str]:
    """The ``error`` name and a short message from a JSON error body, if there is one."""
    if "json" not in headers.get("content-type", ""):
        return "", ""
    try:
        data = json.loads(error.read(16384))
    except (OSError, ValueError, http.client.HTTPException):
        return "", ""
    if not isinstance(data, dict):
        return "", ""
    name = data.get("error") if isinstance(data.get("error"), str) else ""
    message = data.get("message") if isinstance(data.get("message"), str) else ""
    detail = normalize_text(f"{name} {message}", multiline=False)[:200]
    return normalize_text(str(name), multiline=False)[:100], detail
