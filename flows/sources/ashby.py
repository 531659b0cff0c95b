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
    flag_field,
    month_of,
    number_field,
    object_field,
    objects_field,
    parsed_jobs,
    payload_text,
    quarantined,
    salary_from_summary,
    text_field,
    time_field,
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


def _interval(value: str | None) -> str | None:
    parts = (value or "").upper().split()
    if len(parts) == 2 and parts[0] == "1":
        return _INTERVALS.get(parts[1])
    return _INTERVALS.get(parts[-1]) if parts else None


def _salary(job: dict) -> dict:
    """From the first Salary component with an amount, else from the summary texts.

    Every component and summary is read, so a wrong-typed one quarantines the job (FieldError)
    even when another gives the salary."""
    comp = object_field(job, "compensation")
    found = []
    parts = objects_field(comp, "summaryComponents", "compensation.summaryComponents")
    for i, part in enumerate(parts):
        name = f"compensation.summaryComponents[{i}]"
        kind = text_field(part, "compensationType", f"{name}.compensationType")
        low = number_field(part, "minValue", f"{name}.minValue")
        high = number_field(part, "maxValue", f"{name}.maxValue")
        currency = text_field(part, "currencyCode", f"{name}.currencyCode")
        period = _interval(text_field(part, "interval", f"{name}.interval"))
        if kind == "Salary" and (low is not None or high is not None):
            found.append(
                {
                    "salary_min": low if low is not None else high,
                    "salary_max": high if high is not None else low,
                    "salary_currency": currency,
                    "salary_period": period,
                }
            )
    for key in ("scrapeableCompensationSalarySummary", "compensationTierSummary"):
        found.append(salary_from_summary(text_field(comp, key, f"compensation.{key}")))
    return next((f for f in found if f), {})


def _country(job: dict) -> str | None:
    postal = object_field(object_field(job, "address"), "postalAddress", "address.postalAddress")
    return country_code(
        text_field(postal, "addressCountry", "address.postalAddress.addressCountry")
    )


def _body(job: dict) -> str | None:
    html, plain = text_field(job, "descriptionHtml"), text_field(job, "descriptionPlain")
    return html or plain


def parse_response(
    obj: Any, *, board: str | None, fetched_at: datetime, ref: str
) -> tuple[list[dict], list[dict]]:
    """Parsed postings and quarantined records from one decoded job-board response."""
    if not looks_like(obj):
        return [], [quarantined(SOURCE, ref, "not an Ashby job-board response", obj)]

    def row(job: dict, source_id: str, title: str, body: str) -> dict | None:
        if flag_field(job, "isListed") is False:
            return None  # unlisted jobs are not public postings
        job_url, apply_url = text_field(job, "jobUrl"), text_field(job, "applyUrl")
        url = job_url or apply_url
        name = board or board_from_url(url, HOSTS)
        posted = time_field(job, "publishedAt")
        return {
            "source": SOURCE,
            "source_id": source_id,
            "board": name,
            "fetched_at": fetched_at,
            "payload": payload_text(job),
            "company": name,
            "title": title,
            "location": text_field(job, "location"),
            "country": _country(job),
            "remote": flag_field(job, "isRemote"),
            "posted_at": posted,
            "posted_month": month_of(posted or fetched_at),
            "url": url,
            "body": body,
            **_salary(job),
        }

    return parsed_jobs(obj["jobs"], source=SOURCE, ref=f"{ref}#jobs", body=_body, row=row)
