from datetime import date

import numpy as np
import polars as pl
import pytest

from transforms import trends as tt


def months(start_year: int, count: int) -> list[date]:
    return [date(start_year + (i // 12), i % 12 + 1, 1) for i in range(count)]


def series(counts: list[tuple[date, int, int]], item: str = "x", **extra) -> tuple:
    """postings, hits, items for monthly (month, postings, postings with the item) counts."""
    rows, hits = [], []
    for month, n, k in counts:
        for j in range(n):
            pid = f"{month:%Y%m}:{j}"
            rows.append({"posting_id": pid, "posted_month": month, "multi_role": False} | extra)
            if j < k:
                hits.append({"posting_id": pid, "item_id": item})
    items = pl.DataFrame({"item_id": [item], "name": [item], "type": ["soft"], "category": [item]})
    hits_frame = pl.DataFrame(hits, schema={"posting_id": pl.String, "item_id": pl.String})
    return pl.DataFrame(rows), hits_frame, items


# -- intervals: values checked by hand from the Wilson formula ------------------------------
@pytest.mark.parametrize(
    ("k", "n", "low", "high"),
    [
        (5, 10, 0.236593, 0.763407),  # p = 0.5: symmetric
        (0, 10, 0.0, 0.277533),  # upper = (z^2/n) / (1 + z^2/n)
        (10, 10, 0.722467, 1.0),
        (81, 263, 0.255289, 0.366210),  # Newcombe (1998) example 1, Wilson score row
    ],
)
def test_wilson_interval(k, n, low, high):
    got = pl.select(
        tt.wilson_low(pl.lit(k, pl.Float64), pl.lit(n, pl.Float64)),
        tt.wilson_high(pl.lit(k, pl.Float64), pl.lit(n, pl.Float64)).alias("h"),
    ).row(0)
    assert got == pytest.approx((low, high), abs=1e-6)


@pytest.mark.parametrize("n", [1, 3, 7, 10, 29, 120, 263, 1000, 0.37, 12.5])
def test_wilson_bounds_are_exact_at_the_ends(n):
    """No share of 0 gets a lower bound above 0, no share of 1 an upper bound below 1 (the
    formula's terms cancel there; computed, they left ~1e-17)."""
    n_ = pl.lit(n, pl.Float64)
    assert pl.select(tt.wilson_low(pl.lit(0.0), n_)).item() == 0.0
    assert pl.select(tt.wilson_high(n_, n_)).item() == 1.0


def test_wilson_interval_is_null_without_postings():
    assert pl.select(tt.wilson_low(pl.lit(0.0), pl.lit(0.0))).item() is None


def test_difference_interval_matches_newcombe():
    # Newcombe (1998) method 10: 56/70 vs 48/80, difference 0.2000, interval 0.0524 to 0.3339.
    low, high = tt.difference_interval(pl.lit(48.0), pl.lit(80.0), pl.lit(56.0), pl.lit(70.0))
    assert pl.select(low, high.alias("h")).row(0) == pytest.approx((0.0524, 0.3339), abs=1e-4)


@pytest.mark.parametrize(
    ("grain", "expected"),
    [
        ("month", [(date(2014, 5, 1), "2014-05"), (date(2014, 12, 1), "2014-12")]),
        ("quarter", [(date(2014, 4, 1), "2014-Q2"), (date(2014, 10, 1), "2014-Q4")]),
        ("year", [(date(2014, 1, 1), "2014"), (date(2014, 1, 1), "2014")]),
    ],
)
def test_periods(grain, expected):
    frame = pl.DataFrame({"m": [date(2014, 5, 1), date(2014, 12, 1)]})
    start = tt.period_start(pl.col("m"), grain)
    assert frame.select(start, tt.period_label(start, grain).alias("l")).rows() == expected


def test_unknown_grain_is_refused():
    with pytest.raises(ValueError, match="grain must be one of"):
        tt.period_start(pl.col("m"), "week")


# -- shares ------------------------------------------------------------------------------------
def test_demand_by_period_counts_and_zero_fills():
    postings, hits, items = series([(date(2014, 1, 1), 4, 1), (date(2014, 2, 1), 2, 0)])
    got = tt.demand_by_period(postings, hits, items, "month", min_postings=3).collect()
    assert got.select("label", "postings_with", "postings_total", "share", "reliable").rows() == [
        ("2014-01", 1, 4, 0.25, True),
        ("2014-02", 0, 2, 0.0, False),  # a zero row, flagged thin
    ]
    assert got["ci_low"][1] == 0.0 and got["ci_high"][1] > 0.5


def test_demand_by_period_counts_a_posting_once_per_item():
    postings, hits, items = series([(date(2014, 1, 1), 2, 1)])
    doubled = pl.concat([hits, hits])
    got = tt.demand_by_period(postings, doubled, items, "year").collect()
    assert got.select("label", "postings_with", "postings_total").rows() == [("2014", 1, 2)]


def test_selected_postings_drops_multi_role_and_clips_months():
    postings = pl.DataFrame(
        {
            "posting_id": ["a", "b", "c"],
            "posted_month": [date(2014, 1, 1), date(2014, 2, 1), date(2014, 3, 1)],
            "multi_role": [False, True, None],
        }
    )
    got = tt.selected_postings(postings, with_multi_role=False, end=date(2014, 2, 1)).collect()
    assert got["posting_id"].to_list() == ["a"]


def test_hard_soft_by_period():
    postings = pl.DataFrame(
        {"posting_id": ["a", "b", "c", "d"], "posted_month": [date(2014, 1, 1)] * 4}
    )
    mentions = pl.DataFrame(
        {
            "posting_id": ["a", "a", "a", "b", "b", "c"],
            "skill_id": ["sql", "sql", "teamwork", "roadmap", "sql", "empathy"],
            "type": ["hard", "hard", "soft", "hard", "hard", "soft"],
        }
    )
    got = tt.hard_soft_by_period(postings, mentions, "month", min_postings=1).collect()
    row = got.row(0, named=True)
    # distinct hard skills per posting: a 1, b 2, c 0, d 0; soft: a 1, b 0, c 1, d 0
    assert (row["postings_any_hard"], row["postings_any_soft"]) == (2, 2)
    assert row["share_any_soft"] == 0.5
    assert row["mean_hard_per_posting"] == pytest.approx(0.75)
    assert row["mean_soft_per_posting"] == pytest.approx(0.5)
    assert row["soft_to_hard_ratio"] == pytest.approx(0.5 / 0.75)
    sd_hard = np.std([1, 2, 0, 0], ddof=1)
    assert row["mean_hard_ci_high"] == pytest.approx(0.75 + tt.Z95 * sd_hard / 2)
    assert row["soft_to_hard_ratio_ci_low"] < row["soft_to_hard_ratio"]
    assert row["soft_to_hard_ratio"] < row["soft_to_hard_ratio_ci_high"]


def test_a_certification_counts_as_hard():
    """A posting asking only for a CS degree demands technical_knowledge (a hard category),
    so it demands a hard skill too."""
    postings = pl.DataFrame({"posting_id": ["a", "b"], "posted_month": [date(2014, 1, 1)] * 2})
    mentions = pl.DataFrame(
        {"posting_id": ["a"], "skill_id": ["cs_degree"], "type": ["certification"]}
    )
    row = (
        tt.hard_soft_by_period(postings, mentions, "month", min_postings=1)
        .collect()
        .row(0, named=True)
    )
    assert (row["postings_any_hard"], row["postings_any_soft"]) == (1, 0)
    assert row["mean_hard_per_posting"] == pytest.approx(0.5)


# -- mix adjustment ----------------------------------------------------------------------------
def test_mix_adjustment_removes_a_change_in_who_posts():
    # Seniors ask for the skill 80 % of the time, juniors 20 %, in both months; only the mix
    # changes (half seniors, then three quarters): raw share rises, adjusted share does not.
    rows, hits = [], []
    for month, seniors, juniors in [(date(2014, 1, 1), 10, 10), (date(2014, 2, 1), 30, 10)]:
        for level, count, rate in [("senior", seniors, 0.8), ("associate", juniors, 0.2)]:
            for j in range(count):
                pid = f"{month:%m}-{level}-{j}"
                rows.append(
                    {"posting_id": pid, "posted_month": month, "seniority": level, "remote": False}
                )
                if j < round(count * rate):
                    hits.append({"posting_id": pid, "item_id": "x"})
    items = pl.DataFrame({"item_id": ["x"], "name": ["x"], "type": ["soft"], "category": ["x"]})
    got = tt.mix_adjusted_demand(pl.DataFrame(rows), pl.DataFrame(hits), items).collect()
    assert got["share"].to_list() == pytest.approx([0.5, 0.65])
    # reference mix over both months: 40/60 senior, 20/60 junior -> 2/3 * 0.8 + 1/3 * 0.2
    assert got["share_adjusted"].to_list() == pytest.approx([0.6, 0.6])
    assert got["mix_coverage"].to_list() == pytest.approx([1.0, 1.0])
    assert (got["ci_low"] < 0.6).all() and (got["ci_high"] > 0.6).all()
    assert (got["effective_n"] <= got["postings_total"]).all()


def test_mix_adjustment_without_the_mix_changing_is_the_raw_share():
    postings, hits, items = series(
        [(date(2014, 1, 1), 20, 5), (date(2014, 2, 1), 20, 10)], seniority="mid", remote=True
    )
    got = tt.mix_adjusted_demand(postings, hits, items).collect()
    assert got["share_adjusted"].to_list() == pytest.approx(got["share"].to_list())
    assert got["effective_n"].to_list() == pytest.approx([20.0, 20.0])


def test_mix_stratum_bands():
    frame = pl.DataFrame(
        {"s": ["associate", "lead", "vp", None, "mid"], "r": [True, None, False, True, False]}
    )
    got = frame.select(tt.mix_stratum(pl.col("s"), pl.col("r"))).to_series().to_list()
    assert got == [
        "junior|remote",
        "senior|not_remote",
        "leadership|not_remote",
        "unstated|remote",
        "mid|not_remote",
    ]


# -- trend tests -------------------------------------------------------------------------------
def test_a_rising_series_is_rising():
    counts = [(m, 40, round(40 * (0.1 + 0.5 * i / 35))) for i, m in enumerate(months(2014, 36))]
    got = tt.trend_tests(*series(counts)).row(0, named=True)
    assert got["direction"] == "rising"
    assert got["p_value"] < 1e-6
    assert 0 < got["slope_ci_low"] < got["slope_per_year"] < got["slope_ci_high"]
    assert got["fitted_share_first"] == pytest.approx(0.1, abs=0.05)
    assert got["fitted_share_last"] == pytest.approx(0.6, abs=0.05)
    assert got["periods_used"] == 36


def test_a_falling_series_is_falling():
    counts = [(m, 30, 20 - i) for i, m in enumerate(months(2014, 18))]
    assert tt.trend_tests(*series(counts))["direction"].item() == "falling"


def test_a_flat_series_is_flat():
    counts = [(m, 40, 12) for m in months(2014, 36)]
    got = tt.trend_tests(*series(counts)).row(0, named=True)
    assert got["direction"] == "flat"
    assert got["slope_per_year"] == pytest.approx(0.0, abs=1e-9)
    assert got["p_value"] == pytest.approx(1.0)


def test_noisy_flat_series_are_not_called_trends():
    rng = np.random.default_rng(7)
    frames = [
        series([(m, 25, int(rng.binomial(25, 0.3))) for m in months(2014, 48)], item=f"s{i}")
        for i in range(20)
    ]
    postings = frames[0][0]  # posting ids are the same in every frame: one set of postings
    hits = pl.concat([h for _, h, _ in frames])
    items = pl.concat([it for _, _, it in frames])
    got = tt.trend_tests(postings, hits, items)
    assert got.height == 20
    assert set(got["direction"]) == {"flat"}


def test_thin_months_do_not_fake_a_trend():
    # Flat at 30 % over two years of healthy months, then three months with 2 postings each
    # that both ask for the skill: with the minimum-sample rule they are left out.
    counts = [(m, 40, 12) for m in months(2014, 24)] + [(m, 2, 2) for m in months(2016, 3)]
    guarded = tt.trend_tests(*series(counts), min_postings=10).row(0, named=True)
    assert guarded["direction"] == "flat"
    assert guarded["periods_used"] == 24
    assert guarded["last_period"] == date(2015, 12, 1)


def test_overdispersion_widens_the_interval():
    # Shares jumping between 10 % and 50 % month to month: far more than binomial noise.
    counts = [(m, 100, 10 if i % 2 else 50) for i, m in enumerate(months(2014, 24))]
    got = tt.trend_tests(*series(counts)).row(0, named=True)
    assert got["dispersion"] > 10
    assert got["direction"] == "flat"


def test_items_without_a_reliable_month_are_insufficient_not_missing():
    """No month reaches the minimum (as with single-role posts on the HN archive): every item
    still gets its row, insufficient, so the absence of a trend is stated."""
    counts = [(m, 3, 1) for m in months(2014, 24)]
    got = tt.trend_tests(*series(counts), min_postings=10).row(0, named=True)
    assert (got["item_id"], got["direction"], got["periods_used"]) == ("x", "insufficient", 0)
    assert got["postings"] == 0 and got["first_period"] is None and got["p_value"] is None


def test_rare_items_are_insufficient():
    counts = [(m, 40, 1 if i < 3 else 0) for i, m in enumerate(months(2014, 24))]
    got = tt.trend_tests(*series(counts)).row(0, named=True)
    assert got["direction"] == "insufficient"
    assert got["p_value"] is None and got["postings_with"] == 3


def test_benjamini_hochberg():
    q = tt.benjamini_hochberg(np.array([0.01, 0.04, 0.03, np.nan, 0.2]))
    # sorted 0.01, 0.03, 0.04, 0.2 (m = 4): 0.04, 0.06 -> 0.0533, 0.0533, 0.2
    assert q[0] == pytest.approx(0.04)
    assert q[2] == pytest.approx(0.16 / 3)
    assert q[1] == pytest.approx(0.16 / 3)
    assert np.isnan(q[3]) and q[4] == pytest.approx(0.2)
