"""The one polite HTTP client every live source uses.

- a descriptive User-Agent, connect/read timeouts;
- retries with exponential backoff and jitter on 429, 5xx, timeouts and dropped connections,
  honouring `Retry-After` (seconds or an HTTP date) up to a ceiling;
- a per-host rate limit (minimum interval between request starts; raised by a robots.txt
  `Crawl-delay`) and a per-host cap on requests in flight: bounded concurrency across threads;
- conditional requests: a response cache on disk keyed by URL keeps `ETag` / `Last-Modified`
  and the body, sends `If-None-Match` / `If-Modified-Since`, and serves the body on 304;
- robots.txt fetched once per host and obeyed for HTML pages (`get(..., robots=True)`).

Safe to share between threads (httpx.Client is). Settings come from `HttpSettings.from_env`
(PMPULSE_HTTP_* variables) at the flow edge; tests pass tiny backoff values.
"""

from __future__ import annotations

import email.utils
import hashlib
import json
import os
import random
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit
from urllib.robotparser import RobotFileParser

import httpx

USER_AGENT = (
    "pmpulse/0.1 (local-first research on Product Manager job postings; "
    "reads public job-board APIs politely; +https://github.com/pmpulse/pmpulse)"
)
RETRY_STATUSES = frozenset({429, 500, 502, 503, 504})
# Hosts built for bulk reads get their own pace: (min_interval, requests in flight).
# HN's item API (Firebase) serves one small item per request and documents no rate limit:
# 50 requests/s makes the one-off backfill since 2011 (~120k comments) take about 40 min.
HOST_PACE = {"hacker-news.firebaseio.com": (0.02, 8)}


class FetchError(RuntimeError):
    """A request that failed for good: after its retries, or at once when not retryable."""

    def __init__(
        self,
        url: str,
        reason: str,
        status: int | None,
        errors: list[str],
        unreachable: bool = False,
    ) -> None:
        super().__init__(f"{url}: {reason}")
        self.url = url
        self.reason = reason
        self.unreachable = unreachable  # no connection at all (offline, DNS): retried once
        self.status = status
        self.errors = errors  # every failed attempt, readable (for source_health)


@dataclass(frozen=True)
class HttpSettings:
    """How politely and how persistently to fetch. Env: PMPULSE_HTTP_<FIELD> (upper case)."""

    user_agent: str = USER_AGENT
    timeout: float = 20.0  # seconds, connect and read
    retries: int = 4  # extra attempts after the first
    backoff_base: float = 1.0  # seconds; attempt n waits about base * 2**n (with jitter)
    backoff_max: float = 60.0  # ceiling of one computed backoff wait
    retry_after_max: float = 120.0  # a longer Retry-After is not waited for: the fetch fails
    min_interval: float = 0.5  # seconds between request starts to one host
    per_host: int = 2  # requests in flight to one host
    cache_dir: Path | None = None  # conditional-request cache; None: no cache
    host_overrides: dict[str, tuple[float, int]] = field(default_factory=lambda: dict(HOST_PACE))

    @classmethod
    def from_env(cls, env: dict[str, str] | None = None, **overrides: Any) -> HttpSettings:
        env = dict(os.environ if env is None else env)
        values: dict[str, Any] = {}
        for name, kind in (
            ("user_agent", str),
            ("timeout", float),
            ("retries", int),
            ("backoff_base", float),
            ("backoff_max", float),
            ("retry_after_max", float),
            ("min_interval", float),
            ("per_host", int),
        ):
            raw = env.get(f"PMPULSE_HTTP_{name.upper()}")
            if raw not in (None, ""):
                values[name] = kind(raw)
        if env.get("PMPULSE_HTTP_CACHE_DIR"):
            values["cache_dir"] = Path(env["PMPULSE_HTTP_CACHE_DIR"])
        values.update(overrides)
        return cls(**values)

    def for_host(self, host: str) -> tuple[float, int]:
        """(min_interval, per_host) for one host."""
        return self.host_overrides.get(host, (self.min_interval, self.per_host))


@dataclass
class Fetched:
    """A successful response (or a cached body confirmed by 304)."""

    url: str
    status: int
    content: bytes
    headers: dict[str, str]
    not_modified: bool = False  # served from the cache after a 304
    errors: list[str] = field(default_factory=list)  # failed attempts before success

    @property
    def text(self) -> str:
        return self.content.decode("utf-8", errors="replace")

    def json(self) -> Any:
        """The body decoded as JSON (raises ValueError on malformed JSON)."""
        return json.loads(self.content.decode("utf-8"))


class _Host:
    """Rate limit and in-flight cap for one host."""

    def __init__(self, interval: float, slots: int) -> None:
        self.interval = interval
        self.slots = threading.BoundedSemaphore(max(1, slots))
        self.lock = threading.Lock()
        self.next_start = 0.0

    def wait_turn(self, sleep: Callable[[float], None]) -> None:
        with self.lock:
            now = time.monotonic()
            start = max(now, self.next_start)
            self.next_start = start + self.interval
        if start > now:
            sleep(start - now)


class ResponseCache:
    """Validators and bodies of earlier responses, one pair of files per URL."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self.lock = threading.Lock()

    def _paths(self, url: str) -> tuple[Path, Path]:
        key = hashlib.sha256(url.encode()).hexdigest()
        return self.folder / f"{key}.meta.json", self.folder / f"{key}.body"

    def validators(self, url: str) -> dict[str, str]:
        meta_path, body_path = self._paths(url)
        if not (meta_path.exists() and body_path.exists()):
            return {}
        try:
            meta = json.loads(meta_path.read_text())
        except (OSError, ValueError):
            return {}
        headers = {}
        if meta.get("etag"):
            headers["If-None-Match"] = meta["etag"]
        if meta.get("last_modified"):
            headers["If-Modified-Since"] = meta["last_modified"]
        return headers

    def body(self, url: str) -> bytes | None:
        _, body_path = self._paths(url)
        try:
            return body_path.read_bytes()
        except OSError:
            return None

    def store(self, url: str, response: httpx.Response) -> None:
        etag = response.headers.get("etag")
        modified = response.headers.get("last-modified")
        if not etag and not modified:
            return
        meta_path, body_path = self._paths(url)
        meta = {
            "url": url,
            "etag": etag,
            "last_modified": modified,
            "stored_at": datetime.now(UTC).isoformat(),
        }
        with self.lock:
            self.folder.mkdir(parents=True, exist_ok=True)
            body_path.write_bytes(response.content)
            meta_path.write_text(json.dumps(meta))


def retry_after_seconds(value: str | None, now: datetime | None = None) -> float | None:
    """Seconds to wait from a Retry-After header: delta-seconds or an HTTP date."""
    if not value:
        return None
    value = value.strip()
    if value.isdigit():
        return float(value)
    try:
        when = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=UTC)
    return max(0.0, (when - (now or datetime.now(UTC))).total_seconds())


class HttpClient:
    """GET with politeness and persistence. Use as a context manager, or call close()."""

    def __init__(
        self,
        settings: HttpSettings | None = None,
        *,
        sleep: Callable[[float], None] = time.sleep,
        transport: httpx.BaseTransport | None = None,
    ) -> None:
        self.settings = settings or HttpSettings()
        self._sleep = sleep
        self._client = httpx.Client(
            headers={"User-Agent": self.settings.user_agent, "Accept-Encoding": "gzip"},
            timeout=httpx.Timeout(self.settings.timeout),
            follow_redirects=True,
            transport=transport,
        )
        self._hosts: dict[str, _Host] = {}
        self._hosts_lock = threading.Lock()
        self._robots: dict[str, RobotFileParser | None] = {}
        self._robots_lock = threading.Lock()
        self.cache = ResponseCache(self.settings.cache_dir) if self.settings.cache_dir else None
        self.requests_made = 0

    def __enter__(self) -> HttpClient:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def close(self) -> None:
        self._client.close()

    def _host(self, netloc: str) -> _Host:
        with self._hosts_lock:
            if netloc not in self._hosts:
                self._hosts[netloc] = _Host(*self.settings.for_host(netloc))
            return self._hosts[netloc]

    # -- robots.txt --------------------------------------------------------------------------
    def _robots_for(self, url: str) -> RobotFileParser | None:
        """The parsed robots.txt of url's site; None means no rules apply (404 and the like)."""
        parts = urlsplit(url)
        site = f"{parts.scheme}://{parts.netloc}"
        with self._robots_lock:
            if site in self._robots:
                return self._robots[site]
        parser = RobotFileParser(f"{site}/robots.txt")
        try:
            got = self.get(f"{site}/robots.txt", cache=False)
            parser.parse(got.text.splitlines())
        except FetchError as exc:
            if exc.status is not None and 400 <= exc.status < 500:
                parser = None  # RFC 9309: robots.txt unavailable (4xx), everything allowed
            else:
                parser.disallow_all = True  # unreachable (5xx, network): assume disallowed
        if parser is not None:
            delay = parser.crawl_delay(self.settings.user_agent) or parser.crawl_delay("*")
            if delay:
                host = self._host(parts.netloc)
                host.interval = max(host.interval, float(delay))
        with self._robots_lock:
            self._robots[site] = parser
        return parser

    def allowed(self, url: str) -> bool:
        """Whether robots.txt of url's site lets this client fetch url."""
        parser = self._robots_for(url)
        return parser is None or parser.can_fetch(self.settings.user_agent, url)

    # -- GET ---------------------------------------------------------------------------------
    def get(self, url: str, *, cache: bool = True, robots: bool = False) -> Fetched:
        """GET url: retried as configured; FetchError when it cannot succeed."""
        if robots and not self.allowed(url):
            raise FetchError(url, "disallowed by robots.txt", None, [])
        netloc = urlsplit(url).netloc
        host = self._host(netloc)
        s = self.settings
        use_cache = cache and self.cache is not None
        errors: list[str] = []
        for attempt in range(s.retries + 1):
            headers = self.cache.validators(url) if use_cache and self.cache else {}
            wait: float | None = None
            status: int | None = None
            with host.slots:
                host.wait_turn(self._sleep)
                self.requests_made += 1
                try:
                    response = self._client.get(url, headers=headers)
                except httpx.TimeoutException as exc:
                    errors.append(f"timeout ({type(exc).__name__})")
                except httpx.ConnectError as exc:
                    errors.append(f"cannot connect ({exc})")
                    if attempt >= 1:  # twice unreachable: offline or no such host, stop early
                        reason = f"cannot connect to {netloc}: {exc}"
                        raise FetchError(url, reason, None, errors, unreachable=True) from None
                except httpx.TransportError as exc:
                    errors.append(f"connection error ({type(exc).__name__}: {exc})")
                else:
                    status = response.status_code
                    if status == 304 and use_cache and self.cache:
                        body = self.cache.body(url)
                        if body is not None:
                            return Fetched(url, 304, body, dict(response.headers), True, errors)
                        errors.append("304 Not Modified but the cached body is gone")
                    elif 200 <= status < 300:
                        if use_cache and self.cache:
                            self.cache.store(url, response)
                        return Fetched(url, status, response.content, dict(response.headers),
                                       False, errors)  # fmt: skip
                    elif status in RETRY_STATUSES:
                        errors.append(f"HTTP {status}")
                        wait = retry_after_seconds(response.headers.get("retry-after"))
                    else:
                        errors.append(f"HTTP {status}")
                        raise FetchError(url, f"HTTP {status}", status, errors)
            if attempt == s.retries:
                break
            if wait is not None and wait > s.retry_after_max:
                reason = f"server asked to retry after {wait:.0f} s (over {s.retry_after_max:.0f})"
                raise FetchError(url, reason, status, errors)
            if wait is None:
                ceiling = min(s.backoff_max, s.backoff_base * 2**attempt)
                wait = random.uniform(ceiling / 2, ceiling)  # equal jitter
            self._sleep(wait)
        raise FetchError(url, f"gave up after {len(errors)} attempts: {errors[-1]}", status, errors)
