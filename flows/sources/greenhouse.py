"""Greenhouse job board API: `GET {base}/{token}/jobs?content=true`, parsed purely.

Response: `{"jobs": [{id, title, absolute_url, location{name}, content (entity-escaped HTML),
company_name, first_published, updated_at, metadata[], departments[], offices[]}], "meta":
{"total"}}`. The API states no salary in the list; `content` is kept as the body (the text
transform unescapes it).
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from flows.sources.common import (
    board_from_url,
    month_of,
    object_field,
    objects_field,
    parsed_jobs,
    payload_text,
    quarantined,
    text_field,
    time_field,
)

SOURCE = "greenhouse"
HOSTS = ("boards.greenhouse.io", "job-boards.greenhouse.io", "job-boards.eu.greenhouse.io")
_JOB_KEYS = {"absolute_url", "internal_job_id", "requisition_id", "data_compliance"}


def jobs_path(token: str) -> str:
    """The request path below PMPULSE_GREENHOUSE_API for one board, with descriptions."""
    return f"/{token}/jobs?content=true"


def looks_like(obj: Any) -> bool:
    """True for a Greenhouse job board `jobs` response (even an empty one)."""
    if not isinstance(obj, dict) or not isinstance(obj.get("jobs"), list):
        return False
    jobs = [j for j in obj["jobs"] if isinstance(j, dict)]
    if not jobs:
        return isinstance(obj.get("meta"), dict) and "total" in obj["meta"]
    return any(_JOB_KEYS & j.keys() for j in jobs[:5])


def _remote(job: dict) -> bool | None:
    """From the board's 'Location Type'-like metadata field, where the company sets one."""
    for i, field in enumerate(objects_field(job, "metadata")):
        name = (text_field(field, "name", f"metadata[{i}].name") or "").lower()
        if not isinstance(field.get("value"), str):
            continue  # select lists, yes/no and numbers are other kinds of custom field
        if "location" in name or "remote" in name or "workplace" in name:
            value = field["value"].lower()
            if "remote" in value:
                return True
            if "site" in value or "office" in value or "hybrid" in value:
                return False
    return None


def parse_response(
    obj: Any, *, board: str | None, fetched_at: datetime, ref: str
) -> tuple[list[dict], list[dict]]:
    """Parsed postings and quarantined records from one decoded `jobs` response."""
    if not looks_like(obj):
        return [], [quarantined(SOURCE, ref, "not a Greenhouse jobs response", obj)]

    def row(job: dict, source_id: str, title: str, body: str) -> dict:
        url = text_field(job, "absolute_url")
        job_board = board or board_from_url(url, HOSTS)
        first, updated = time_field(job, "first_published"), time_field(job, "updated_at")
        posted = first or updated
        return {
            "source": SOURCE,
            "source_id": source_id,
            "board": job_board,
            "fetched_at": fetched_at,
            "payload": payload_text(job),
            "company": text_field(job, "company_name") or job_board,
            "title": title,
            "location": text_field(object_field(job, "location"), "name", "location.name"),
            "country": None,
            "remote": _remote(job),
            "posted_at": posted,
            "posted_month": month_of(posted or fetched_at),
            "url": url,
            "body": body,
        }

    return parsed_jobs(
        obj["jobs"],
        source=SOURCE,
        ref=f"{ref}#jobs",
        body=lambda job: text_field(job, "content"),
        missing_body="has no content (description); request jobs?content=true",
        row=row,
    )
