"""Ingest + normalize + load throughput and peak memory, printed.

    .venv/bin/python bench/ingest.py                      # the shared HN archive
    .venv/bin/python bench/ingest.py --scale 1000000      # plus 1M postings resampled from it

The first part runs the real path of `pmpulse ingest` (file reading and parsing, polars
normalization, the DuckDB load) on every HN file and times each stage. The second resamples
the parsed archive to N postings with fresh ids and pushes them through normalize + load in
the flow's batch size, into a fresh warehouse, so memory stays bounded at any N.
Prefect's engine is not involved: this measures the work, not the orchestration.
"""

from __future__ import annotations

import argparse
import resource
import sys
import tempfile
import time
from pathlib import Path

import polars as pl

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from flows.ingest import BATCH_ROWS, read_batches  # noqa: E402
from transforms import compiled_modules  # noqa: E402
from transforms import postings as tp  # noqa: E402
from warehouse import db  # noqa: E402


def peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def normalize_load(wh: db.Warehouse, parsed: pl.DataFrame, run_id: str) -> tuple[float, float]:
    t0 = time.perf_counter()
    rows = tp.normalized(parsed.lazy()).collect()
    postings = tp.latest_versions(rows.lazy()).collect()
    raw = tp.raw_versions(rows.lazy()).collect()
    bad = tp.unusable(rows.lazy()).collect()
    t1 = time.perf_counter()
    db.load_postings(wh, postings, raw, bad, run_id)
    return t1 - t0, time.perf_counter() - t1


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--input", default=str(REPO.parent / "shared" / "data" / "hn"))
    ap.add_argument("--scale", type=int, default=0, help="also run N resampled postings")
    args = ap.parse_args()

    with tempfile.TemporaryDirectory() as tmp:
        t0 = time.perf_counter()
        batches = list(read_batches([args.input], batch_rows=10**9))
        t_read = time.perf_counter() - t0
        parsed = pl.concat([b[0] for b in batches])
        text_mb = parsed["body"].str.len_bytes().sum() / 1e6
        with db.connect(Path(tmp) / "bench.duckdb") as wh:
            t_norm, t_load = normalize_load(wh, parsed, "bench")
            stored = wh.count("postings")
        total = t_read + t_norm + t_load
        print(f"HN archive: {parsed.height:,} records ({text_mb:.1f} MB of HTML), "
              f"{stored:,} postings stored")  # fmt: skip
        print(f"  compiled by mypyc (setup.py): {', '.join(compiled_modules()) or 'none'}")
        print(f"  read+parse  {t_read:7.2f} s  {parsed.height / t_read:10,.0f} records/s")
        print(f"  normalize   {t_norm:7.2f} s  {parsed.height / t_norm:10,.0f} records/s")
        print(f"  load        {t_load:7.2f} s  {parsed.height / t_load:10,.0f} records/s")
        print(f"  total       {total:7.2f} s  {parsed.height / total:10,.0f} records/s")
        print(f"  peak memory {peak_mb():7.0f} MB (max RSS of this process)")

        if args.scale:
            n = args.scale
            src = parsed.with_columns(source=pl.lit("bench"))
            t0 = time.perf_counter()
            t_norm = t_load = 0.0
            with db.connect(Path(tmp) / "scale.duckdb") as wh:
                for start in range(0, n, BATCH_ROWS):
                    size = min(BATCH_ROWS, n - start)
                    batch = src.sample(size, with_replacement=True, seed=start).with_columns(
                        source_id=pl.int_range(start, start + size).cast(pl.String)
                    )
                    a, b = normalize_load(wh, batch, "bench")
                    t_norm, t_load = t_norm + a, t_load + b
                stored = wh.count("postings")
            total = time.perf_counter() - t0
            print(f"Resampled: {n:,} postings in batches of {BATCH_ROWS:,}, {stored:,} stored")
            print(f"  normalize   {t_norm:7.2f} s  {n / t_norm:10,.0f} postings/s")
            print(f"  load        {t_load:7.2f} s  {n / t_load:10,.0f} postings/s")
            print(f"  total       {total:7.2f} s  {n / total:10,.0f} postings/s")
            print(f"  peak memory {peak_mb():7.0f} MB (max RSS of this process)")


if __name__ == "__main__":
    main()
