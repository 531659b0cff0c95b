"""Ashby posting API: `GET {base}/{name}?includeCompensation=true`, parsed purely.

Response: `{"apiVersion": "1", "jobs": [{id, title, location, secondaryLocations, department,
team, isListed, isRemote, workplaceType, address{postalAddress}, descriptionHtml,
descriptionPlain, publishedAt, employmentType, jobUrl, applyUrl, compensation}]}`.
Salary comes from `compensation.summaryComponents` (compensationType 'Salary'), else from the
summary text ('$151K - $231K').
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from flows.sources.common import (
    board_from_url,
    country_code,
    month_of,
    parsed_jobs,
    payload_text,
    quarantined,
    salary_from_summary,
    text_or_none,
    utc_datetime,
)

SOURCE = "ashby"
HOSTS = ("jobs.ashbyhq.com",)
_JOB_KEYS = {"jobUrl", "descriptionHtml", "descriptionPlain", "isListed", "publishedAt"}
# Ashby compensation intervals ('1 YEAR', '1 HOUR', ...) -> the model's salary_period.
_INTERVALS = {"YEAR": "year", "MONTH": "month", "WEEK": "week", "DAY": "day", "HOUR": "hour"}


def jobs_path(name: str) -> str:
    """The request path below PMPULSE_ASHBY_API for one job board, with compensation."""
    return f"/{name}?includeCompensation=true"


def looks_like(obj: Any) -> bool:
    """True for an Ashby job-board response (even an empty one)."""
    if not isinstance(obj, dict) or not isinstance(obj.get("jobs"), list):
        return False
    jobs = [j for j in obj["jobs"][:5] if isinstance(j, dict)]
    if not jobs:
        return "apiVersion" in obj
    return any(len(_JOB_KEYS & j.keys()) >= 2 for j in jobs)


def _interval(value: Any) -> str | None:
    if not isinstance(value, str):
        return None
    parts = value.upper().split()
    if len(parts) == 2 and parts[0] == "1":
        return _INTERVALS.get(parts[1])
    return _INTERVALS.get(parts[-1]) if parts else None


def _salary(job: dict) -> dict:
    comp = job.get("compensation")
    if not isinstance(comp, dict):
        return {}
    for part in comp.get("summaryComponents") or []:
        if not isinstance(part, dict) or part.get("compensationType") != "Salary":
            continue
        low, high = part.get("minValue"), part.get("maxValue")
        if isinstance(low, int | float) or isinstance(high, int | float):
            low = low if isinstance(low, int | float) else high
            high = high if isinstance(high, int | float) else low
            return {
                "salary_min": float(low),
                "salary_max": float(high),
                "salary_currency": text_or_none(part.get("currencyCode")),
                "salary_period": _interval(part.get("interval")),
            }
    for key in ("scrapeableCompensationSalarySummary", "compensationTierSummary"):
        found = salary_from_summary(comp.get(key))
        if found:
            return found
    return {}


def _country(job: dict) -> str | None:
    address = job.get("address")
    postal = address.get("postalAddress") if isinstance(address, dict) else None
    return country_code(postal.get("addressCountry")) if isinstance(postal, dict) else None


def _body(job: dict) -> str | None:
    return text_or_none(job.get("descriptionHtml")) or text_or_none(job.get("descriptionPlain"))


def parse_response(
    obj: Any, *, board: str | None, fetched_at: datetime, ref: str
) -> tuple[list[dict], list[dict]]:
    """Parsed postings and quarantined records from one decoded job-board response."""
    if not looks_like(obj):
        return [], [quarantined(SOURCE, ref, "not an Ashby job-board response", obj)]

    def row(job: dict, source_id: str, title: str, body: str) -> dict | None:
        if job.get("isListed") is False:
            return None  # unlisted jobs are not public postings
        url = text_or_none(job.get("jobUrl")) or text_or_none(job.get("applyUrl"))
        name = board or board_from_url(url, HOSTS)
        posted = utc_datetime(job.get("publishedAt"))
        remote = job.get("isRemote")
        return {
            "source": SOURCE,
            "source_id": source_id,
            "board": name,
            "fetched_at": fetched_at,
            "payload": payload_text(job),
            "company": name,
            "title": title,
            "location": text_or_none(job.get("location")),
            "country": _country(job),
            "remote": remote if isinstance(remote, bool) else None,
            "posted_at": posted,
            "posted_month": month_of(posted or fetched_at),
            "url": url,
            "body": body,
            **_salary(job),
        }

    return parsed_jobs(obj["jobs"], source=SOURCE, ref=f"{ref}#jobs", body=_body, row=row)
