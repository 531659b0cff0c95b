"""Real processes for the crash-safety checks (tests/warehouse/test_crash_safety.py and
bench/faults.py): a writer running an ingest that can be killed at any moment, a reader
querying the warehouse in a loop, and the rows a run loads, to compare before and after.

Both children need the Prefect API of the harness they run under (`child_env`).
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from warehouse import db

REPO = Path(__file__).resolve().parents[1]
WRITER = """
import sys
from flows.ingest import ingest
if __name__ == "__main__":
    ingest(inputs=sys.argv[3:], db_path=sys.argv[1], batch_rows=int(sys.argv[2]))
"""
# Until the stop file exists (or the time is up): a new read-only connection per query.
# Prints `<queries ok> <queries failed> <first errors>`.
READER = """
import os, sys, time
import duckdb
ok = failed = 0
errors = []
end = time.monotonic() + float(sys.argv[3])
while time.monotonic() < end and not os.path.exists(sys.argv[2]):
    try:
        con = duckdb.connect(sys.argv[1], read_only=True)
        con.execute("SELECT count(*), count(DISTINCT posting_id) FROM postings").fetchall()
        con.close()
        ok += 1
    except Exception as exc:
        failed += 1
        errors.append(str(exc)[:200])
    time.sleep(0.01)
print(ok, failed, errors[:3])
"""


def child_env(**extra: str) -> dict:
    """This process's environment for a child: its Prefect API, this repository importable."""
    from prefect.settings import PREFECT_API_URL

    env = {**os.environ, "PREFECT_API_URL": PREFECT_API_URL.value() or "", **extra}
    env["PYTHONPATH"] = os.pathsep.join([str(REPO), env.get("PYTHONPATH", "")])
    return env


def writer(db_path: Path, inputs: list[Path], batch_rows: int, **extra: str) -> subprocess.Popen:
    """An ingest of `inputs` into `db_path` in a child process (stderr piped: fault points)."""
    return subprocess.Popen(
        [sys.executable, "-c", WRITER, str(db_path), str(batch_rows), *map(str, inputs)],
        env=child_env(**extra), stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True,
    )  # fmt: skip


def reader(db_path: Path, stop: Path, seconds: float = 60) -> subprocess.Popen:
    """A child querying `db_path` in a loop until `stop` exists (or `seconds` pass)."""
    return subprocess.Popen(
        [sys.executable, "-c", READER, str(db_path), str(stop), str(seconds)],
        stdout=subprocess.PIPE, text=True,
    )  # fmt: skip


def state(path: Path) -> dict:
    """What a run loads (postings, raw versions, quarantine) and duplicated postings."""
    with db.connect(path, read_only=True) as wh:
        return {
            "postings": wh.query("SELECT posting_id, content_hash FROM postings ORDER BY 1").rows(),
            "raw": wh.query(
                "SELECT source_id, content_hash FROM raw_postings ORDER BY 1, 2"
            ).rows(),
            "quarantine": wh.query("SELECT ref, reason FROM quarantine ORDER BY 1, 2").rows(),
            "duplicates": wh.scalar("SELECT count(*) - count(DISTINCT posting_id) FROM postings"),
        }
