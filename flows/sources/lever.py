"""Lever postings API: `GET {base}/{site}?mode=json`, parsed purely.

Response: a JSON list of postings `{id, text (the title), categories{location, commitment,
team, department, allLocations}, country, description, lists[{text, content}], additional,
hostedUrl, applyUrl, workplaceType, salaryRange{min, max, currency, interval}, createdAt}`.
The body is description + each list under its heading + additional, as HTML.
"""

from __future__ import annotations

import html
from datetime import datetime
from typing import Any

from flows.sources.common import (
    board_from_url,
    country_code,
    epoch_ms_datetime,
    month_of,
    parsed_jobs,
    payload_text,
    quarantined,
    text_or_none,
)

SOURCE = "lever"
HOSTS = ("jobs.lever.co", "jobs.eu.lever.co", "api.lever.co")
_POSTING_KEYS = {"hostedUrl", "applyUrl", "categories", "descriptionPlain", "lists"}
# Lever salaryRange.interval values -> the model's salary_period.
_INTERVALS = {
    "per-year-salary": "year",
    "per-month-salary": "month",
    "per-week-salary": "week",
    "per-day-wage": "day",
    "per-hour-wage": "hour",
}


def postings_path(site: str) -> str:
    """The request path below PMPULSE_LEVER_API for one site."""
    return f"/{site}?mode=json"


def looks_like(obj: Any) -> bool:
    """True for a Lever postings list (a non-empty list of posting objects)."""
    if not isinstance(obj, list):
        return False
    items = [p for p in obj[:5] if isinstance(p, dict)]
    return bool(items) and all(len(_POSTING_KEYS & p.keys()) >= 2 for p in items)


def _body(posting: dict) -> str | None:
    parts = []
    description = text_or_none(posting.get("description")) or text_or_none(
        posting.get("descriptionPlain")
    )
    if description:
        parts.append(description)
    for item in posting.get("lists") or []:
        if not isinstance(item, dict):
            continue
        heading = text_or_none(item.get("text"))
        content = text_or_none(item.get("content"))
        if heading:
            parts.append(f"<h3>{html.escape(heading, quote=False)}</h3>")
        if content:
            parts.append(content)
    additional = text_or_none(posting.get("additional")) or text_or_none(
        posting.get("additionalPlain")
    )
    if additional:
        parts.append(additional)
    return "\n".join(parts) or None


def _salary(posting: dict) -> dict:
    rng = posting.get("salaryRange")
    if not isinstance(rng, dict):
        return {}
    low, high = rng.get("min"), rng.get("max")
    numbers = [v for v in (low, high) if isinstance(v, int | float) and not isinstance(v, bool)]
    if not numbers:
        return {}
    return {
        "salary_min": float(low) if low in numbers else float(min(numbers)),
        "salary_max": float(high) if high in numbers else float(max(numbers)),
        "salary_currency": text_or_none(rng.get("currency")),
        "salary_period": _INTERVALS.get(str(rng.get("interval") or "")),
    }


def _remote(posting: dict) -> bool | None:
    kind = str(posting.get("workplaceType") or "").lower()
    if kind == "remote":
        return True
    if kind in ("onsite", "on-site", "hybrid"):
        return False
    return None


def parse_response(
    obj: Any, *, board: str | None, fetched_at: datetime, ref: str
) -> tuple[list[dict], list[dict]]:
    """Parsed postings and quarantined records from one decoded postings response."""
    if isinstance(obj, list) and not obj:
        return [], []  # a site with no open postings
    if not looks_like(obj):
        reason = "not a Lever postings response"
        if isinstance(obj, dict) and obj.get("ok") is False:
            reason += f": {obj.get('error')}"
        return [], [quarantined(SOURCE, ref, reason, obj)]

    def row(posting: dict, source_id: str, title: str, body: str) -> dict:
        url = text_or_none(posting.get("hostedUrl")) or text_or_none(posting.get("applyUrl"))
        site = board or board_from_url(url, HOSTS)
        categories = (
            posting.get("categories") if isinstance(posting.get("categories"), dict) else {}
        )
        posted = epoch_ms_datetime(posting.get("createdAt"))
        return {
            "source": SOURCE,
            "source_id": source_id,
            "board": site,
            "fetched_at": fetched_at,
            "payload": payload_text(posting),
            "company": site,
            "title": title,
            "location": text_or_none(categories.get("location")),
            "country": country_code(posting.get("country")),
            "remote": _remote(posting),
            "posted_at": posted,
            "posted_month": month_of(posted or fetched_at),
            "url": url,
            "body": body,
            **_salary(posting),
        }

    return parsed_jobs(
        obj, source=SOURCE, ref=f"{ref}#", noun="posting", title_key="text", body=_body, row=row
    )
