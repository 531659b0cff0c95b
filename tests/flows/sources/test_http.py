import socket
import time
from datetime import UTC, datetime

import pytest
from http_replay import ReplayServer, Reply

from flows.sources.http import FetchError, HttpClient, HttpSettings, retry_after_seconds

FAST = HttpSettings(backoff_base=0.01, backoff_max=0.05, min_interval=0.0, timeout=0.3, retries=3)


@pytest.fixture
def server():
    with ReplayServer() as replay:
        yield replay


@pytest.fixture
def waits():
    return []


@pytest.fixture
def client(waits):
    def sleep(seconds: float) -> None:  # record every wait, then wait for real (briefly)
        waits.append(seconds)
        time.sleep(min(seconds, 0.05))

    with HttpClient(FAST, sleep=sleep) as c:
        yield c


def test_429_honours_retry_after_then_succeeds(server, client, waits):
    server.route("/a", Reply(429, b"slow down", {"Retry-After": "2"}), Reply.json({"ok": 1}))
    got = client.get(server.base + "/a")
    assert got.json() == {"ok": 1}
    assert got.errors == ["HTTP 429"]
    assert waits == [2.0]  # the server's Retry-After, not the tiny backoff
    assert server.hits("/a") == 2


def test_500_is_retried_with_exponential_backoff_and_jitter(server, client, waits):
    server.route("/b", Reply(500), Reply(503), Reply.json([1]))
    got = client.get(server.base + "/b")
    assert got.json() == [1] and got.errors == ["HTTP 500", "HTTP 503"]
    assert 0.005 <= waits[0] <= 0.01 and 0.01 <= waits[1] <= 0.02  # base * 2**n, equal jitter


def test_timeout_is_retried(server, client):
    server.route("/slow", Reply(200, b"{}", delay=1.0), Reply.json({"fast": True}))
    got = client.get(server.base + "/slow")
    assert got.json() == {"fast": True}
    assert got.errors[0].startswith("timeout")


def test_client_errors_fail_at_once(server, client):
    with pytest.raises(FetchError) as info:
        client.get(server.base + "/missing")
    assert info.value.status == 404 and server.hits("/missing") == 1


def test_persistent_5xx_gives_up_after_the_retries(server, client):
    server.route("/down", Reply(502))
    with pytest.raises(FetchError) as info:
        client.get(server.base + "/down")
    assert server.hits("/down") == FAST.retries + 1
    assert len(info.value.errors) == FAST.retries + 1
    assert "gave up after 4 attempts" in info.value.reason


def test_retry_after_beyond_the_ceiling_fails_without_waiting(server, client, waits):
    server.route("/later", Reply(429, headers={"Retry-After": "3600"}))
    with pytest.raises(FetchError, match="retry after 3600"):
        client.get(server.base + "/later")
    assert waits == []


def test_conditional_request_serves_the_cached_body_on_304(server, tmp_path):
    server.route("/jobs", Reply.json({"jobs": [1, 2]}, ETag='"v1"'))
    settings = HttpSettings(min_interval=0.0, cache_dir=tmp_path / "cache")
    with HttpClient(settings) as c:
        first = c.get(server.base + "/jobs")
        second = c.get(server.base + "/jobs")
    assert not first.not_modified and second.not_modified
    assert second.json() == {"jobs": [1, 2]}
    assert server.log[1][1].get("If-None-Match") == '"v1"'


def test_user_agent_is_descriptive(server, client):
    server.route("/ua", Reply.json({}))
    client.get(server.base + "/ua")
    assert server.log[0][1]["User-Agent"].startswith("pmpulse/")


def test_robots_txt_is_obeyed_for_pages(server, client):
    server.route("/robots.txt", Reply(200, b"User-agent: *\nDisallow: /private/\n"))
    server.route("/careers/pm", Reply.html("<html></html>"))
    server.route("/private/pm", Reply.html("<html></html>"))
    assert client.get(server.base + "/careers/pm", robots=True).status == 200
    with pytest.raises(FetchError, match=r"robots\.txt"):
        client.get(server.base + "/private/pm", robots=True)
    assert server.hits("/private") == 0
    assert server.hits("/robots.txt") == 1  # fetched once per site


def test_missing_robots_allows_and_broken_robots_forbids(server, waits):
    with HttpClient(FAST, sleep=waits.append) as c:
        server.route("/page", Reply.html("<html></html>"))
        assert c.allowed(server.base + "/page")  # robots.txt 404: no rules
    with HttpClient(FAST, sleep=waits.append) as c:
        server.route("/robots.txt", Reply(500))
        assert not c.allowed(server.base + "/page")  # unreachable: assume disallowed


def test_per_host_rate_limit_spaces_requests(server):
    server.route("/r", Reply.json({}))
    with HttpClient(HttpSettings(min_interval=0.05, per_host=4)) as c:
        start = time.monotonic()
        for _ in range(5):
            c.get(server.base + "/r", cache=False)
        assert time.monotonic() - start >= 0.2


def test_retry_after_http_date():
    now = datetime(2026, 1, 1, 12, 0, 0, tzinfo=UTC)
    assert retry_after_seconds("Thu, 01 Jan 2026 12:00:30 GMT", now) == 30.0
    assert retry_after_seconds("7") == 7.0
    assert retry_after_seconds("soon") is None


def test_settings_from_env():
    s = HttpSettings.from_env({"PMPULSE_HTTP_BACKOFF_BASE": "0.001", "PMPULSE_HTTP_RETRIES": "1"})
    assert (s.backoff_base, s.retries, s.timeout) == (0.001, 1, 20.0)


def closed_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def test_unreachable_host_fails_fast(client):
    with pytest.raises(FetchError) as info:
        client.get(f"http://127.0.0.1:{closed_port()}/jobs")
    assert info.value.unreachable and len(info.value.errors) == 2  # one retry, not four
