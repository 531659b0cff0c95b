"""Skill demand over time, with honest uncertainty. Pure polars + numpy: no I/O.

Every function reads the same three frames:

- `postings`: the postings to count, one row each (the caller picks them: PM postings):
  posting_id, posted_month (Date, first of month), multi_role (bool), seniority (str or
  null), remote (bool or null).
- `hits`: posting_id, item_id: the posting demands the item. An *item* is whatever is being
  counted: a skill, a headline category, a cluster, or a skill type (`hard`, `soft`).
  Duplicates are allowed; a posting counts once per item.
- `items`: item_id, name, type, category: every item to report. Items with no hit in a
  period get an explicit zero row, so a month where nobody asked for empathy reads 0 %,
  not "missing".

What the numbers mean
- `share` is the fraction of the period's postings demanding the item; `ci_low`/`ci_high`
  its Wilson score 95 % interval (good at small n and near 0 or 1, unlike the normal
  approximation, and never outside [0, 1]).
- A period with fewer than `min_postings` postings is flagged `reliable = false` and is left
  out of trend tests: a month with 3 postings is not allowed to drive a trend.
- Mix adjustment (`mix_adjusted_demand`) reweights each period's postings to one fixed
  seniority x remote mix (direct standardization), so a change in *who* posts (more
  director roles, more remote jobs) is not read as a change in *what* is asked.

The trend test (`trend_tests`), and why this one
A logistic regression of "posting demands the item" on time (in years), fitted by
Newton-Raphson on the counts per period (the same likelihood as the posting-level fit,
because time is known only to the month). The Wald test on the slope uses the Fisher
information, with its variance inflated by the Pearson dispersion of the period counts
when that exceeds 1 (quasi-binomial): months differ by more than binomial noise (thread
size, who posted that month), and ignoring that would make every wiggle "significant".
Chosen over Mann-Kendall on the monthly shares because (1) every posting carries its
weight, so a thin month counts little instead of as much as a busy one; (2) it handles the
gaps in the archive (no HN data 2019-2025) on the real time axis instead of as
neighbouring ranks; (3) it returns a slope with an interval (change in log-odds per year,
and the implied percentage points per year), not only a sign. p-values across the items
of one call are corrected with Benjamini-Hochberg (`q_value`); `direction` is rising or
falling when q < alpha, flat otherwise, and `insufficient` when the item has too few
postings (either way) or too few reliable periods to test.
"""

from __future__ import annotations

import math
from datetime import date

import numpy as np
import polars as pl

GRAINS = ("month", "quarter", "year")
Z95 = 1.959963984540054  # standard normal quantile for a two-sided 95 % interval
MIN_POSTINGS = 10  # a period with fewer postings is not reliable and not used in trend tests
MIN_POSTINGS_WITH = 10  # an item needs this many postings with it (and without it) to be tested
MIN_PERIODS = 6  # and this many reliable periods
ALPHA = 0.05  # false discovery rate for `direction`

SENIORITY_BANDS = {
    "intern": "junior",
    "associate": "junior",
    "mid": "mid",
    "senior": "senior",
    "lead": "senior",
    "group": "leadership",
    "director": "leadership",
    "vp": "leadership",
    "cpo": "leadership",
}

BAND_ORDER = ("junior", "mid", "senior", "leadership", "unstated")

_TRUNCATE = {"month": "1mo", "quarter": "1q", "year": "1y"}


def _lazy(frame: pl.DataFrame | pl.LazyFrame) -> pl.LazyFrame:
    return frame.lazy() if isinstance(frame, pl.DataFrame) else frame


def _check_grain(grain: str) -> None:
    if grain not in GRAINS:
        raise ValueError(f"grain must be one of {', '.join(GRAINS)}: {grain!r}")


# -- intervals -------------------------------------------------------------------------------
def wilson_low(k: pl.Expr, n: pl.Expr, z: float = Z95) -> pl.Expr:
    """Lower bound of the Wilson score interval for k successes in n trials (null when n = 0).

    k may be fractional (a weighted count with an effective n). Exactly 0 when k = 0 (the
    formula's two terms cancel there, and in floating point left ~1e-17, above the share).
    """
    p = k / n
    centre = p + z * z / (2 * n)
    half = z * (p * (1 - p) / n + z * z / (4 * n * n)).sqrt()
    low = ((centre - half) / (1 + z * z / n)).clip(0.0, 1.0)
    return pl.when(n > 0).then(pl.when(k <= 0).then(0.0).otherwise(low))


def wilson_high(k: pl.Expr, n: pl.Expr, z: float = Z95) -> pl.Expr:
    """Upper bound of the Wilson score interval (null when n = 0; exactly 1 when k = n)."""
    p = k / n
    centre = p + z * z / (2 * n)
    half = z * (p * (1 - p) / n + z * z / (4 * n * n)).sqrt()
    high = ((centre + half) / (1 + z * z / n)).clip(0.0, 1.0)
    return pl.when(n > 0).then(pl.when(k >= n).then(1.0).otherwise(high))


def difference_interval(
    k1: pl.Expr, n1: pl.Expr, k2: pl.Expr, n2: pl.Expr, z: float = Z95
) -> tuple[pl.Expr, pl.Expr]:
    """Newcombe's hybrid score interval for p2 - p1 (the change from sample 1 to sample 2).

    Built from the two Wilson intervals; well behaved at small n, unlike the Wald interval.
    """
    p1, p2 = k1 / n1, k2 / n2
    l1, u1 = wilson_low(k1, n1, z), wilson_high(k1, n1, z)
    l2, u2 = wilson_low(k2, n2, z), wilson_high(k2, n2, z)
    d = p2 - p1
    low = d - ((p2 - l2) ** 2 + (u1 - p1) ** 2).sqrt()
    high = d + ((u2 - p2) ** 2 + (p1 - l1) ** 2).sqrt()
    return low, high


# -- periods ---------------------------------------------------------------------------------
def period_start(month: pl.Expr, grain: str) -> pl.Expr:
    """The first day of the month, quarter or year that `month` (a Date) falls in."""
    _check_grain(grain)
    return month.dt.truncate(_TRUNCATE[grain])


def period_label(period: pl.Expr, grain: str) -> pl.Expr:
    """'2014-05', '2014-Q2' or '2014' for a period start date."""
    _check_grain(grain)
    if grain == "month":
        return period.dt.strftime("%Y-%m")
    if grain == "year":
        return period.dt.strftime("%Y")
    return pl.format("{}-Q{}", period.dt.year(), period.dt.quarter())


def selected_postings(
    postings: pl.DataFrame | pl.LazyFrame,
    with_multi_role: bool = True,
    start: date | None = None,
    end: date | None = None,
) -> pl.LazyFrame:
    """The postings to count: all, or single-role posts only; optionally months start..end.

    postings: posting_id, posted_month, multi_role. `start`/`end` are inclusive months.
    """
    lf = _lazy(postings)
    if not with_multi_role:
        lf = lf.filter(~pl.col("multi_role").fill_null(False))
    if start is not None:
        lf = lf.filter(pl.col("posted_month") >= start)
    if end is not None:
        lf = lf.filter(pl.col("posted_month") <= end)
    return lf


def _periodized(postings: pl.DataFrame | pl.LazyFrame, grain: str) -> pl.LazyFrame:
    return _lazy(postings).with_columns(period=period_start(pl.col("posted_month"), grain))


# -- shares per period -------------------------------------------------------------------------
def demand_by_group(
    postings: pl.DataFrame | pl.LazyFrame,
    hits: pl.DataFrame | pl.LazyFrame,
    items: pl.DataFrame | pl.LazyFrame,
    by: str,
    min_postings: int = MIN_POSTINGS,
) -> pl.LazyFrame:
    """One row per group x item: how many postings demand it, out of how many, with interval.

    postings: posting_id and the column `by` (a period, a seniority band, ...); hits:
    posting_id, item_id; items: item_id, name, type, category. Returns `by`, item_id, name,
    type, category, postings_with, postings_total, share, ci_low, ci_high, reliable
    (postings_total >= min_postings). Groups with no posting do not appear.
    """
    p = _lazy(postings).select("posting_id", by)
    totals = p.group_by(by).agg(postings_total=pl.len())
    with_ = (
        _lazy(hits)
        .select("posting_id", "item_id")
        .unique()
        .join(p, on="posting_id")
        .group_by(by, "item_id")
        .agg(postings_with=pl.len())
    )
    item_cols = _lazy(items).select("item_id", "name", "type", "category").unique("item_id")
    k, n = pl.col("postings_with"), pl.col("postings_total")
    return (
        totals.join(item_cols, how="cross")
        .join(with_, on=[by, "item_id"], how="left")
        .with_columns(
            postings_with=pl.col("postings_with").fill_null(0).cast(pl.Int64),
            postings_total=pl.col("postings_total").cast(pl.Int64),
        )
        .select(
            by,
            "item_id",
            "name",
            "type",
            "category",
            "postings_with",
            "postings_total",
            (k / n).alias("share"),
            wilson_low(k, n).alias("ci_low"),
            wilson_high(k, n).alias("ci_high"),
            (n >= min_postings).alias("reliable"),
        )
        .sort(by, "item_id")
    )


def demand_by_period(
    postings: pl.DataFrame | pl.LazyFrame,
    hits: pl.DataFrame | pl.LazyFrame,
    items: pl.DataFrame | pl.LazyFrame,
    grain: str = "month",
    min_postings: int = MIN_POSTINGS,
) -> pl.LazyFrame:
    """`demand_by_group` per period: period, label, then the same columns.

    postings: posting_id, posted_month; hits: posting_id, item_id; items: item_id, name,
    type, category. Periods with no posting at all do not appear.
    """
    grouped = demand_by_group(_periodized(postings, grain), hits, items, "period", min_postings)
    return grouped.select(
        "period", period_label(pl.col("period"), grain).alias("label"), pl.exclude("period")
    )


def seniority_band(seniority: pl.Expr) -> pl.Expr:
    """junior (intern, associate), mid, senior (senior, lead), leadership (group, director,
    vp, cpo) or unstated."""
    return seniority.replace_strict(SENIORITY_BANDS, default="unstated", return_dtype=pl.String)


def postings_per_period(
    postings: pl.DataFrame | pl.LazyFrame, grain: str = "month", min_postings: int = MIN_POSTINGS
) -> pl.LazyFrame:
    """period, label, postings, multi_role_postings, reliable: the coverage of the data."""
    return (
        _periodized(postings, grain)
        .group_by("period")
        .agg(
            postings=pl.len().cast(pl.Int64),
            multi_role_postings=pl.col("multi_role").fill_null(False).sum().cast(pl.Int64),
        )
        .with_columns(
            label=period_label(pl.col("period"), grain),
            reliable=pl.col("postings") >= min_postings,
        )
        .select("period", "label", "postings", "multi_role_postings", "reliable")
        .sort("period")
    )


def type_counts(
    postings: pl.DataFrame | pl.LazyFrame, mentions: pl.DataFrame | pl.LazyFrame
) -> pl.LazyFrame:
    """posting_id, posted_month, n_hard, n_soft: distinct hard / soft skills each posting demands.

    postings: posting_id, posted_month; mentions: posting_id, skill_id, type. Postings with
    no mention get zeros. Certifications (a degree, PMP, CSM) count as hard: the taxonomy
    files each under a hard category (`validate_taxonomy` checks it), so a posting that
    demands a hard category counts as demanding a hard skill here too.
    """
    per = (
        _lazy(mentions)
        .select("posting_id", "skill_id", "type")
        .unique()
        .group_by("posting_id")
        .agg(
            n_hard=pl.col("type").is_in(["hard", "certification"]).sum().cast(pl.Int64),
            n_soft=(pl.col("type") == "soft").sum().cast(pl.Int64),
        )
    )
    return (
        _lazy(postings)
        .select("posting_id", "posted_month")
        .join(per, on="posting_id", how="left")
        .with_columns(pl.col("n_hard", "n_soft").fill_null(0))
    )


def hard_soft_by_period(
    postings: pl.DataFrame | pl.LazyFrame,
    mentions: pl.DataFrame | pl.LazyFrame,
    grain: str = "month",
    min_postings: int = MIN_POSTINGS,
    z: float = Z95,
) -> pl.LazyFrame:
    """Hard vs soft demand per period, each figure with its 95 % interval.

    postings: posting_id, posted_month; mentions: posting_id, skill_id, type.
    Shares of postings demanding any hard / any soft skill (Wilson intervals); mean distinct
    hard / soft skills per posting (normal intervals, mean +- z sd / sqrt(n)); the ratio of
    those means, soft to hard (delta-method interval on the log scale, so it stays positive).
    """
    c = type_counts(postings, mentions).with_columns(
        period=period_start(pl.col("posted_month"), grain)
    )
    h, s = pl.col("n_hard").cast(pl.Float64), pl.col("n_soft").cast(pl.Float64)
    agg = c.group_by("period").agg(
        postings_total=pl.len().cast(pl.Int64),
        postings_any_hard=(h > 0).sum().cast(pl.Int64),
        postings_any_soft=(s > 0).sum().cast(pl.Int64),
        mean_hard=h.mean(),
        mean_soft=s.mean(),
        var_hard=h.var(ddof=1),
        var_soft=s.var(ddof=1),
        cov_hs=pl.cov(h, s, ddof=1),
    )
    n = pl.col("postings_total")
    se_h = (pl.col("var_hard") / n).sqrt()
    se_s = (pl.col("var_soft") / n).sqrt()
    ratio = pl.col("mean_soft") / pl.col("mean_hard")
    # Delta method for log(S/H): var = var_s/(n S^2) + var_h/(n H^2) - 2 cov/(n S H)
    se_log_ratio = (
        (
            pl.col("var_soft") / (n * pl.col("mean_soft") ** 2)
            + pl.col("var_hard") / (n * pl.col("mean_hard") ** 2)
            - 2 * pl.col("cov_hs") / (n * pl.col("mean_soft") * pl.col("mean_hard"))
        )
        .clip(lower_bound=0.0)
        .sqrt()
    )
    ratio_ok = (pl.col("mean_hard") > 0) & (pl.col("mean_soft") > 0)
    kh, ks = pl.col("postings_any_hard"), pl.col("postings_any_soft")
    return (
        agg.select(
            "period",
            period_label(pl.col("period"), grain).alias("label"),
            "postings_total",
            "postings_any_hard",
            (kh / n).alias("share_any_hard"),
            wilson_low(kh, n, z).alias("share_any_hard_ci_low"),
            wilson_high(kh, n, z).alias("share_any_hard_ci_high"),
            "postings_any_soft",
            (ks / n).alias("share_any_soft"),
            wilson_low(ks, n, z).alias("share_any_soft_ci_low"),
            wilson_high(ks, n, z).alias("share_any_soft_ci_high"),
            pl.col("mean_hard").alias("mean_hard_per_posting"),
            (pl.col("mean_hard") - z * se_h).clip(lower_bound=0.0).alias("mean_hard_ci_low"),
            (pl.col("mean_hard") + z * se_h).alias("mean_hard_ci_high"),
            pl.col("mean_soft").alias("mean_soft_per_posting"),
            (pl.col("mean_soft") - z * se_s).clip(lower_bound=0.0).alias("mean_soft_ci_low"),
            (pl.col("mean_soft") + z * se_s).alias("mean_soft_ci_high"),
            pl.when(pl.col("mean_hard") > 0).then(ratio).alias("soft_to_hard_ratio"),
            pl.when(ratio_ok & (n > 1))
            .then(ratio * (-z * se_log_ratio).exp())
            .alias("soft_to_hard_ratio_ci_low"),
            pl.when(ratio_ok & (n > 1))
            .then(ratio * (z * se_log_ratio).exp())
            .alias("soft_to_hard_ratio_ci_high"),
            (n >= min_postings).alias("reliable"),
        )
        .with_columns(pl.col("^mean_.*_ci_.*$").fill_nan(None))
        .sort("period")
    )


# -- mix adjustment --------------------------------------------------------------------------
def mix_stratum(seniority: pl.Expr, remote: pl.Expr) -> pl.Expr:
    """'<seniority band>|<remote>': junior / mid / senior / leadership / unstated x remote / not.

    Bands keep the strata few enough to be filled month by month: junior = intern, associate;
    senior = senior, lead (staff, principal); leadership = group, director, vp, cpo.
    remote is 'remote' when stated remote, else 'not_remote' (on-site, hybrid or not stated).
    """
    band = seniority_band(seniority)
    rem = pl.when(remote.fill_null(False)).then(pl.lit("remote")).otherwise(pl.lit("not_remote"))
    return pl.format("{}|{}", band, rem)


def mix_reference(postings: pl.DataFrame | pl.LazyFrame) -> pl.LazyFrame:
    """stratum, weight: the mix of `postings` as a whole (weights sum to 1).

    postings: seniority, remote. The default reference for `mix_adjusted_demand`.
    """
    return (
        _lazy(postings)
        .group_by(stratum=mix_stratum(pl.col("seniority"), pl.col("remote")))
        .agg(n=pl.len())
        .select("stratum", weight=pl.col("n") / pl.col("n").sum())
        .sort("stratum")
    )


def mix_adjusted_demand(
    postings: pl.DataFrame | pl.LazyFrame,
    hits: pl.DataFrame | pl.LazyFrame,
    items: pl.DataFrame | pl.LazyFrame,
    grain: str = "month",
    min_postings: int = MIN_POSTINGS,
    reference: pl.DataFrame | pl.LazyFrame | None = None,
) -> pl.LazyFrame:
    """Shares per period x item as if every period had the reference seniority x remote mix.

    postings: posting_id, posted_month, seniority, remote; hits: posting_id, item_id; items:
    item_id, name, type, category; reference: stratum, weight (default: the mix of
    `postings` as a whole, see `mix_reference`).

    Each posting of stratum s in period t weighs ref(s) / (W_t * n_ts), where n_ts is the
    stratum's postings that period and W_t the reference weight of the strata present that
    period: a stratum absent in a period is left out and the others rescaled (reported as
    `mix_coverage` = W_t; 1 means fully standardized). The interval is Wilson's at the
    effective sample size n_eff = 1 / sum(w^2) (Kish), so uneven weights widen it.
    Returns period, label, item_id, name, type, category, postings_total, share (raw),
    share_adjusted, ci_low, ci_high, effective_n, mix_coverage, reliable.
    """
    ref = _lazy(reference) if reference is not None else mix_reference(postings)
    p = _periodized(postings, grain).with_columns(
        stratum=mix_stratum(pl.col("seniority"), pl.col("remote"))
    )
    strata = (
        p.group_by("period", "stratum")
        .agg(n_ts=pl.len())
        .join(ref.select("stratum", "weight"), on="stratum", how="left")
        .with_columns(pl.col("weight").fill_null(0.0))
        .with_columns(coverage=pl.col("weight").sum().over("period"))
    )
    weighted = p.join(strata, on=["period", "stratum"]).with_columns(
        w=pl.when(pl.col("coverage") > 0)
        .then(pl.col("weight") / (pl.col("coverage") * pl.col("n_ts")))
        .otherwise(0.0)
    )
    per_period = weighted.group_by("period").agg(
        postings_total=pl.len().cast(pl.Int64),
        effective_n=pl.when((pl.col("w") ** 2).sum() > 0).then(1.0 / (pl.col("w") ** 2).sum()),
        mix_coverage=pl.col("coverage").first(),
    )
    per_item = (
        _lazy(hits)
        .select("posting_id", "item_id")
        .unique()
        .join(weighted.select("posting_id", "period", "w"), on="posting_id")
        .group_by("period", "item_id")
        .agg(postings_with=pl.len().cast(pl.Int64), share_adjusted=pl.col("w").sum())
    )
    item_cols = _lazy(items).select("item_id", "name", "type", "category").unique("item_id")
    n_eff = pl.col("effective_n")
    k_eff = pl.col("share_adjusted") * n_eff
    return (
        per_period.join(item_cols, how="cross")
        .join(per_item, on=["period", "item_id"], how="left")
        .with_columns(
            pl.col("postings_with").fill_null(0),
            pl.col("share_adjusted").fill_null(0.0),
        )
        .select(
            "period",
            period_label(pl.col("period"), grain).alias("label"),
            "item_id",
            "name",
            "type",
            "category",
            "postings_total",
            (pl.col("postings_with") / pl.col("postings_total")).alias("share"),
            "share_adjusted",
            wilson_low(k_eff, n_eff).alias("ci_low"),
            wilson_high(k_eff, n_eff).alias("ci_high"),
            "effective_n",
            "mix_coverage",
            (pl.col("postings_total") >= min_postings).alias("reliable"),
        )
        .sort("period", "item_id")
    )


# -- trend tests -----------------------------------------------------------------------------
def _fit_logistic(t: np.ndarray, k: np.ndarray, n: np.ndarray) -> tuple[float, float, float, bool]:
    """Grouped logistic regression logit(p) = a + b t by Newton-Raphson.

    Returns (a, b, var_b from the inverse Fisher information, converged).
    """
    x = np.column_stack([np.ones_like(t), t])
    overall = k.sum() / n.sum()
    beta = np.array([math.log(overall / (1 - overall)), 0.0])
    converged = False
    info = np.eye(2)
    loglik = -np.inf
    for _ in range(100):
        eta = x @ beta
        p = 1.0 / (1.0 + np.exp(-eta))
        grad = x.T @ (k - n * p)
        info = (x * (n * p * (1 - p))[:, None]).T @ x
        try:
            step = np.linalg.solve(info, grad)
        except np.linalg.LinAlgError:
            break
        # Step halving keeps the likelihood rising (near-separation can overshoot).
        for _ in range(30):
            cand = beta + step
            eta_c = x @ cand
            ll = float(np.sum(k * eta_c - n * np.logaddexp(0.0, eta_c)))
            if ll >= loglik - 1e-12:
                break
            step = step / 2
        beta, loglik = cand, ll
        if np.max(np.abs(step)) < 1e-10:
            converged = True
            break
    eta = x @ beta
    p = 1.0 / (1.0 + np.exp(-eta))
    info = (x * (n * p * (1 - p))[:, None]).T @ x
    try:
        cov = np.linalg.inv(info)
    except np.linalg.LinAlgError:
        return float(beta[0]), float(beta[1]), math.nan, False
    return float(beta[0]), float(beta[1]), float(cov[1, 1]), converged


def benjamini_hochberg(p_values: np.ndarray) -> np.ndarray:
    """Benjamini-Hochberg adjusted p-values (q-values); NaN stays NaN."""
    p = np.asarray(p_values, dtype=float)
    q = np.full_like(p, np.nan)
    ok = ~np.isnan(p)
    m = int(ok.sum())
    if m == 0:
        return q
    order = np.argsort(p[ok])
    ranked = p[ok][order] * m / np.arange(1, m + 1)
    ranked = np.minimum.accumulate(ranked[::-1])[::-1]
    out = np.empty(m)
    out[order] = np.minimum(ranked, 1.0)
    q[ok] = out
    return q


def _years(period: pl.Series) -> np.ndarray:
    """Period start dates as fractional years (2014-07-01 -> 2014.5)."""
    return (period.dt.year() + (period.dt.month() - 1) / 12.0).to_numpy().astype(float)


TREND_SCHEMA = {
    "item_id": pl.String,
    "name": pl.String,
    "type": pl.String,
    "category": pl.String,
    "first_period": pl.Date,
    "last_period": pl.Date,
    "periods_used": pl.Int64,
    "postings": pl.Int64,
    "postings_with": pl.Int64,
    "share": pl.Float64,
    "slope_per_year": pl.Float64,
    "slope_ci_low": pl.Float64,
    "slope_ci_high": pl.Float64,
    "odds_ratio_per_year": pl.Float64,
    "share_change_per_year": pl.Float64,
    "fitted_share_first": pl.Float64,
    "fitted_share_last": pl.Float64,
    "dispersion": pl.Float64,
    "z": pl.Float64,
    "p_value": pl.Float64,
    "q_value": pl.Float64,
    "direction": pl.String,
}


def trend_tests(
    postings: pl.DataFrame | pl.LazyFrame,
    hits: pl.DataFrame | pl.LazyFrame,
    items: pl.DataFrame | pl.LazyFrame,
    grain: str = "month",
    min_postings: int = MIN_POSTINGS,
    min_postings_with: int = MIN_POSTINGS_WITH,
    min_periods: int = MIN_PERIODS,
    alpha: float = ALPHA,
    z: float = Z95,
) -> pl.DataFrame:
    """One row per item: is demand for it rising, falling or flat over the postings' span?

    postings: posting_id, posted_month; hits: posting_id, item_id; items: item_id, name,
    type, category. Periods (of `grain`) with fewer than `min_postings` postings are left
    out. An item is tested only with at least `min_postings_with` postings demanding it and
    as many not demanding it in the reliable periods, over `min_periods` reliable periods;
    otherwise its direction is `insufficient` and the statistics are null.

    slope_per_year: change in the log-odds of demand per year (logistic regression), with
    its 95 % interval (quasi-binomial Wald); odds_ratio_per_year = exp(slope);
    share_change_per_year: the slope in shares at the overall share, slope * p (1 - p);
    fitted_share_first/last: the fitted share at the first and last reliable period;
    dispersion: the Pearson dispersion used to widen the interval (1 when not overdispersed).
    """
    demand = (
        demand_by_period(postings, hits, items, grain, min_postings)
        .filter(pl.col("reliable"))
        .collect()
    )
    rows = []
    for (item_id,), g in demand.group_by("item_id", maintain_order=True):
        g = g.sort("period")
        k = g["postings_with"].to_numpy().astype(float)
        n = g["postings_total"].to_numpy().astype(float)
        total_k, total_n = float(k.sum()), float(n.sum())
        row = {
            "item_id": item_id,
            "name": g["name"][0],
            "type": g["type"][0],
            "category": g["category"][0],
            "first_period": g["period"][0],
            "last_period": g["period"][-1],
            "periods_used": g.height,
            "postings": int(total_n),
            "postings_with": int(total_k),
            "share": total_k / total_n if total_n else None,
        }
        testable = (
            g.height >= min_periods
            and total_k >= min_postings_with
            and total_n - total_k >= min_postings_with
        )
        if testable:
            t = _years(g["period"])
            centre = float(np.average(t, weights=n))
            a, b, var_b, _ = _fit_logistic(t - centre, k, n)
            p_hat = np.clip(1.0 / (1.0 + np.exp(-(a + b * (t - centre)))), 1e-12, 1 - 1e-12)
            pearson = float(np.sum((k - n * p_hat) ** 2 / (n * p_hat * (1 - p_hat))))
            dispersion = max(1.0, pearson / (g.height - 2)) if g.height > 2 else 1.0
            se = math.sqrt(var_b * dispersion) if var_b == var_b and var_b >= 0 else math.nan
            zb = b / se if se and se == se else math.nan
            overall = total_k / total_n
            row |= {
                "slope_per_year": b,
                "slope_ci_low": b - z * se,
                "slope_ci_high": b + z * se,
                "odds_ratio_per_year": math.exp(b),
                "share_change_per_year": b * overall * (1 - overall),
                "fitted_share_first": float(p_hat[0]),
                "fitted_share_last": float(p_hat[-1]),
                "dispersion": dispersion,
                "z": zb,
                "p_value": math.erfc(abs(zb) / math.sqrt(2)) if zb == zb else None,
            }
        rows.append(row)
    # an item with no reliable period at all (e.g. every month has too few postings) is
    # insufficient too, not missing (where there are postings at all)
    seen = set(demand["item_id"].unique().to_list())
    listed = _lazy(items).select("item_id", "name", "type", "category").collect()
    if _lazy(postings).select(pl.len()).collect().item() == 0:
        listed = listed.clear()
    for item in listed.iter_rows(named=True):
        if item["item_id"] not in seen:
            seen.add(item["item_id"])
            rows.append(item | {"periods_used": 0, "postings": 0, "postings_with": 0})
    out = pl.DataFrame(rows, schema=TREND_SCHEMA) if rows else pl.DataFrame(schema=TREND_SCHEMA)
    q = benjamini_hochberg(out["p_value"].fill_null(float("nan")).to_numpy())
    out = out.with_columns(q_value=pl.Series(q).fill_nan(None))
    return out.with_columns(
        direction=pl.when(pl.col("p_value").is_null())
        .then(pl.lit("insufficient"))
        .when((pl.col("q_value") < alpha) & (pl.col("slope_per_year") > 0))
        .then(pl.lit("rising"))
        .when((pl.col("q_value") < alpha) & (pl.col("slope_per_year") < 0))
        .then(pl.lit("falling"))
        .otherwise(pl.lit("flat"))
    ).sort("item_id")
