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
    number_field,
    object_field,
    objects_field,
    parsed_jobs,
    payload_text,
    quarantined,
    text_field,
    time_field,
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
    # Every field is read (not only the first found) so a wrong-typed one is never let through.
    description, plain = text_field(posting, "description"), text_field(posting, "descriptionPlain")
    if description or plain:
        parts.append(description or plain)
    for i, item in enumerate(objects_field(posting, "lists")):
        heading = text_field(item, "text", f"lists[{i}].text")
        content = text_field(item, "content", f"lists[{i}].content")
        if heading:
            parts.append(f"<h3>{html.escape(heading, quote=False)}</h3>")
        if content:
            parts.append(content)
    additional, plain = text_field(posting, "additional"), text_field(posting, "additionalPlain")
    if additional or plain:
        parts.append(additional or plain)
    return "\n".join(parts) or None


def _salary(posting: dict) -> dict:
    rng = object_field(posting, "salaryRange")
    low = number_field(rng, "min", "salaryRange.min")
    high = number_field(rng, "max", "salaryRange.max")
    currency = text_field(rng, "currency", "salaryRange.currency")
    interval = text_field(rng, "interval", "salaryRange.interval")
    if low is None and high is None:
        return {}
    return {
        "salary_min": low if low is not None else high,
        "salary_max": high if high is not None else low,
        "salary_currency": currency,
        "salary_period": _INTERVALS.get(interval or ""),
    }


def _remote(posting: dict) -> bool | None:
    kind = (text_field(posting, "workplaceType") or "").lower()
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
        hosted, apply = text_field(posting, "hostedUrl"), text_field(posting, "applyUrl")
        url = hosted or apply
        site = board or board_from_url(url, HOSTS)
        categories = object_field(posting, "categories")
        posted = time_field(posting, "createdAt", parse=epoch_ms_datetime)
        return {
            "source": SOURCE,
            "source_id": source_id,
            "board": site,
            "fetched_at": fetched_at,
            "payload": payload_text(posting),
            "company": site,
            "title": title,
            "location": text_field(categories, "location", "categories.location"),
            "country": country_code(text_field(posting, "country")),
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
