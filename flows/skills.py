"""Flow `extract-skills`: find the skills stored postings demand. Orchestration only.

Incremental: a posting is read again only when it is new, its content_hash changed, or the
taxonomy version changed (then every posting is re-read, and the `skills` table replaced).
Logic lives in `transforms/skills.py`, SQL in `warehouse/skills.py`.
"""

from __future__ import annotations

import json
from datetime import UTC, datetime

import polars as pl
from prefect import flow, get_run_logger, task
from prefect.cache_policies import NONE

from flows.ingest import current_run_id
from transforms.skills import Taxonomy, skill_mentions, taxonomy_frame
from warehouse import db
from warehouse import skills as ws
from warehouse.seeds import load_taxonomy

BATCH = 20_000


@task(cache_policy=NONE)
def prepare(db_path: str, taxonomy: Taxonomy) -> tuple[list[str], bool]:
    """Posting ids to (re)read; replaces the taxonomy (and forgets old mentions) if it changed."""
    with db.connect(db_path) as wh:
        rebuild = ws.stored_taxonomy_version(wh) != taxonomy.version
        if rebuild:
            with wh.transaction():
                ws.clear_mentions(wh)
                ws.write_taxonomy(wh, taxonomy_frame(taxonomy))
        ws.drop_orphans(wh)
        todo = ws.postings_to_extract(wh, taxonomy.version)
    return todo["posting_id"].to_list(), rebuild


@task(cache_policy=NONE)
def extract_batch(db_path: str, posting_ids: list[str], taxonomy: Taxonomy) -> int:
    """Read one batch of postings, find their mentions, store them."""
    with db.connect(db_path) as wh:
        postings = ws.read_posting_texts(wh, posting_ids)
        mentions = skill_mentions(postings, taxonomy, with_version=True)
        return ws.replace_mentions(wh, postings, mentions, taxonomy.version)


@flow(name="extract-skills")
def extract_skills(
    db_path: str, taxonomy_dir: str | None = None, extra_aliases: list[str] | None = None
) -> dict:
    """Extract skill mentions for new or changed postings (all of them on a new taxonomy)."""
    taxonomy = load_taxonomy(taxonomy_dir, extra_aliases=extra_aliases or ())
    run_id = current_run_id()
    started = datetime.now(UTC)
    summary: dict = {"taxonomy_version": taxonomy.version, "run_id": run_id}
    with db.writing(db_path):
        with db.connect(db_path) as wh:
            db.start_run(wh, run_id, "extract")
        try:
            ids, rebuilt = prepare(db_path, taxonomy)
            mentions = 0
            for i in range(0, len(ids), BATCH):
                mentions += extract_batch(db_path, ids[i : i + BATCH], taxonomy)
            summary.update(postings_read=len(ids), mentions_written=mentions, rebuilt=rebuilt)
            summary["seconds"] = round((datetime.now(UTC) - started).total_seconds(), 2)
        except BaseException as exc:
            _finish(db_path, run_id, summary, f"{type(exc).__name__}: {exc}")
            raise
        _finish(db_path, run_id, summary, None)
    get_run_logger().info("extract-skills %s: %s", run_id, summary)
    return summary


def _finish(db_path: str, run_id: str, summary: dict, error: str | None) -> None:
    counts = {"n_in": summary.get("postings_read"), "n_out": summary.get("mentions_written")}
    detail = json.dumps({**summary, **({"error": error} if error else {})}, default=str)
    with db.connect(db_path) as wh:
        db.finish_run(wh, run_id, "failed" if error else "completed", counts, detail)


def stored_categories(db_path: str) -> pl.DataFrame:
    """posting_id, categories: the headline categories stored postings demand."""
    with db.connect(db_path, read_only=True) as wh:
        return wh.query("SELECT * FROM posting_skill_categories ORDER BY posting_id")
