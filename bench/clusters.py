"""Skill clustering speed and memory: the HN archive, then resampled corpora up to 1M postings.

    python -m bench.clusters [--db PATH] [--sizes 100000,1000000] [--batch 50000] [--seed N]

- `--db`: a warehouse with the HN archive ingested and skills extracted (e.g. made by
  `pmpulse run --input ../shared/data/hn --db /tmp/hn.duckdb`). Without it, one is built in
  a temporary folder from ../shared/data/hn with the ingest and extract-skills flows.
- HN: reading the warehouse, then `cluster_model` (candidates, noise, vectors, clustering,
  typing, emerging) and `cluster_quality` (two more clusterings: another seed, a bootstrap
  resample) timed separately: their sum is what `pmpulse clusters` spends past start-up.
- Each size N: N postings drawn with replacement from the archive (new ids), their stored
  mentions carried along. Candidates are found batch by batch (`--batch` texts held at a
  time); the model then runs on posting metadata, mentions and candidate rows only.

How it scales: every step but one is linear in postings or mentions (regex candidate
scan, polars group-bys, one sparse posting x unit matrix for co-occurrence). The one
quadratic step, average-linkage clustering, runs on at most `ClusterParams.max_units`
units (the most mentioned distinct forms, 3,000 by default: a 72 MB distance matrix);
every other unit joins the cluster at the least average distance (sample-then-assign, the
test average linkage applies), so the quadratic cost is fixed however many postings come
in. Emerging phrases are counted wherever a posting writes them: one Aho-Corasick pass
per batch of texts (`form_hits`), linear in text. A resample repeats the archive's forms, so
the distinct-form count (and the assign step) stays that of HN here; on a real 1M corpus
more distinct forms would add a linear assign cost (one matrix product per 4,096 forms).
Peak RSS is printed per stage (it never goes down: read it as "so far").
"""

from __future__ import annotations

import argparse
import os
import resource
import shutil
import sys
import tempfile
import time
from pathlib import Path

import numpy as np
import polars as pl

from transforms.clusters import (
    ClusterParams,
    candidate_mentions,
    cluster_model,
    cluster_quality,
    form_hits,
    norm_expr,
)
from warehouse import clusters as wc
from warehouse import db

SHARED = Path(__file__).resolve().parents[1].parent / "shared" / "data"


def peak_rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def build_warehouse(folder: Path) -> Path:
    from flows.ingest import ingest
    from flows.skills import extract_skills

    path = folder / "hn.duckdb"
    ingest(inputs=[str(SHARED / "hn")], db_path=str(path))
    extract_skills(db_path=str(path))
    return path


def read(path: Path) -> tuple[pl.DataFrame, pl.DataFrame, tuple]:
    with db.connect(path, read_only=True) as wh:
        taxonomy = wc.read_taxonomy(wh)
        return wc.read_postings(wh), wc.read_mentions(wh), taxonomy


def resampled(
    postings: pl.DataFrame, mentions: pl.DataFrame, n: int, seed: int
) -> tuple[pl.DataFrame, pl.DataFrame]:
    """n postings drawn with replacement (ids 'r<i>'), with their mentions; text kept."""
    rng = np.random.default_rng(seed)
    pick = pl.DataFrame(
        {"src": rng.integers(0, postings.height, n), "posting_id": [f"r{i}" for i in range(n)]}
    )
    base = postings.with_row_index("src").with_columns(pl.col("src").cast(pl.Int64))
    drawn = pick.join(base.rename({"posting_id": "orig"}), on="src", how="left").drop("src")
    carried = drawn.select("posting_id", "orig").join(
        mentions.rename({"posting_id": "orig"}), on="orig"
    )
    return drawn.drop("orig"), carried.drop("orig")


def run_size(postings, mentions, taxonomy, n: int, batch: int, seed: int) -> None:
    skills, aliases, version = taxonomy
    t0 = time.perf_counter()
    big, big_mentions = resampled(postings, mentions, n, seed)
    t1 = time.perf_counter()
    parts = []
    for i in range(0, n, batch):
        parts.append(candidate_mentions(big.slice(i, batch)))
    cands = pl.concat(parts)
    meta = big.drop("description_text")
    del parts
    t2 = time.perf_counter()
    model = cluster_model(
        meta, big_mentions, skills, aliases, version, random_state=seed, candidates=cands
    )
    t3 = time.perf_counter()
    # what cluster_model does itself when it holds the texts: every form of a cluster outside
    # the taxonomy looked up in every posting (one Aho-Corasick pass), here batch by batch
    outside = model.clusters.filter(pl.col("type_source") == "classifier")["cluster_id"]
    forms = (
        model.occurrences.join(model.unit_labels, on="unit")
        .filter(pl.col("cluster_id").is_in(outside.implode()))
        .select("key", norm=norm_expr(pl.col("surface")))
        .unique()
    )
    hits = sum(form_hits(big.slice(i, batch), forms).height for i in range(0, n, batch))
    del big
    t4 = time.perf_counter()
    print(
        f"N={n:>9,}: resample {t1 - t0:6.1f} s | candidates {t2 - t1:6.1f} s "
        f"({cands.height:,} rows, {n / (t2 - t1):,.0f} postings/s) | model {t3 - t2:6.1f} s "
        f"({model.clusters.height:,} clusters, {big_mentions.height:,} mentions) | "
        f"whole-text hits {t4 - t3:6.1f} s ({forms.height:,} forms, {hits:,} hits) | "
        f"total {t4 - t1:6.1f} s | peak RSS {peak_rss_mb():,.0f} MB",
        flush=True,
    )


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--db", type=Path, default=None, help="HN warehouse (skills extracted)")
    ap.add_argument("--sizes", default="100000,1000000", help="resampled corpus sizes")
    ap.add_argument("--batch", type=int, default=50_000, help="texts scanned at a time")
    ap.add_argument("--seed", type=int, default=42)
    args = ap.parse_args(argv)
    tmp = None
    path = args.db
    if path is None:
        tmp = Path(tempfile.mkdtemp(prefix="pmpulse-bench-"))
        t = time.perf_counter()
        path = build_warehouse(tmp)
        print(f"built the HN warehouse in {time.perf_counter() - t:.1f} s")
    try:
        t0 = time.perf_counter()
        postings, mentions, taxonomy = read(path)
        if taxonomy is None:
            print(f"no skills extracted in {path}: run the extract-skills flow first")
            return 2
        t1 = time.perf_counter()
        skills, aliases, version = taxonomy
        model = cluster_model(postings, mentions, skills, aliases, version, random_state=args.seed)
        t2 = time.perf_counter()
        quality = cluster_quality(
            model, skills, wc.load_synonym_groups(), ClusterParams(), args.seed
        )
        t3 = time.perf_counter()
        print(
            f"HN archive: {postings.height:,} postings, {mentions.height:,} mentions, "
            f"{os.cpu_count()} cores\n"
            f"  read {t1 - t0:.1f} s | model {t2 - t1:.1f} s | quality {t3 - t2:.1f} s | "
            f"total {t3 - t0:.1f} s (target < 60 s) | peak RSS {peak_rss_mb():,.0f} MB\n"
            f"  {quality['clusters']:,} clusters, ARI seed {quality['ari_seed']}, "
            f"ARI bootstrap {quality['ari_bootstrap']} {quality['ari_bootstrap_range']}, "
            f"synonym recall "
            f"{quality['synonyms']['recall']} (split: {quality['synonyms']['split']}), "
            f"typed share {quality['typed_share']}, type disagreement "
            f"{quality['type_disagreement']}, clusters with two taxonomy skills "
            f"{quality['multi_skill_clusters']}, emerging {quality['emerging']}",
            flush=True,
        )
        for n in (int(s) for s in args.sizes.split(",") if s):
            run_size(postings, mentions, taxonomy, n, args.batch, args.seed)
    finally:
        if tmp is not None:
            shutil.rmtree(tmp, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
