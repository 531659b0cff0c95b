"""Flow `ingest`: read input files, normalize, load into the warehouse. Orchestration only."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path
from uuid import uuid4

import polars as pl
from prefect import flow, get_run_logger, task
from prefect.cache_policies import NONE
from prefect.runtime import flow_run

from flows.progress import say, track
from flows.sources import files
from transforms import postings as tp
from transforms.records import parsed_frame, quarantine_frame
from warehouse import db


@task(cache_policy=NONE)
def read_inputs(inputs: list[str]) -> tuple[pl.DataFrame, pl.DataFrame, dict]:
    """Every input file parsed: (parsed rows, quarantined records, per-kind file counts)."""
    logger = get_run_logger()
    paths, missing = files.find_inputs(inputs)
    rows: list[dict] = []
    bad: list[dict] = list(missing)
    kinds: dict[str, int] = {}
    for path in track(paths, "reading", total=len(paths)):
        result = files.read_file(path)
        kinds[result.kind] = kinds.get(result.kind, 0) + 1
        rows.extend(result.rows)
        bad.extend(result.quarantined)
        for q in result.quarantined:
            logger.warning("quarantined %s: %s", q["ref"], q["reason"])
    logger.info("read %d files (%s): %d records, %d quarantined", len(paths), kinds, len(rows),
                len(bad))  # fmt: skip
    return parsed_frame(rows), quarantine_frame(bad), {"files": len(paths), "kinds": kinds}


@task(cache_policy=NONE)
def normalize(parsed: pl.DataFrame) -> tuple[pl.DataFrame, pl.DataFrame, pl.DataFrame]:
    """(postings: one row per posting, raw versions, unusable records as quarantine rows)."""
    rows = tp.normalized(parsed.lazy()).collect()
    return (
        tp.latest_versions(rows.lazy()).collect(),
        tp.raw_versions(rows.lazy()).collect(),
        tp.unusable(rows.lazy()).collect(),
    )


@task(cache_policy=NONE)
def load(
    db_path: str,
    postings: pl.DataFrame,
    raw: pl.DataFrame,
    quarantine: pl.DataFrame,
    run_id: str,
) -> db.LoadCounts:
    with db.connect(db_path) as wh:
        return db.load_postings(wh, postings, raw, quarantine, run_id)


def warehouse_totals(db_path: str) -> dict:
    """Postings, PM postings and months covered in the whole warehouse."""
    with db.connect(db_path) as wh:
        row = wh.query(
            "SELECT count(*) AS postings, count(*) FILTER (is_pm) AS pm_postings,"
            " count(DISTINCT posted_month) AS months, min(posted_month) AS first_month,"
            " max(posted_month) AS last_month FROM postings"
        ).row(0, named=True)
    return {k: (v.isoformat() if hasattr(v, "isoformat") else v) for k, v in row.items()}


def store_parsed(
    db_path: str,
    parsed: pl.DataFrame,
    quarantined: pl.DataFrame,
    run_id: str,
) -> dict:
    """Normalize parsed rows and load them with their quarantine: the one write path.

    Returns the load's counts; used by `ingest` here and by every other flow that brings
    postings in (one loader, one writer).
    """
    say(f"normalizing {parsed.height:,} records")
    postings, raw, unusable = normalize(parsed)
    quarantine = pl.concat([quarantined, unusable], how="vertical")
    say(f"loading {postings.height:,} postings into {db_path}")
    counts = load(db_path, postings, raw, quarantine, run_id)
    return {
        "records_read": parsed.height + quarantined.height,
        "postings_received": counts.received,
        "new": counts.new,
        "updated": counts.updated,
        "unchanged": counts.unchanged,
        "quarantined": counts.quarantined,
        "pm_postings_received": int(postings["is_pm"].sum()) if postings.height else 0,
    }


def current_run_id() -> str:
    return str(flow_run.get_id() or uuid4())


def record_start(db_path: str, run_id: str, flow_name: str) -> None:
    with db.connect(db_path) as wh:
        db.start_run(wh, run_id, flow_name)


def record_finish(db_path: str, run_id: str, summary: dict | None, error: str | None) -> None:
    summary = summary or {}
    counts = {
        "n_in": summary.get("records_read"),
        "n_out": (summary.get("new") or 0) + (summary.get("updated") or 0) if summary else None,
        "n_new": summary.get("new"),
        "n_updated": summary.get("updated"),
        "n_quarantined": summary.get("quarantined"),
    }
    detail = json.dumps({**summary, **({"error": error} if error else {})}, default=str)
    with db.connect(db_path) as wh:
        db.finish_run(wh, run_id, "failed" if error else "completed", counts, detail)


@flow(name="ingest")
def ingest(inputs: list[str], db_path: str) -> dict:
    """Load postings from files or folders into the warehouse at `db_path`."""
    run_id = current_run_id()
    started = datetime.now(UTC)
    record_start(db_path, run_id, "ingest")
    try:
        parsed, quarantined, seen = read_inputs(inputs)
        summary = {"inputs": [str(Path(p)) for p in inputs], **seen}
        summary.update(store_parsed(db_path, parsed, quarantined, run_id))
        summary.update({"warehouse": warehouse_totals(db_path), "run_id": run_id})
        summary["seconds"] = round((datetime.now(UTC) - started).total_seconds(), 2)
    except BaseException as exc:
        record_finish(db_path, run_id, None, f"{type(exc).__name__}: {exc}")
        raise
    record_finish(db_path, run_id, summary, None)
    return summary
