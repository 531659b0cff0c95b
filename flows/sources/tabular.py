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
from datetime import UTC, date, datetime, timedelta
from typing import Any

from flows.sources.common import FieldError

ID_COLUMNS = ("source_id", "id")
TEXT_COLUMNS = ("description", "text", "body", "description_html")
_SOURCE = re.compile(r"^[a-z0-9_]{1,32}$")
_PERIODS = {"year", "month", "week", "day", "hour"}
EARLIEST_YEAR = 1990  # a posted month before it is a typo, not a job posting
_TRUE = {"true", "1", "yes", "y", "t"}
_FALSE = {"false", "0", "no", "n", "f"}


def _first(rec: dict, names: tuple[str, ...]) -> tuple[str, Any]:
    """(column, value) of the first of `names` with a value; (names[0], None) when none has."""
    for name in names:
        value = rec.get(name)
        if value not in (None, ""):
            return name, value
    return names[0], None


def _text(rec: dict, name: str) -> str | None:
    """The column's text as given, None when empty; FieldError when it is not text."""
    value = rec.get(name)
    if value is None or isinstance(value, str):
        return value or None
    raise FieldError(name, value, "text")


def _when(rec: dict, name: str) -> datetime | None:
    value = rec.get(name)
    if isinstance(value, datetime):
        return value if value.tzinfo else value.replace(tzinfo=UTC)
    if isinstance(value, date):
        return datetime(value.year, value.month, value.day, tzinfo=UTC)
    if value is not None and not isinstance(value, str):
        raise FieldError(name, value, "a date (YYYY-MM, YYYY-MM-DD or ISO 8601 text)")
    if value is None or not value.strip():
        return None
    text = value.strip().replace("Z", "+00:00")
    if re.fullmatch(r"\d{4}-\d{2}", text):
        text += "-01"
    moment = datetime.fromisoformat(text)
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def _number(rec: dict, name: str) -> float | None:
    value = rec.get(name)
    if value in (None, ""):
        return None
    if isinstance(value, bool) or not isinstance(value, int | float | str):
        raise FieldError(name, value, "a number")
    try:  # ("120,000" and "$120000" read as 120000)
        return float(str(value).replace(",", "").strip().lstrip("$€£").strip())
    except ValueError:
        raise FieldError(name, value, "a number") from None


def _remote(value: Any) -> bool | None:
    if isinstance(value, str):
        word = value.strip().lower()
        return True if word in _TRUE else False if word in _FALSE else None
    if value is None or isinstance(value, bool):
        return value
    if isinstance(value, int | float) and value in (0, 1):
        return bool(value)
    raise FieldError("remote", value, "true/false, 1/0 or yes/no")


def parse_record(rec: Any, *, fetched_at: datetime, ref: str) -> tuple[dict | None, dict | None]:
    """One table row (a dict) -> (parsed row, None) or (None, quarantine row).

    A value of the wrong type in a documented column quarantines the row, naming the column
    ('record field \'title\' is a list ([1]), expected text')."""

    def bad(reason: str) -> tuple[None, dict]:
        payload = json.dumps(rec, ensure_ascii=False, default=str)
        return None, {"source": "file", "ref": ref, "reason": reason, "payload": payload}

    if not isinstance(rec, dict):
        return bad(f"record is a {type(rec).__name__}, not an object")
    try:
        return _parsed(rec, fetched_at=fetched_at), None
    except FieldError as exc:
        return bad(f"record {exc}")
    except _Unusable as exc:
        return bad(str(exc))
    except (ValueError, TypeError) as exc:
        return bad(f"unreadable date or number: {exc}")


class _Unusable(Exception):
    """The row lacks what every posting needs, or states it outside the documented values."""


def _parsed(rec: dict, *, fetched_at: datetime) -> dict:
    source = (_text(rec, "source") or "file").strip().lower()
    if not _SOURCE.match(source):
        raise _Unusable(f"source {source!r} is not a short lower-case name")
    id_name, source_id = _first(rec, ID_COLUMNS)
    if source_id is None:
        raise _Unusable("record has no source_id (or id)")
    if isinstance(source_id, bool) or not isinstance(source_id, int | float | str):
        raise FieldError(id_name, source_id, "text or a number")
    text_name, text = _first(rec, TEXT_COLUMNS)
    if text is not None and not isinstance(text, str):
        raise FieldError(text_name, text, "text")
    if text is None or not text.strip():
        raise _Unusable("record has no text (description, text, body or description_html)")
    posted_at = _when(rec, "posted_at")
    month_at = _when(rec, "posted_month") or posted_at
    seen = _when(rec, "fetched_at") or fetched_at
    salary = (_number(rec, "salary_min"), _number(rec, "salary_max"))
    if month_at is None:
        raise _Unusable("record has no posted_month or posted_at")
    # implausible dates would stretch every trend's time axis (a "1899-01" month) or date a
    # posting after it was seen
    if month_at.year < EARLIEST_YEAR:
        raise _Unusable(f"posted {month_at:%Y-%m}: before {EARLIEST_YEAR}, not a posting date")
    if (month_at.year, month_at.month) > (seen.year, seen.month):
        raise _Unusable(f"posted {month_at:%Y-%m}, after the record was fetched ({seen:%Y-%m-%d})")
    if seen > datetime.now(UTC) + timedelta(days=1):
        raise _Unusable(f"fetched_at {seen:%Y-%m-%d} is in the future")
    period = _text(rec, "salary_period")
    if period is not None and period not in _PERIODS:
        raise _Unusable(f"salary_period {period!r} is not one of {sorted(_PERIODS)}")
    return {
        "source": source,
        "source_id": str(source_id).strip(),
        "board": _text(rec, "board"),
        "fetched_at": seen,
        "payload": json.dumps(rec, ensure_ascii=False, default=str, sort_keys=True),
        "company": _text(rec, "company"),
        "title": _text(rec, "title"),
        "location": _text(rec, "location"),
        "country": _text(rec, "country"),
        "remote": _remote(rec.get("remote")),
        "posted_at": posted_at,
        "posted_month": date(month_at.year, month_at.month, 1),
        "url": _text(rec, "url"),
        "body": text,
        "salary_min": salary[0],
        "salary_max": salary[1],
        "salary_currency": _text(rec, "salary_currency"),
        "salary_period": period,
    }
