"""Small pure helpers shared by the source parsers: dates, board names, payloads, quarantine,
and the loop over a job-board response's jobs.

No I/O and no network here: every function works on values already decoded from a response.
"""

from __future__ import annotations

import json
import math
import re
from collections.abc import Callable
from datetime import UTC, date, datetime
from typing import Any

# Country names the ATS APIs write in addresses, to ISO 3166-1 alpha-2. Only unambiguous,
# common spellings; anything else stays null and the normalizer derives it from the location.
_COUNTRY_NAMES = {
    "us": "US",
    "usa": "US",
    "united states": "US",
    "united states of america": "US",
    "uk": "GB",
    "united kingdom": "GB",
    "great britain": "GB",
    "england": "GB",
    "canada": "CA",
    "germany": "DE",
    "deutschland": "DE",
    "france": "FR",
    "ireland": "IE",
    "netherlands": "NL",
    "spain": "ES",
    "portugal": "PT",
    "italy": "IT",
    "sweden": "SE",
    "denmark": "DK",
    "norway": "NO",
    "finland": "FI",
    "poland": "PL",
    "switzerland": "CH",
    "austria": "AT",
    "belgium": "BE",
    "australia": "AU",
    "new zealand": "NZ",
    "india": "IN",
    "singapore": "SG",
    "japan": "JP",
    "brazil": "BR",
    "mexico": "MX",
    "israel": "IL",
}


def payload_text(record: Any) -> str:
    """The record as JSON text, keys in the order received, non-ASCII kept."""
    return json.dumps(record, ensure_ascii=False, default=str)


def quarantined(source: str, ref: str, reason: str, record: Any) -> dict:
    """One quarantine row (source, ref, reason, payload)."""
    payload = record if isinstance(record, str) else payload_text(record)
    return {"source": source, "ref": ref, "reason": reason, "payload": payload}


def parsed_jobs(
    jobs: list,
    *,
    source: str,
    ref: str,
    noun: str = "job",
    title_key: str = "title",
    body: Callable[[dict], str | None],
    missing_body: str = "has no description",
    row: Callable[[dict, str, str, str], dict | None],
) -> tuple[list[dict], list[dict]]:
    """Posting rows and quarantined records from the job objects of one ATS response.

    A job is quarantined, named `{ref}[i] id=...`, when it is not an object or has no id,
    no `title_key` text or no `body(job)` (reason: `missing_body`), when a field holds a
    value of the wrong type (`FieldError` from the field readers below: the reason names the
    field), or when parsing it fails in any other way (the reason names the exception).
    Every other job becomes `row(job, source_id, title, body)`, unless that returns None
    (skipped). One bad job never stops the others.
    """
    named = "title" if title_key == "title" else f"{title_key} (title)"
    rows: list[dict] = []
    bad: list[dict] = []
    for i, job in enumerate(jobs):
        where = f"{ref}[{i}]"
        if not isinstance(job, dict):
            bad.append(quarantined(source, where, f"{noun} is not a JSON object", job))
            continue
        try:
            source_id = id_field(job, "id")
            where = f"{where} id={source_id}" if source_id else where
            title = text_field(job, title_key) if source_id else None
            text = body(job) if title else None
            if source_id is None:
                problem = "has no id"
            elif title is None:
                problem = f"has no {named}"
            elif text is None:
                problem = missing_body
            else:
                made = row(job, source_id, title, text)
                if made is not None:
                    rows.append(made)
                continue
        except FieldError as exc:
            problem = str(exc)
        except Exception as exc:  # a parser bug on one record must not stop the whole load
            problem = f"could not be parsed: {type(exc).__name__}: {exc}"
        bad.append(quarantined(source, where, f"{noun} {problem}", job))
    return rows, bad


class FieldError(ValueError):
    """A record's field holds a value of the wrong type, or one that cannot be read.

    Raised by the field readers below with a reason naming the field ('field \'lists\' is a
    number (5), expected a list'); `parsed_jobs` quarantines the record with it.
    """

    def __init__(self, name: str, value: Any, expected: str) -> None:
        shown = repr(value)
        shown = shown if len(shown) <= 60 else shown[:57] + "..."
        super().__init__(f"field {name!r} is {_json_kind(value)} ({shown}), expected {expected}")


def _json_kind(value: Any) -> str:
    if isinstance(value, bool):
        return "a boolean"
    if isinstance(value, int | float):
        return "a number"
    if isinstance(value, str):
        return "text"
    if isinstance(value, list):
        return "a list"
    if isinstance(value, dict):
        return "an object"
    return f"a {type(value).__name__}"


def text_field(record: dict, key: str, name: str | None = None) -> str | None:
    """`record[key]` stripped; None when absent, null or blank. FieldError when not text.

    `name` is how the reason names the field (default `key`; e.g. 'categories.location').
    """
    value = record.get(key)
    if value is None or isinstance(value, str):
        return text_or_none(value)
    raise FieldError(name or key, value, "text")


def id_field(record: dict, key: str, name: str | None = None) -> str | None:
    """An id as text (text or a whole number); None when absent or blank. FieldError else."""
    value = record.get(key)
    if value is None or isinstance(value, str) or is_whole_number(value):
        return job_id(value)
    raise FieldError(name or key, value, "text or a whole number")


def number_field(record: dict, key: str, name: str | None = None) -> float | None:
    """A finite number as float; None when absent or null. FieldError else (booleans too)."""
    value = record.get(key)
    if value is None:
        return None
    if isinstance(value, int | float) and not isinstance(value, bool) and math.isfinite(value):
        return float(value)
    raise FieldError(name or key, value, "a finite number")


def flag_field(record: dict, key: str, name: str | None = None) -> bool | None:
    """A boolean; None when absent or null. FieldError else."""
    value = record.get(key)
    if value is None or isinstance(value, bool):
        return value
    raise FieldError(name or key, value, "true or false")


def object_field(record: dict, key: str, name: str | None = None) -> dict:
    """An object; {} when absent or null. FieldError else."""
    value = record.get(key)
    if value is None:
        return {}
    if isinstance(value, dict):
        return value
    raise FieldError(name or key, value, "an object")


def objects_field(record: dict, key: str, name: str | None = None) -> list[dict]:
    """A list of objects; [] when absent or null. FieldError when it, or an item, is not."""
    value = record.get(key)
    if value is None:
        return []
    if not isinstance(value, list):
        raise FieldError(name or key, value, "a list")
    for i, item in enumerate(value):
        if not isinstance(item, dict):
            raise FieldError(f"{name or key}[{i}]", item, "an object")
    return value


def time_field(
    record: dict,
    key: str,
    name: str | None = None,
    *,
    parse: Callable[[Any], datetime | None] | None = None,
) -> datetime | None:
    """A UTC datetime read by `parse` (default `utc_datetime`: ISO 8601 text or epoch seconds);
    None when absent, null or empty text. FieldError when present but unreadable."""
    value = record.get(key)
    if value is None or value == "":
        return None
    moment = (parse or utc_datetime)(value)
    if moment is None:
        raise FieldError(name or key, value, "a date/time")
    return moment


def is_whole_number(value: Any) -> bool:
    """A JSON whole number (Python's `bool` is an `int`, but `true` is not a number)."""
    return isinstance(value, int) and not isinstance(value, bool)


def utc_datetime(value: Any) -> datetime | None:
    """An aware UTC datetime from ISO 8601 text or epoch seconds; None when absent or invalid."""
    if value is None or value == "":
        return None
    if isinstance(value, bool):
        return None
    if isinstance(value, int | float):
        try:
            return datetime.fromtimestamp(value, tz=UTC)
        except (OverflowError, OSError, ValueError):
            return None
    if isinstance(value, str):
        text = value.strip()
        if text.endswith("Z"):
            text = text[:-1] + "+00:00"
        try:
            parsed = datetime.fromisoformat(text)
        except ValueError:
            return None
        if parsed.tzinfo is None:
            parsed = parsed.replace(tzinfo=UTC)
        return parsed.astimezone(UTC)
    return None


def epoch_ms_datetime(value: Any) -> datetime | None:
    """An aware UTC datetime from epoch milliseconds (Lever's createdAt)."""
    if isinstance(value, bool) or not isinstance(value, int | float):
        return None
    return utc_datetime(value / 1000)


def month_of(moment: datetime | None) -> date | None:
    """The first day of the month of `moment`, or None."""
    return None if moment is None else date(moment.year, moment.month, 1)


def board_from_url(url: Any, hosts: tuple[str, ...]) -> str | None:
    """The first path segment of `url` when its host is one of `hosts`, lower-cased.

    board_from_url("https://jobs.lever.co/spotify/abc", ("jobs.lever.co",)) == "spotify"
    """
    if not isinstance(url, str):
        return None
    match = re.match(r"^[a-z]+://([^/?#]+)/([^/?#]+)", url.strip(), flags=re.I)
    if not match or match.group(1).lower() not in hosts:
        return None
    return match.group(2).lower()


def country_code(value: Any) -> str | None:
    """ISO 3166-1 alpha-2 from a two-letter code or a common country name; else None."""
    if not isinstance(value, str):
        return None
    text = value.strip()
    if re.fullmatch(r"[A-Za-z]{2}", text):
        code = text.upper()
        return "GB" if code == "UK" else code
    return _COUNTRY_NAMES.get(text.lower())


def text_or_none(value: Any) -> str | None:
    """A stripped non-empty string, or None."""
    if not isinstance(value, str):
        return None
    text = value.strip()
    return text or None


def job_id(value: Any) -> str | None:
    """An API job id as text (ints and strings), or None when missing or blank."""
    if isinstance(value, bool) or value is None:
        return None
    if isinstance(value, int):
        return str(value)
    return text_or_none(value)


_AMOUNT = r"(\d[\d,.]*)\s*([kKmM])?"
_CURRENCY_SIGNS = {"$": "USD", "€": "EUR", "£": "GBP", "¥": "JPY", "₹": "INR"}


def _amount(number: str, suffix: str | None) -> float | None:
    try:
        value = float(number.replace(",", ""))
    except ValueError:
        return None
    if suffix and suffix.lower() == "k":
        value *= 1_000
    elif suffix and suffix.lower() == "m":
        value *= 1_000_000
    return value


def salary_from_summary(summary: Any) -> dict:
    """Salary fields from a short range like '$151K - $231K' or '€60,000 – €80,000 per year'.

    Returns {} when no currency-marked range or amount is found. Period defaults to 'year'
    (what ATS summaries state when they omit it) unless the text says hour/month/week/day.
    """
    if not isinstance(summary, str):
        return {}
    signs = "".join(re.escape(s) for s in _CURRENCY_SIGNS)
    pattern = (
        rf"(?:(?P<code>[A-Z]{{3}})\s*)?(?P<sign>[{signs}])\s*{_AMOUNT}"
        rf"(?:\s*[-–—to]+\s*(?:[A-Z]{{3}}\s*)?[{signs}]?\s*{_AMOUNT})?"
    )
    match = re.search(pattern, summary)
    if not match:
        return {}
    groups = match.groups()
    low = _amount(groups[2], groups[3])
    high = _amount(groups[4], groups[5]) if groups[4] else low
    if low is None or high is None:
        return {}
    lowered = summary.lower()
    period = "year"
    for word, name in (("hour", "hour"), ("month", "month"), ("week", "week"), ("day", "day")):
        if re.search(rf"\b(?:per|an?|/)\s*{word}\b|\b{word}ly\b", lowered):
            period = name
            break
    return {
        "salary_min": min(low, high),
        "salary_max": max(low, high),
        "salary_currency": match.group("code") or _CURRENCY_SIGNS[match.group("sign")],
        "salary_period": period,
    }
