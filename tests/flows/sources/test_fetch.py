import json
from datetime import UTC, datetime

import pytest
from http_replay import ReplayServer, Reply

from flows.sources.config import SourceSpec
from flows.sources.fetch import fetch_ats, fetch_page
from flows.sources.http import HttpClient, HttpSettings

NOW = datetime(2026, 7, 15, tzinfo=UTC)
FAST = HttpSettings(backoff_base=0.01, min_interval=0.0, timeout=0.5, retries=2)


@pytest.fixture
def server():
    with ReplayServer() as replay:
        yield replay


@pytest.fixture
def greenhouse(shared_data):
    return json.loads((shared_data / "fixtures/ats/greenhouse_jobs.json").read_text())


def test_a_broken_record_is_quarantined_but_still_counts_as_listed(server, greenhouse):
    greenhouse["jobs"][0]["title"] = ""
    server.route("/gh/acme/jobs?content=true", Reply.json(greenhouse))
    with HttpClient(FAST) as client:
        got = fetch_ats(client, SourceSpec("greenhouse", "acme"), server.base + "/gh", NOW)
    assert got.status == "ok" and got.complete
    assert len(got.rows) == 3 and len(got.quarantined) == 1
    assert len(got.listed_ids) == 4  # not closed for failing to parse
    assert {r["board"] for r in got.rows} == {"acme"}


def test_an_incomplete_listing_is_partial_and_closes_nothing(server, greenhouse):
    greenhouse["meta"]["total"] = 9
    server.route("/gh/acme/jobs?content=true", Reply.json(greenhouse))
    with HttpClient(FAST) as client:
        got = fetch_ats(client, SourceSpec("greenhouse", "acme"), server.base + "/gh", NOW)
    assert (got.status, got.complete, len(got.rows)) == ("partial", False, 4)
    assert "4 of 9" in got.reason


@pytest.mark.parametrize(
    ("reply", "status", "reason"),
    [
        (Reply(404), "failed", "HTTP 404"),
        (Reply(200, b"<html>maintenance</html>"), "failed", "malformed JSON"),
        (Reply.json({"ok": False, "error": "Document not found"}), "failed", "Document not found"),
    ],
)
def test_board_faults_come_back_as_results(server, reply, status, reason):
    server.route("/lever/acme?mode=json", reply)
    with HttpClient(FAST) as client:
        got = fetch_ats(client, SourceSpec("lever", "acme"), server.base + "/lever", NOW)
    assert got.status == status and reason in got.reason
    assert not got.complete and got.rows == []


def test_a_page_disallowed_by_robots_is_not_fetched(server):
    server.route("/robots.txt", Reply(200, b"User-agent: pmpulse\nDisallow: /\n"))
    server.route("/jobs/1", Reply.html("<html></html>"))
    with HttpClient(FAST) as client:
        got = fetch_page(client, server.base + "/jobs/1", NOW)
    assert got.status == "failed" and got.reason == "disallowed by robots.txt"
    assert server.hits("/jobs/") == 0


@pytest.mark.parametrize("meta", [5, "x", [1], {"total": True}, {"total": "9"}])
def test_a_meta_of_another_kind_states_no_total(server, greenhouse, meta):
    # 'meta': 5 raised AttributeError ('int' has no 'get') out of fetch_ats
    greenhouse["meta"] = meta
    server.route("/gh/acme/jobs?content=true", Reply.json(greenhouse))
    with HttpClient(FAST) as client:
        got = fetch_ats(client, SourceSpec("greenhouse", "acme"), server.base + "/gh", NOW)
    assert (got.status, got.complete, len(got.rows), got.quarantined) == ("ok", True, 4, [])
