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
DEMAND_TABLES = ("category_demand", "hard_soft_demand", "mix_adjusted_demand", "skill_demand")
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
    """The posting-level inputs of every mart, read once, for the months start..end.

    The items of each level are those of the whole warehouse (as in the stored marts), so
    an item nobody demanded in these months still gets its zero rows.
    """

    def __init__(self, wh: Warehouse, start: date | None = None, end: date | None = None):
        self.postings = pm_postings(wh, start, end)
        ids = self.postings.select("posting_id")
        every = pm_mentions(wh)
        self.mentions = every.join(ids, on="posting_id")
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
                skills.join(every.select(item_id=pl.col("skill_id")).unique(), on="item_id"),
            ),
            "dk_group": (
                m.filter(pl.col("dk_group").is_not_null()).select(
                    "posting_id", item_id=pl.col("dk_group")
                ),
                _majority_items(
                    every.filter(pl.col("dk_group").is_not_null()).select(
                        item_id=pl.col("dk_group"),
                        name=pl.col("dk_group"),
                        type=pl.col("type"),
                        category=pl.col("category"),
                    )
                ),
            ),
        }
        hits, items = cluster_hits(wh, every)
        if not items.is_empty():
            self.levels["cluster"] = (hits.join(ids, on="posting_id"), items)

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


def table_frames(
    table: str,
    inputs: Inputs,
    posts: pl.DataFrame,
    grain: str,
    min_postings: int,
    reference: pl.DataFrame | pl.LazyFrame | None = None,
) -> list[pl.DataFrame]:
    """The rows of one demand mart for `posts` (one scope) at one grain, untagged.

    category_demand, hard_soft_demand, mix_adjusted_demand (with level, item) or
    skill_demand (with level). reference: the mix of `mix_adjusted_demand` (default: the
    mix of `posts`; the rebuild uses every posting of the scope).
    """
    if table == "category_demand":
        hits, items = inputs.levels["category"]
        frame = tt.demand_by_period(posts, hits, items, grain, min_postings)
        return [frame.drop("item_id", "name").collect()]
    if table == "hard_soft_demand":
        return [tt.hard_soft_by_period(posts, inputs.mentions, grain, min_postings).collect()]
    if table == "mix_adjusted_demand":
        if reference is None:
            reference = tt.mix_reference(posts)
        out = []
        for level in ("type", "category"):
            hits, items = inputs.levels[level]
            out.append(
                tt.mix_adjusted_demand(posts, hits, items, grain, min_postings, reference)
                .with_columns(level=pl.lit(level), item=pl.col("item_id"))
                .drop("item_id", "name", "category")
                .collect()
            )
        return out
    if table == "skill_demand":
        out = []
        for level in ("skill", "dk_group", "cluster"):
            if level not in inputs.levels:
                continue
            hits, items = inputs.levels[level]
            out.append(
                tt.demand_by_period(posts, hits, items, grain, min_postings)
                .with_columns(level=pl.lit(level))
                .collect()
            )
        return out
    raise ValueError(f"not a demand mart: {table}")


def mart_frames(inputs: Inputs, monthly: pl.DataFrame, min_postings: int) -> dict:
    """Every mart table as a frame, ready to insert."""
    out: dict[str, list[pl.DataFrame]] = {t: [] for t in MART_TABLES}
    out["posting_coverage"].append(coverage_frame(monthly, min_postings))
    for scope in SCOPES:
        posts = inputs.selected(scope)
        reference = tt.mix_reference(posts)
        tag = {"with_multi_role": pl.lit(scope)}
        for grain in tt.GRAINS:
            g = {"grain": pl.lit(grain), **tag}
            for table in DEMAND_TABLES:
                out[table].extend(
                    f.with_columns(**g)
                    for f in table_frames(table, inputs, posts, grain, min_postings, reference)
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


def stored_min_postings(wh: Warehouse) -> int:
    """The `min_postings` of the last mart build (the default when never built)."""
    if "mart_builds" not in wh.tables():
        return tt.MIN_POSTINGS
    value = wh.scalar("SELECT min_postings FROM mart_builds ORDER BY built_at DESC LIMIT 1")
    return tt.MIN_POSTINGS if value is None else int(value)


def rebuild(wh: Warehouse, min_postings: int | None = None) -> dict:
    """Recompute every mart and replace them in one transaction; return what was written.

    min_postings: None keeps the setting of the last build (`stored_min_postings`).
    """
    t0 = time.perf_counter()
    if min_postings is None:
        min_postings = stored_min_postings(wh)
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


# -- windows ---------------------------------------------------------------------------------
# The rule for a window of months start..end (either may be open): every figure counts only
# the postings of the months inside it. A quarter or year the window covers in part is not
# read from the stored mart (which counts the whole period) but recomputed from its months
# inside the window, and its label names those months: '2014 (May-Dec)', '2018-Q1 (Feb)'.
_MONTH_NAMES = ("Jan", "Feb", "Mar", "Apr", "May", "Jun",
                "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")  # fmt: skip
_GRAIN_MONTHS = {"month": 1, "quarter": 3, "year": 12}


def period_of(month: date, grain: str) -> date:
    """The first day of the month, quarter or year that `month` falls in (`tt.period_start`,
    which the marts' periods are made with, on one date)."""
    return pl.select(tt.period_start(pl.lit(month, dtype=pl.Date), grain)).item()


def last_month(period: date, grain: str) -> date:
    """The first day of the last month of the period starting at `period`."""
    k = period.year * 12 + period.month - 1 + _GRAIN_MONTHS[grain] - 1
    return date(k // 12, k % 12 + 1, 1)


def check_window(start: date | None, end: date | None) -> None:
    """Raise ValueError when the window ends before it starts."""
    if start is not None and end is not None and start > end:
        raise ValueError(f"the window ends ({end:%Y-%m}) before it starts ({start:%Y-%m})")


def cut_periods(grain: str, start: date | None, end: date | None) -> dict[date, tuple[date, date]]:
    """{period: (first, last)} for each period the window covers only in part: first..last
    are its months inside the window. Empty for months, and for windows of whole periods."""
    check_window(start, end)
    out = {}
    for bound in (start, end):
        if bound is None:
            continue
        p = period_of(bound, grain)
        first = max(p, start) if start is not None else p
        last = min(last_month(p, grain), end) if end is not None else last_month(p, grain)
        if (first, last) != (p, last_month(p, grain)):
            out[p] = (first, last)
    return out


def months_in(first: date, last: date) -> str:
    """'May-Dec', 'Feb': the months first..last of one period, by name."""
    months = _MONTH_NAMES[first.month - 1]
    return months if last == first else f"{months}-{_MONTH_NAMES[last.month - 1]}"


def partial_label(label: str, first: date, last: date) -> str:
    """'2014 (May-Dec)', '2018-Q1 (Feb)': a period's label and its months in the window."""
    return f"{label} ({months_in(first, last)})"


def period_name(period: date, grain: str) -> str:
    """'2014-05', '2014-Q2' or '2014': the label of the period starting at `period` (the
    marts' own labels, `tt.period_label`, on one date)."""
    return pl.select(tt.period_label(pl.lit(period, dtype=pl.Date), grain)).item()


def cut_labels(grain: str, start: date | None, end: date | None) -> list[str]:
    """The labels the readers give the periods the window cuts: ['2014 (May-Dec)', ...]."""
    return [
        partial_label(period_name(p, grain), first, last)
        for p, (first, last) in cut_periods(grain, start, end).items()
    ]


def recomputed(
    wh: Warehouse,
    table: str,
    grain: str,
    first: date,
    last: date,
    with_multi_role: bool | None = None,
    level: str | None = None,
    inputs: Inputs | None = None,
) -> pl.DataFrame:
    """Rows of mart `table` at `grain` counted over the months first..last only.

    The same computation as the rebuild (same transforms, the build's `min_postings`, and
    for `mix_adjusted_demand` the build's reference mix), on fewer months: over whole
    periods it gives the stored rows. inputs: an `Inputs` covering first..last, if read.
    """
    min_postings = stored_min_postings(wh)
    if table == "posting_coverage":
        monthly = wh.query(
            "SELECT period AS posted_month, postings, pm_postings, pm_single_role, pm_extracted,"
            " pm_with_skills FROM posting_coverage WHERE grain = 'month'"
            " AND period BETWEEN ? AND ?",
            [first, last],
        )
        if monthly.is_empty():
            return monthly
        return coverage_frame(monthly, min_postings).filter(pl.col("grain") == grain)
    inputs = inputs or Inputs(wh, first, last)
    frames = []
    for scope in SCOPES if with_multi_role is None else (with_multi_role,):
        posts = tt.selected_postings(inputs.postings, scope, first, last).collect()
        if posts.is_empty():
            continue
        reference = None
        if table == "mix_adjusted_demand":  # the build's mix: every PM posting of the scope
            reference = tt.mix_reference(tt.selected_postings(pm_postings(wh), scope))
        for f in table_frames(table, inputs, posts, grain, min_postings, reference):
            frames.append(f.with_columns(grain=pl.lit(grain), with_multi_role=pl.lit(scope)))
    if not frames:
        return pl.DataFrame()
    out = pl.concat(frames, how="diagonal_relaxed")
    if level is not None:
        out = out.filter(pl.col("level") == level)
    return out


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
    inputs: Inputs | None = None,
) -> pl.DataFrame:
    """Rows of a mart for the window start..end (months, inclusive), with `partial`.

    Periods the window cuts are recomputed from their months inside it (see `cut_periods`)
    and labelled with those months; `partial` is true on their rows. inputs: the
    `Inputs` of the window, if already read (saves reading the postings again).
    """
    if table not in MART_TABLES:
        raise ValueError(f"not a mart: {table}")
    if grain is None and (start is not None or end is not None):
        raise ValueError("a window needs a grain")
    cut = cut_periods(grain, start, end) if grain is not None else {}
    conds, args = ["TRUE"], []
    if grain is not None:
        conds.append("grain = ?")
        args.append(grain)
    if with_multi_role is not None:
        conds.append("with_multi_role = ?")
        args.append(with_multi_role)
    if start is not None:
        conds.append("period >= ?")
        args.append(period_of(start, grain))
    if end is not None:
        conds.append("period <= ?")
        args.append(end)
    if level is not None:
        conds.append("level = ?")
        args.append(level)
    if cut:
        conds.append(f"period NOT IN ({', '.join('?' for _ in cut)})")
        args.extend(cut)
    sql = f"SELECT *, false AS partial FROM {table} WHERE {' AND '.join(conds)} ORDER BY {order}"
    stored = wh.query(sql, args)
    parts = [stored]
    for first, last in cut.values():
        rows = recomputed(wh, table, grain, first, last, with_multi_role, level, inputs)
        if rows.is_empty():
            continue
        parts.append(
            rows.with_columns(
                label=pl.format("{} ({})", pl.col("label"), pl.lit(months_in(first, last))),
                partial=pl.lit(True),
            ).select(stored.columns)
        )
    if len(parts) == 1:
        return stored
    keys = [c.strip() for c in order.split(",")]
    return pl.concat(parts, how="vertical_relaxed").sort(keys)


def coverage(wh, grain="month", start=None, end=None) -> pl.DataFrame:
    """posting_coverage rows: postings, PM postings and reliability per period (see `_read`)."""
    return _read(wh, "posting_coverage", grain, None, start, end)


def hard_soft(
    wh, grain="month", with_multi_role=True, start=None, end=None, inputs=None
) -> pl.DataFrame:
    """hard_soft_demand rows for one grain and scope (see `_read` for the window)."""
    return _read(wh, "hard_soft_demand", grain, with_multi_role, start, end, inputs=inputs)


def category_demand(
    wh, grain="month", with_multi_role=True, start=None, end=None, inputs=None
) -> pl.DataFrame:
    """category_demand rows for one grain and scope (see `_read` for the window)."""
    return _read(
        wh, "category_demand", grain, with_multi_role, start, end,
        order="period, category", inputs=inputs,
    )  # fmt: skip


def mix_adjusted(
    wh, grain="month", level="type", with_multi_role=True, start=None, end=None, inputs=None
) -> pl.DataFrame:
    """mix_adjusted_demand rows for one grain, level and scope (see `_read` for the window)."""
    return _read(
        wh, "mix_adjusted_demand", grain, with_multi_role, start, end, level,
        order="period, item", inputs=inputs,
    )  # fmt: skip


def skill_demand(
    wh, grain="month", level="skill", with_multi_role=True, start=None, end=None, inputs=None
) -> pl.DataFrame:
    """skill_demand rows for one grain, level and scope (see `_read` for the window)."""
    return _read(
        wh, "skill_demand", grain, with_multi_role, start, end, level,
        order="period, item_id", inputs=inputs,
    )  # fmt: skip


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
    min_postings: int | None = None,
    inputs: Inputs | None = None,
) -> pl.DataFrame:
    """skill_trends computed now for the months start..end (inclusive): same columns.

    min_postings: None takes the setting of the last mart build, as the stored marts do.
    """
    check_window(start, end)
    if min_postings is None:
        min_postings = stored_min_postings(wh)
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
    min_postings: int | None = None,
    inputs: Inputs | None = None,
) -> pl.DataFrame:
    """Demand by seniority band (junior, mid, senior, leadership, unstated) for start..end.

    min_postings: None takes the setting of the last mart build.
    """
    check_window(start, end)
    if min_postings is None:
        min_postings = stored_min_postings(wh)
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
    start: date | None = None,
    end: date | None = None,
    inputs: Inputs | None = None,
) -> pl.DataFrame:
    """The share of PM postings demanding `item` in each of `years`, and its change.

    item: 'hard' or 'soft' (any skill of that type) or a category. Only the months of the
    window start..end count: a year it cuts is counted over its months inside it and its
    label says so ('2014 (May-Dec)', see `cut_periods`). Returns year, label, partial,
    postings_total, postings_with, share, ci_low, ci_high (Wilson), change (from the first
    of `years` present, the baseline: 0 there), change_ci_low, change_ci_high (Newcombe
    interval of the difference; null for the baseline).
    """
    if item in ("hard", "soft"):
        rows = hard_soft(wh, "year", with_multi_role, start, end, inputs).rename(
            {f"postings_any_{item}": "postings_with"}
        )
    else:
        rows = category_demand(wh, "year", with_multi_role, start, end, inputs).filter(
            pl.col("category") == item
        )
    counts = (
        rows.select(
            pl.col("period").dt.year().cast(pl.Int64).alias("year"),
            "label",
            "partial",
            "postings_total",
            "postings_with",
        )
        .filter(pl.col("year").is_in(years))
        .sort("year")
    )
    if counts.is_empty():
        return counts
    k1, n1 = float(counts["postings_with"][0]), float(counts["postings_total"][0])
    k, n = pl.col("postings_with").cast(pl.Float64), pl.col("postings_total").cast(pl.Float64)
    low, high = tt.difference_interval(pl.lit(k1), pl.lit(n1), k, n)
    baseline = pl.int_range(pl.len()) == 0
    return counts.with_columns(
        share=k / n,
        ci_low=tt.wilson_low(k, n),
        ci_high=tt.wilson_high(k, n),
        change=k / n - k1 / n1,
        change_ci_low=pl.when(~baseline).then(low),
        change_ci_high=pl.when(~baseline).then(high),
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
