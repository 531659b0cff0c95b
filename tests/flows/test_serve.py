"""Scheduled deployments: registered under Prefect's harness with the expected schedules, and
a deployment run executed end to end by a real runner (a flow-run subprocess)."""

import asyncio
import json

import pytest
from prefect.client.orchestration import get_client
from prefect.deployments import run_deployment
from prefect.runner import Runner

from flows import serve
from flows.cli import main
from warehouse import db

pytestmark = pytest.mark.usefixtures("prefect_harness")


@pytest.fixture
def config(tmp_path, monkeypatch):
    path = tmp_path / "pmpulse.toml"
    path.write_text('[schedules]\nhn-backfill-check = "0 8 3 * *"\n')
    monkeypatch.setenv("PMPULSE_CONFIG", str(path))
    monkeypatch.setenv("PMPULSE_SCHEDULE_INGEST_INBOX", "*/30 * * * *")
    return path


def test_schedules_come_from_defaults_config_and_env(config, monkeypatch):
    assert serve.schedules() == {
        "daily-collection": "0 6 * * *",  # default
        "hn-backfill-check": "0 8 3 * *",  # config file
        "ingest-inbox": "*/30 * * * *",  # environment
    }
    monkeypatch.setenv("PMPULSE_SCHEDULE_DAILY_COLLECTION", "off")
    assert serve.schedules()["daily-collection"] is None


def test_deployments_register_with_their_schedules(tmp_path, config):
    ids = {d.name: d.apply() for d in serve.deployments(str(tmp_path / "w.duckdb"))}
    with get_client(sync_client=True) as client:
        crons = {
            name: [s.schedule.cron for s in client.read_deployment(i).schedules]
            for name, i in ids.items()
        }
    assert crons == {
        "daily-collection": ["0 6 * * *"],
        "hn-backfill-check": ["0 8 3 * *"],
        "ingest-inbox": ["*/30 * * * *"],
    }


def test_serve_lists_its_deployments(tmp_path, config, capsys):
    assert main(["serve", "--list", "--db", str(tmp_path / "w.duckdb")]) == 0
    out = capsys.readouterr().out
    assert "daily-collection/daily-collection" in out and "0 8 3 * *" in out
    assert "ingest/ingest-inbox" in out


def test_a_deployment_run_executes_end_to_end(tmp_path, monkeypatch):
    monkeypatch.setenv("PMPULSE_SCHEDULE_INGEST_INBOX", "off")
    inbox = tmp_path / "inbox"
    inbox.mkdir()
    rows = [{"source_id": str(i), "title": "Product Manager", "description": f"Post {i}",
             "posted_month": "2024-05"} for i in range(3)]  # fmt: skip
    (inbox / "postings.jsonl").write_text("".join(json.dumps(r) + "\n" for r in rows))
    path = tmp_path / "w.duckdb"
    (deployment,) = [
        d for d in serve.deployments(str(path), str(inbox)) if d.name == "ingest-inbox"
    ]
    runner = Runner(query_seconds=1)
    runner.add_deployment(deployment)
    flow_run = run_deployment("ingest/ingest-inbox", timeout=0)
    asyncio.run(runner.start(run_once=True))  # executes the due run in a subprocess, then stops
    with get_client(sync_client=True) as client:
        state = client.read_flow_run(flow_run.id).state
    assert state.is_completed(), state
    with db.connect(path, read_only=True) as wh:
        assert wh.count("postings") == 3
        assert wh.query("SELECT flow, status FROM runs").rows() == [("ingest", "completed")]
