"""Flow `run`: every stage, in order, as one atomic change of the warehouse."""

from __future__ import annotations

from prefect import flow

from flows.clusters import build_clusters
from flows.collect import collect
from flows.ingest import ingest
from flows.marts import build_marts
from flows.report import report
from flows.settings import Settings
from flows.skills import extract_skills
from warehouse import db, marts


@flow(name="run")
def run(
    db_path: str,
    inputs: list[str] | None = None,
    sources: list[str] | None = None,
    boards_file: str | None = None,
) -> dict:
    """Bring postings in (files when given, else the live sources), then every later stage.

    All stages write into one work copy of the warehouse that replaces it only when every
    stage has succeeded (`db.writing`): readers never see a half-finished run.
    Returns {stage: summary}.
    """
    summary: dict = {}
    with db.writing(db_path):
        if inputs:
            summary["ingest"] = ingest(inputs=inputs, db_path=db_path)
        else:
            summary["collect"] = collect(db_path=db_path, sources=sources, boards_file=boards_file)
        summary["extract"] = extract_skills(db_path=db_path)
        summary["clusters"] = build_clusters(db_path=db_path, with_quality=False)
        with db.connect(db_path, read_only=True) as wh:
            min_postings = marts.stored_min_postings(wh)  # a user's --min-postings stays
        summary["marts"] = build_marts(db_path=db_path, min_postings=min_postings)
    # The report's kernel opens the live file read-only: it runs after the swap.
    summary["report"] = report(db_path=db_path, out_dir=str(Settings().reports), rebuild=False)
    return summary
