"""Marts rebuild time and query latency on a real warehouse, printed.

    .venv/bin/python bench/marts.py --db /tmp/marts.duckdb

The warehouse should hold the full HN archive with skills extracted:
    .venv/bin/pmpulse run --input ../shared/data/hn --db /tmp/marts.duckdb
The rebuild is the real path of `pmpulse marts` (without Prefect's engine). Each query runs
`--repeat` times on a read-only connection (a fresh process-level DuckDB connection, as an
analyst's client would have); the median and worst are printed. Target: trend queries
< 200 ms.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from warehouse import db, marts  # noqa: E402

QUERIES = {
    "skill_trends: rising/falling skills": (
        "SELECT name, type, slope_per_year, slope_ci_low, slope_ci_high, q_value, direction "
        "FROM skill_trends WHERE level = 'skill' AND with_multi_role "
        "AND direction IN ('rising', 'falling') ORDER BY slope_per_year DESC"
    ),
    "skill_trends: hard vs soft": (
        "SELECT item_id, slope_per_year, p_value, direction FROM skill_trends "
        "WHERE level = 'type' AND with_multi_role"
    ),
    "hard_soft_monthly: all months": "SELECT * FROM hard_soft_monthly ORDER BY month",
    "hard_soft_demand: 2014 vs 2018 vs 2026": (
        "SELECT label, share_any_soft, share_any_soft_ci_low, share_any_soft_ci_high "
        "FROM hard_soft_demand WHERE grain = 'year' AND with_multi_role "
        "AND year(period) IN (2014, 2018, 2026)"
    ),
    "category_demand_monthly: one category": (
        "SELECT * FROM category_demand_monthly WHERE category = 'empathy' ORDER BY month"
    ),
    "category_demand: heatmap by year": (
        "SELECT label, category, share FROM category_demand WHERE grain = 'year' "
        "AND with_multi_role ORDER BY category, label"
    ),
    "skill_demand_monthly: one skill": (
        "SELECT * FROM skill_demand_monthly WHERE level = 'skill' AND item_id = 'sql'"
    ),
    "mix-adjusted hard/soft by quarter": (
        "SELECT * FROM mix_adjusted_demand WHERE grain = 'quarter' AND level = 'type' "
        "AND with_multi_role ORDER BY period"
    ),
}


def timed(fn: Callable[[], object], repeat: int) -> tuple[float, float, object]:
    times, result = [], None
    for _ in range(repeat):
        t0 = time.perf_counter()
        result = fn()
        times.append((time.perf_counter() - t0) * 1000)
    return statistics.median(times), max(times), result


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--db", required=True, help="warehouse with postings and skill mentions")
    ap.add_argument("--repeat", type=int, default=20)
    ap.add_argument("--no-rebuild", action="store_true", help="time the queries only")
    args = ap.parse_args()

    if not args.no_rebuild:
        t0 = time.perf_counter()
        with db.connect(args.db) as wh:
            summary = marts.rebuild(wh)
        print(
            f"rebuild: {summary['seconds']:.2f} s compute+write, "
            f"{time.perf_counter() - t0:.2f} s with open/commit; "
            f"{summary['pm_postings']:,} PM postings, {summary['mentions']:,} posting-skill pairs"
        )
        for table, rows in summary["rows"].items():
            print(f"  {table:22s} {rows:>8,} rows")

    with db.connect(args.db, read_only=True) as wh:
        pm = wh.scalar("SELECT count(*) FROM postings WHERE is_pm")
        total = wh.scalar("SELECT count(*) FROM postings")
        print(f"\nwarehouse: {total:,} postings, {pm:,} PM postings; {args.repeat} runs each")
        print(f"{'query':45s} {'median ms':>10s} {'max ms':>8s} {'rows':>6s}")
        worst = 0.0
        for name, sql in QUERIES.items():
            med, mx, frame = timed(lambda sql=sql: wh.query(sql), args.repeat)
            worst = max(worst, med)
            print(f"{name:45s} {med:10.2f} {mx:8.2f} {frame.height:6d}")
        on_demand = {
            "trends(skill) computed for 2014..2018": lambda: marts.trends(
                wh, "skill", start=marts.date(2014, 1, 1), end=marts.date(2018, 12, 1)
            ),
            "trends(type) computed, whole span": lambda: marts.trends(wh, "type"),
            "share_changes(soft, 2014/2018/2026)": lambda: marts.share_changes(
                wh, [2014, 2018, 2026], "soft"
            ),
        }
        for name, fn in on_demand.items():
            med, mx, frame = timed(fn, max(3, args.repeat // 4))
            print(f"{name:45s} {med:10.2f} {mx:8.2f} {frame.height:6d}")
        print(f"\nslowest stored-mart query (median): {worst:.2f} ms (target < 200 ms)")

    # What `pmpulse sql` pays: open the file read-only, run one query, close.
    sql = QUERIES["skill_trends: rising/falling skills"]

    def cold() -> object:
        with db.connect(args.db, read_only=True) as fresh:
            return fresh.query(sql)

    med, mx, _ = timed(cold, max(3, args.repeat // 4))
    print(f"open read-only + trend query + close: median {med:.2f} ms, max {mx:.2f} ms")
    return 0


if __name__ == "__main__":
    sys.exit(main())
