"""Flow `build-clusters`: cluster skill surface forms, type the clusters, find emerging skills.

Orchestration only: reads postings, stored mentions and the stored taxonomy
(`warehouse/clusters.py`), calls `transforms.clusters`, replaces `skill_clusters`,
`skill_cluster_members` and `emerging_skills` in one transaction. A full rebuild each time
(clusters are global); the whole run is one atomic change of the warehouse (`db.writing`).
Run it after `extract-skills`: it clusters the mentions that flow stored.
"""

from __future__ import annotations

import json
import time

from prefect import flow, get_run_logger, task
from prefect.cache_policies import NONE

from flows.ingest import current_run_id
from flows.settings import Settings
from transforms.clusters import ClusterModel, ClusterParams, cluster_model, cluster_quality
from warehouse import clusters as wc
from warehouse import db
from warehouse.seeds import load_taxonomy


@task(cache_policy=NONE)
def compute(db_path: str, params: ClusterParams, random_state: int) -> tuple[ClusterModel, tuple]:
    """Read what the model needs and build it."""
    with db.connect(db_path) as wh:
        postings = wc.read_postings(wh)
        mentions = wc.read_mentions(wh)
        stored = wc.read_taxonomy(wh)
    if stored is None:  # no extraction yet: the shipped taxonomy, and no mentions
        taxonomy = load_taxonomy()
        stored = (taxonomy.skills, taxonomy.aliases, taxonomy.version)
    skills, aliases, version = stored
    model = cluster_model(postings, mentions, skills, aliases, version, params, random_state)
    return model, stored


@task(cache_policy=NONE)
def store(db_path: str, model: ClusterModel) -> dict[str, int]:
    with db.connect(db_path) as wh:
        return wc.replace_clusters(
            wh, model.clusters, model.members, model.emerging, model.model_version
        )


@flow(name="build-clusters")
def build_clusters(
    db_path: str,
    random_state: int | None = None,
    with_quality: bool = True,
    synonym_groups: str | None = None,
) -> dict:
    """Rebuild the skill clusters; returns a summary (with the quality figures when asked).

    random_state: seed for SVD, the classifier and the bootstrap (default: PMPULSE_RANDOM_STATE).
    """
    seed = Settings().random_state if random_state is None else int(random_state)
    params = ClusterParams()
    run_id = current_run_id()
    started = time.perf_counter()
    summary: dict = {"run_id": run_id, "random_state": seed}
    with db.writing(db_path):
        with db.connect(db_path) as wh:
            db.start_run(wh, run_id, "clusters")
        try:
            model, (skills, _, _) = compute(db_path, params, seed)
            written = store(db_path, model)
            summary.update(model_version=model.model_version, written=written)
            summary["seconds_build"] = round(time.perf_counter() - started, 2)
            if with_quality:
                groups = wc.load_synonym_groups(synonym_groups)
                summary["quality"] = cluster_quality(model, skills, groups, params, seed)
            summary["emerging"] = model.emerging.to_dicts()
            summary["seconds"] = round(time.perf_counter() - started, 2)
        except BaseException as exc:
            _finish(db_path, run_id, summary, f"{type(exc).__name__}: {exc}")
            raise
        _finish(db_path, run_id, summary, None)
    get_run_logger().info(
        "build-clusters %s: %s", run_id, {k: v for k, v in summary.items() if k != "emerging"}
    )
    return summary


def _finish(db_path: str, run_id: str, summary: dict, error: str | None) -> None:
    written = summary.get("written", {})
    counts = {"n_out": sum(written.values()) if written else None}
    detail = json.dumps({**summary, **({"error": error} if error else {})}, default=str)
    with db.connect(db_path) as wh:
        db.finish_run(wh, run_id, "failed" if error else "completed", counts, detail)
