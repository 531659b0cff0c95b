"""Ingest of the HN archive on one process vs a local Dask cluster of 2 workers: time and
equality of the two warehouses, printed.

    .venv/bin/python bench/dask_speedup.py [--input ../shared/data/hn] [--workers 2]

Runs the real `ingest` flow twice into fresh warehouses (Prefect's embedded server starts
on first use): once in process, once with the normalize stage on a LocalCluster (cluster
start-up included). Then compares postings, raw_postings and quarantine row by row.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from flows.ingest import ingest  # noqa: E402
from warehouse import db  # noqa: E402

QUERIES = {
    "postings": "SELECT * EXCLUDE (updated_at, first_seen, last_seen) FROM postings ORDER BY 1",
    "raw_postings": "SELECT * EXCLUDE (run_id) FROM raw_postings ORDER BY 1, 2, 3",
    "quarantine": "SELECT source, ref, reason FROM quarantine ORDER BY 1, 2, 3",
}


def contents(path: Path) -> dict:
    with db.connect(path, read_only=True) as wh:
        return {name: wh.query(sql) for name, sql in QUERIES.items()}


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--input", default=str(REPO.parent / "shared" / "data" / "hn"))
    ap.add_argument("--workers", type=int, default=2)
    args = ap.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        times = {}
        for label, workers in (
            ("one process", None),
            (f"{args.workers} Dask workers", args.workers),
        ):
            path = Path(tmp) / f"{workers or 0}.duckdb"
            t0 = time.perf_counter()
            summary = ingest(inputs=[args.input], db_path=str(path), workers=workers)
            times[label] = time.perf_counter() - t0
            print(f"{label:>16}: {times[label]:7.2f} s  ({summary['new']:,} postings)", flush=True)
        one, many = (contents(Path(tmp) / f"{w}.duckdb") for w in (0, args.workers))
        equal = {name: one[name].equals(many[name]) for name in QUERIES}
    single, dask = times.values()
    print(f"speedup with {args.workers} workers: {single / dask:.2f}x")
    print("results equal: " + ", ".join(f"{k} {'yes' if v else 'NO'}" for k, v in equal.items()))
    sys.exit(0 if all(equal.values()) else 1)


if __name__ == "__main__":  # the guard matters: Dask's worker processes re-import this file
    main()
