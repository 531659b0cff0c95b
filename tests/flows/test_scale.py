"""Scale-out: a real 2-worker local Dask cluster gives the same warehouse as one process."""

import shutil

import polars as pl
import pytest

from flows import scale
from flows.ingest import ingest
from warehouse import db

pytestmark = pytest.mark.usefixtures("prefect_harness")

COLUMNS = "* EXCLUDE (updated_at, first_seen, last_seen)"


def contents(path) -> dict:
    with db.connect(path, read_only=True) as wh:
        return {
            "postings": wh.query(f"SELECT {COLUMNS} FROM postings ORDER BY posting_id").rows(),
            "raw": wh.query("SELECT * EXCLUDE (run_id) FROM raw_postings ORDER BY 1, 2, 3").rows(),
            "quarantine": wh.query("SELECT source, ref, reason FROM quarantine ORDER BY 2").rows(),
        }


def test_two_dask_workers_equal_one_process(tmp_path, shared_data, monkeypatch, capfd):
    monkeypatch.setattr(scale, "MIN_PARTITION_ROWS", 100)
    folder = tmp_path / "in"
    folder.mkdir()
    for name in ("2013-2018/2015-03.json.gz", "2013-2018/2017-12.json.gz",
                 "2026/2026-04-17.json.gz"):  # fmt: skip
        shutil.copy(shared_data / "hn" / name, folder / name.split("/")[1])
    single = ingest(inputs=[str(folder)], db_path=str(tmp_path / "one.duckdb"))
    dask = ingest(inputs=[str(folder)], db_path=str(tmp_path / "dask.duckdb"), workers=2)
    assert "3 partitions on Dask" in capfd.readouterr().err
    assert single["new"] == dask["new"] > 1000
    assert contents(tmp_path / "one.duckdb") == contents(tmp_path / "dask.duckdb")


def test_partitions_keep_whole_groups_and_pack_small_ones():
    frame = pl.DataFrame({"source": ["a"] * 5 + ["b"] * 2 + ["c"], "n": range(8)})
    parts = scale.partitions(frame, [pl.col("source")], min_rows=3)
    assert sorted(p["source"].unique().sort().to_list() for p in parts) == [["a"], ["b", "c"]]
    assert sum(p.height for p in parts) == 8


def test_placement_from_flags_env_and_config(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)  # no pmpulse.toml here
    monkeypatch.delenv("PMPULSE_CONFIG", raising=False)
    monkeypatch.delenv("PMPULSE_DASK_ADDRESS", raising=False)
    monkeypatch.delenv("PMPULSE_WORKERS", raising=False)
    assert not scale.placement().distributed
    monkeypatch.setenv("PMPULSE_CONFIG", str(tmp_path / "pmpulse.toml"))
    (tmp_path / "pmpulse.toml").write_text('[dask]\naddress = "tcp://scheduler.example:8786"\n')
    assert scale.placement().address == "tcp://scheduler.example:8786"
    monkeypatch.setenv("PMPULSE_DASK_ADDRESS", "tcp://127.0.0.1:8786")  # env wins over config
    assert scale.placement().address == "tcp://127.0.0.1:8786"
    scale.configure(workers=2)
    try:
        assert scale.placement().describe() == "local Dask cluster of 2 workers"
    finally:
        scale.configure()
