"""End to end at scale: ingest (read, normalize, load) and skill extraction (+ load), printed.

    .venv/bin/python -m bench.pipeline                 # 1,000,000 postings, 2 worker processes
    .venv/bin/python -m bench.pipeline --n 100000 --workers 1 --keep /tmp/pipe
    .venv/bin/python -m bench.pipeline --batch-rows 25000      # smaller batches: less memory

1. corpus (setup, timed apart): N postings resampled (seeded) from the HN archive, each copy a
   distinct posting: a new HN item id, a time inside one month of 2013-08 .. 2026-05 and that
   month's thread title. Written as HN collection-run files (`{sources, fetched_at, jobs: [{id,
   by, time, text}]}`, gzip), one per month, in a temp dir (or --keep DIR). Resampling repeats
   each of the 30k archive texts about 33 times, and the steps that work once per distinct
   text (`titles.post_roles`) cost less on it than on distinct postings. --distinct-texts
   ends each copy's text with a paragraph of its own, "(ref <id>)", so that no two are equal:
   the figure to compare with real, all-different postings.
2. ingest, the path of `pmpulse ingest`: `files.read_file` on each file, the flow's normalize
   (`normalize_partition` + `split_versions`) on batches of about `flows.ingest.BATCH_ROWS`
   records (whole files), `db.load_postings` into a fresh DuckDB file, all inside one
   `db.writing` run. Read + normalize run in a pool of --workers processes, a batch at a time;
   this process is the one writer and loads each batch as it arrives.
3. extract, the path of `pmpulse extract-skills` (flows/skills.py): taxonomy stored, postings to
   read listed, texts read from the warehouse in batches of 20,000, `skill_mentions` in the
   pool, `replace_mentions` by the one writer; one `db.writing` run.
Prints seconds and postings/s per stage (CPU seconds of the workers too) and the peak memory:
RSS of this process plus its workers, sampled every 0.1 s.
"""

from __future__ import annotations

import os

os.environ.setdefault("POLARS_MAX_THREADS", "1")  # one core per worker process

import argparse
import contextlib
import gzip
import json
import multiprocessing as mp
import random
import resource
import sys
import tempfile
import threading
import time
from collections import deque
from concurrent.futures import Future, ProcessPoolExecutor
from datetime import UTC, date, datetime
from pathlib import Path

import polars as pl
import psutil

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from bench.extract import hn_items  # noqa: E402
from flows.ingest import BATCH_ROWS, normalize_partition, split_versions  # noqa: E402
from flows.skills import BATCH as EXTRACT_BATCH  # noqa: E402
from flows.skills import prepare  # noqa: E402
from flows.sources import files  # noqa: E402
from transforms import compiled_modules  # noqa: E402
from transforms.records import parsed_frame, quarantine_frame  # noqa: E402
from transforms.skills import skill_mentions  # noqa: E402
from warehouse import db  # noqa: E402
from warehouse import skills as ws  # noqa: E402
from warehouse.seeds import load_taxonomy  # noqa: E402

SHARED = REPO.parent / "shared" / "data"
MONTH_NAMES = ("January February March April May June July August September October "
               "November December").split()  # fmt: skip


# -- memory ------------------------------------------------------------------------------------
class PeakMemory:
    """Largest RSS of this process plus all its children seen so far (sampled in a thread)."""

    def __init__(self, every: float = 0.1) -> None:
        self.peak = 0
        self._stop = threading.Event()
        self._me = psutil.Process()
        self._thread = threading.Thread(target=self._run, args=(every,), daemon=True)
        self._thread.start()

    def _run(self, every: float) -> None:
        while not self._stop.is_set():
            total = 0
            for proc in [self._me, *self._me.children(recursive=True)]:
                with contextlib.suppress(psutil.Error):
                    total += proc.memory_info().rss
            self.peak = max(self.peak, total)
            self._stop.wait(every)

    def mb(self) -> float:
        return self.peak / 1e6

    def stop(self) -> None:
        self._stop.set()
        self._thread.join()


# -- corpus ------------------------------------------------------------------------------------
def archive_items(hn_dir: Path) -> list[tuple[str, str | None]]:
    """(HTML text, author) of every non-empty HN post in the archive."""
    return [(text, by) for text, by in hn_items(hn_dir) if text.strip()]


def months(first: date = date(2013, 8, 1), last: date = date(2026, 5, 1)) -> list[date]:
    out, m = [], first
    while m <= last:
        out.append(m)
        m = date(m.year + (m.month == 12), m.month % 12 + 1, 1)
    return out


def write_month(path: str, month: date, items: list[tuple[str, str | None]], first_id: int,
                seed: int, distinct: bool = False) -> int:  # fmt: skip
    """One HN collection-run file of `items` as new posts of the `month` thread (`distinct`:
    each text gets a last paragraph naming its id)."""
    rng = random.Random(seed)
    start = int(datetime(month.year, month.month, 1, tzinfo=UTC).timestamp())
    jobs = [
        {
            "id": first_id + i,
            "by": by,
            "time": start + rng.randrange(27 * 86400),
            "text": f"{text}<p>(ref {first_id + i})" if distinct else text,
        }
        for i, (text, by) in enumerate(items)
    ]
    title = f"Ask HN: Who is hiring? ({MONTH_NAMES[month.month - 1]} {month.year})"
    fetched = datetime(month.year, month.month, 28, tzinfo=UTC).isoformat()
    doc = {
        "schema_version": 1,
        "date": month.isoformat(),
        "run_id": f"bench-{month:%Y-%m}",
        "sources": {"who_is_hiring_thread_id": first_id, "who_is_hiring_thread_title": title},
        "jobs": jobs,
        "fetched_at": fetched,
        "total_jobs": len(jobs),
    }
    with gzip.open(path, "wt", encoding="utf-8", compresslevel=1) as f:
        json.dump(doc, f, ensure_ascii=False)
    return len(jobs)


def build_corpus(
    pool: ProcessPoolExecutor, hn_dir: Path, n: int, out: Path, seed: int, distinct: bool = False
) -> list:
    """Resample `n` postings into one run file per month under `out`; returns the paths."""
    items = archive_items(hn_dir)
    rng = random.Random(seed)
    all_months = months()
    per_month = -(-n // len(all_months))
    futures, paths, done = [], [], 0
    for i, month in enumerate(all_months):
        size = min(per_month, n - done)
        if size <= 0:
            break
        picked = [items[rng.randrange(len(items))] for _ in range(size)]
        path = out / f"hn-run-{month:%Y-%m}.json.gz"
        first_id = 90_000_000 + done  # far above real HN ids of the archive
        futures.append(
            pool.submit(write_month, str(path), month, picked, first_id, seed + i, distinct)
        )
        paths.append(path)
        done += size
    total = sum(f.result() for f in futures)
    assert total == n, (total, n)
    return paths


# -- ingest ------------------------------------------------------------------------------------
def read_normalize(
    paths: list[str],
) -> tuple[pl.DataFrame, pl.DataFrame, pl.DataFrame, float, float]:
    """Worker: a batch of input files read and normalized as the ingest flow does it."""
    c0 = time.process_time()
    rows: list[dict] = []
    quarantined: list[dict] = []
    for path in paths:
        result = files.read_file(Path(path))
        rows.extend(result.rows)
        quarantined.extend(result.quarantined)
    parsed, bad = parsed_frame(rows), quarantine_frame(quarantined)
    del rows
    c1 = time.process_time()
    postings, raw, unusable = split_versions(normalize_partition.fn(parsed))
    quarantine = pl.concat([bad, unusable], how="vertical")
    return postings, raw, quarantine, c1 - c0, time.process_time() - c1


def in_order(pool: ProcessPoolExecutor, fn, args: list, ahead: int):
    """Results of fn(arg) in order, at most `ahead` submitted and not yet taken."""
    pending: deque[Future] = deque()
    it = iter(args)
    for arg in it:
        pending.append(pool.submit(fn, arg))
        if len(pending) >= ahead:
            break
    while pending:
        result = pending.popleft().result()
        nxt = next(it, None)
        if nxt is not None:
            pending.append(pool.submit(fn, nxt))
        yield result


def batches_of_files(paths: list[Path], per_file: int, rows: int) -> list[list[str]]:
    """Consecutive files grouped into batches of about `rows` records (as `read_batches`)."""
    size = max(1, round(rows / max(per_file, 1)))
    return [[str(p) for p in paths[i : i + size]] for i in range(0, len(paths), size)]


def ingest(pool: ProcessPoolExecutor, batches: list[list[str]], db_path: Path, ahead: int) -> dict:
    t0 = time.perf_counter()
    cpu_read = cpu_norm = load_s = 0.0
    stored = 0
    with db.writing(db_path), db.connect(db_path) as wh:
        for postings, raw, quarantine, c_read, c_norm in in_order(
            pool, read_normalize, batches, ahead
        ):
            cpu_read += c_read
            cpu_norm += c_norm
            t = time.perf_counter()
            counts = db.load_postings(wh, postings, raw, quarantine, "bench-pipeline")
            load_s += time.perf_counter() - t
            stored += counts.new
            say(f"  ingest: {stored:,} postings stored, {time.perf_counter() - t0:.0f} s")
        t = time.perf_counter()
    commit_s = time.perf_counter() - t  # checkpoint + atomic swap of the run's work file
    return {"wall": time.perf_counter() - t0, "cpu_read": cpu_read, "cpu_norm": cpu_norm,
            "load": load_s + commit_s, "commit": commit_s, "stored": stored}  # fmt: skip


# -- extract -----------------------------------------------------------------------------------
_TAXONOMY = None


def _init_extract() -> None:
    global _TAXONOMY
    _TAXONOMY = load_taxonomy()
    _TAXONOMY.matcher()


def extract_frame(postings: pl.DataFrame) -> tuple[pl.DataFrame, float]:
    """Worker: skill mentions of one batch of stored postings."""
    c0 = time.process_time()
    mentions = skill_mentions(postings, _TAXONOMY, with_version=True)
    return mentions, time.process_time() - c0


def extract(pool: ProcessPoolExecutor, db_path: Path, ahead: int) -> dict:
    taxonomy = load_taxonomy()
    t0 = time.perf_counter()
    cpu = read_s = load_s = 0.0
    n_mentions = n_read = 0
    with db.writing(db_path), db.connect(db_path) as wh:
        ids, _ = prepare.fn(str(db_path), taxonomy)
        batches = [ids[i : i + EXTRACT_BATCH] for i in range(0, len(ids), EXTRACT_BATCH)]
        read: deque[pl.DataFrame] = deque()

        def texts(batch: list[str]) -> pl.DataFrame:
            nonlocal read_s
            t = time.perf_counter()
            frame = ws.read_posting_texts(wh, batch)
            read_s += time.perf_counter() - t
            read.append(frame)
            return frame

        def store_oldest() -> None:
            nonlocal cpu, load_s, n_mentions
            mentions, c = pending.popleft().result()
            cpu += c
            t = time.perf_counter()
            n_mentions += ws.replace_mentions(wh, read.popleft(), mentions, taxonomy.version)
            load_s += time.perf_counter() - t
            say(f"  extract: {n_mentions:,} mentions stored, {time.perf_counter() - t0:.0f} s")

        pending: deque[Future] = deque()
        for frame in (texts(b) for b in batches):
            pending.append(pool.submit(extract_frame, frame))
            if len(pending) >= ahead:
                store_oldest()
        while pending:
            store_oldest()
        n_read = len(ids)
        t = time.perf_counter()
    commit_s = time.perf_counter() - t
    return {"wall": time.perf_counter() - t0, "cpu": cpu, "read": read_s,
            "load": load_s + commit_s, "mentions": n_mentions, "postings": n_read}  # fmt: skip


def say(line: str) -> None:
    """Progress, on stderr (the figures go to stdout)."""
    print(line, file=sys.stderr, flush=True)


# -- main --------------------------------------------------------------------------------------
def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--n", type=int, default=1_000_000, help="postings in the corpus")
    ap.add_argument("--workers", type=int, default=2, help="worker processes")
    ap.add_argument("--hn", type=Path, default=SHARED / "hn")
    ap.add_argument("--keep", type=Path, help="build in this folder and keep it")
    ap.add_argument(
        "--batch-rows", type=int, default=BATCH_ROWS, help="records normalized and loaded together"
    )
    ap.add_argument("--seed", type=int, default=42)
    ap.add_argument(
        "--distinct-texts",
        action="store_true",
        help="make every copy's text different (no step gains from repeated texts)",
    )
    args = ap.parse_args(argv)

    peak = PeakMemory()
    with tempfile.TemporaryDirectory() as tmp:
        root = args.keep or Path(tmp)
        (root / "input").mkdir(parents=True, exist_ok=True)
        db_path = root / "bench.duckdb"
        for leftover in root.glob("bench.duckdb*"):
            leftover.unlink()
        ctx = mp.get_context("spawn")  # no fork of a process holding threads and DuckDB
        ahead = args.workers  # batches in flight: bounds the writer's memory
        t = time.perf_counter()
        with ProcessPoolExecutor(args.workers, mp_context=ctx) as pool:
            paths = build_corpus(
                pool, args.hn, args.n, root / "input", args.seed, args.distinct_texts
            )
        corpus_s = time.perf_counter() - t
        size_mb = sum(p.stat().st_size for p in paths) / 1e6
        print(f"corpus: {args.n:,} postings in {len(paths)} HN run files ({size_mb:,.0f} MB gzip)"
              f", built in {corpus_s:.1f} s (setup, not in the total); texts "
              f"{'all distinct' if args.distinct_texts else 'resampled, repeating'}")  # fmt: skip

        batches = batches_of_files(paths, -(-args.n // len(paths)), args.batch_rows)
        print(f"ingest batches: {len(batches)} of about {args.batch_rows:,} records", flush=True)
        print(f"compiled by mypyc (setup.py): {', '.join(compiled_modules()) or 'none'}")
        with ProcessPoolExecutor(args.workers, mp_context=ctx) as pool:
            pool.submit(int, 0).result()  # workers up (imports) before the clock starts
            a = ingest(pool, batches, db_path, ahead)
        with ProcessPoolExecutor(args.workers, mp_context=ctx, initializer=_init_extract) as pool:
            pool.submit(int, 0).result()
            b = extract(pool, db_path, ahead)
        peak.stop()
        n = args.n
        total = a["wall"] + b["wall"]
        db_mb = db_path.stat().st_size / 1e6
        print(f"workers: {args.workers} processes; warehouse {db_mb:,.0f} MB")
        print(f"ingest      {a['wall']:7.1f} s  {n / a['wall']:9,.0f} postings/s   "
              f"({a['stored']:,} postings stored)")  # fmt: skip
        print(f"  read+parse  CPU {a['cpu_read']:7.1f} s  {n / a['cpu_read']:9,.0f} /s per core")
        print(f"  normalize   CPU {a['cpu_norm']:7.1f} s  {n / a['cpu_norm']:9,.0f} /s per core")
        print(f"  load           {a['load']:7.1f} s  (writer; commit {a['commit']:.1f} s)")
        print(f"extract     {b['wall']:7.1f} s  {b['postings'] / b['wall']:9,.0f} postings/s   "
              f"({b['mentions']:,} mentions of {b['postings']:,} postings)")  # fmt: skip
        print(f"  mentions    CPU {b['cpu']:7.1f} s  {b['postings'] / b['cpu']:9,.0f} /s per core")
        print(f"  read texts     {b['read']:7.1f} s  (writer)")
        print(f"  load           {b['load']:7.1f} s  (writer)")
        print(f"total       {total:7.1f} s  {n / total:9,.0f} postings/s   (target < 300 s)")
        own = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        print(f"peak memory {peak.mb():7,.0f} MB  (this process + workers, sampled; target < 4000)"
              f"; max RSS of this process (the writer) {own:,.0f} MB")  # fmt: skip
    return 0


if __name__ == "__main__":
    sys.exit(main())
