"""Hacker News "Who is hiring?" posts: pure parsers for saved responses.

Two saved shapes reach the same function, `parse_item`, which takes an item in the shape of
HN's official item API (`{id, by, time, text, ...}`):
- monthly list files (one JSON list per thread, `full_html` + `url` with the item id, fields
  the collector derived such as `location`, `country`, `remote`), named `YYYY-MM.json[.gz]`;
- collection runs (`{sources: {who_is_hiring_thread_title, ...}, fetched_at, jobs: [...]}`).
HN monthly files carry only the thread's month: it is stored as such, no day is invented.
"""

from __future__ import annotations

import json
import re
from datetime import UTC, date, datetime
from typing import Any

from flows.sources.common import FieldError, flag_field, object_field, text_field, time_field

SOURCE = "hn"
ITEM_URL = "https://news.ycombinator.com/item?id={}"
_ITEM_ID = re.compile(r"[?&]id=(\d+)")
_MONTHS = {
    name: i + 1
    for i, name in enumerate(
        (
            "january",
            "february",
            "march",
            "april",
            "may",
            "june",
            "july",
            "august",
            "september",
            "october",
            "november",
            "december",
        )
    )
}
_THREAD_MONTH = re.compile(r"\(\s*([A-Za-z]+)\s+(\d{4})\s*\)")
_FILE_MONTH = re.compile(r"(?<!\d)(\d{4})-(\d{2})(?!\d)")


def thread_month(title: Any) -> date | None:
    """The month of a "Ask HN: Who is hiring? (January 2026)" thread title (None: no title)."""
    m = _THREAD_MONTH.search(title) if isinstance(title, str) else None
    if not m or m.group(1).lower() not in _MONTHS:
        return None
    return date(int(m.group(2)), _MONTHS[m.group(1).lower()], 1)


def month_from_name(name: str) -> date | None:
    """The month in a file name like `2015-03.json.gz` (None when there is none)."""
    m = _FILE_MONTH.search(name)
    if not m or not 1 <= int(m.group(2)) <= 12:
        return None
    return date(int(m.group(1)), int(m.group(2)), 1)


def month_start(moment: datetime) -> date:
    return date(moment.year, moment.month, 1)


def _quarantine(ref: str, reason: str, record: Any) -> dict:
    return {"source": SOURCE, "ref": ref, "reason": reason, "payload": _dump(record)}


# `json.dumps(record, ensure_ascii=False, sort_keys=True, default=str)` builds an encoder per
# call; one built once encodes the same (an encoder keeps no state between calls).
_PAYLOAD_ENCODER = json.JSONEncoder(ensure_ascii=False, sort_keys=True, default=str)


def _dump(record: Any) -> str:
    return _PAYLOAD_ENCODER.encode(record)


def parse_item(
    item: Any,
    *,
    thread_month: date | None,
    fetched_at: datetime | None,
    ref: str,
    extra: dict | None = None,
) -> tuple[dict | None, dict | None]:
    """One HN item (official API shape) -> (parsed row, None) or (None, quarantine row).

    thread_month: the month of the thread the item answers (None: the month of its `time`).
    fetched_at: when it was received (None: the thread month, so reloads are deterministic).
    extra: fields a collector derived (location, country, remote) to carry along.
    """
    if not isinstance(item, dict):
        return None, _quarantine(ref, f"record is a {type(item).__name__}, not an object", item)
    item_id = item.get("id")
    if isinstance(item_id, str) and item_id.isdigit():
        item_id = int(item_id)
    if not isinstance(item_id, int) or isinstance(item_id, bool) or item_id <= 0:
        return None, _quarantine(ref, "record has no valid HN item id", item)
    ref = f"{ref} (hn:{item_id})"
    if item.get("deleted") or item.get("dead"):
        return None, _quarantine(ref, "item is deleted or dead on HN", item)
    try:
        text = text_field(item, "text")
    except FieldError as exc:
        return None, _quarantine(ref, f"record {exc}", item)
    if text is None:
        return None, _quarantine(ref, "record has no text", item)
    text = item["text"]  # as received: the body keeps its own spacing
    posted_at = None
    if item.get("time") is not None:
        try:
            if isinstance(item["time"], bool):
                raise TypeError("a boolean is not a time")
            posted_at = datetime.fromtimestamp(int(item["time"]), UTC)
        except (TypeError, ValueError, OverflowError, OSError):
            return None, _quarantine(ref, f"time is not epoch seconds: {item.get('time')!r}", item)
    month = thread_month or (month_start(posted_at) if posted_at else None)
    if month is None:
        return None, _quarantine(ref, "no thread month and no time: cannot date the post", item)
    extra = extra or {}
    remote = extra.get("remote")
    return {
        "source": SOURCE,
        "source_id": str(item_id),
        "board": None,
        "fetched_at": fetched_at or datetime(month.year, month.month, 1, tzinfo=UTC),
        "payload": _dump(item if not extra else {**item, "derived": extra}),
        "company": None,
        "title": None,
        "location": extra.get("location") or None,
        "country": extra.get("country") or None,
        "remote": remote if isinstance(remote, bool) else None,
        "posted_at": posted_at,
        "posted_month": month,
        "url": ITEM_URL.format(item_id),
        "body": text,
    }, None


def looks_like_monthly(obj: Any) -> bool:
    """A monthly list file: a JSON list of objects with `full_html`."""
    return isinstance(obj, list) and any(isinstance(r, dict) and "full_html" in r for r in obj)


def looks_like_run(obj: Any) -> bool:
    """A collection run: `{jobs: [{id, text, ...}], ...}` (HN item API shape)."""
    return (
        isinstance(obj, dict)
        and isinstance(obj.get("jobs"), list)
        and (isinstance(obj.get("sources"), dict) or "run_id" in obj)
    )


def parse_monthly(obj: list, *, month: date | None, ref: str) -> tuple[list[dict], list[dict]]:
    """A monthly list file (`full_html`, `url`, ...) of the thread of `month`."""
    rows, bad = [], []
    if month is None:
        return [], [_quarantine(ref, "cannot tell the thread month (name the file YYYY-MM)", obj)]
    for i, rec in enumerate(obj):
        where = f"{ref}#{i}"
        if not isinstance(rec, dict):
            bad.append(_quarantine(where, f"record is a {type(rec).__name__}, not an object", rec))
            continue
        try:
            m = _ITEM_ID.search(text_field(rec, "url") or "")
            extra = {
                "location": text_field(rec, "location"),
                "country": text_field(rec, "country"),
                "remote": flag_field(rec, "remote"),
            }
        except FieldError as exc:
            bad.append(_quarantine(where, f"record {exc}", rec))
            continue
        item = {
            "id": int(m.group(1)) if m else None,
            "by": rec.get("user"),
            "text": rec.get("full_html"),
        }
        extra = {k: v for k, v in extra.items() if v is not None}
        row, q = parse_item(item, thread_month=month, fetched_at=None, ref=where, extra=extra)
        if q:
            q["payload"] = _dump(rec)
            bad.append(q)
        else:
            rows.append(row)
    return rows, bad


def parse_run(obj: dict, *, ref: str) -> tuple[list[dict], list[dict]]:
    """A collection run: thread month from its title, fetched_at from the run.

    A run whose title or fetched_at is of the wrong type (or unreadable) is quarantined whole:
    its posts cannot be dated as the run states."""
    try:
        sources = object_field(obj, "sources")
        title = "sources.who_is_hiring_thread_title"
        month = thread_month(text_field(sources, "who_is_hiring_thread_title", title))
        fetched_at = time_field(obj, "fetched_at", parse=_parse_time)
    except FieldError as exc:
        return [], [_quarantine(ref, f"run {exc}", obj)]
    rows, bad = [], []
    for i, job in enumerate(obj["jobs"]):
        where = f"{ref}#jobs[{i}]"
        # Direct job stories are not thread comments: date them by their own time.
        in_thread = not isinstance(job, dict) or job.get("source") != "direct"
        row, q = parse_item(
            job, thread_month=month if in_thread else None, fetched_at=fetched_at, ref=where
        )
        if q:
            bad.append(q)
        else:
            rows.append(row)
    return rows, bad


def _parse_time(value: Any) -> datetime | None:
    if not isinstance(value, str):
        return None
    try:
        moment = datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        return None
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)
