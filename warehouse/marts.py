"""The marts: read the PM postings and their skill mentions, compute, store, read back.

`rebuild(wh)` recomputes every mart table declared in `warehouse/sql/40_marts.sql` with
`transforms.trends` and replaces them in one transaction (they are derived data: a rebuild
is always safe). The readers (`hard_soft`, `category_demand`, ...) return polars frames for
the notebook and the CLI; `trends` and `seniority_split` compute on demand for any window
of months, from the same posting-level inputs the rebuild uses.

Skill tables (`skills`, `skill_mentions`) are optional: without them the marts hold the
posting coverage and zero skill demand. Cluster tables (`skill_clusters`,
`skill_cluster_members`) are optional too: with them, clusters join `skill_demand` and
`skill_trends` at level 'cluster'.
"""

from __future__ import annotations

import json
import time
from datetime import UTC, date, datetime

import polars as pl

from transforms import trends as tt
from transforms.skills import HARD_CATEGORIES, SOFT_CATEGORIES
from warehouse.db import Warehouse

CATEGORIES = (*HARD_CATEGORIES, "other_hard", *SOFT_CATEGORIES, "other_soft")
MART_TABLES = (
    "posting_coverage",
    "category_demand",
    "hard_soft_demand",
    "mix_adjusted_demand",
    "skill_demand",
    "skill_trends",
)
SCOPES = (True, False)  # with_multi_role


def category_type(category: str) -> str:
    return "soft" if category in (*SOFT_CATEGORIES, "other_soft") else "hard"


# -- inputs ----------------------------------------------------------------------------------
def has_skills(wh: Warehouse) -> bool:
    return {"skills", "skill_mentions"} <= set(wh.tables())


def pm_postings(wh: Warehouse, start: date | None = None, end: date | None = None) -> pl.DataFrame:
    """posting_id, posted_month, multi_role, seniority, remote of the PM postings.

    With the skills tables, only postings whose skills were extracted (`skill_extractions`):
    a posting not read yet would count as demanding nothing.
    """
    extracted = (
        "AND posting_id IN (SELECT posting_id FROM skill_extractions) "
        if "skill_extractions" in wh.tables()
        else ""
    )
    return wh.query(
        "SELECT posting_id, posted_month, multi_role, seniority, remote FROM postings "
        f"WHERE is_pm {extracted}AND posted_month >= coalesce(?::DATE, DATE '0001-01-01') "
        "AND posted_month <= coalesce(?::DATE, DATE '9999-12-31') ORDER BY posting_id",
        [start, end],
    )


def pm_mentions(wh: Warehouse) -> pl.DataFrame:
    """posting_id, skill_id, type, category, dk_group: distinct skills each PM posting demands."""
    if not has_skills(wh):
        return pl.DataFrame(
            schema={
                c: pl.String for c in ("posting_id", "skill_id", "type", "category", "dk_group")
            }
        )
    return wh.query(
        "SELECT DISTINCT m.posting_id, m.skill_id, s.type, s.category, s.dk_group "
        "FROM skill_mentions m JOIN skills s USING (skill_id) "
        "JOIN postings p USING (posting_id) WHERE p.is_pm"
    )


def skill_items(wh: Warehouse) -> pl.DataFrame:
    """item_id, name, type, category of every taxonomy skill."""
    if not has_skills(wh):
        return pl.DataFrame(schema={c: pl.String for c in ("item_id", "name", "type", "category")})
    return wh.query("SELECT skill_id AS item_id, name, type, category FROM skills")


def cluster_hits(wh: Warehouse, mentions: pl.DataFrame) -> tuple[pl.DataFrame, pl.DataFrame]:
    """(hits: posting_id, item_id; items) for skill clusters; empty when there are none.

    A posting demands a cluster when it demands any taxonomy skill that is a member of it
    (every form of one taxonomy skill sits in one cluster). Clusters of candidate phrases
    alone have no stored mentions: the clusters issue reports them in `emerging_skills`.
    """
    empty = (
        pl.DataFrame(schema={"posting_id": pl.String, "item_id": pl.String}),
        pl.DataFrame(schema={c: pl.String for c in ("item_id", "name", "type", "category")}),
    )
    if not {"skill_clusters", "skill_cluster_members"} <= set(wh.tables()):
        return empty
    members = wh.query(
        "SELECT DISTINCT CAST(c.cluster_id AS VARCHAR) AS item_id, c.label AS name, c.type,"
        " c.category, m.skill_id FROM skill_cluster_members m JOIN skill_clusters c"
        " USING (cluster_id) WHERE m.skill_id IS NOT NULL"
    )
    if members.is_empty():
        return empty
    hits = mentions.join(members.select("skill_id", "item_id"), on="skill_id").select(
        "posting_id", "item_id"
    )
    items = members.select("item_id", "name", "type", "category").unique("item_id")
    return hits.unique(), items.join(hits.select("item_id").unique(), on="item_id")


def _majority_items(frame: pl.DataFrame) -> pl.DataFrame:
    """item_id, name, type, category: the most common type and category of each item's rows."""
    if frame.is_empty():
        return pl.DataFrame(schema={c: pl.String for c in ("item_id", "name", "type", "category")})
    return (
        frame.group_by("item_id")
        .agg(
            pl.col("name").first(),
            pl.col("type").drop_nulls().mode().sort().first(),
            pl.col("category").drop_nulls().mode().sort().first(),
        )
        .sort("item_id")
    )


class Inputs:
    """The posting-level inputs of every mart, read once."""

    def __init__(self, wh: Warehouse, start: date | None = None, end: date | None = None):
        self.postings = pm_postings(wh, start, end)
        ids = self.postings.select("posting_id")
        self.mentions = pm_mentions(wh).join(ids, on="posting_id")
        skills = skill_items(wh)
        m = self.mentions
        self.levels: dict[str, tuple[pl.DataFrame, pl.DataFrame]] = {
            "type": (
                m.filter(pl.col("type").is_in(["hard", "soft"])).select(
                    "posting_id", item_id=pl.col("type")
                ),
                pl.DataFrame(
                    {
                        "item_id": ["hard", "soft"],
                        "name": ["any hard skill", "any soft skill"],
                        "type": ["hard", "soft"],
                        "category": [None, None],
                    },
                    schema={c: pl.String for c in ("item_id", "name", "type", "category")},
                ),
            ),
            "category": (
                m.select("posting_id", item_id=pl.col("category")),
                pl.DataFrame(
                    {
                        "item_id": list(CATEGORIES),
                        "name": list(CATEGORIES),
                        "type": [category_type(c) for c in CATEGORIES],
                        "category": list(CATEGORIES),
                    }
                ),
            ),
            "skill": (
                m.select("posting_id", item_id=pl.col("skill_id")),
                skills.join(m.select(item_id=pl.col("skill_id")).unique(), on="item_id"),
            ),
            "dk_group": (
                m.filter(pl.col("dk_group").is_not_null()).select(
                    "posting_id", item_id=pl.col("dk_group")
                ),
                _majority_items(
                    m.filter(pl.col("dk_group").is_not_null()).select(
                        item_id=pl.col("dk_group"),
                        name=pl.col("dk_group"),
                        type=pl.col("type"),
                        category=pl.col("category"),
                    )
                ),
            ),
        }
        hits, items = cluster_hits(wh, self.mentions)
        if not items.is_empty():
            self.levels["cluster"] = (hits, items)

    def selected(self, with_multi_role: bool) -> pl.DataFrame:
        return tt.selected_postings(self.postings, with_multi_role).collect()


# -- rebuild ---------------------------------------------------------------------------------
def coverage_frame(monthly: pl.DataFrame, min_postings: int) -> pl.DataFrame:
    """posting_coverage rows for every grain from per-month counts.

    monthly: posted_month, postings, pm_postings, pm_single_role, pm_extracted, pm_with_skills.
    """
    counts = ["postings", "pm_postings", "pm_single_role", "pm_extracted", "pm_with_skills"]
    frames = []
    for grain in tt.GRAINS:
        start = tt.period_start(pl.col("posted_month"), grain)
        frames.append(
            monthly.group_by(period=start)
            .agg(pl.col(counts).sum().cast(pl.Int64))
            .with_columns(
                grain=pl.lit(grain),
                label=tt.period_label(pl.col("period"), grain),
                reliable=pl.col("pm_extracted") >= min_postings,
            )
        )
    cols = ["grain", "period", "label", *counts, "reliable"]
    return pl.concat([f.select(cols) for f in frames]).sort("grain", "period")


def mart_frames(inputs: Inputs, monthly: pl.DataFrame, min_postings: int) -> dict:
    """Every mart table as a frame, ready to insert."""
    out: dict[str, list[pl.DataFrame]] = {t: [] for t in MART_TABLES}
    out["posting_coverage"].append(coverage_frame(monthly, min_postings))
    for scope in SCOPES:
        posts = inputs.selected(scope)
        tag = {"with_multi_role": pl.lit(scope)}
        for grain in tt.GRAINS:
            g = {"grain": pl.lit(grain), **tag}
            hits, items = inputs.levels["category"]
            out["category_demand"].append(
                tt.demand_by_period(posts, hits, items, grain, min_postings)
                .with_columns(**g)
                .drop("item_id", "name")
                .collect()
            )
            out["hard_soft_demand"].append(
                tt.hard_soft_by_period(posts, inputs.mentions, grain, min_postings)
                .with_columns(**g)
                .collect()
            )
            for level in ("type", "category"):
                hits, items = inputs.levels[level]
                out["mix_adjusted_demand"].append(
                    tt.mix_adjusted_demand(posts, hits, items, grain, min_postings)
                    .with_columns(level=pl.lit(level), item=pl.col("item_id"), **g)
                    .drop("item_id", "name", "category")
                    .collect()
                )
            for level in ("skill", "dk_group", "cluster"):
                if level not in inputs.levels:
                    continue
                hits, items = inputs.levels[level]
                out["skill_demand"].append(
                    tt.demand_by_period(posts, hits, items, grain, min_postings)
                    .with_columns(level=pl.lit(level), **g)
                    .collect()
                )
        for level, (hits, items) in inputs.levels.items():
            out["skill_trends"].append(
                tt.trend_tests(posts, hits, items, "month", min_postings).with_columns(
                    level=pl.lit(level), **tag
                )
            )
    return {t: pl.concat(fs, how="diagonal_relaxed") for t, fs in out.items() if fs}


def monthly_counts(wh: Warehouse) -> pl.DataFrame:
    """posted_month, postings, pm_postings, pm_single_role, pm_extracted, pm_with_skills."""
    tables = set(wh.tables())
    with_skills = (
        "count(*) FILTER (is_pm AND posting_id IN (SELECT posting_id FROM skill_mentions))"
        if "skill_mentions" in tables
        else "0"
    )
    extracted = (
        "count(*) FILTER (is_pm AND posting_id IN (SELECT posting_id FROM skill_extractions))"
        if "skill_extractions" in tables
        else "count(*) FILTER (is_pm)"
    )
    return wh.query(
        "SELECT posted_month, count(*) AS postings, count(*) FILTER (is_pm) AS pm_postings,"
        " count(*) FILTER (is_pm AND NOT multi_role) AS pm_single_role,"
        f" {extracted} AS pm_extracted, {with_skills} AS pm_with_skills"
        " FROM postings GROUP BY posted_month"
    )


def rebuild(wh: Warehouse, min_postings: int = tt.MIN_POSTINGS) -> dict:
    """Recompute every mart and replace them in one transaction; return what was written."""
    t0 = time.perf_counter()
    inputs = Inputs(wh)
    monthly = monthly_counts(wh)
    frames = mart_frames(inputs, monthly, min_postings)
    version = (
        wh.scalar("SELECT max(taxonomy_version) FROM skill_mentions") if has_skills(wh) else None
    )
    rows = {t: f.height for t, f in frames.items()}
    with wh.transaction():
        for table in MART_TABLES:
            wh.execute(f"DELETE FROM {table}")
            if table in frames:
                wh.insert(table, frames[table])
        seconds = round(time.perf_counter() - t0, 3)
        wh.insert(
            "mart_builds",
            pl.DataFrame(
                {
                    "built_at": [datetime.now(UTC)],
                    "postings": [int(monthly["postings"].sum() or 0)],
                    "pm_postings": [inputs.postings.height],
                    "mentions": [inputs.mentions.height],
                    "taxonomy_version": [version],
                    "min_postings": [min_postings],
                    "seconds": [seconds],
                    "detail": [json.dumps({"rows": rows, "clusters": "cluster" in inputs.levels})],
                },
                schema_overrides={"taxonomy_version": pl.String},
            ),
        )
    return {
        "pm_postings": inputs.postings.height,
        "mentions": inputs.mentions.height,
        "rows": rows,
        "clusters": "cluster" in inputs.levels,
        "seconds": seconds,
    }


# -- readers ---------------------------------------------------------------------------------
def _read(
    wh: Warehouse,
    table: str,
    grain: str | None,
    with_multi_role: bool | None,
    start: date | None,
    end: date | None,
    level: str | None = None,
    order: str = "period",
) -> pl.DataFrame:
    if table not in MART_TABLES:
        raise ValueError(f"not a mart: {table}")
    conds, args = ["TRUE"], []
    if grain is not None:
        conds.append("grain = ?")
        args.append(grain)
    if with_multi_role is not None:
        conds.append("with_multi_role = ?")
        args.append(with_multi_role)
    if start is not None:
        conds.append("period >= ?")
        args.append(start)
    if end is not None:
        conds.append("period <= ?")
        args.append(end)
    if level is not None:
        conds.append("level = ?")
        args.append(level)
    return wh.query(f"SELECT * FROM {table} WHERE {' AND '.join(conds)} ORDER BY {order}", args)


def coverage(wh, grain="month", start=None, end=None) -> pl.DataFrame:
    """posting_coverage rows: postings, PM postings and reliability per period."""
    return _read(wh, "posting_coverage", grain, None, start, end)


def hard_soft(wh, grain="month", with_multi_role=True, start=None, end=None) -> pl.DataFrame:
    """hard_soft_demand rows for one grain and scope."""
    return _read(wh, "hard_soft_demand", grain, with_multi_role, start, end)


def category_demand(wh, grain="month", with_multi_role=True, start=None, end=None) -> pl.DataFrame:
    """category_demand rows for one grain and scope."""
    return _read(
        wh, "category_demand", grain, with_multi_role, start, end, order="period, category"
    )


def mix_adjusted(
    wh, grain="month", level="type", with_multi_role=True, start=None, end=None
) -> pl.DataFrame:
    """mix_adjusted_demand rows for one grain, level and scope."""
    return _read(
        wh, "mix_adjusted_demand", grain, with_multi_role, start, end, level, order="period, item"
    )


def skill_demand(
    wh, grain="month", level="skill", with_multi_role=True, start=None, end=None
) -> pl.DataFrame:
    """skill_demand rows for one grain, level and scope."""
    return _read(
        wh, "skill_demand", grain, with_multi_role, start, end, level, order="period, item_id"
    )


def stored_trends(wh, level="skill", with_multi_role=True) -> pl.DataFrame:
    """skill_trends rows (over every reliable month) for one level and scope."""
    return wh.query(
        "SELECT * FROM skill_trends WHERE level = ? AND with_multi_role = ? ORDER BY item_id",
        [level, with_multi_role],
    )


def trends(
    wh: Warehouse,
    level: str = "skill",
    start: date | None = None,
    end: date | None = None,
    with_multi_role: bool = True,
    min_postings: int = tt.MIN_POSTINGS,
    inputs: Inputs | None = None,
) -> pl.DataFrame:
    """skill_trends computed now for the months start..end (inclusive): same columns."""
    inputs = inputs or Inputs(wh, start, end)
    if level not in inputs.levels:
        return pl.DataFrame(schema=tt.TREND_SCHEMA)
    hits, items = inputs.levels[level]
    return tt.trend_tests(inputs.selected(with_multi_role), hits, items, "month", min_postings)


def seniority_split(
    wh: Warehouse,
    level: str = "type",
    start: date | None = None,
    end: date | None = None,
    with_multi_role: bool = True,
    min_postings: int = tt.MIN_POSTINGS,
    inputs: Inputs | None = None,
) -> pl.DataFrame:
    """Demand by seniority band (junior, mid, senior, leadership, unstated) for start..end."""
    inputs = inputs or Inputs(wh, start, end)
    hits, items = inputs.levels[level]
    posts = inputs.selected(with_multi_role).with_columns(
        band=tt.seniority_band(pl.col("seniority"))
    )
    return tt.demand_by_group(posts, hits, items, "band", min_postings).collect()


def share_changes(
    wh: Warehouse,
    years: list[int],
    item: str = "soft",
    with_multi_role: bool = True,
) -> pl.DataFrame:
    """The share of PM postings demanding `item` in each of `years`, and its change.

    item: 'hard' or 'soft' (any skill of that type) or a category. Returns year,
    postings_total, postings_with, share, ci_low, ci_high (Wilson), change (from the first
    of `years` present), change_ci_low, change_ci_high (Newcombe interval of the difference).
    """
    if item in ("hard", "soft"):
        sql = (
            f"SELECT year(period) AS year, postings_total, postings_any_{item} AS postings_with "
            "FROM hard_soft_demand WHERE grain = 'year' AND with_multi_role = ?"
        )
        args: list = [with_multi_role]
    else:
        sql = (
            "SELECT year(period) AS year, postings_total, postings_with FROM category_demand "
            "WHERE grain = 'year' AND with_multi_role = ? AND category = ?"
        )
        args = [with_multi_role, item]
    counts = wh.query(sql + " ORDER BY year", args).filter(pl.col("year").is_in(years))
    if counts.is_empty():
        return counts
    k1, n1 = float(counts["postings_with"][0]), float(counts["postings_total"][0])
    k, n = pl.col("postings_with").cast(pl.Float64), pl.col("postings_total").cast(pl.Float64)
    low, high = tt.difference_interval(pl.lit(k1), pl.lit(n1), k, n)
    return counts.with_columns(
        share=k / n,
        ci_low=tt.wilson_low(k, n),
        ci_high=tt.wilson_high(k, n),
        change=k / n - k1 / n1,
        change_ci_low=low,
        change_ci_high=high,
    )


def is_stale(wh: Warehouse) -> bool:
    """True when the marts were never built, or postings or extractions changed since."""
    built = wh.scalar("SELECT max(built_at) FROM mart_builds")
    if built is None:
        return True
    changed = [wh.scalar("SELECT max(updated_at) FROM postings")]
    if "skill_extractions" in wh.tables():
        changed.append(wh.scalar("SELECT max(extracted_at) FROM skill_extractions"))
    return any(c is not None and c > built for c in changed)
