"""Flow `collect`: read the live public sources, load what they hold. Orchestration only.

One task per ATS board / JSON-LD page / HN thread, run concurrently (bounded by the task
runner and the HTTP client's per-host cap; tasks are tagged `host:<name>` so a Prefect
concurrency limit can be set per host too). Every result is loaded by the ingest flow's
`store_parsed` (one loader, one writer), then each board's health is recorded, postings that
left a completely fetched board are closed (returning ones reopened), a board that suddenly
lists nothing is flagged instead, and the HN crawl state is saved.
"""

from __future__ import annotations

import os
from datetime import UTC, date, datetime
from pathlib import Path
from urllib.parse import urlsplit

from prefect import flow, get_run_logger, task
from prefect.cache_policies import NONE
from prefect.task_runners import ThreadPoolTaskRunner

from flows.ingest import (
    COUNT_KEYS,
    add_counts,
    current_run_id,
    record_finish,
    record_start,
    store_parsed,
    warehouse_totals,
)
from flows.progress import say
from flows.sources import hn_api
from flows.sources.config import SourceSpec, api_base, load_boards, parse_sources
from flows.sources.fetch import BoardResult, fetch_ats, fetch_page
from flows.sources.http import HttpClient, HttpSettings
from transforms.records import parsed_frame, quarantine_frame
from warehouse import db
from warehouse import sources as ws

WORKERS = int(os.environ.get("PMPULSE_COLLECT_WORKERS", "8"))
HN_BOARD = hn_api.WHOISHIRING
OFFLINE = (
    "no live source could be reached (offline?): pass files instead, e.g. "
    "`pmpulse run --input ../shared/data/hn`"
)
HN_BATCH_ROWS = int(os.environ.get("PMPULSE_HN_BATCH_ROWS", "20000"))  # postings per HN load


def _task_options(name: str | None, url: str) -> dict:
    """Retries (PMPULSE_COLLECT_TASK_RETRIES / _RETRY_DELAY, read per run) and a host tag."""
    options = {
        "retries": int(os.environ.get("PMPULSE_COLLECT_TASK_RETRIES", "1")),
        "retry_delay_seconds": float(os.environ.get("PMPULSE_COLLECT_TASK_RETRY_DELAY", "10")),
        "tags": {f"host:{urlsplit(url).netloc}"},
    }
    return {**options, "task_run_name": name} if name else options


@task(cache_policy=NONE)
def fetch_board(client: HttpClient, spec: SourceSpec, base: str) -> BoardResult:
    """One ATS board or JSON-LD page (faults come back in the result, not raised)."""
    fetched_at = datetime.now(UTC)
    if spec.kind == "jsonld":
        result = fetch_page(client, spec.name or "", fetched_at)
    else:
        result = fetch_ats(client, spec, base, fetched_at)
    log = get_run_logger()
    log.info("%s: %s, %d postings, %d quarantined, %d HTTP errors%s", spec, result.status,
             len(result.rows), len(result.quarantined), result.http_errors,
             f" ({result.reason})" if result.reason else "")  # fmt: skip
    return result


@task(cache_policy=NONE)
def find_hn_threads(client: HttpClient, base: str, since: date) -> list[hn_api.Thread]:
    """Every Who is hiring thread since `since` (Algolia HN search API)."""
    threads, _ = hn_api.find_threads(client, base, since)
    get_run_logger().info("HN: %d Who is hiring threads since %s", len(threads), since)
    return threads


@task(cache_policy=NONE)
def read_hn_thread(
    client: HttpClient, base: str, thread: hn_api.Thread, seen: set[int]
) -> hn_api.ThreadResult:
    """The new top-level comments of one thread, parsed by the HN file-ingest parser."""
    result = hn_api.read_thread(client, base, thread, seen, datetime.now(UTC))
    get_run_logger().info("HN %s: %d comments, %d new postings, %d quarantined, %d failed",
                          thread.month, result.kids, len(result.rows), len(result.quarantined),
                          result.failed)  # fmt: skip
    return result


def _specs(sources: list[str] | None, boards_file: str | None) -> tuple[list[SourceSpec], date]:
    config = load_boards(boards_file)
    return (parse_sources(sources) if sources else config.sources), config.hn_since


def _hn_state(db_path: str) -> tuple[dict[int, dict], dict[int, set[int]]]:
    """Known threads by id and the comment ids already fetched for the unfinished ones."""
    with db.connect(db_path) as wh:
        threads = {r["thread_id"]: r for r in ws.hn_threads(wh).iter_rows(named=True)}
        open_ids = [t for t, r in threads.items() if not r["backfilled"]]
        return threads, ws.hn_seen_items(wh, open_ids)


def _store(db_path: str, run_id: str, rows: list[dict], bad: list[dict], totals: dict) -> None:
    """Normalize and load through the ingest flow's one write path; add up its counts."""
    add_counts(totals, store_parsed(db_path, parsed_frame(rows), quarantine_frame(bad), run_id))


def _collect_hn(client: HttpClient, db_path: str, run_id: str, since: date, totals: dict) -> dict:
    """Discover threads, read the unfinished ones concurrently, load them in batches.

    Each batch is loaded and its crawl state saved before the next, so a long backfill keeps
    memory bounded and resumes where it stopped if interrupted.
    """
    bases = {"hn": api_base("hn"), "search": api_base("hn_search")}
    known, seen = _hn_state(db_path)
    window = hn_api.search_since(since, [r["month"] for r in known.values()])
    tally: dict = {"found": 0, "read": 0, "postings_seen": 0, "quarantined": 0, "failed_items": 0,
                   "errors": [], "requests": 0, "failed": None, "unreachable": False}  # fmt: skip
    try:
        found = find_hn_threads.with_options(**_task_options(None, bases["search"])).submit(
            client, bases["search"], window
        )
        threads = found.result()
    except Exception as exc:
        tally["failed"] = f"thread search failed: {getattr(exc, 'reason', exc)}"
        tally["errors"] = list(getattr(exc, "errors", None) or [str(exc)])
        tally["unreachable"] = bool(getattr(exc, "unreachable", False))
        return tally
    # Known unfinished threads are read again even when the search window no longer has them.
    listed = {t.thread_id for t in threads}
    threads += [
        hn_api.Thread(tid, r["month"], r["title"], r["author"])
        for tid, r in known.items()
        if not r["backfilled"] and tid not in listed and r["month"] >= since
    ]
    todo = sorted(
        (t for t in threads if not (known.get(t.thread_id) or {}).get("backfilled")),
        key=lambda t: t.month,
    )
    tally["found"], tally["read"] = len(threads), len(todo)
    futures = [
        (t, read_hn_thread.with_options(**_task_options(f"hn-{t.month:%Y-%m}", bases["hn"])).submit(
            client, bases["hn"], t, seen.get(t.thread_id, set())
        ))
        for t in todo
    ]  # fmt: skip
    today = datetime.now(UTC).date()
    batch: list[hn_api.ThreadResult] = []

    def flush(failed: list[hn_api.Thread]) -> None:
        rows = [row for r in batch for row in r.rows]
        bad = [q for r in batch for q in r.quarantined]
        _store(db_path, run_id, rows, bad, totals)
        state = [
            {
                "thread_id": r.thread.thread_id,
                "month": r.thread.month,
                "title": r.thread.title,
                "author": r.thread.author,
                "kids_known": r.kids,
                "backfilled": r.complete and hn_api.month_is_over(r.thread.month, today),
            }
            for r in batch
        ]
        state += [  # failed threads are known and unfinished: read again next run
            {"thread_id": t.thread_id, "month": t.month, "title": t.title, "author": t.author,
             "kids_known": (known.get(t.thread_id) or {}).get("kids_known") or 0,
             "backfilled": False}
            for t in failed
        ]  # fmt: skip
        with db.connect(db_path) as wh:
            ws.save_hn_state(wh, state, [i for r in batch for i in r.items], datetime.now(UTC))
        batch.clear()

    failed: list[hn_api.Thread] = []
    for thread, future in futures:
        future.wait()
        if future.state.is_failed():
            tally["errors"].append(f"thread {thread.thread_id}: {future.state.message}")
            tally["failed_items"] += 1
            failed.append(thread)
            continue
        result: hn_api.ThreadResult = future.result()
        tally["postings_seen"] += len(result.rows)
        tally["quarantined"] += len(result.quarantined)
        tally["failed_items"] += result.failed
        tally["errors"].extend(result.errors)
        tally["requests"] += result.requests
        batch.append(result)
        if sum(len(r.rows) for r in batch) >= HN_BATCH_ROWS:
            flush([])
    if batch or failed:
        flush(failed)
    return tally


def _hn_health(run_id: str, tally: dict) -> dict:
    failed = tally["failed_items"]
    status = "failed" if tally["failed"] else "partial" if failed else "ok"
    reason = tally["failed"] or (
        f"{failed} comments or threads could not be fetched (retried next run)" if failed else None
    )
    return {
        "run_id": run_id,
        "source": "hn",
        "board": HN_BOARD,
        "status": status,
        "http_errors": len(tally["errors"]),
        "requests": tally["requests"],
        "postings_seen": tally["postings_seen"],
        "quarantined": tally["quarantined"],
        "reason": reason,
        "at": datetime.now(UTC),
    }


def _book_boards(db_path: str, run_id: str, boards: list[BoardResult]) -> tuple[list, dict]:
    """Close/reopen postings of completely fetched boards, flag sudden empties: health rows."""
    now = datetime.now(UTC)
    health = []
    totals = {"closed": 0, "reopened": 0}
    with db.connect(db_path) as wh:
        for r in boards:
            closed = reopened = 0
            status, reason = r.status, r.reason
            if r.complete and r.status == "ok":
                stored_open = ws.open_postings(wh, r.source, r.board)
                if not r.rows and stored_open:
                    status = "flagged"
                    reason = (
                        f"the board listed 0 postings where {stored_open} were open: "
                        "not closing them (board renamed or API change?)"
                    )
                else:
                    seen = r.listed_ids or [row["source_id"] for row in r.rows]
                    closed, reopened = ws.sync_board(wh, r.source, r.board, seen, now)
            totals["closed"] += closed
            totals["reopened"] += reopened
            health.append(
                {
                    "run_id": run_id,
                    "source": r.source,
                    "board": r.board,
                    "status": status,
                    "http_errors": r.http_errors,
                    "requests": r.requests,
                    "postings_seen": len(r.rows),
                    "quarantined": len(r.quarantined),
                    "closed": closed,
                    "reopened": reopened,
                    "reason": reason,
                    "at": now,
                }
            )
    return health, totals


@flow(name="collect", task_runner=ThreadPoolTaskRunner(max_workers=WORKERS))
def collect(db_path: str, sources: list[str] | None = None, boards_file: str | None = None) -> dict:
    """Collect postings from the live sources into the warehouse at `db_path`.

    sources: `--source` specs (`greenhouse:TOKEN`, `lever:SITE`, `ashby:NAME`, `hn`,
    `jsonld:URL`); None: every source of the boards file (default: flows/sources/boards.toml).
    Every database write happens here, in the flow, one after another (one writer).
    """
    run_id = current_run_id()
    started = datetime.now(UTC)
    specs, hn_since = _specs(sources, boards_file)
    record_start(db_path, run_id, "collect")
    settings = HttpSettings.from_env()
    if settings.cache_dir is None:
        settings = HttpSettings.from_env(cache_dir=Path(db_path).parent / "http-cache")
    summary: dict = {"sources": [str(s) for s in specs], **dict.fromkeys(COUNT_KEYS, 0)}
    try:
        with HttpClient(settings) as client:
            say(f"collecting {len(specs)} sources")
            futures = []
            for spec in (s for s in specs if s.kind != "hn"):
                base = api_base(spec.kind) if spec.kind != "jsonld" else spec.name or ""
                task_ = fetch_board.with_options(**_task_options(str(spec), base))
                futures.append((spec, task_.submit(client, spec, base)))
            boards: list[BoardResult] = []
            for spec, future in futures:
                future.wait()
                if future.state.is_failed():
                    reason = f"task failed: {future.state.message}"
                    boards.append(BoardResult(spec.kind, spec.name or "", "failed", reason=reason))
                else:
                    boards.append(future.result())
            rows = [row for b in boards for row in b.rows]
            bad = [q for b in boards for q in b.quarantined]
            _store(db_path, run_id, rows, bad, summary)
            health, closing = _book_boards(db_path, run_id, boards)
            summary.update(closing)
            unreachable = [b.unreachable for b in boards]
            if any(s.kind == "hn" for s in specs):
                tally = _collect_hn(client, db_path, run_id, hn_since, summary)
                health.append(_hn_health(run_id, tally))
                unreachable.append(tally["unreachable"])
                summary["hn_threads_found"] = tally["found"]
                summary["hn_threads_read"] = tally["read"]
            summary["http_requests"] = client.requests_made
        with db.connect(db_path) as wh:
            ws.record_health(wh, health)
        summary["boards_ok"] = sum(h["status"] == "ok" for h in health)
        summary["failed"] = sum(h["status"] == "failed" for h in health)
        summary["flagged"] = sum(h["status"] == "flagged" for h in health)
        summary["boards_not_modified"] = sum(b.not_modified for b in boards)
        summary["offline"] = bool(unreachable) and all(unreachable)
        if summary["offline"]:
            summary["message"] = OFFLINE
        summary["health"] = [
            {k: h[k] for k in ("source", "board", "status", "reason")}
            for h in health
            if h["status"] != "ok"
        ]
        summary.update({"warehouse": warehouse_totals(db_path), "run_id": run_id})
        summary["seconds"] = round((datetime.now(UTC) - started).total_seconds(), 2)
    except BaseException as exc:
        record_finish(db_path, run_id, None, f"{type(exc).__name__}: {exc}")
        raise
    record_finish(db_path, run_id, summary, None)
    return summary
