"""Skills in the warehouse: the taxonomy, the mentions, and what was extracted when.

Tables are declared in `warehouse/sql/10_skills.sql`. These functions take the `Warehouse`
handle of `warehouse.db` (they never import duckdb) and move polars frames in and out.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime

import polars as pl

from warehouse.db import Warehouse

MENTION_COLUMNS = (
    "posting_id",
    "skill_id",
    "start",
    "end",
    "matched_text",
    "type",
    "category",
    "taxonomy_version",
)


def stored_taxonomy_version(wh: Warehouse) -> str | None:
    """The taxonomy version of the stored skills (None before the first extraction)."""
    return wh.scalar("SELECT max(taxonomy_version) FROM skills")


def write_taxonomy(wh: Warehouse, skills: pl.DataFrame) -> int:
    """Replace the `skills` table with `skills` (rows of one taxonomy version, as made by
    `transforms.skills.taxonomy_frame`)."""
    with wh.transaction():
        wh.execute("DELETE FROM skills")
        return wh.insert("skills", skills)


def clear_mentions(wh: Warehouse) -> None:
    """Forget every mention and extraction record (before a rebuild with a new taxonomy)."""
    with wh.transaction():
        wh.execute("DELETE FROM skill_mentions")
        wh.execute("DELETE FROM skill_extractions")


def postings_to_extract(wh: Warehouse, taxonomy_version: str) -> pl.DataFrame:
    """posting_id, content_hash of postings never read, changed since, or read with another
    taxonomy version; in posting_id order."""
    return wh.query(
        "SELECT p.posting_id, p.content_hash FROM postings p "
        "LEFT JOIN skill_extractions e USING (posting_id) "
        "WHERE e.posting_id IS NULL OR e.content_hash <> p.content_hash "
        "OR e.taxonomy_version <> ? ORDER BY p.posting_id",
        [taxonomy_version],
    )


def read_posting_texts(wh: Warehouse, posting_ids: Sequence[str]) -> pl.DataFrame:
    """posting_id, description_text, content_hash of the given postings."""
    ids = pl.DataFrame({"posting_id": list(posting_ids)}, schema={"posting_id": pl.String})
    if ids.is_empty():
        return wh.query(
            "SELECT posting_id, description_text, content_hash FROM postings WHERE false"
        )
    low, high = ids["posting_id"].min(), ids["posting_id"].max()
    with wh.staged(ids, "_ids") as staged:
        # the id range lets DuckDB skip row groups: a batch no longer scans every text
        return wh.query(
            "SELECT p.posting_id, p.description_text, p.content_hash FROM postings p "
            f"JOIN {staged} USING (posting_id) WHERE p.posting_id BETWEEN ? AND ? "
            "ORDER BY p.posting_id",
            [low, high],
        )


def replace_mentions(
    wh: Warehouse, postings: pl.DataFrame, mentions: pl.DataFrame, taxonomy_version: str
) -> int:
    """Store the mentions of these postings, replacing what they had: one transaction.

    postings: posting_id, content_hash (every posting that was read, with or without
    mentions); mentions: MENTION_COLUMNS. Returns the number of mention rows written.
    """
    counts = mentions.group_by("posting_id").len("mentions")
    extracted = (
        postings.select("posting_id", "content_hash")
        .join(counts, on="posting_id", how="left")
        .with_columns(
            mentions=pl.col("mentions").fill_null(0).cast(pl.Int32),
            taxonomy_version=pl.lit(taxonomy_version),
            extracted_at=pl.lit(datetime.now(UTC), dtype=pl.Datetime("us", "UTC")),
        )
    )
    ids = postings["posting_id"].to_list()
    with wh.transaction():
        written = wh.replace_where(
            "skill_mentions", mentions.select(MENTION_COLUMNS), "posting_id", ids
        )
        wh.insert("skill_extractions", extracted, on_conflict="update", key=["posting_id"])
    return written


def drop_orphans(wh: Warehouse) -> int:
    """Remove mentions and extraction records of postings no longer in `postings`."""
    with wh.transaction():
        gone = int(
            wh.scalar(
                "SELECT count(*) FROM skill_extractions "
                "WHERE posting_id NOT IN (SELECT posting_id FROM postings)"
            )
        )
        if gone:
            for table in ("skill_mentions", "skill_extractions"):
                wh.execute(
                    f"DELETE FROM {table} WHERE posting_id NOT IN (SELECT posting_id FROM postings)"
                )
    return gone


def read_mentions(wh: Warehouse, posting_ids: Sequence[str] | None = None) -> pl.DataFrame:
    """Stored mentions (all, or of the given postings), ordered by posting and offset."""
    if posting_ids is None:
        return wh.query('SELECT * FROM skill_mentions ORDER BY posting_id, start, "end"')
    ids = pl.DataFrame({"posting_id": list(posting_ids)}, schema={"posting_id": pl.String})
    with wh.staged(ids, "_ids") as staged:
        return wh.query(
            f"SELECT m.* FROM skill_mentions m JOIN {staged} USING (posting_id) "
            'ORDER BY m.posting_id, m.start, m."end"'
        )
