"""`pmpulse run`: every stage on a small warehouse, the marts' settings kept."""

import marts_warehouse as mw

from flows.run import run
from warehouse import db, marts


def test_run_keeps_the_marts_min_postings(tmp_path, monkeypatch, prefect_harness):
    # marts built with --min-postings 12; a later run rebuilds them with 12, not the default
    monkeypatch.setenv("PMPULSE_REPORTS", str(tmp_path / "reports"))
    path = mw.build(tmp_path / "w.duckdb")
    with db.connect(path) as wh:
        marts.rebuild(wh, min_postings=12)
    new = tmp_path / "new.csv"
    new.write_text(
        "source_id,title,posted_month,description\n"
        "n1,Senior Product Manager,2026-05,Strong SQL and stakeholder management.\n",
        encoding="utf-8",
    )
    summary = run(db_path=str(path), inputs=[str(new)])
    assert summary["marts"]["pm_postings"] > 0
    with db.connect(path, read_only=True) as wh:
        builds = wh.query("SELECT min_postings FROM mart_builds ORDER BY built_at")
        assert wh.scalar("SELECT count(*) FROM postings WHERE source_id = 'n1'") == 1
    assert builds["min_postings"].to_list() == [12, 12]
    assert summary["report"]["html"].endswith("pmpulse-report.html")
