"""The build-clusters flow end to end: a real HN month ingested, skills extracted, clusters
built twice into a real DuckDB file, and the CLI summary."""

import argparse
import json
import shutil

import pytest

from flows.clusters import build_clusters
from flows.commands import clusters as command
from flows.ingest import ingest
from flows.skills import extract_skills
from warehouse import clusters as wc
from warehouse import db

pytestmark = pytest.mark.usefixtures("prefect_harness")


@pytest.fixture(scope="module")
def warehouse_path(tmp_path_factory, shared_data):
    src = tmp_path_factory.mktemp("in")
    for month in ("2015-03", "2017-03"):
        shutil.copy(shared_data / "hn" / "2013-2018" / f"{month}.json.gz", src)
    shutil.copy(shared_data / "hn" / "2026" / "2026-03-15.json.gz", src)
    path = str(tmp_path_factory.mktemp("w") / "w.duckdb")
    ingest(inputs=[str(src)], db_path=path)
    extract_skills(db_path=path)
    return path


def test_build_clusters_stores_typed_clusters(warehouse_path):
    first = build_clusters(db_path=warehouse_path, random_state=5)
    q = first["quality"]
    with db.connect(warehouse_path, read_only=True) as wh:
        tables = wc.read_clusters(wh)
        clusters, members = tables["skill_clusters"], tables["skill_cluster_members"]
        assert clusters.height == q["clusters"] > 50
        assert members.height == q["members"]
        assert set(clusters["model_version"]) == {first["model_version"]}
        assert clusters["type"].is_in(["hard", "soft", "certification"]).all()
        # every member's cluster exists, every taxonomy member names a stored skill
        orphans = wh.scalar(
            "SELECT count(*) FROM skill_cluster_members m "
            "LEFT JOIN skill_clusters c USING (cluster_id) WHERE c.cluster_id IS NULL"
        )
        unknown = wh.scalar(
            "SELECT count(*) FROM skill_cluster_members m LEFT JOIN skills s USING (skill_id) "
            "WHERE m.skill_id IS NOT NULL AND s.skill_id IS NULL"
        )
        assert (orphans, unknown) == (0, 0)
        assert wh.scalar("SELECT count(*) FROM skill_cluster_members WHERE skill_id IS NULL") > 0
        runs = wh.query("SELECT status FROM runs WHERE flow = 'clusters'")["status"].to_list()
        assert runs == ["completed"]
    assert 0 <= q["ari_seed"] <= 1 and 0 <= q["ari_bootstrap"] <= 1
    assert q["synonyms"]["pairs"] > 0
    assert q["typed_share"]["taxonomy"] > 0.5
    assert 0 < q["noise"]["rate"] < 1

    again = build_clusters(db_path=warehouse_path, random_state=5, with_quality=False)
    assert again["model_version"] == first["model_version"]
    assert again["written"] == first["written"]  # a rebuild replaces, never duplicates
    with db.connect(warehouse_path, read_only=True) as wh:
        assert wh.count("skill_clusters") == q["clusters"]


def test_clusters_command_runs_and_summarizes(warehouse_path):
    args = argparse.Namespace(db=warehouse_path, seed=6, synonyms=None)
    assert command.run(args) == 0
    with db.connect(warehouse_path, read_only=True) as wh:
        detail = wh.query(
            "SELECT detail FROM runs WHERE flow = 'clusters' ORDER BY started DESC LIMIT 1"
        )["detail"][0]
    summary = json.loads(detail)
    assert summary["random_state"] == 6
    text = "\n".join(command.summary_lines(summary))
    for words in ("stability (ARI)", "synonym recall", "typed share", "emerging skills"):
        assert words in text
