"""Flow `marts`: rebuild the mart tables from postings and skill mentions. Orchestration only."""

from __future__ import annotations

from prefect import flow, get_run_logger, task
from prefect.cache_policies import NONE

from warehouse import db, marts


@task(cache_policy=NONE)
def rebuild(db_path: str, min_postings: int | None) -> dict:
    with db.connect(db_path) as wh:
        return marts.rebuild(wh, min_postings=min_postings)


@flow(name="marts")
def build_marts(db_path: str, min_postings: int | None = None) -> dict:
    """Recompute every mart (one transaction); returns rows written per mart and timing.

    min_postings: periods with fewer PM postings are unreliable; None keeps the last build's
    setting (MIN_POSTINGS when the marts were never built)."""
    summary = rebuild(db_path, min_postings)
    get_run_logger().info("marts rebuilt: %s", summary)
    return summary
