"""Flow `ingest`: read input files, normalize, load into the warehouse. Orchestration only."""

from __future__ import annotations

import json
import logging
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from uuid import uuid4

import polars as pl
from prefect import flow, get_run_logger, task
from prefect.cache_policies import NONE
from prefect.runtime import flow_run

from flows import logs, scale
from flows.progress import say, track
from flows.sources import files
from transforms import postings as tp
from transforms.records import parsed_frame, quarantine_frame
from warehouse import db

logs.install()  # secrets never reach the logs (Prefect's included)
BATCH_ROWS = 25_000  # records normalized and loaded together: bounds memory at any scale


def read_batches(
    inputs: list[str], batch_rows: int = BATCH_ROWS
) -> Iterator[tuple[pl.DataFrame, pl.DataFrame, dict]]:
    """Parsed rows of every input file, in batches of about `batch_rows` records.

    Yields (parsed rows, quarantined records, {"files": n, "kinds": {kind: n}}); the counts
    are cumulative. Missing paths come out as quarantine rows in the first batch.
    """
    logger = logging.getLogger("pmpulse.ingest")
    paths, missing = files.find_inputs(inputs)
    rows: list[dict] = []
    bad: list[dict] = list(missing)
    seen: dict = {"files": 0, "kinds": {}}
    for path in track(paths, "reading", total=len(paths)):
        result = files.read_file(path)
        seen["files"] += 1
        seen["kinds"][result.kind] = seen["kinds"].get(result.kind, 0) + 1
        rows.extend(result.rows)
        bad.extend(result.quarantined)
        for q in result.quarantined[:20]:
            logger.warning("quarantined %s: %s", q["ref"], q["reason"])
        if len(result.quarantined) > 20:
            logger.warning("... and %d more from %s", len(result.quarantined) - 20, path)
        if len(rows) >= batch_rows:
            yield parsed_frame(rows), quarantine_frame(bad), seen
            rows, bad = [], []
    if rows or bad or not paths:
        yield parsed_frame(rows), quarantine_frame(bad), seen


# Partitions of the normalize stage: source and month (posted_month, else posted_at's month).
PARTITION_KEYS = [
    pl.col("source"),
    pl.coalesce(pl.col("posted_month"), pl.col("posted_at").dt.date().dt.truncate("1mo")),
]


@task(cache_policy=NONE)
def normalize_partition(parsed: pl.DataFrame) -> pl.DataFrame:
    """Normalized rows (one per version) of one partition. Pure work: runs on any worker."""
    return tp.normalized(parsed.lazy()).collect()


def normalize(parsed: pl.DataFrame) -> tuple[pl.DataFrame, pl.DataFrame, pl.DataFrame]:
    """(postings: one row per posting, raw versions, unusable records as quarantine rows).

    With a Dask runner open (`flows.scale.partition_runner`), partitions by source and month
    are normalized on its workers; the per-posting steps then run here on all of them, in a
    canonical order, so the result equals the single-process one.
    """
    runner = scale.current_runner()
    # Few, large chunks of whole partitions: a Prefect task run costs about a second.
    min_rows = max(scale.MIN_PARTITION_ROWS, parsed.height // 4)
    parts = scale.partitions(parsed, PARTITION_KEYS, min_rows) if runner is not None else [parsed]
    if len(parts) == 1:
        rows = normalize_partition(parsed)
    else:
        say(f"normalizing {len(parts)} partitions on Dask")
        futures = [runner.submit(normalize_partition, {"parsed": part}) for part in parts]
        rows = pl.concat([f.result() for f in futures], how="vertical")
    return split_versions(rows)


def split_versions(rows: pl.DataFrame) -> tuple[pl.DataFrame, pl.DataFrame, pl.DataFrame]:
    """Normalized rows -> (postings, raw versions, unusable records), in a canonical order.

    Pure work (no Prefect): `bench/pipeline.py` runs it with `normalize_partition.fn` in
    worker processes, batch by batch.
    """
    rows = rows.sort("posting_id", "fetched_at", "content_hash", "payload", nulls_last=True)
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
    if parsed.is_empty():
        counts = load(db_path, tp.empty_postings(), tp.empty_raw(), quarantined, run_id)
        return {"records_read": quarantined.height, "quarantined": counts.quarantined}
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


COUNT_KEYS = ("records_read", "postings_received", "new", "updated", "unchanged", "quarantined",
              "pm_postings_received")  # fmt: skip


def add_counts(total: dict, batch: dict) -> None:
    """Add one batch's load counts into a running summary."""
    for key in COUNT_KEYS:
        total[key] = total.get(key, 0) + batch.get(key, 0)


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
def ingest(
    inputs: list[str],
    db_path: str,
    batch_rows: int = BATCH_ROWS,
    workers: int | None = None,
    dask_address: str | None = None,
) -> dict:
    """Load postings from files or folders into the warehouse at `db_path`.

    The whole run is one atomic change of the warehouse (`db.writing`): readers see it
    before or after, a killed run leaves nothing, a failed one only its `runs` row.
    workers / dask_address: normalize on a local Dask cluster of N workers or on an existing
    scheduler (default: `flows.scale.placement()`, i.e. CLI flags, env or config).
    """
    run_id = current_run_id()
    started = datetime.now(UTC)
    where = (
        scale.Placement(dask_address, workers or 0)
        if workers or dask_address
        else scale.placement()
    )
    with db.writing(db_path), scale.partition_runner(where):
        record_start(db_path, run_id, "ingest")
        summary: dict = {"inputs": [str(Path(p)) for p in inputs]}
        try:
            for parsed, quarantined, seen in read_batches(inputs, batch_rows):
                summary.update(seen)
                add_counts(summary, store_parsed(db_path, parsed, quarantined, run_id))
                db.fault_point("batch-loaded")
            summary.update({"warehouse": warehouse_totals(db_path), "run_id": run_id})
            summary["seconds"] = round((datetime.now(UTC) - started).total_seconds(), 2)
        except BaseException as exc:
            record_finish(db_path, run_id, summary, f"{type(exc).__name__}: {exc}")
            raise
        record_finish(db_path, run_id, summary, None)
    get_run_logger().info("ingest %s: %s", run_id, {k: summary.get(k) for k in COUNT_KEYS})
    return summary
