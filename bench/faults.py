"""Fault script: kill -9 real runs at random moments, read while runs write, fuzz the parsers.
Prints the figures.

    .venv/bin/python bench/faults.py [--kills 10] [--months 12] [--fuzz-examples 100]

1. A warehouse is built from the first HN months; a run then ingests more months (overlapping
   and new) in batches, in a child process, and is killed with SIGKILL at a random moment of
   its run time (and once at each named fault point). After every kill the warehouse must
   open, hold no duplicate posting, and equal exactly the state before the run or the state
   a clean run leads to: rows lost 0, duplicated 0, half-states 0. A rerun then completes.
2. A reader process queries the warehouse in a loop (new read-only connection each time)
   while a run writes: failed queries must be 0.
3. The property-based bad-input tests (tests/test_fuzz.py) run with --fuzz-examples
   examples each: crashes must be 0.
"""

from __future__ import annotations

import argparse
import os
import random
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(REPO), str(REPO / "tests")]

from crash_runs import reader, state, writer  # noqa: E402

POINTS = ["session-started", "batch-loaded", "before-swap", "after-swap"]
BATCH_ROWS = 1500


def judge(path: Path, before: dict, after: dict) -> tuple[str, int, int]:
    """('before' | 'after' | 'HALF' | 'UNREADABLE', rows lost, rows duplicated)."""
    try:
        now = state(path)
    except Exception as exc:
        print(f"    warehouse does not open: {exc}")
        return "UNREADABLE", -1, -1
    ids = {p for p, _ in now["postings"]}
    lost = len({p for p, _ in before["postings"]} - ids)
    outcome = "before" if now == before else "after" if now == after else "HALF"
    return outcome, lost, now["duplicates"]


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--hn", default=str(REPO.parent / "shared" / "data" / "hn" / "2013-2018"))
    ap.add_argument("--kills", type=int, default=10, help="random-moment kills")
    ap.add_argument("--months", type=int, default=12, help="HN months in the run's input")
    ap.add_argument("--fuzz-examples", type=int, default=100)
    ap.add_argument("--seed", type=int, default=42)
    args = ap.parse_args()
    rng = random.Random(args.seed)
    months = sorted(Path(args.hn).glob("*.json*"))[: args.months]
    base_in, run_in = months[: len(months) // 2], months[len(months) // 4 :]

    from prefect.testing.utilities import prefect_test_harness

    with tempfile.TemporaryDirectory() as tmp, prefect_test_harness(server_startup_timeout=120):
        tmpd = Path(tmp)
        base, expected, work = tmpd / "base.duckdb", tmpd / "expected.duckdb", tmpd / "w.duckdb"
        assert writer(base, base_in, BATCH_ROWS).wait() == 0
        shutil.copy(base, expected)
        t0 = time.perf_counter()
        assert writer(expected, run_in, BATCH_ROWS).wait() == 0
        run_seconds = time.perf_counter() - t0
        before, after = state(base), state(expected)
        print(f"warehouse before the run: {len(before['postings']):,} postings; "
              f"a clean run ({len(run_in)} HN months) -> {len(after['postings']):,} postings "
              f"in {run_seconds:.1f} s")  # fmt: skip

        outcomes: dict[str, int] = {}
        lost_total = dup_total = 0
        trials = [("random", None)] * args.kills + [("point", p) for p in POINTS]
        for kind, point in trials:
            shutil.copy(base, work)
            if kind == "point":
                proc = writer(
                    work, run_in, BATCH_ROWS, PMPULSE_FAULT_AT=point, PMPULSE_FAULT_SLEEP="60"
                )
                for line in proc.stderr:
                    if line.startswith(f"FAULT-POINT {point}"):
                        break
                label = f"at {point}"
            else:
                delay = rng.uniform(0.2, run_seconds)
                proc = writer(work, run_in, BATCH_ROWS)
                time.sleep(delay)
                label = f"after {delay:4.1f} s"
            os.kill(proc.pid, signal.SIGKILL)
            proc.wait()
            outcome, lost, dup = judge(work, before, after)
            outcomes[outcome] = outcomes.get(outcome, 0) + 1
            lost_total += max(lost, 0)
            dup_total += max(dup, 0)
            print(f"  kill -9 {label:<22} -> {outcome:<6} lost {lost}, duplicated {dup}")
        rerun = writer(work, run_in, BATCH_ROWS).wait() == 0 and state(work) == after

        stop = tmpd / "stop"
        shutil.copy(base, work)
        querying = reader(work, stop, seconds=3600)
        time.sleep(0.5)
        writes_ok = writer(work, run_in, BATCH_ROWS).wait() == 0
        stop.touch()
        ok, failed, errors = querying.communicate(timeout=60)[0].split(maxsplit=2)
        ok, failed = int(ok), int(failed)
        if failed:
            print(f"reader errors: {errors.strip()}")

    fuzz = subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "tests/test_fuzz.py",
         "--hypothesis-show-statistics", "--hypothesis-seed", str(args.seed)],
        cwd=REPO, env={**os.environ, "PMPULSE_FUZZ_EXAMPLES": str(args.fuzz_examples)},
        capture_output=True, text=True,
    )  # fmt: skip
    passing = sum(int(n) for n in re.findall(r"(\d+) passing(?: examples)?,", fuzz.stdout))
    failing = sum(int(n) for n in re.findall(r"(\d+) failing(?: examples)?,", fuzz.stdout))
    ends = [line for line in fuzz.stdout.splitlines() if re.search(r"\d+ (passed|failed)", line)]
    summary = ends[-1].strip("= ") if ends else fuzz.stderr[-300:]

    n = len(trials)
    bad = outcomes.get("HALF", 0) + outcomes.get("UNREADABLE", 0)
    print()
    opens = n - outcomes.get("UNREADABLE", 0)
    print(f"{n} kill -9 ({args.kills} at random moments + {len(POINTS)} at named points): "
          f"rows lost {lost_total}, duplicated {dup_total}, warehouse opens {opens}/{n}, "
          f"before-run state {outcomes.get('before', 0)}, fully updated "
          f"{outcomes.get('after', 0)}, half-written {outcomes.get('HALF', 0)}; "
          f"rerun after the kills completes: {rerun}")  # fmt: skip
    print(f"reader querying in a loop during a run: {ok:,} queries, {failed} failed "
          f"(run succeeded: {writes_ok})")  # fmt: skip
    print(f"{passing + failing:,} hypothesis inputs: {failing} crashes ({summary})")
    clean = not (bad or lost_total or dup_total or failed or failing or fuzz.returncode)
    sys.exit(0 if clean and rerun else 1)


if __name__ == "__main__":
    main()
