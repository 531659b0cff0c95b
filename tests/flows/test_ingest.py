"""The ingest flow end to end: real files, a real DuckDB file, Prefect's test harness."""

import gzip
import json
import shutil

import pytest

from flows.ingest import ingest
from warehouse import db

pytestmark = pytest.mark.usefixtures("prefect_harness")


def table(path, sql):
    with db.connect(path, read_only=True) as wh:
        return wh.query(sql).rows()


@pytest.fixture
def inputs(tmp_path, shared_data):
    """Two real HN months, two overlapping 2026 runs, real ATS captures, and a broken file."""
    folder = tmp_path / "in"
    folder.mkdir()
    for name in (
        "2013-2018/2015-03.json.gz",
        "2013-2018/2017-12.json.gz",
        "2026/2026-04-17.json.gz",
        "2026/2026-04-28.json.gz",
    ):
        shutil.copy(shared_data / "hn" / name, folder / name.split("/")[1])
    for name in ("greenhouse_jobs.json", "lever_postings.json", "ashby_jobs.json"):
        shutil.copy(shared_data / "fixtures" / "ats" / name, folder / name)
    good = {
        "full_html": "Acme | Senior Product Manager | Berlin<p>Own the roadmap.",
        "url": "https://news.ycombinator.com/item?id=999000001",
    }
    no_text = {"full_html": "", "url": "https://news.ycombinator.com/item?id=999000002"}
    broken = json.dumps([good, no_text]).encode()[:-1] + b', {"full_html": "caf\xe9'  # cut
    (folder / "2019-01.json").write_bytes(broken)
    return folder


def test_ingest_loads_everything_once_and_quarantines_the_broken(tmp_path, inputs, shared_data):
    path = str(tmp_path / "w.duckdb")
    first = ingest(inputs=[str(inputs)], db_path=path)
    runs = [json.loads(gzip.decompress(p.read_bytes())) for p in sorted(inputs.glob("2026-*"))]
    months = [
        json.loads(gzip.decompress((inputs / f).read_bytes()))
        for f in ("2015-03.json.gz", "2017-12.json.gz")
    ]
    hn_ids = (
        {f"hn:{j['id']}" for r in runs for j in r["jobs"]}
        | {"hn:" + p["url"].rsplit("=", 1)[1] for m in months for p in m}
        | {"hn:999000001"}
    )
    stored = {r[0] for r in table(path, "SELECT posting_id FROM postings WHERE source = 'hn'")}
    refused = {r[0] for r in table(path, "SELECT regexp_extract(ref, 'hn:[0-9]+') FROM quarantine")}
    every = hn_ids | {"hn:999000002"}
    assert stored | (refused & every) == every  # every post, stored or quarantined, once
    assert not stored & refused
    ats = table(
        path, "SELECT source, count(*) FROM postings WHERE source <> 'hn' GROUP BY 1 ORDER BY 1"
    )
    assert ats == [("ashby", 4), ("greenhouse", 4), ("lever", 4)]
    reasons = dict(table(path, "SELECT ref, reason FROM quarantine WHERE ref LIKE '%2019-01%'"))
    assert any("no text" in r for r in reasons.values())
    assert any("truncated" in r for r in reasons.values())
    assert table(path, "SELECT posted_month FROM postings WHERE posting_id = 'hn:999000001'") == [
        (__import__("datetime").date(2019, 1, 1),)
    ]
    hashes = table(path, "SELECT posting_id, content_hash FROM postings ORDER BY 1")
    second = ingest(inputs=[str(inputs)], db_path=path)
    assert (second["new"], second["updated"]) == (0, 0)
    assert table(path, "SELECT posting_id, content_hash FROM postings ORDER BY 1") == hashes
    assert table(path, "SELECT count(*) FROM quarantine") == [(first["quarantined"],)]
    assert table(path, "SELECT flow, status, n_new FROM runs ORDER BY started") == [
        ("ingest", "completed", first["new"]),
        ("ingest", "completed", 0),
    ]
