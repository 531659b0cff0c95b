from datetime import date

import marts_warehouse as mw
import polars as pl
import pytest

from warehouse import db, marts


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    path = mw.build(tmp_path_factory.mktemp("marts") / "w.duckdb", clusters=True)
    with db.connect(path) as wh:
        summary = marts.rebuild(wh)
    return path, summary


def test_rebuild_fills_every_mart_and_is_repeatable(built):
    path, summary = built
    assert summary["clusters"] is True
    with db.connect(path, read_only=True) as wh:
        before = {t: wh.count(t) for t in marts.MART_TABLES}
    assert all(before.values()), before
    with db.connect(path) as wh:
        marts.rebuild(wh)
        assert {t: wh.count(t) for t in marts.MART_TABLES} == before
        assert wh.count("mart_builds") == 2


def test_category_share_matches_a_direct_count(built):
    path, _ = built
    with db.connect(path, read_only=True) as wh:
        row = wh.query(
            "SELECT postings_with, postings_total, share FROM category_demand_monthly "
            "WHERE month = DATE '2015-03-01' AND category = 'empathy'"
        ).row(0)
        direct = wh.query(
            "SELECT count(DISTINCT m.posting_id) FILTER (m.category = 'empathy'),"
            " (SELECT count(*) FROM postings WHERE is_pm AND posted_month = DATE '2015-03-01')"
            " FROM skill_mentions m JOIN postings p USING (posting_id)"
            " WHERE p.is_pm AND p.posted_month = DATE '2015-03-01'"
        ).row(0)
        n_categories = wh.scalar("SELECT count(DISTINCT category) FROM category_demand_monthly")
    assert row[:2] == direct
    assert row[2] == pytest.approx(direct[0] / direct[1])
    assert n_categories == 14  # 12 headline + other_hard + other_soft, zero-filled


def test_unextracted_postings_are_not_counted(built):
    path, _ = built
    with db.connect(path, read_only=True) as wh:
        cov = marts.coverage(wh, "month", start=date(2015, 1, 1), end=date(2015, 1, 1)).row(
            0, named=True
        )
        total = wh.scalar(
            "SELECT postings_total FROM hard_soft_monthly WHERE month = DATE '2015-01-01'"
        )
    assert cov["pm_postings"] == cov["pm_extracted"] + 1
    assert total == cov["pm_extracted"]


def test_thin_months_are_flagged(built):
    path, _ = built
    with db.connect(path, read_only=True) as wh:
        thin = wh.query("SELECT month FROM hard_soft_monthly WHERE NOT reliable ORDER BY 1")
    assert thin["month"].to_list() == list(mw.THIN_MONTHS)


def test_soft_demand_rises_and_hard_is_flat(built):
    path, _ = built
    with db.connect(path, read_only=True) as wh:
        got = dict(
            wh.query(
                "SELECT item_id, direction FROM skill_trends WHERE level = 'type'"
                " AND with_multi_role"
            ).rows()
        )
        years = marts.share_changes(wh, [2014, 2018, 2026], "soft")
    assert got == {"hard": "flat", "soft": "rising"}
    assert years["year"].to_list() == [2014, 2018, 2026]
    assert years["change_ci_low"][2] > 0  # 2026 clearly above 2014


def test_grains_scopes_and_views(built):
    path, _ = built
    with db.connect(path, read_only=True) as wh:
        per = dict(
            wh.query(
                "SELECT grain, sum(postings_total) FROM hard_soft_demand WHERE with_multi_role"
                " GROUP BY grain"
            ).rows()
        )
        single = wh.scalar(
            "SELECT sum(postings_total) FROM hard_soft_demand WHERE grain = 'year'"
            " AND NOT with_multi_role"
        )
        mix = marts.mix_adjusted(wh, "quarter")
        skills = marts.skill_demand(wh, "year", level="cluster")
        views = wh.query("SELECT * FROM hard_soft_mix_adjusted_monthly LIMIT 1")
    assert per["month"] == per["quarter"] == per["year"]
    assert 0 < single < per["year"]
    assert set(mix["item"]) == {"hard", "soft"}
    assert mix["mix_coverage"].max() <= 1.0 + 1e-9
    assert set(skills["name"]) == {"hard stuff", "soft stuff"}
    assert views.height == 1


def test_on_demand_trends_and_seniority_split(built):
    path, _ = built
    with db.connect(path, read_only=True) as wh:
        early = marts.trends(wh, "type", end=date(2016, 12, 1))
        split = marts.seniority_split(wh, "type")
    assert early["last_period"].max() <= date(2016, 12, 1)
    assert set(split["band"]) <= {"junior", "mid", "senior", "leadership", "unstated"}
    assert (
        split.filter(pl.col("item_id") == "soft")["postings_total"].sum()
        == split.filter(pl.col("item_id") == "hard")["postings_total"].sum()
    )


def test_wilson_macro_matches_the_transform(built):
    path, _ = built
    with db.connect(path, read_only=True) as wh:
        got = wh.query("SELECT wilson_low(5, 10) AS lo, wilson_high(5, 10) AS hi").row(0)
    from transforms import trends as tt

    want = pl.select(
        tt.wilson_low(pl.lit(5.0), pl.lit(10.0)),
        tt.wilson_high(pl.lit(5.0), pl.lit(10.0)).alias("h"),
    ).row(0)
    assert got == pytest.approx(want)
    with db.connect(path, read_only=True) as wh:
        edges = wh.query(
            "SELECT max(wilson_low(0, n)) AS lo, min(wilson_high(n, n)) AS hi "
            "FROM range(1, 2000) t(n)"
        ).row(0)
    assert edges == (0.0, 1.0)


def test_marts_without_mentions_are_empty_not_broken(tmp_path):
    path = tmp_path / "empty.duckdb"
    with db.connect(path) as wh:
        summary = marts.rebuild(wh)
        assert summary["pm_postings"] == 0
        assert wh.count("skill_trends") == 0
