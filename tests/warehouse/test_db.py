import subprocess
import sys
from datetime import UTC, date, datetime, timedelta

import polars as pl
import pytest

from warehouse import db

T0 = datetime(2024, 1, 1, tzinfo=UTC)
T1 = datetime(2024, 2, 1, tzinfo=UTC)


def posting(pid: str, content_hash: str, seen: datetime, title: str = "Product Manager") -> dict:
    source, source_id = pid.split(":")
    return {
        "posting_id": pid, "source": source, "source_id": source_id, "board": None,
        "company": "Acme", "title": title, "role": "pm", "seniority": "mid", "is_pm": True,
        "pm_titles": [title], "multi_role": False, "location": "Berlin", "country": "DE",
        "remote": None, "salary_min": None, "salary_max": None, "salary_currency": None,
        "salary_period": None, "posted_at": None, "posted_month": date(2024, 1, 1),
        "url": None, "description_text": "text", "first_seen": seen, "last_seen": seen,
        "content_hash": content_hash,
    }  # fmt: skip


def raw(pid: str, content_hash: str, seen: datetime) -> dict:
    source, source_id = pid.split(":")
    return {"source": source, "source_id": source_id, "content_hash": content_hash,
            "fetched_at": seen, "board": None, "payload": "{}"}  # fmt: skip


def load(
    wh: db.Warehouse, rows: list[dict], raws: list[dict], bad: list[dict] = ()
) -> db.LoadCounts:
    q = pl.DataFrame(list(bad), schema={"source": pl.String, "ref": pl.String,
                                        "reason": pl.String, "payload": pl.String})  # fmt: skip
    return db.load_postings(wh, pl.DataFrame(rows), pl.DataFrame(raws), q, run_id="r")


def test_schema_applies_twice_and_records_files(tmp_path):
    path = tmp_path / "w.duckdb"
    with db.connect(path) as wh:
        first = wh.query("SELECT name, checksum FROM _migrations ORDER BY name").rows()
        assert {"postings", "raw_postings", "quarantine", "runs"} <= set(wh.tables())
    with db.connect(path) as wh:
        assert wh.apply_schema() == []  # nothing changed: nothing re-applied
        assert wh.query("SELECT name, checksum FROM _migrations ORDER BY name").rows() == first


def test_load_twice_gives_the_same_rows(tmp_path):
    rows = [posting("hn:1", "a", T0), posting("hn:2", "b", T0)]
    raws = [raw("hn:1", "a", T0), raw("hn:2", "b", T0)]
    bad = [{"source": "hn", "ref": "f#3", "reason": "record has no text", "payload": "{}"}]
    with db.connect(tmp_path / "w.duckdb") as wh:
        first = load(wh, rows, raws, bad)
        snapshot = wh.query("SELECT * EXCLUDE (updated_at) FROM postings ORDER BY 1").rows()
        second = load(wh, rows, raws, bad)
        assert (first.new, first.updated, second.new, second.updated, second.unchanged) == (
            2, 0, 0, 0, 2)  # fmt: skip
        assert wh.query("SELECT * EXCLUDE (updated_at) FROM postings ORDER BY 1").rows() == snapshot
        assert (wh.count("raw_postings"), wh.count("quarantine")) == (2, 1)


def test_newer_version_replaces_older_only_widens_the_window(tmp_path):
    with db.connect(tmp_path / "w.duckdb") as wh:
        load(wh, [posting("hn:1", "old", T0)], [raw("hn:1", "old", T0)])
        edit = load(wh, [posting("hn:1", "new", T1, "Senior PM")], [raw("hn:1", "new", T1)])
        assert (edit.new, edit.updated) == (0, 1)
        late_old = load(wh, [posting("hn:1", "old", T0)], [raw("hn:1", "old", T0)])
        assert late_old.updated == 0
        got = wh.query("SELECT title, content_hash, first_seen, last_seen FROM postings").rows()
        assert got == [("Senior PM", "new", T0, T1)]
        assert wh.count("raw_postings") == 2  # both versions kept: history is countable


def test_a_failed_load_leaves_nothing_behind(tmp_path):
    with db.connect(tmp_path / "w.duckdb") as wh:
        load(wh, [posting("hn:1", "a", T0)], [raw("hn:1", "a", T0)])
        broken = posting("hn:2", "b", T0) | {"role": "astronaut"}  # violates the CHECK
        with pytest.raises(Exception, match="CHECK"):
            load(wh, [broken], [raw("hn:2", "b", T0)])
        assert (wh.count("postings"), wh.count("raw_postings")) == (1, 1)


def test_identifiers_are_checked_never_formatted_blindly(tmp_path):
    with db.connect(tmp_path / "w.duckdb") as wh, pytest.raises(ValueError, match="identifier"):
        wh.count("postings; DROP TABLE postings")


def test_a_second_writer_gets_a_clear_message(tmp_path, monkeypatch):
    path = tmp_path / "w.duckdb"
    db.connect(path).close()
    with subprocess.Popen(
        [sys.executable, "-c", "import sys,time; from warehouse import db\n"
         "with db.writing(sys.argv[1]):\n print('ready', flush=True); time.sleep(30)",
         str(path)],
        stdout=subprocess.PIPE, text=True,
    ) as holder:  # fmt: skip
        try:
            assert holder.stdout.readline().strip() == "ready"
            monkeypatch.setenv("PMPULSE_LOCK_TIMEOUT", "0.5")
            with pytest.raises(db.WarehouseBusy, match=f"another pmpulse run \\(pid {holder.pid}"):
                db.connect(path)
            with db.connect(path, read_only=True) as wh:  # readers are never blocked
                assert "postings" in wh.tables()
        finally:
            holder.kill()


def test_read_only_needs_an_existing_warehouse(tmp_path):
    with pytest.raises(db.WarehouseError, match="no warehouse"):
        db.connect(tmp_path / "missing.duckdb", read_only=True)


@pytest.mark.parametrize("name", ["postings.csv", "postings.parquet"])
def test_a_file_that_is_not_a_warehouse_gets_a_clear_error(tmp_path, name):
    (tmp_path / name).write_text("source_id,description\n1,x\n")
    with pytest.raises(db.WarehouseError, match="is it a DuckDB database file"):
        db.connect(tmp_path / name, read_only=True)


def test_query_converts_types_polars_cannot_import(tmp_path):
    with db.connect(tmp_path / "w.duckdb") as wh:
        frame = wh.query(
            "SELECT TIMESTAMP '2020-01-01 10:00:01.5' - TIMESTAMP '2020-01-01 10:00' AS took, "
            "INTERVAL 1 MONTH AS m, 7 AS m, [INTERVAL 1 DAY] AS l, union_value(k := 3) AS u"
        )
    assert frame.schema == pl.Schema(
        {
            "took": pl.Duration("us"),
            "m": pl.Duration("us"),
            "m_1": pl.Int32,
            "l": pl.String,
            "u": pl.String,
        }
    )
    assert frame.row(0) == (timedelta(seconds=1.5), timedelta(days=30), 7, "[1 day]", "3")
