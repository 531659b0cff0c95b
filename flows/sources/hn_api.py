"""Hacker News "Who is hiring?" live: find the monthly threads with the Algolia HN search API,
read their top-level comments with HN's official item API, parse each with `hn.parse_item`
(the same code path as the file ingest).

Paths below the bases (PMPULSE_HN_SEARCH_API, PMPULSE_HN_API) are the real APIs' paths:
- `{search}/search_by_date?tags=story,author_whoishiring&hitsPerPage=1000&page=N`
  (and a title query for threads not posted by the whoishiring account),
- `{hn}/item/{id}.json` for a thread (its `kids` are the top-level comments) and each comment.

Incremental: the caller passes the comment ids already fetched per thread (kept in the
warehouse, `hn_items`); only the others are requested. A thread whose month is over and whose
comments were all fetched is marked backfilled and not read again.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from typing import Any
from urllib.parse import urlencode

from flows.sources import hn
from flows.sources.common import is_whole_number, job_id, payload_text, quarantined, text_or_none
from flows.sources.http import FetchError, HttpClient

SOURCE = "hn"
WHOISHIRING = "whoishiring"
_TITLE = re.compile(r"^\s*Ask HN:\s*Who is hiring\?", re.I)


@dataclass(frozen=True)
class Thread:
    thread_id: int
    month: date
    title: str
    author: str | None = None
    num_comments: int = 0


def search_urls(base: str, since: date) -> list[str]:
    """First-page URLs of the two searches that find Who is hiring threads since `since`."""
    since_ts = int(datetime(since.year, since.month, 1, tzinfo=UTC).timestamp())
    common = {"hitsPerPage": "1000", "numericFilters": f"created_at_i>={since_ts}"}
    by_account = urlencode({"tags": f"story,author_{WHOISHIRING}", **common})
    by_title = urlencode({"query": "Ask HN: Who is hiring?", "tags": "story", **common})
    return [f"{base}/search_by_date?{by_account}", f"{base}/search_by_date?{by_title}"]


def threads_from_search(obj: Any, since: date) -> list[Thread]:
    """Who is hiring threads among an Algolia search response's hits (pure).

    A hit whose title is not text, or whose id is not a whole number, is not a thread."""
    hits = obj.get("hits") if isinstance(obj, dict) else None
    found = []
    for hit in hits if isinstance(hits, list) else []:
        if not isinstance(hit, dict) or not isinstance(hit.get("title"), str):
            continue
        title = hit["title"]
        month = hn.thread_month(title)
        thread_id = job_id(hit.get("objectID")) or job_id(hit.get("story_id"))
        if not _TITLE.match(title) or month is None or month < since:
            continue
        if thread_id is None or not thread_id.isdigit():
            continue
        comments = hit.get("num_comments")
        found.append(
            Thread(
                int(thread_id),
                month,
                title.strip(),
                text_or_none(hit.get("author")),
                comments if is_whole_number(comments) else 0,
            )
        )
    return found


def one_per_month(threads: list[Thread]) -> list[Thread]:
    """The thread of each month: whoishiring's own, else the most commented."""
    best: dict[date, Thread] = {}
    for t in threads:
        rank = (t.author == WHOISHIRING, t.num_comments, -t.thread_id)
        cur = best.get(t.month)
        if cur is None or rank > (cur.author == WHOISHIRING, cur.num_comments, -cur.thread_id):
            best[t.month] = t
    return [best[m] for m in sorted(best)]


def search_since(since: date, known_months: list[date]) -> date:
    """Where the thread search starts: `since` on the first run (the backfill), then one month
    before the newest known thread, so a routine run asks only for recent threads."""
    if not known_months:
        return since
    newest = max(known_months)
    previous = date(newest.year - (newest.month == 1), (newest.month - 2) % 12 + 1, 1)
    return max(since, previous)


def find_threads(client: HttpClient, base: str, since: date) -> tuple[list[Thread], list[str]]:
    """Every Who is hiring thread since `since` (one per month), and the errors met."""
    found: list[Thread] = []
    errors: list[str] = []
    for first in search_urls(base, since):
        page, pages = 0, 1
        while page < pages:
            url = first if page == 0 else f"{first}&page={page}"
            try:
                got = client.get(url)
                obj = got.json()
            except FetchError as exc:
                errors.extend(exc.errors or [exc.reason])
                raise
            except ValueError as exc:
                raise FetchError(url, f"malformed JSON from the search API: {exc}", 200,
                                 errors) from exc  # fmt: skip
            errors.extend(got.errors)
            found.extend(threads_from_search(obj, since))
            nb = obj.get("nbPages") if isinstance(obj, dict) else None
            pages = min(nb, 50) if isinstance(nb, int) else 1
            page += 1
    return one_per_month(found), errors


@dataclass
class ThreadResult:
    """What reading one thread gave."""

    thread: Thread
    rows: list[dict] = field(default_factory=list)
    quarantined: list[dict] = field(default_factory=list)
    items: list[dict] = field(default_factory=list)  # item_id, thread_id, outcome
    kids: int = 0
    failed: int = 0  # comments that could not be fetched (retried next run)
    errors: list[str] = field(default_factory=list)
    requests: int = 0

    @property
    def complete(self) -> bool:
        return self.failed == 0


def month_is_over(month: date, today: date) -> bool:
    """A thread's month is over once the next calendar month has also ended (late comments)."""
    months = (today.year - month.year) * 12 + today.month - month.month
    return months >= 2


def read_thread(
    client: HttpClient,
    base: str,
    thread: Thread,
    seen: set[int],
    fetched_at: datetime,
) -> ThreadResult:
    """Fetch the thread item, then every top-level comment not in `seen`, parsed."""
    result = ThreadResult(thread)
    url = f"{base}/item/{thread.thread_id}.json"
    got = client.get(url, cache=False)
    result.requests += 1
    result.errors.extend(got.errors)
    try:
        story = got.json()
    except ValueError as exc:
        raise FetchError(url, f"malformed JSON for thread {thread.thread_id}: {exc}", 200,
                         result.errors) from exc  # fmt: skip
    kids = story.get("kids") if isinstance(story, dict) else None
    kids = kids if isinstance(kids, list) else []
    kids = [k for k in kids if is_whole_number(k)]
    result.kids = len(kids)
    for kid in kids:
        if kid in seen:
            continue
        ref = f"hn thread {thread.thread_id} ({thread.month:%Y-%m}) item {kid}"
        item_url = f"{base}/item/{kid}.json"
        result.requests += 1
        try:
            got = client.get(item_url, cache=False)
        except FetchError as exc:
            result.failed += 1
            result.errors.extend(exc.errors or [exc.reason])
            continue
        result.errors.extend(got.errors)
        try:
            item = got.json()
        except ValueError as exc:
            result.failed += 1  # not marked seen: fetched again next run
            result.errors.append(f"malformed JSON for item {kid}")
            reason = f"malformed JSON from the HN item API: {exc}"
            result.quarantined.append(quarantined(SOURCE, ref, reason, got.text[:2000]))
            continue
        row, bad = hn.parse_item(item, thread_month=thread.month, fetched_at=fetched_at, ref=ref)
        if row is not None:
            result.rows.append(row)
            outcome = "posting"
        else:
            if bad is not None and item is None:
                bad["payload"] = payload_text({"id": kid, "response": None})
            result.quarantined.append(bad)
            outcome = "quarantined"
        result.items.append({"item_id": kid, "thread_id": thread.thread_id, "outcome": outcome})
    return result
