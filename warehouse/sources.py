"""Live-source bookkeeping in the warehouse: health per board, closing and reopening postings
that leave or return to a board, and the HN crawl state. Takes the `Warehouse` handle."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime

import polars as pl

from warehouse.db import Warehouse

HEALTH_SCHEMA: dict[str, pl.DataType] = {
    "run_id": pl.String(),
    "source": pl.String(),
    "board": pl.String(),
    "status": pl.String(),
    "http_errors": pl.Int32(),
    "requests": pl.Int32(),
    "postings_seen": pl.Int32(),
    "quarantined": pl.Int32(),
    "closed": pl.Int32(),
    "reopened": pl.Int32(),
    "reason": pl.String(),
    "at": pl.Datetime("us", "UTC"),
}


def record_health(wh: Warehouse, rows: list[dict]) -> int:
    """Store source_health rows (HEALTH_SCHEMA keys); a rerun of the same run replaces them."""
    frame = pl.DataFrame(
        [{k: r.get(k) for k in HEALTH_SCHEMA} for r in rows], schema=HEALTH_SCHEMA, orient="row"
    ).with_columns(pl.col("closed", "reopened", "quarantined", "http_errors").fill_null(0))
    key = ["run_id", "source", "board"]
    return wh.insert("source_health", frame, on_conflict="update", key=key)


def open_postings(wh: Warehouse, source: str, board: str) -> int:
    """How many postings of this board are stored and not closed."""
    return int(
        wh.scalar(
            "SELECT count(*) FROM postings WHERE source = ? AND board = ? AND closed_at IS NULL",
            [source, board],
        )
    )


def sync_board(
    wh: Warehouse, source: str, board: str, seen_ids: Iterable[str], at: datetime
) -> tuple[int, int]:
    """After a complete fetch of a board: close stored postings it no longer lists, reopen
    closed ones it lists again. Returns (closed, reopened). Call after the postings load."""
    seen = pl.DataFrame({"source_id": sorted(set(seen_ids))}, schema={"source_id": pl.String()})
    with wh.transaction(), wh.staged(seen, "_seen") as ids:
        closed = int(
            wh.scalar(
                f"SELECT count(*) FROM postings WHERE source = ? AND board = ? "
                f"AND closed_at IS NULL AND source_id NOT IN (SELECT source_id FROM {ids})",
                [source, board],
            )
        )
        reopened = int(
            wh.scalar(
                f"SELECT count(*) FROM postings WHERE source = ? AND board = ? "
                f"AND closed_at IS NOT NULL AND source_id IN (SELECT source_id FROM {ids})",
                [source, board],
            )
        )
        if closed:
            wh.execute(
                f"UPDATE postings SET closed_at = ?, updated_at = ? WHERE source = ? AND board = ? "
                f"AND closed_at IS NULL AND source_id NOT IN (SELECT source_id FROM {ids})",
                [at, at, source, board],
            )
        if reopened:
            wh.execute(
                f"UPDATE postings SET closed_at = NULL, updated_at = ? WHERE source = ? "
                f"AND board = ? AND closed_at IS NOT NULL "
                f"AND source_id IN (SELECT source_id FROM {ids})",
                [at, source, board],
            )
    return closed, reopened


# -- Hacker News crawl state ---------------------------------------------------------------
def hn_threads(wh: Warehouse) -> pl.DataFrame:
    """Known Who is hiring threads: thread_id, month, title, kids_known, backfilled."""
    return wh.query(
        "SELECT thread_id, month, title, author, kids_known, backfilled FROM hn_threads "
        "ORDER BY month"
    )


def hn_seen_items(wh: Warehouse, thread_ids: Iterable[int]) -> dict[int, set[int]]:
    """Top-level comment ids already fetched, by thread."""
    ids = pl.DataFrame({"thread_id": sorted(set(thread_ids))}, schema={"thread_id": pl.Int64()})
    with wh.staged(ids, "_threads") as threads:
        rows = wh.query(
            f"SELECT thread_id, list(item_id) AS items FROM hn_items "
            f"WHERE thread_id IN (SELECT thread_id FROM {threads}) GROUP BY thread_id"
        )
    return {t: set(items) for t, items in rows.iter_rows()}


def save_hn_state(wh: Warehouse, threads: list[dict], items: list[dict], at: datetime) -> None:
    """Upsert thread rows (thread_id, month, title, author, kids_known, backfilled) and the
    comment ids fetched (item_id, thread_id, outcome). One transaction."""
    thread_frame = pl.DataFrame(
        [
            {
                "thread_id": int(t["thread_id"]),
                "month": t["month"],
                "title": t["title"],
                "author": t.get("author"),
                "kids_known": int(t.get("kids_known") or 0),
                "backfilled": bool(t.get("backfilled")),
                "first_checked": at,
                "last_checked": at,
            }
            for t in threads
        ],
        schema={
            "thread_id": pl.Int64(),
            "month": pl.Date(),
            "title": pl.String(),
            "author": pl.String(),
            "kids_known": pl.Int32(),
            "backfilled": pl.Boolean(),
            "first_checked": pl.Datetime("us", "UTC"),
            "last_checked": pl.Datetime("us", "UTC"),
        },
        orient="row",
    )
    item_frame = pl.DataFrame(
        [
            {
                "item_id": int(i["item_id"]),
                "thread_id": int(i["thread_id"]),
                "outcome": i["outcome"],
                "fetched_at": at,
            }
            for i in items
        ],
        schema={
            "item_id": pl.Int64(),
            "thread_id": pl.Int64(),
            "outcome": pl.String(),
            "fetched_at": pl.Datetime("us", "UTC"),
        },
        orient="row",
    ).unique("item_id", keep="last")
    with wh.transaction():
        if not thread_frame.is_empty():
            with wh.staged(thread_frame, "_threads") as src:
                wh.execute(
                    f"INSERT INTO hn_threads BY NAME SELECT * FROM {src} "
                    "ON CONFLICT (thread_id) DO UPDATE SET month = excluded.month, "
                    "title = excluded.title, author = excluded.author, "
                    "kids_known = excluded.kids_known, backfilled = excluded.backfilled, "
                    "last_checked = excluded.last_checked"
                )
        wh.insert("hn_items", item_frame, on_conflict="update", key=["item_id"])
