"""HttpFetcher against a local server: retries, backoff, Retry-After, rate limits and limits."""

from __future__ import annotations

import email.utils
import socket
import ssl
import urllib.error

import pytest

from ahmadi_campaign.errors import FetchError, InvalidSocialData, SocialImportError
from ahmadi_campaign.social import HttpFetcher
from ahmadi_campaign.social.http import service_url

from .replay import FakeClock, ReplayServer, Reply

OK = Reply(200, {"ok": True})


def test_get_json_sends_params_and_headers(server: ReplayServer, fetcher: HttpFetcher) -> None:
    server.add("/api", OK)
    response = fetcher.get_json(f"{server.url}/api", {"q": "#Ahmadi yyat", "n": 3})
    assert response.data == {"ok": True}
    assert response.status == 200
    assert response.headers["content-type"].startswith("application/json")
    seen = server.seen[0]
    assert seen.method == "GET"
    assert seen.query == {"q": ["#Ahmadi yyat"], "n": ["3"]}
    assert seen.headers["accept"] == "application/json"
    assert seen.headers["user-agent"].startswith("ahmadi-campaign/")
    assert seen.headers.get("accept-encoding", "identity") == "identity"  # no gzip bombs


def test_post_json_sends_a_json_body(server: ReplayServer, fetcher: HttpFetcher) -> None:
    server.add("/login", OK)
    fetcher.post_json(f"{server.url}/login", {"a": "b"}, headers={"X-Test": "1"})
    fetcher.post_json(f"{server.url}/login", None)
    first, second = server.seen
    assert first.method == "POST" and first.body == b'{"a": "b"}'
    assert first.headers["content-type"] == "application/json"
    assert first.headers["x-test"] == "1"
    assert second.method == "POST" and second.body == b""


def test_429_with_retry_after_seconds_then_success(
    server: ReplayServer, fetcher: HttpFetcher, clock: FakeClock
) -> None:
    server.add("/api", Reply(429, {"error": "slow down"}, {"Retry-After": "7"}), OK)
    assert fetcher.get_json(f"{server.url}/api").data == {"ok": True}
    assert clock.sleeps == [7.0]
    assert len(server.seen) == 2


def test_503_with_retry_after_http_date(
    server: ReplayServer, fetcher: HttpFetcher, clock: FakeClock
) -> None:
    when = email.utils.formatdate(clock.now + 30, usegmt=True)
    server.add("/api", Reply(503, "busy", {"Retry-After": when}, "text/plain"), OK)
    fetcher.get_json(f"{server.url}/api")
    assert clock.sleeps == [30.0]


def test_429_without_retry_after_waits_for_the_rate_limit_reset(
    server: ReplayServer, fetcher: HttpFetcher, clock: FakeClock
) -> None:
    reset = str(int(clock.now) + 12)
    headers = {"ratelimit-limit": "3000", "ratelimit-remaining": "0", "ratelimit-reset": reset}
    server.add("/api", Reply(429, {"error": "RateLimitExceeded"}, headers), OK)
    fetcher.get_json(f"{server.url}/api")
    assert clock.sleeps == [12.0]


def test_500_then_success_backs_off(
    server: ReplayServer, fetcher: HttpFetcher, clock: FakeClock
) -> None:
    server.add("/api", Reply(500, "oops", content_type="text/plain"), Reply(502), OK)
    assert fetcher.get_json(f"{server.url}/api").data == {"ok": True}
    # Equal jitter with jitter() == 0.5: 3/4 of 1 s, then of 2 s.
    assert clock.sleeps == [0.75, 1.5]


def test_500_forever_gives_up_after_max_attempts(
    server: ReplayServer, fetcher: HttpFetcher, clock: FakeClock
) -> None:
    server.add("/api", Reply(500, {"error": "InternalServerError"}))
    with pytest.raises(FetchError, match=r"after 4 attempts: HTTP 500") as caught:
        fetcher.get_json(f"{server.url}/api")
    assert caught.value.status == 500
    assert caught.value.attempts == 4
    assert isinstance(caught.value, SocialImportError) and isinstance(caught.value, ValueError)
    assert len(server.seen) == 4
    assert clock.sleeps == [0.75, 1.5, 3.0]


def test_backoff_is_capped(server: ReplayServer, clock: FakeClock) -> None:
    fetcher = HttpFetcher(
        max_attempts=5, backoff=10, max_backoff=15, sleep=clock.sleep, clock=clock.time
    )
    server.add("/api", Reply(500))
    with pytest.raises(FetchError):
        fetcher.get_json(f"{server.url}/api")
    assert len(clock.sleeps) == 4
    assert all(5 <= delay <= 15 for delay in clock.sleeps)
    assert fetcher.total_waited == sum(clock.sleeps)


def test_a_retry_after_beyond_the_budget_gives_up_at_once(
    server: ReplayServer, fetcher: HttpFetcher, clock: FakeClock
) -> None:
    server.add("/api", Reply(429, {}, {"Retry-After": "3600"}), OK)
    with pytest.raises(FetchError, match="would exceed the 120 s budget") as caught:
        fetcher.get_json(f"{server.url}/api")
    assert caught.value.status == 429
    assert clock.sleeps == []
    assert len(server.seen) == 1


def test_remaining_zero_makes_the_next_request_wait(
    server: ReplayServer, fetcher: HttpFetcher, clock: FakeClock
) -> None:
    reset = "2015-12-02T10:00:40.000Z"  # Mastodon sends an ISO 8601 time; now is 10:00:00
    limited = Reply(200, [], {"X-RateLimit-Remaining": "0", "X-RateLimit-Reset": reset})
    server.add("/api", limited, Reply(200, [], {"X-RateLimit-Remaining": "299"}))
    fetcher.get_json(f"{server.url}/api")
    assert clock.sleeps == []
    fetcher.get_json(f"{server.url}/api")
    assert clock.sleeps == [40.0]
    fetcher.get_json(f"{server.url}/api")
    assert clock.sleeps == [40.0]  # the window has room again


def test_a_slow_response_times_out_and_gives_up(server: ReplayServer, clock: FakeClock) -> None:
    fetcher = HttpFetcher(timeout=0.2, max_attempts=2, sleep=clock.sleep, clock=clock.time)
    server.add("/slow", Reply(200, {"late": True}, delay=1.0))
    with pytest.raises(FetchError, match=r"after 2 attempts: no response \(TimeoutError") as caught:
        fetcher.get_json(f"{server.url}/slow")
    assert caught.value.status is None
    assert len(clock.sleeps) == 1


def test_a_slow_response_then_a_fast_one(server: ReplayServer, clock: FakeClock) -> None:
    fetcher = HttpFetcher(timeout=0.2, sleep=clock.sleep, clock=clock.time)
    server.add("/slow", Reply(200, {"late": True}, delay=1.0), Reply(200, {"late": False}))
    assert fetcher.get_json(f"{server.url}/slow").data == {"late": False}


def test_a_cut_connection_is_retried(server: ReplayServer, fetcher: HttpFetcher) -> None:
    server.add("/api", Reply(200, b'{"ok": tr', declared_length=100), OK)
    assert fetcher.get_json(f"{server.url}/api").data == {"ok": True}


def test_truncated_json_is_a_clear_error(server: ReplayServer, fetcher: HttpFetcher) -> None:
    server.add("/api", Reply(200, b'[{"id": "1", "content": "<p>hel'))
    with pytest.raises(InvalidSocialData, match="did not return valid JSON"):
        fetcher.get_json(f"{server.url}/api")
    assert len(server.seen) == 1  # not retried: the server meant it


def test_html_instead_of_json_is_an_error(server: ReplayServer, fetcher: HttpFetcher) -> None:
    page = "<!DOCTYPE html><html><body>Log in</body></html>"
    server.add("/api", Reply(200, page, content_type="text/html; charset=utf-8"))
    with pytest.raises(FetchError, match="text/html, not JSON") as caught:
        fetcher.get_json(f"{server.url}/api")
    assert caught.value.status == 200 and caught.value.attempts == 1


def test_a_missing_content_type_is_an_error(server: ReplayServer, fetcher: HttpFetcher) -> None:
    server.add("/api", Reply(200, {"ok": True}, content_type=""))
    with pytest.raises(FetchError, match="no content type"):
        fetcher.get_json(f"{server.url}/api")


def test_json_suffix_types_are_json(server: ReplayServer, fetcher: HttpFetcher) -> None:
    server.add("/api", Reply(200, {"ok": True}, content_type="application/activity+json"))
    assert fetcher.get_json(f"{server.url}/api").data == {"ok": True}


def test_size_limit_declared_and_streamed(server: ReplayServer, clock: FakeClock) -> None:
    fetcher = HttpFetcher(max_bytes=100, sleep=clock.sleep, clock=clock.time)
    server.add("/big", Reply(200, {"x": "y" * 200}))
    with pytest.raises(FetchError, match="over 100"):
        fetcher.get_json(f"{server.url}/big")


def test_size_limit_without_content_length(clock: FakeClock) -> None:
    class Body:
        def read(self, size: int) -> bytes:
            return b"x" * size

    fetcher = HttpFetcher(max_bytes=100_000, sleep=clock.sleep, clock=clock.time)
    with pytest.raises(FetchError, match="more than 100000 bytes"):
        fetcher._read(Body(), "http://example.org/", {})


def test_client_errors_are_not_retried_and_carry_the_error_name(
    server: ReplayServer, fetcher: HttpFetcher
) -> None:
    body = {"error": "AuthenticationRequired", "message": "Invalid identifier or password"}
    server.add("/api", Reply(401, body))
    with pytest.raises(FetchError, match="HTTP 401: AuthenticationRequired Invalid") as caught:
        fetcher.get_json(f"{server.url}/api")
    assert caught.value.error == "AuthenticationRequired"
    assert caught.value.attempts == 1
    assert len(server.seen) == 1


def test_client_error_with_a_non_json_body(server: ReplayServer, fetcher: HttpFetcher) -> None:
    server.add("/a", Reply(404, "<h1>Not found</h1>", content_type="text/html"))
    server.add("/b", Reply(400, b"{broken", content_type="application/json"))
    server.add("/c", Reply(400, ["not", "an", "object"]))
    for path in ("/a", "/b", "/c"):
        with pytest.raises(FetchError, match=r"HTTP 40\d\.$") as caught:
            fetcher.get_json(server.url + path)
        assert caught.value.error == ""


@pytest.mark.parametrize(
    "url",
    [
        "file:///etc/passwd",
        "ftp://example.org/x.json",
        "javascript:alert(1)",
        "//example.org/x",
        "https:///path-only",
    ],
)
def test_only_http_urls_are_fetched(fetcher: HttpFetcher, url: str) -> None:
    with pytest.raises(FetchError, match="Only absolute http"):
        fetcher.get_json(url)


@pytest.mark.parametrize(
    ("location", "message"),
    [
        ("ftp://example.org/feed.json", "non-http"),  # urllib itself would follow ftp
        ("file:///etc/passwd", "HTTP 302"),  # urllib refuses, the redirect is an error
    ],
)
def test_redirects_to_other_schemes_are_refused(
    server: ReplayServer, fetcher: HttpFetcher, location: str, message: str
) -> None:
    server.add("/moved", Reply(302, "", {"Location": location}))
    with pytest.raises(FetchError, match=message):
        fetcher.get_json(f"{server.url}/moved")
    assert len(server.seen) == 1


def test_credentials_do_not_follow_a_redirect(server: ReplayServer, fetcher: HttpFetcher) -> None:
    server.add("/moved", Reply(302, "", {"Location": f"{server.url}/target"}))
    server.add("/target", OK)
    fetcher.get_json(f"{server.url}/moved", headers={"Authorization": "Bearer secret"})
    first, second = server.seen
    assert first.headers["authorization"] == "Bearer secret"
    assert second.path == "/target" and "authorization" not in second.headers


def test_a_refused_connection_is_retried_then_reported(clock: FakeClock) -> None:
    fetcher = HttpFetcher(max_attempts=2, sleep=clock.sleep, clock=clock.time)
    with socket.socket() as probe:  # a port that was free a moment ago: nothing listens
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    with pytest.raises(FetchError, match="no response") as caught:
        fetcher.get_json(f"http://127.0.0.1:{port}/")
    assert caught.value.attempts == 2


def test_an_invalid_certificate_is_not_retried(
    fetcher: HttpFetcher, monkeypatch: pytest.MonkeyPatch
) -> None:
    def refuse(request: object, timeout: float) -> None:
        raise urllib.error.URLError(ssl.SSLCertVerificationError(1, "self-signed certificate"))

    monkeypatch.setattr(fetcher._opener, "open", refuse)
    with pytest.raises(FetchError, match="certificate is not valid") as caught:
        fetcher.get_json("https://mastodon.example/api/v1/timelines/tag/x")
    assert caught.value.attempts == 1


def test_a_tls_handshake_with_a_plain_http_server_fails_cleanly(
    server: ReplayServer, fetcher: HttpFetcher
) -> None:
    with pytest.raises(FetchError, match="after 4 attempts: no response"):
        fetcher.get_json(server.url.replace("http://", "https://") + "/api")


def test_error_details_are_one_clean_line(server: ReplayServer, fetcher: HttpFetcher) -> None:
    body = {"error": "Bad\u202eRequest", "message": "line one\nline two " + "x" * 300}
    server.add("/api", Reply(400, body))
    with pytest.raises(FetchError) as caught:
        fetcher.get_json(f"{server.url}/api")
    message = str(caught.value)
    assert "\n" not in message and "\u202e" not in message
    assert caught.value.error == "BadRequest"
    assert "line one line two" in message and len(message) < 300


def test_max_attempts_must_be_positive() -> None:
    with pytest.raises(ValueError, match="max_attempts"):
        HttpFetcher(max_attempts=0)


@pytest.mark.parametrize(
    ("given", "origin"),
    [
        ("mastodon.social", "https://mastodon.social"),
        ("  Mastodon.Social/ ", "https://mastodon.social"),
        ("https://bsky.social", "https://bsky.social"),
        ("http://127.0.0.1:8080", "http://127.0.0.1:8080"),
        ("http://[::1]:8080", "http://[::1]:8080"),
        ("bücher.example", "https://xn--bcher-kva.example"),
    ],
)
def test_service_url_accepts_hosts_and_origins(given: str, origin: str) -> None:
    assert service_url(given, "server") == origin


@pytest.mark.parametrize(
    "given",
    [
        "",
        "ftp://mastodon.social",
        "https://mastodon.social/@amina",
        "https://user:pw@mastodon.social",
        "https://mastodon.social?x=1",
        "https://mastodon.social:99999",
        "mastodon social",
        "https://",
    ],
)
def test_service_url_refuses_anything_else(given: str) -> None:
    with pytest.raises(SocialImportError, match="is not the address of a server"):
        service_url(given, "server")
