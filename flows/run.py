"""Flow `run`: every stage that exists, in order. Orchestration only."""

from __future__ import annotations

from prefect import flow

from flows.ingest import ingest


class NoInput(RuntimeError):
    """`pmpulse run` was given no input and no live source could be used."""


@flow(name="run")
def run(db_path: str, inputs: list[str] | None = None) -> dict:
    """Bring postings in (files when given, else the live sources), then every later stage."""
    summary: dict = {}
    if inputs:
        summary["ingest"] = ingest(inputs=inputs, db_path=db_path)
    else:
        try:
            from flows.collect import collect
        except ImportError as exc:
            raise NoInput(
                "live sources are not available in this version: pass files with --input, "
                "e.g. `pmpulse run --input ../shared/data/hn`"
            ) from exc
        summary["collect"] = collect(db_path=db_path)
    return summary
