# ---
# jupyter:
#   jupytext:
#     formats: py:percent
#     text_representation:
#       extension: .py
#       format_name: percent
#   kernelspec:
#     display_name: Python 3 (ipykernel)
#     language: python
#     name: python3
# ---

# %% [markdown]
# # pmpulse: hard vs soft skill demand in PM job postings
#
# What Product Manager postings ask for, and how it shifts over time. Every share has a 95 %
# interval (Wilson); months with fewer PM postings than the marts' minimum are marked
# unreliable and left out of trend tests. Executed headless by `pmpulse report`; the numbers
# come from the warehouse marts (`warehouse/marts.py`), nothing is recomputed here by hand.
#
# The window (`--start/--end`, in months) holds for every section: only the postings of its
# months count. A quarter or year it covers in part is counted over its months inside the
# window and labelled with them, e.g. `2014 (May-Dec)`.

# %% tags=["parameters"]
db_path = "data/pmpulse.duckdb"  # the warehouse
start = None  # first month to show, "YYYY-MM" (None: from the first)
end = None  # last month to show, "YYYY-MM" (None: to the last)
grain = "quarter"  # period of the time-series charts: month, quarter or year
with_multi_role = True  # False: only posts that advertise PM roles alone

# %%
import html
from datetime import date, timedelta

import matplotlib.dates as mdates
import matplotlib.pyplot as plt
import numpy as np
import polars as pl
from IPython.display import HTML, Markdown, display

from transforms.trends import BAND_ORDER
from warehouse import db, marts


def month(value):
    if value is None:
        return None
    y, m = str(value)[:7].split("-")
    return date(int(y), int(m), 1)


def cell(value):
    if value is None:
        return ""
    if isinstance(value, float):
        return f"{value:,.3f}" if abs(value) < 1000 else f"{value:,.0f}"
    if isinstance(value, int) and not isinstance(value, bool):
        return f"{value:,}"
    return str(value)


def table(frame):
    """The frame as a plain HTML table: every row, no dtype row, no quotes."""
    head = "".join(f"<th>{html.escape(c)}</th>" for c in frame.columns)
    rows = "".join(
        "<tr>" + "".join(f"<td>{html.escape(cell(v))}</td>" for v in row) + "</tr>"
        for row in frame.iter_rows()
    )
    display(HTML(f'<table class="pmpulse"><thead><tr>{head}</tr></thead>'
                 f"<tbody>{rows}</tbody></table>"))  # fmt: skip


def partial_note(frame):
    """A line naming the periods of `frame` counted over part of their months."""
    if "partial" in frame.columns and frame["partial"].any():
        labels = frame.filter(pl.col("partial"))["label"].unique(maintain_order=True)
        display(Markdown("_Counted over their months inside the window only: "
                         f"{', '.join(labels)}._"))  # fmt: skip


start_d, end_d = month(start), month(end)
marts.check_window(start_d, end_d)
plt.rcParams.update({"figure.dpi": 100, "axes.grid": True, "grid.alpha": 0.3})
wh = db.connect(db_path, read_only=True)
build = wh.query("SELECT * FROM mart_builds ORDER BY built_at DESC LIMIT 1")
if build.is_empty():
    raise SystemExit("the marts were never built: run `pmpulse marts` first")
b = build.row(0, named=True)
scope = "all PM postings" if with_multi_role else "PM-only posts (multi-role posts left out)"
min_postings = b["min_postings"]
inputs = marts.Inputs(wh, start_d, end_d)
posted = inputs.postings["posted_month"]
data_months = (
    f"{posted.min():%Y-%m} to {posted.max():%Y-%m}, {posted.len():,} PM postings"
    if posted.len()
    else "no PM postings"
)
cut_labels = [
    label for g in dict.fromkeys((grain, "year")) for label in marts.cut_labels(g, start_d, end_d)
]
display(
    Markdown(
        f"**Warehouse** `{db_path}` · marts built {b['built_at']:%Y-%m-%d %H:%M} UTC from "
        f"{b['pm_postings']:,} PM postings (taxonomy {b['taxonomy_version']}) · {scope} · "
        f"minimum {min_postings} PM postings per reliable period.\n\n"
        f"**Window** {start or 'first month'} to {end or 'last month'} (data: {data_months}). "
        "Every section counts only the postings of these months"
        + (
            "; periods the window cuts are counted over their months inside it: "
            + ", ".join(cut_labels)
            + "."
            if cut_labels
            else "."
        )
    )
)


GAP_DAYS = {"month": 45, "quarter": 140, "year": 550}[grain]


def segments(frame, x="period"):
    """The frame cut where periods are missing, so lines never bridge a gap in the data."""
    if frame.is_empty():
        return []
    cut = (frame[x].diff().dt.total_days().fill_null(0) > GAP_DAYS).cum_sum()
    return [frame.filter(cut == k) for k in range(int(cut.max()) + 1)]


def shade(ax, frame, x, y, lo, hi, label, color, **kw):
    for i, seg in enumerate(segments(frame, x)):
        ax.plot(seg[x], seg[y], marker="o", ms=3, label=label if i == 0 else None, color=color,
                **kw)  # fmt: skip
        if lo and seg.height == 1:  # a lone period: an error bar, a band would not show
            y0 = seg[y].to_numpy()
            ax.errorbar(seg[x], y0, yerr=[y0 - seg[lo].to_numpy(), seg[hi].to_numpy() - y0],
                        fmt="none", color=color, alpha=0.5, capsize=4)  # fmt: skip
        elif lo:
            ax.fill_between(seg[x], seg[lo], seg[hi], alpha=0.2, color=color)


# %% [markdown]
# ## Data coverage: postings per month
# Bars: PM postings counted by the marts; grey: months below the minimum (unreliable).
# Gaps are months with no data at all (the HN archive has none from 2018-05 to 2025-12).

# %%
cov = marts.coverage(wh, "month", start_d, end_d)
if cov.is_empty():
    display(Markdown("_No postings in the window._"))
else:
    fig, (ax1, ax2) = plt.subplots(2, 1, figsize=(11, 5.5), sharex=True)
    colors = np.where(cov["reliable"].to_numpy(), "tab:blue", "lightgrey")
    ax1.bar(cov["period"], cov["pm_extracted"], width=25, color=colors)
    ax1.set_ylabel("PM postings")
    ax1.set_title("Data coverage per month")
    ax2.bar(cov["period"], cov["postings"], width=25, color="tab:gray")
    ax2.set_ylabel("all postings")
    ax2.set_xlim(cov["period"].min() - timedelta(days=60), cov["period"].max() + timedelta(days=60))
    locator = mdates.AutoDateLocator(minticks=3, maxticks=12)
    ax2.xaxis.set_major_locator(locator)
    ax2.xaxis.set_major_formatter(mdates.ConciseDateFormatter(locator))
    fig.tight_layout()
    plt.show()

# %% [markdown]
# ## Hard vs soft: share of PM postings demanding any hard / any soft skill
# Lines with bands: the raw share and its 95 % interval. Dashed: the share reweighted to a
# fixed seniority x remote mix (`mix_adjusted_demand`), so a change in who posts is not read
# as a change in what is asked.

# %%
hs = marts.hard_soft(wh, grain, with_multi_role, start_d, end_d, inputs).filter(
    pl.col("reliable")
)
mix = marts.mix_adjusted(wh, grain, "type", with_multi_role, start_d, end_d, inputs).filter(
    pl.col("reliable")
)
if hs.is_empty():
    display(Markdown(f"_No {grain} in the window has {min_postings} PM postings or more._"))
else:
    fig, ax = plt.subplots(figsize=(11, 4.5))
    shade(ax, hs, "period", "share_any_hard", "share_any_hard_ci_low",
          "share_any_hard_ci_high", "any hard skill", "tab:blue")  # fmt: skip
    shade(ax, hs, "period", "share_any_soft", "share_any_soft_ci_low",
          "share_any_soft_ci_high", "any soft skill", "tab:orange")  # fmt: skip
    for item, color in (("hard", "tab:blue"), ("soft", "tab:orange")):
        m = mix.filter(pl.col("item") == item)
        shade(ax, m, "period", "share_adjusted", None, None, f"{item}, mix-adjusted", color,
              ls="--")  # fmt: skip
    ax.set_ylim(0, 1)
    ax.set_ylabel("share of PM postings")
    ax.set_title(f"Hard vs soft skill demand per {grain} (95 % intervals)")
    ax.legend(loc="lower right")
    fig.tight_layout()
    plt.show()
    partial_note(hs)

# %% [markdown]
# ### How did the share demanding soft skills change? (2014, 2018, 2026)
# Change from the first year shown (the baseline), with Newcombe's 95 % interval of the
# difference. Only the window's months count: a year it cuts is labelled with its months.

# %%
years = [y for y in (2014, 2018, 2026) if (start_d is None or y >= start_d.year)
         and (end_d is None or y <= end_d.year)]  # fmt: skip
answer = marts.share_changes(wh, years, "soft", with_multi_role, start_d, end_d, inputs)
if answer.is_empty():
    display(Markdown("_No PM postings in those years within the window._"))
else:
    pct = [pl.col(c).mul(100).round(1) for c in ("change", "change_ci_low", "change_ci_high")]
    table(
        answer.select(
            pl.col("label").alias("year"),
            pl.col("postings_total").alias("PM postings"),
            pl.col("postings_with").alias("demanding soft skills"),
            pl.format(
                "{}% [{}, {}]",
                *(pl.col(c).mul(100).round(1) for c in ("share", "ci_low", "ci_high")),
            ).alias("share soft [95% CI]"),
            pl.when(pl.col("change_ci_low").is_null())
            .then(pl.lit("baseline"))
            .otherwise(pl.format("{} pp [{}, {}]", *pct))
            .alias("change vs first year [95% CI]"),
        )
    )

# %% [markdown]
# ## The twelve headline categories by year
# Share of PM postings demanding each category (cells: percent).

# %%
cat = marts.category_demand(wh, "year", with_multi_role, start_d, end_d, inputs).filter(
    pl.col("category").is_in(marts.HARD_CATEGORIES + marts.SOFT_CATEGORIES)
)
if cat.is_empty():
    display(Markdown("_No PM postings with extracted skills in the window._"))
else:
    order = [c for c in marts.CATEGORIES if c in set(cat["category"])]
    labels = cat.select("period", "label").unique().sort("period")["label"].to_list()
    grid = np.full((len(order), len(labels)), np.nan)
    for row in cat.iter_rows(named=True):
        grid[order.index(row["category"]), labels.index(row["label"])] = row["share"]
    fig, ax = plt.subplots(figsize=(11, 6))
    im = ax.imshow(grid * 100, cmap="viridis", aspect="auto", vmin=0)
    ax.set_xticks(range(len(labels)), labels)
    ax.set_yticks(range(len(order)), [f"{c} ({marts.category_type(c)})" for c in order])
    ax.grid(False)
    for i in range(len(order)):
        for j in range(len(labels)):
            if not np.isnan(grid[i, j]):
                ax.text(j, i, f"{grid[i, j] * 100:.0f}", ha="center", va="center", color="white",
                        fontsize=8)  # fmt: skip
    fig.colorbar(im, ax=ax, label="% of PM postings")
    ax.set_title("Category demand by year")
    fig.tight_layout()
    plt.show()
    partial_note(cat)

# %% [markdown]
# ## Top rising and falling skills
# Logistic regression of demand on time over the reliable months of the window; bars are the
# change in log-odds per year with its 95 % interval (quasi-binomial). Colour: rising / falling
# at a false discovery rate of 5 % (Benjamini-Hochberg), grey: not significant.

# %%
tr = marts.trends(wh, "skill", start_d, end_d, with_multi_role, inputs=inputs).filter(
    pl.col("direction") != "insufficient"
)
top = pl.concat(
    [tr.sort("slope_per_year", descending=True).head(10), tr.sort("slope_per_year").head(10)]
).unique("item_id").sort("slope_per_year")
if top.is_empty():
    display(Markdown("_Too few postings in the window to test any skill._"))
else:
    fig, ax = plt.subplots(figsize=(11, max(3, 0.35 * top.height)))
    colors = [
        {"rising": "tab:green", "falling": "tab:red"}.get(d, "tab:gray") for d in top["direction"]
    ]
    y = np.arange(top.height)
    err = np.vstack(
        [
            (top["slope_per_year"] - top["slope_ci_low"]).to_numpy(),
            (top["slope_ci_high"] - top["slope_per_year"]).to_numpy(),
        ]
    )
    ax.barh(y, top["slope_per_year"], xerr=err, color=colors, capsize=2)
    ax.set_yticks(y, [f"{n} ({t})" for n, t in zip(top["name"], top["type"], strict=True)])
    ax.axvline(0, color="black", lw=0.8)
    ax.set_xlabel("change in log-odds of demand per year")
    ax.set_title("Skills rising and falling the most")
    fig.tight_layout()
    plt.show()
    table(
        top.sort("slope_per_year", descending=True).select(
            "name", "type", "category", "postings_with", "share", "fitted_share_first",
            "fitted_share_last", "slope_per_year", "q_value", "direction",
        )  # fmt: skip
    )

# %% [markdown]
# ## Seniority split
# Share demanding any hard / any soft skill by seniority band, over the whole window.

# %%
sen = marts.seniority_split(wh, "type", start_d, end_d, with_multi_role, inputs=inputs)
if sen.is_empty():
    display(Markdown("_No PM postings in the window._"))
else:
    bands = [b for b in BAND_ORDER if b in set(sen["band"])]
    fig, ax = plt.subplots(figsize=(11, 4))
    x = np.arange(len(bands))
    for k, (item, color) in enumerate((("hard", "tab:blue"), ("soft", "tab:orange"))):
        s = sen.filter(pl.col("item_id") == item)
        s = s.join(pl.DataFrame({"band": bands}, schema={"band": pl.String}), on="band", how="right").select(s.columns)
        sh = s["share"].to_numpy()
        err = np.vstack([sh - s["ci_low"].to_numpy(), s["ci_high"].to_numpy() - sh])
        ax.bar(x + (k - 0.5) * 0.38, sh, 0.38, yerr=err, capsize=3, color=color, label=item)
    totals = sen.filter(pl.col("item_id") == "hard").select("band", "postings_total")
    n_by = dict(totals.iter_rows())
    ax.set_xticks(x, [f"{b}\n(n={n_by.get(b, 0)})" for b in bands])
    ax.set_ylim(0, 1)
    ax.set_ylabel("share of PM postings")
    ax.set_title("Hard vs soft demand by seniority (95 % intervals)")
    ax.legend()
    fig.tight_layout()
    plt.show()

# %% [markdown]
# ## Emerging skills and clusters
# Emerging skills are found by `pmpulse clusters` over all the data (the last 12 months
# against the months before), whatever the window; the cluster trends are over the window.

# %%
tables = set(wh.tables())
shown = False
if "emerging_skills" in tables:
    em = wh.query(
        "SELECT label, first_month, postings, share_before, share_recent, growth, q_value "
        "FROM emerging_skills WHERE population = 'pm' ORDER BY q_value, postings DESC LIMIT 15"
    )
    if not em.is_empty():
        shown = True
        fig, ax = plt.subplots(figsize=(11, max(3, 0.35 * em.height)))
        y = np.arange(em.height)
        ax.barh(y - 0.2, em["share_before"] * 100, 0.4, label="before the last 12 months")
        ax.barh(y + 0.2, em["share_recent"] * 100, 0.4, label="last 12 months")
        ax.set_yticks(y, em["label"].to_list())
        ax.set_xlabel("% of PM postings")
        ax.set_title("Emerging skills (phrases beyond the taxonomy, growing significantly)")
        ax.legend()
        fig.tight_layout()
        plt.show()
        table(em)
if "cluster" in inputs.levels:
    ct = marts.trends(wh, "cluster", start_d, end_d, with_multi_role, inputs=inputs).filter(
        pl.col("direction").is_in(["rising", "falling"])
    )
    if not ct.is_empty():
        shown = True
        display(Markdown("**Skill clusters with a significant trend in the window**"))
        table(
            ct.sort("slope_per_year", descending=True).select(
                "name", "type", "postings_with", "fitted_share_first", "fitted_share_last",
                "slope_per_year", "q_value", "direction",
            )  # fmt: skip
        )
if not shown:
    built = "emerging_skills" in tables and wh.scalar("SELECT count(*) FROM emerging_skills") > 0
    display(Markdown(
        "_No emerging skill among PM postings and no trending cluster in the window; the "
        "emerging skills among all postings: `SELECT * FROM emerging_skills WHERE population "
        "= 'all'`._" if built else "_No emerging skills or trending clusters in this warehouse "
        "(run `pmpulse clusters` to build them)._"
    ))  # fmt: skip

# %% [markdown]
# ## How to read this
# - Shares are of PM postings whose skills were extracted (`posting_coverage.pm_extracted`).
# - Intervals: Wilson score 95 % for shares; Newcombe for differences of shares; the trend
#   slopes are quasi-binomial Wald intervals from a logistic regression on time.
# - The same numbers are in the warehouse: `SELECT * FROM hard_soft_monthly`,
#   `category_demand`, `skill_trends` (see docs/marts.md and docs/cookbook.md).

# %%
wh.close()
display(HTML("<p><small>Generated by <code>pmpulse report</code>.</small></p>"))
