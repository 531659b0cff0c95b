"""Fetch one ATS board or one JSON-LD page with the polite client, then parse it purely.

A fetch never raises for a source's faults: HTTP failures, malformed JSON and unexpected
response shapes come back as a `BoardResult` with status 'failed' (and quarantine rows where
there is a payload to keep), so one bad board never stops the others.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from types import ModuleType

from flows.sources import ashby, greenhouse, jsonld, lever
from flows.sources.common import is_whole_number, job_id, quarantined
from flows.sources.config import SourceSpec
from flows.sources.http import FetchError, HttpClient

PARSERS: dict[str, ModuleType] = {"greenhouse": greenhouse, "lever": lever, "ashby": ashby}
_PATHS = {
    "greenhouse": greenhouse.jobs_path,
    "lever": lever.postings_path,
    "ashby": ashby.jobs_path,
}


@dataclass
class BoardResult:
    """What one board (or page) gave in one run."""

    source: str
    board: str
    status: str = "ok"  # 'ok', 'partial' (incomplete listing), 'failed'
    rows: list[dict] = field(default_factory=list)
    quarantined: list[dict] = field(default_factory=list)
    complete: bool = False  # the whole board was listed: postings missing from it are closed
    http_errors: int = 0
    requests: int = 0
    reason: str | None = None
    not_modified: bool = False
    unreachable: bool = False  # the host could not be reached at all (offline?)
    listed_ids: list[str] = field(default_factory=list)  # every job id the board listed


def board_url(spec: SourceSpec, base: str) -> str:
    """The API URL of an ATS board below its base."""
    return f"{base}{_PATHS[spec.kind](spec.name or '')}"


def fetch_ats(client: HttpClient, spec: SourceSpec, base: str, fetched_at: datetime) -> BoardResult:
    """One Greenhouse/Lever/Ashby board: fetched, decoded, parsed."""
    board = spec.name or ""
    result = BoardResult(spec.kind, board)
    url = board_url(spec, base)
    try:
        got = client.get(url)
    except FetchError as exc:
        result.status, result.reason = "failed", exc.reason
        result.http_errors = len(exc.errors)
        result.requests = max(1, len(exc.errors))
        result.unreachable = exc.unreachable
        return result
    result.http_errors = len(got.errors)
    result.requests = len(got.errors) + 1
    result.not_modified = got.not_modified
    try:
        obj = got.json()
    except ValueError as exc:
        reason = f"malformed JSON from the {spec.kind} API: {exc}"
        result.status, result.reason = "failed", reason
        result.quarantined.append(quarantined(spec.kind, url, reason, got.text[:2000]))
        return result
    parser = PARSERS[spec.kind]
    rows, bad = parser.parse_response(obj, board=board, fetched_at=fetched_at, ref=url)
    result.rows, result.quarantined = rows, bad
    if not parser.looks_like(obj) and not (spec.kind == "lever" and obj == []):
        result.status = "failed"
        result.reason = bad[0]["reason"] if bad else "unexpected response shape"
        return result
    result.complete = True
    result.listed_ids = listed_ids(spec.kind, obj)
    meta = obj.get("meta") if spec.kind == "greenhouse" else None
    total = meta.get("total") if isinstance(meta, dict) else None  # of another kind: not stated
    listed = len(obj["jobs"]) if spec.kind == "greenhouse" else None
    if is_whole_number(total) and listed is not None and total > listed:
        result.status, result.complete = "partial", False
        result.reason = f"the API lists {listed} of {total} jobs: not closing missing postings"
    elif bad:
        result.reason = f"{len(bad)} records quarantined"
    return result


def listed_ids(kind: str, obj: object) -> list[str]:
    """Ids of every public job in a board response, parsed or quarantined (closing uses it:
    a record that failed to parse is still on the board)."""
    jobs = obj if kind == "lever" else obj.get("jobs") if isinstance(obj, dict) else None
    ids = []
    for job in jobs if isinstance(jobs, list) else []:
        if not isinstance(job, dict) or job.get("isListed") is False:
            continue
        value = job_id(job.get("id"))
        if value is not None:
            ids.append(value)
    return ids


def fetch_page(client: HttpClient, url: str, fetched_at: datetime) -> BoardResult:
    """One career page with schema.org JobPosting JSON-LD (robots.txt obeyed)."""
    result = BoardResult("jsonld", url)
    try:
        got = client.get(url, robots=True)
    except FetchError as exc:
        result.status, result.reason = "failed", exc.reason
        result.http_errors = len(exc.errors)
        result.requests = len(exc.errors)
        result.unreachable = exc.unreachable
        return result
    result.http_errors = len(got.errors)
    result.requests = len(got.errors) + 1
    rows, bad = jsonld.parse_page(got.text, url=url, fetched_at=fetched_at)
    result.rows, result.quarantined = rows, bad
    if bad:
        result.reason = "; ".join(sorted({b["reason"] for b in bad}))[:500]
        result.status = "ok" if rows else "failed"
    # A page is not a board listing: postings are never closed for missing from one page.
    return result
