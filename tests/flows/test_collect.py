"""`collect` end to end against a real HTTP server on 127.0.0.1 replaying recorded responses."""

import json
import re
import socket
from datetime import UTC, datetime
from pathlib import Path

import polars as pl
import pytest
from http_replay import ReplayServer, Reply, hn_runs, route_hn

from flows import cli
from flows.collect import collect
from flows.ingest import ingest
from warehouse import db

PAGES = Path(__file__).resolve().parents[1] / "fixtures" / "jsonld"
db_closed = pl.col("closed_at").is_not_null()
SOURCES = [
    "greenhouse:anthropic",
    "lever:spotify",
    "ashby:ramp",
    "greenhouse:broken",
    "ashby:gone",
    "jsonld:{base}/careers/gpm",
]


@pytest.fixture
def replay(shared_data, monkeypatch, tmp_path):
    ats = shared_data / "fixtures" / "ats"
    with ReplayServer() as server:
        base = server.base
        monkeypatch.setenv("PMPULSE_GREENHOUSE_API", f"{base}/gh/v1/boards")
        monkeypatch.setenv("PMPULSE_LEVER_API", f"{base}/lever/v0/postings")
        monkeypatch.setenv("PMPULSE_ASHBY_API", f"{base}/ashby/posting-api/job-board")
        monkeypatch.setenv("PMPULSE_HN_API", f"{base}/hn/v0")
        monkeypatch.setenv("PMPULSE_HN_SEARCH_API", f"{base}/algolia/api/v1")
        monkeypatch.setenv("PMPULSE_HTTP_BACKOFF_BASE", "0.01")
        monkeypatch.setenv("PMPULSE_HTTP_MIN_INTERVAL", "0")
        monkeypatch.setenv("PMPULSE_HTTP_TIMEOUT", "0.5")
        monkeypatch.setenv("PMPULSE_HTTP_CACHE_DIR", str(tmp_path / "http-cache"))
        monkeypatch.setenv("PMPULSE_COLLECT_TASK_RETRY_DELAY", "0")
        gh = json.loads((ats / "greenhouse_jobs.json").read_text())
        server.greenhouse = gh
        server.route(
            "/gh/v1/boards/anthropic/jobs?content=true",
            Reply(429, b"", {"Retry-After": "0"}),
            Reply.json(gh),
        )
        server.route(
            "/lever/v0/postings/spotify?mode=json",
            Reply(500),
            Reply(200, (ats / "lever_postings.json").read_bytes()),
        )
        server.route(
            "/ashby/posting-api/job-board/ramp?includeCompensation=true",
            Reply(200, b"{}", delay=2.0),  # longer than the client's timeout
            Reply(200, (ats / "ashby_jobs.json").read_bytes()),
        )
        server.route("/gh/v1/boards/broken/jobs?content=true", Reply(200, b'{"jobs": [{"id": 1,'))
        server.route("/robots.txt", Reply(200, b"User-agent: *\nDisallow: /admin/\n"))
        server.route("/careers/gpm", Reply.html((PAGES / "broken.html").read_text()))
        yield server


def _sources(server):
    return [s.format(base=server.base) for s in SOURCES]


def _postings(path):
    with db.connect(path, read_only=True) as wh:
        return wh.query(
            "SELECT posting_id, board, first_seen, last_seen, closed_at, content_hash "
            "FROM postings ORDER BY posting_id"
        )


def test_collect_twice_then_a_posting_leaves_and_comes_back(replay, tmp_path, prefect_harness):
    path = str(tmp_path / "w.duckdb")
    first = collect(path, sources=_sources(replay))

    # every valid posting arrives once: 4 Greenhouse + 4 Lever + 4 Ashby + 1 JSON-LD
    got = _postings(path)
    assert got.height == 13 and got["posting_id"].n_unique() == 13
    assert first["new"] == 13
    assert replay.hits("/gh/v1/boards/anthropic") == 2  # 429, then retried
    assert replay.hits("/lever/v0/postings/spotify") == 2  # 500, then retried
    assert replay.hits("/ashby/posting-api/job-board/ramp") == 2  # timeout, then retried
    assert replay.hits("/robots.txt") == 1  # asked before the career page
    with db.connect(path, read_only=True) as wh:
        health = {
            (r["source"], r["board"]): r
            for r in wh.query("SELECT * FROM source_health").iter_rows(named=True)
        }
        reasons = wh.query("SELECT source, ref, reason FROM quarantine ORDER BY ref").rows()
    assert health[("greenhouse", "anthropic")]["status"] == "ok"
    assert health[("greenhouse", "anthropic")]["http_errors"] == 1
    assert health[("greenhouse", "broken")]["status"] == "failed"
    assert "malformed JSON" in health[("greenhouse", "broken")]["reason"]
    assert health[("ashby", "gone")]["status"] == "failed"
    assert health[("ashby", "gone")]["reason"] == "HTTP 404"
    assert any(s == "greenhouse" and "malformed JSON" in r for s, _, r in reasons)
    assert any(s == "jsonld" and r.startswith("invalid JSON-LD") for s, _, r in reasons)
    assert any(s == "jsonld" and r == "JobPosting has no description" for s, _, r in reasons)

    # second run over the same replay: nothing new, last_seen moves on, first_seen stays
    second = collect(path, sources=_sources(replay))
    again = _postings(path)
    assert (second["new"], second["updated"]) == (0, 0)
    assert again.height == 13
    assert again["first_seen"].to_list() == got["first_seen"].to_list()
    assert all(b > a for a, b in zip(got["last_seen"], again["last_seen"], strict=True))
    assert again["content_hash"].to_list() == got["content_hash"].to_list()

    # an edited posting is updated in place; both versions stay in raw_postings
    edited = json.loads(json.dumps(replay.greenhouse))
    edited["jobs"][1]["title"] += " (Senior)"
    replay.route("/gh/v1/boards/anthropic/jobs?content=true", Reply.json(edited))
    assert collect(path, sources=["greenhouse:anthropic"])["updated"] == 1
    edited_id = f"{edited['jobs'][1]['id']}"
    with db.connect(path, read_only=True) as wh:
        versions = wh.scalar("SELECT count(*) FROM raw_postings WHERE source_id = ?", [edited_id])
        title = wh.scalar("SELECT title FROM postings WHERE source_id = ?", [edited_id])
    assert versions == 2 and title.endswith("(Senior)")
    assert _postings(path).height == 13

    # a posting removed from its board is closed; the board's others stay open
    gone_id = replay.greenhouse["jobs"][0]["id"]
    smaller = {**replay.greenhouse, "jobs": replay.greenhouse["jobs"][1:], "meta": {"total": 3}}
    replay.route("/gh/v1/boards/anthropic/jobs?content=true", Reply.json(smaller))
    third = collect(path, sources=["greenhouse:anthropic"])
    closed = _postings(path).filter(db_closed)
    assert closed["posting_id"].to_list() == [f"greenhouse:{gone_id}"]
    assert third["closed"] == 1

    # it comes back: reopened
    replay.route("/gh/v1/boards/anthropic/jobs?content=true", Reply.json(replay.greenhouse))
    fourth = collect(path, sources=["greenhouse:anthropic"])
    assert fourth["reopened"] == 1
    assert _postings(path).filter(db_closed).height == 0

    # a board that suddenly lists nothing is flagged, not emptied
    empty = {"jobs": [], "meta": {"total": 0}}
    replay.route("/gh/v1/boards/anthropic/jobs?content=true", Reply.json(empty))
    fifth = collect(path, sources=["greenhouse:anthropic"])
    assert fifth["flagged"] == 1 and fifth["closed"] == 0
    assert _postings(path).filter(db_closed).height == 0
    with db.connect(path, read_only=True) as wh:
        status, reason = wh.query(
            "SELECT status, reason FROM source_health WHERE run_id = ?", [fifth["run_id"]]
        ).row(0)
    assert status == "flagged" and "0 postings where 4 were open" in reason


def _route_hn_replay(server, runs):
    return route_hn(server, runs, "/algolia/api/v1", "/hn/v0")


def test_hn_replay_gives_the_same_postings_as_the_file_ingest(
    replay, shared_data, tmp_path, prefect_harness
):
    names = sorted(p.name for p in (shared_data / "hn" / "2026").glob("*.json.gz"))
    runs = hn_runs(shared_data / "hn" / "2026", names)
    kids = _route_hn_replay(replay, runs)
    comment_ids = {f"hn:{k}" for ks in kids.values() for k in ks}

    live = str(tmp_path / "live.duckdb")
    summary = collect(live, sources=["hn"])
    assert summary["hn_threads_found"] == len(kids) == 5
    files = str(tmp_path / "files.duckdb")
    ingest([str(shared_data / "hn" / "2026" / n) for n in names], files)

    cols = "posting_id, company, title, role, is_pm, posted_month, posted_at, description_text"
    query = f"SELECT {cols}, content_hash FROM postings WHERE source = 'hn' ORDER BY posting_id"
    with db.connect(live, read_only=True) as wh:
        got = wh.query(query)
        threads = wh.query("SELECT month, backfilled FROM hn_threads ORDER BY month")
    with db.connect(files, read_only=True) as wh:
        want = wh.query(query).filter(pl.col("posting_id").is_in(list(comment_ids)))
    assert set(got["posting_id"]) == comment_ids  # every comment once (minus none quarantined)
    assert got.equals(want)
    assert threads["backfilled"].all()  # months over and every comment fetched

    # second run: the threads are backfilled, nothing is read again, nothing is added
    before = replay.hits("/hn/v0/")
    again = collect(live, sources=["hn"])
    assert replay.hits("/hn/v0/") == before
    last_search = [path for path, _ in replay.log if "/search_by_date?" in path][-1]
    april = int(datetime(2026, 4, 1, tzinfo=UTC).timestamp())
    assert f"created_at_i%3E%3D{april}" in last_search  # only recent threads asked for
    assert (again["new"], again["hn_threads_read"]) == (0, 0)


def test_hn_reads_only_new_comments_and_retries_faults(
    replay, shared_data, tmp_path, prefect_harness
):
    run = hn_runs(shared_data / "hn" / "2026", ["2026-05-05.json.gz"])[0]
    title = f"Ask HN: Who is hiring? ({datetime.now(UTC):%B %Y})"  # this month: still open
    jobs = [j for j in run["jobs"] if j.get("source") != "direct"][:6]
    thread = {"who_is_hiring_thread_id": 99, "who_is_hiring_thread_title": title}
    open_run = {**run, "sources": thread, "jobs": jobs[:4]}
    _route_hn_replay(replay, [open_run])
    replay.route(f"/hn/v0/item/{jobs[1]['id']}.json", Reply(200, b'{"id": 1, "te'))
    replay.route(f"/hn/v0/item/{jobs[2]['id']}.json", Reply(503))
    path = str(tmp_path / "w.duckdb")
    first = collect(path, sources=["hn"])
    assert first["new"] == 2  # the malformed and the unavailable comment are not lost...
    assert replay.hits(f"/hn/v0/item/{jobs[2]['id']}.json") == 5  # ...503 retried 4 times
    with db.connect(path, read_only=True) as wh:
        assert wh.scalar("SELECT count(*) FROM hn_items") == 2  # ...nor marked as fetched
        reason = wh.scalar("SELECT reason FROM quarantine WHERE source = 'hn'")
        status = wh.scalar("SELECT status FROM source_health WHERE run_id = ?", [first["run_id"]])
    assert reason.startswith("malformed JSON from the HN item API")
    assert status == "partial"

    _route_hn_replay(replay, [{**open_run, "jobs": jobs}])  # repaired, and two new comments
    before = replay.hits("/hn/v0/item/")
    second = collect(path, sources=["hn"])
    assert second["new"] == 4
    assert replay.hits("/hn/v0/item/") - before == 5  # the thread + 2 retried + 2 new comments
    with db.connect(path, read_only=True) as wh:
        assert wh.scalar("SELECT backfilled FROM hn_threads WHERE thread_id = 99") is False
        assert wh.count("hn_items") == 6
        assert wh.count("postings") == 6


def test_cli_collect_refuses_unknown_sources_and_runs_named_ones(replay, tmp_path, capsys,
                                                                prefect_harness):  # fmt: skip
    assert cli.main(["collect", "--source", "workday:acme"]) == 2
    assert "unknown source" in capsys.readouterr().err
    path = tmp_path / "cli.duckdb"
    code = cli.main(["collect", "--source", "ashby:ramp", "--source", "lever:spotify",
                     "--db", str(path)])  # fmt: skip
    assert code == 0
    with db.connect(path, read_only=True) as wh:
        assert sorted(wh.query("SELECT DISTINCT source FROM postings")["source"]) == [
            "ashby",
            "lever",
        ]
    assert replay.hits("/gh/") == 0  # exactly the named sources


def test_pmpulse_run_without_input_collects_the_default_boards_twice(
    replay, tmp_path, monkeypatch, capsys, prefect_harness
):
    # The packaged boards file, every API pointed at the replay: the three captured boards
    # answer, the other names get 404 (recorded as failed), HN search finds no thread.
    path = str(tmp_path / "run.duckdb")
    assert cli.main(["run", "--db", path]) == 0
    assert re.search(r"^took: +[\d.]+ s \(the whole run\)$", capsys.readouterr().err, re.M)
    first = _postings(path)
    assert first.height == 12
    assert cli.main(["run", "--db", path]) == 0
    second = _postings(path)
    assert second["posting_id"].to_list() == first["posting_id"].to_list()
    assert second["first_seen"].to_list() == first["first_seen"].to_list()
    assert all(b > a for a, b in zip(first["last_seen"], second["last_seen"], strict=True))
    with db.connect(path, read_only=True) as wh:
        runs = wh.query("SELECT run_id FROM runs WHERE flow = 'collect' ORDER BY started")
        last = runs["run_id"][-1]
        statuses = dict(
            wh.query(
                "SELECT status, count(*) FROM source_health WHERE run_id = ? GROUP BY ALL", [last]
            ).rows()
        )
    assert statuses["ok"] == 3 and statuses["failed"] > 10  # unknown boards: failed, not fatal


def test_offline_collect_says_what_to_pass(monkeypatch, tmp_path, capsys, prefect_harness):
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        dead = f"http://127.0.0.1:{s.getsockname()[1]}"
    for var in ("GREENHOUSE", "LEVER", "ASHBY", "HN", "HN_SEARCH"):
        monkeypatch.setenv(f"PMPULSE_{var}_API", dead)
    monkeypatch.setenv("PMPULSE_HTTP_BACKOFF_BASE", "0.01")
    monkeypatch.setenv("PMPULSE_HTTP_MIN_INTERVAL", "0")
    monkeypatch.setenv("PMPULSE_COLLECT_TASK_RETRY_DELAY", "0")
    code = cli.main(["collect", "--source", "lever:x", "--source", "hn",
                     "--db", str(tmp_path / "o.duckdb")])  # fmt: skip
    assert code == 1
    assert "--input" in capsys.readouterr().err
