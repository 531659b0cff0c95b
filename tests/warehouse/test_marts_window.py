"""The marts read for a window of months, and the build's min_postings in every figure.

The rule: only the postings of the window's months count. A quarter or year the window
cuts is recomputed from its months inside the window and labelled with them.
"""

from datetime import date

import marts_warehouse as mw
import polars as pl
import pytest
from polars.testing import assert_frame_equal

from warehouse import db, marts

WINDOW = (date(2014, 5, 1), date(2018, 2, 1))
COUNTS = {
    "posting_coverage": ["postings", "pm_postings", "pm_extracted", "pm_with_skills"],
    "hard_soft_demand": ["postings_total", "postings_any_hard", "postings_any_soft"],
    "category_demand": ["postings_total", "postings_with"],
    "skill_demand": ["postings_total", "postings_with"],
    "mix_adjusted_demand": ["postings_total"],
}
KEYS = {
    "posting_coverage": [],
    "hard_soft_demand": [],
    "category_demand": ["category"],
    "skill_demand": ["level", "item_id"],
    "mix_adjusted_demand": ["level", "item"],
}


@pytest.fixture(scope="module")
def path(tmp_path_factory):
    path = mw.build(tmp_path_factory.mktemp("window") / "w.duckdb", clusters=True)
    with db.connect(path) as wh:
        marts.rebuild(wh)
    return path


def _read(wh, table, grain, start=None, end=None, scope=True):
    if table == "posting_coverage":
        return marts.coverage(wh, grain, start, end)
    if table == "hard_soft_demand":
        return marts.hard_soft(wh, grain, scope, start, end)
    if table == "category_demand":
        return marts.category_demand(wh, grain, scope, start, end)
    levels = ("skill", "cluster") if table == "skill_demand" else ("type", "category")
    reader = marts.skill_demand if table == "skill_demand" else marts.mix_adjusted
    return pl.concat([reader(wh, grain, level, scope, start, end) for level in levels])


def test_a_year_cut_to_one_month_has_that_months_figures(path):
    # `report --start 2026-03 --end 2026-03` used to read all of 2026 (or nothing)
    with db.connect(path, read_only=True) as wh:
        year = marts.hard_soft(wh, "year", True, date(2026, 3, 1), date(2026, 3, 1))
        quarter = marts.hard_soft(wh, "quarter", True, date(2026, 3, 1), date(2026, 3, 1))
        month = marts.hard_soft(wh, "month", True, date(2026, 3, 1), date(2026, 3, 1))
    assert year["label"].to_list() == ["2026 (Mar)"]
    assert quarter["label"].to_list() == ["2026-Q1 (Mar)"]
    assert month["label"].to_list() == ["2026-03"]
    assert (year["partial"].to_list(), month["partial"].to_list()) == ([True], [False])
    same = pl.exclude("grain", "period", "label", "partial")
    assert_frame_equal(year.select(same), month.select(same))
    assert_frame_equal(quarter.select(same), month.select(same))


@pytest.mark.parametrize("table", list(COUNTS))
@pytest.mark.parametrize("grain", ["quarter", "year"])
def test_every_mart_counts_only_the_months_of_the_window(path, table, grain):
    with db.connect(path, read_only=True) as wh:
        got = _read(wh, table, grain, *WINDOW)
        months = _read(wh, table, "month", *WINDOW)
        whole = _read(wh, table, grain)
    keys = KEYS[table]
    sums = pl.col(COUNTS[table]).sum()
    if keys:
        assert_frame_equal(
            got.group_by(keys).agg(sums).sort(keys), months.group_by(keys).agg(sums).sort(keys)
        )
    else:
        assert_frame_equal(got.select(sums), months.select(sums))
    partial = got.filter(pl.col("partial"))
    want = {"quarter": ["2014-Q2 (May-Jun)", "2018-Q1 (Jan-Feb)"],
            "year": ["2014 (May-Dec)", "2018 (Jan-Feb)"]}[grain]  # fmt: skip
    assert partial["label"].unique(maintain_order=True).to_list() == want
    # periods wholly inside the window are the stored rows, unchanged
    inside = got.filter(~pl.col("partial"))
    order = ["period", *keys, *(["with_multi_role"] if "with_multi_role" in got.columns else [])]
    stored = whole.join(inside.select("period").unique(), on="period")
    assert inside.height > 0
    assert_frame_equal(inside.sort(order), stored.sort(order))


@pytest.mark.parametrize("table", [t for t in COUNTS if t != "posting_coverage"])
@pytest.mark.parametrize("scope", [True, False])
def test_recomputing_whole_periods_gives_the_stored_marts(path, table, scope):
    # the same computation as the rebuild, reference mix and min_postings included
    first, last = date(2015, 4, 1), date(2015, 6, 1)
    with db.connect(path, read_only=True) as wh:
        got = marts.recomputed(wh, table, "quarter", first, last, scope)
        stored = wh.query(
            f"SELECT * FROM {table} WHERE grain = 'quarter' AND period = ? AND with_multi_role = ?",
            [first, scope],
        )
    order = KEYS[table] or ["period"]
    assert got.height == stored.height > 0
    assert_frame_equal(
        got.select(stored.columns).sort(order), stored.sort(order), check_dtypes=False
    )


def test_coverage_of_a_cut_year_sums_its_months(path):
    with db.connect(path, read_only=True) as wh:
        got = marts.recomputed(wh, "posting_coverage", "year", date(2015, 1, 1), date(2015, 12, 1))
        stored = marts.coverage(wh, "year", date(2015, 1, 1), date(2015, 12, 1))
    assert_frame_equal(got, stored.drop("partial"), check_dtypes=False)


def test_share_changes_follow_the_window(path):
    with db.connect(path, read_only=True) as wh:
        cut = marts.share_changes(wh, [2014, 2018, 2026], "soft", True, *WINDOW)
        march = marts.share_changes(wh, [2014, 2018, 2026], "soft", True, date(2026, 3, 1),
                                    date(2026, 3, 1))  # fmt: skip
        months = marts.hard_soft(wh, "month", True, *WINDOW)
        march_month = marts.hard_soft(wh, "month", True, date(2026, 3, 1), date(2026, 3, 1))
        category = marts.share_changes(wh, [2014, 2018], "communication", True, *WINDOW)
        category_months = marts.category_demand(wh, "month", True, *WINDOW).filter(
            pl.col("category") == "communication"
        )
    assert cut["label"].to_list() == ["2014 (May-Dec)", "2018 (Jan-Feb)"]
    per_year = (
        months.group_by(year=pl.col("period").dt.year().cast(pl.Int64))
        .agg(pl.col("postings_total", "postings_any_soft").sum())
        .filter(pl.col("year").is_in([2014, 2018]))
        .sort("year")
    )
    assert cut.select("postings_total", "postings_with").rows() == per_year.drop("year").rows()
    assert march["label"].to_list() == ["2026 (Mar)"]
    assert march["postings_total"].to_list() == march_month["postings_total"].to_list()
    assert category["postings_total"].sum() == category_months["postings_total"].sum()
    assert category["postings_with"].sum() == category_months["postings_with"].sum()


def test_the_baseline_year_has_no_change_interval(path):
    with db.connect(path, read_only=True) as wh:
        years = marts.share_changes(wh, [2014, 2018, 2026], "soft")
    assert years["change"][0] == 0.0
    assert years["change_ci_low"][0] is None and years["change_ci_high"][0] is None
    assert years["change_ci_low"][1:].null_count() == 0


def test_windows_without_a_cut_and_reversed_windows(path):
    assert marts.cut_periods("year", date(2014, 1, 1), date(2015, 12, 1)) == {}
    assert marts.cut_periods("month", date(2014, 5, 1), date(2014, 5, 1)) == {}
    assert marts.cut_labels("quarter", date(2014, 5, 1), None) == ["2014-Q2 (May-Jun)"]
    with db.connect(path, read_only=True) as wh, pytest.raises(ValueError, match="before"):
        marts.hard_soft(wh, "year", True, date(2018, 1, 1), date(2014, 1, 1))


def test_figures_computed_now_use_the_builds_min_postings(tmp_path):
    # months have 14 PM postings: with a minimum of 30 none is reliable, so no trend is
    # tested; quarters (about 42) are reliable, a quarter cut to two months is not
    path = mw.build(tmp_path / "w.duckdb")
    with db.connect(path) as wh:
        marts.rebuild(wh, min_postings=30)
        trends = marts.trends(wh, "type")
        stored = marts.stored_trends(wh, "type")
        at_ten = marts.trends(wh, "type", min_postings=10)
        split = marts.seniority_split(wh, "type", date(2014, 1, 1), date(2014, 3, 1))
        split_at_ten = marts.seniority_split(
            wh, "type", date(2014, 1, 1), date(2014, 3, 1), min_postings=10
        )
        cut = marts.hard_soft(wh, "quarter", True, date(2014, 2, 1), date(2014, 6, 1))
        marts.rebuild(wh)  # no setting given: the stored one stays
        kept = wh.query("SELECT min_postings FROM mart_builds ORDER BY built_at")
    # no reliable month: nothing is tested, each item says so
    assert trends["item_id"].to_list() == stored["item_id"].to_list() == ["hard", "soft"]
    assert set(trends["direction"]) == set(stored["direction"]) == {"insufficient"}
    assert at_ten["direction"].to_list() == ["flat", "rising"]
    assert not split["reliable"].any()  # 42 postings in those months, split in five bands
    assert split_at_ten["reliable"].any()
    assert dict(zip(cut["label"], cut["reliable"], strict=True)) == {
        "2014-Q1 (Feb-Mar)": False,
        "2014-Q2": True,
    }
    assert kept["min_postings"].to_list() == [30, 30]
