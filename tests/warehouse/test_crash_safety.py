"""Crash safety with real processes: a run killed with SIGKILL at named points leaves the
warehouse as before the run (or, once swapped in, fully updated), readers querying in a loop
during a run never fail, and two runs never write at once."""

import json
import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from crash_runs import reader, state, writer

from flows.ingest import ingest
from warehouse import db

pytestmark = pytest.mark.usefixtures("prefect_harness")
BATCH_ROWS = 10  # postings per batch: a 40-posting run commits in several batches


def postings_file(path: Path, ids: range, edited: range = range(0)) -> Path:
    rows = [
        {
            "source_id": str(i),
            "title": "Senior Product Manager" if i % 3 else "Backend Engineer",
            "company": f"Company {i}",
            "description": f"<p>Posting {i}{' (edited)' * (i in edited)}.</p><ul><li>SQL</li></ul>",
            "posted_month": f"2024-{1 + i % 12:02d}",
        }
        for i in ids
    ]
    path.write_text("".join(json.dumps(r) + "\n" for r in rows))
    return path


def kill_at(point: str, db_path: Path, inputs: list[Path]) -> str:
    """Run an ingest in a child process and SIGKILL it at the named fault point."""
    # (as a context manager the child's pipes are closed and it is waited for)
    with writer(
        db_path, inputs, BATCH_ROWS, PMPULSE_FAULT_AT=point, PMPULSE_FAULT_SLEEP="60"
    ) as child:
        try:
            for line in child.stderr:
                if line.startswith(f"FAULT-POINT {point}"):
                    os.kill(child.pid, signal.SIGKILL)
                    break
            child.wait(timeout=60)
        finally:
            child.kill()
    assert child.returncode == -signal.SIGKILL, f"never reached {point}"
    return point


@pytest.fixture
def before_after(tmp_path):
    """A warehouse with 30 postings, the run's input (40 postings, 5 edited, 20 new), and
    the state a clean run of that input leads to."""
    base = tmp_path / "w.duckdb"
    ingest(inputs=[str(postings_file(tmp_path / "a.jsonl", range(1, 31)))], db_path=str(base))
    run_input = [postings_file(tmp_path / "b.jsonl", range(21, 61), edited=range(21, 26))]
    expected = tmp_path / "expected.duckdb"
    shutil.copy(base, expected)
    ingest(inputs=[str(p) for p in run_input], db_path=str(expected), batch_rows=BATCH_ROWS)
    return base, run_input, state(base), state(expected)


@pytest.mark.parametrize(
    ("point", "outcome"),
    [("session-started", "before"), ("batch-loaded", "before"), ("before-swap", "before"),
     ("after-swap", "after")],
)  # fmt: skip
def test_a_killed_run_leaves_the_warehouse_before_or_after_never_half(before_after, point, outcome):
    base, run_input, before, after = before_after
    assert before != after
    kill_at(point, base, run_input)
    assert state(base) == {"before": before, "after": after}[outcome]

    ingest(inputs=[str(p) for p in run_input], db_path=str(base), batch_rows=BATCH_ROWS)  # rerun
    assert state(base) == after
    assert not base.with_name(base.name + ".next").exists()
    with db.connect(base, read_only=True) as wh:
        statuses = wh.query("SELECT status, detail FROM runs ORDER BY started").rows()
    killed_run = {"session-started": [], "batch-loaded": ["failed"], "before-swap": ["failed"],
                  "after-swap": ["completed"]}[point]  # fmt: skip
    assert [s for s, _ in statuses] == ["completed", *killed_run, "completed"]
    if killed_run == ["failed"]:  # recorded by the next run, which found it stopped
        assert "stopped before it finished" in statuses[1][1]


def test_readers_in_a_loop_never_fail_during_runs(before_after):
    base, run_input, _, after = before_after
    stop = base.with_name("stop")
    querying = reader(base, stop)
    time.sleep(0.5)
    run = writer(base, run_input, BATCH_ROWS)
    try:
        _, err = run.communicate(timeout=120)
    finally:
        run.kill()
    assert run.returncode == 0, err[-2000:]
    stop.touch()
    out, _ = querying.communicate(timeout=60)
    ok, failed = (int(x) for x in out.split()[:2])
    assert (ok > 20, failed) == (True, 0), out
    assert state(base) == after


def test_a_failed_run_changes_nothing_but_its_runs_row(tmp_path):
    path = tmp_path / "w.duckdb"
    ingest(inputs=[str(postings_file(tmp_path / "a.jsonl", range(1, 6)))], db_path=str(path))
    before = state(path)
    with pytest.raises(RuntimeError, match="boom"), db.writing(path):
        with db.connect(path) as wh:
            db.start_run(wh, "r-failed", "test")
            wh.execute("DELETE FROM postings")
        raise RuntimeError("boom")
    assert state(path) == before
    with db.connect(path, read_only=True) as wh:
        row = wh.query("SELECT status, detail FROM runs WHERE run_id = 'r-failed'").row(0)
    assert row[0] == "failed" and "boom" in row[1]


def test_writes_in_a_session_are_invisible_until_it_ends(tmp_path):
    path = tmp_path / "w.duckdb"
    db.connect(path).close()
    with db.writing(path) as work:
        assert work != path
        with db.writing(path), db.connect(path) as wh:  # nested: the same work file
            wh.execute("INSERT INTO runs (run_id, flow, started, status) "
                       "VALUES ('r1', 'test', now(), 'running')")  # fmt: skip
        with db.connect(path) as wh:  # this process sees its own writes
            assert wh.count("runs") == 1
        reader = subprocess.run(
            [sys.executable, "-c", "import duckdb,sys; print(duckdb.connect(sys.argv[1], "
             "read_only=True).execute('SELECT count(*) FROM runs').fetchall()[0][0])", str(path)],
            capture_output=True, text=True, check=True,
        )  # fmt: skip
        assert reader.stdout.strip() == "0"  # other processes: not yet, and not blocked
    with db.connect(path, read_only=True) as wh:
        assert wh.count("runs") == 1
