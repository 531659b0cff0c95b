"""Plain tables of postings: CSV, JSONL or Parquet with documented columns.

Columns (names are case-sensitive; only the first three groups are required):
- `source_id` (or `id`): the posting's id within its source;
- `description` (or `text`, `body`, `description_html`): the posting text, HTML or plain;
- `posted_month` (YYYY-MM or YYYY-MM-DD) or `posted_at` (ISO 8601 date/time);
- optional: `source` (default 'file'; letters, digits, underscore), `title`, `company`,
  `location`, `country`, `remote` (true/false/1/0/yes/no), `url`, `salary_min`,
  `salary_max`, `salary_currency`, `salary_period` (year/month/week/day/hour), `fetched_at`.
"""

from __future__ import annotations

import json
import re
from datetime import UTC, date, datetime
from typing import Any

ID_COLUMNS = ("source_id", "id")
TEXT_COLUMNS = ("description", "text", "body", "description_html")
_SOURCE = re.compile(r"^[a-z0-9_]{1,32}$")
_PERIODS = {"year", "month", "week", "day", "hour"}
_TRUE = {"true", "1", "yes", "y", "t"}
_FALSE = {"false", "0", "no", "n", "f"}


def _first(rec: dict, names: tuple[str, ...]) -> Any:
    for name in names:
        value = rec.get(name)
        if value not in (None, ""):
            return value
    return None


def _when(value: Any) -> datetime | None:
    if isinstance(value, datetime):
        return value if value.tzinfo else value.replace(tzinfo=UTC)
    if isinstance(value, date):
        return datetime(value.year, value.month, value.day, tzinfo=UTC)
    if not isinstance(value, str) or not value.strip():
        return None
    text = value.strip().replace("Z", "+00:00")
    if re.fullmatch(r"\d{4}-\d{2}", text):
        text += "-01"
    moment = datetime.fromisoformat(text)
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def _number(value: Any) -> float | None:
    if value in (None, ""):
        return None
    return float(str(value).replace(",", ""))


def parse_record(rec: Any, *, fetched_at: datetime, ref: str) -> tuple[dict | None, dict | None]:
    """One table row (a dict) -> (parsed row, None) or (None, quarantine row)."""

    def bad(reason: str) -> tuple[None, dict]:
        payload = json.dumps(rec, ensure_ascii=False, default=str)
        return None, {"source": "file", "ref": ref, "reason": reason, "payload": payload}

    if not isinstance(rec, dict):
        return bad(f"record is a {type(rec).__name__}, not an object")
    source = str(rec.get("source") or "file").strip().lower()
    if not _SOURCE.match(source):
        return bad(f"source {source!r} is not a short lower-case name")
    source_id = _first(rec, ID_COLUMNS)
    if source_id is None:
        return bad("record has no source_id (or id)")
    text = _first(rec, TEXT_COLUMNS)
    if not isinstance(text, str) or not text.strip():
        return bad("record has no text (description, text, body or description_html)")
    try:
        posted_at = _when(rec.get("posted_at"))
        month_at = _when(rec.get("posted_month")) or posted_at
        seen = _when(rec.get("fetched_at")) or fetched_at
        salary = (_number(rec.get("salary_min")), _number(rec.get("salary_max")))
    except (ValueError, TypeError) as exc:
        return bad(f"unreadable date or number: {exc}")
    if month_at is None:
        return bad("record has no posted_month or posted_at")
    period = rec.get("salary_period")
    if period not in (None, "") and period not in _PERIODS:
        return bad(f"salary_period {period!r} is not one of {sorted(_PERIODS)}")
    remote = rec.get("remote")
    if isinstance(remote, str):
        remote = True if remote.lower() in _TRUE else False if remote.lower() in _FALSE else None
    return {
        "source": source,
        "source_id": str(source_id).strip(),
        "board": rec.get("board") or None,
        "fetched_at": seen,
        "payload": json.dumps(rec, ensure_ascii=False, default=str, sort_keys=True),
        "company": rec.get("company") or None,
        "title": rec.get("title") or None,
        "location": rec.get("location") or None,
        "country": rec.get("country") or None,
        "remote": remote if isinstance(remote, bool) else None,
        "posted_at": posted_at,
        "posted_month": date(month_at.year, month_at.month, 1),
        "url": rec.get("url") or None,
        "body": text,
        "salary_min": salary[0],
        "salary_max": salary[1],
        "salary_currency": rec.get("salary_currency") or None,
        "salary_period": period or None,
    }, None
