"""run_log answers what ran, when, what it did and what failed in one query."""

from datetime import UTC, datetime

from warehouse import db
from warehouse import sources as ws


def test_run_log_joins_runs_health_and_quarantine(tmp_path):
    now = datetime.now(UTC)
    with db.connect(tmp_path / "w.duckdb") as wh:
        db.start_run(wh, "r1", "collect")
        db.finish_run(wh, "r1", "completed", {"n_in": 10, "n_new": 7}, '{"sources": 2}')
        db.start_run(wh, "r2", "ingest")
        db.finish_run(wh, "r2", "failed", {}, '{"error": "OSError: disk full"}')
        ws.record_health(wh, [
            {"run_id": "r1", "source": "greenhouse", "board": "acme", "status": "ok",
             "http_errors": 0, "requests": 1, "postings_seen": 7, "at": now},
            {"run_id": "r1", "source": "lever", "board": "gone", "status": "failed",
             "http_errors": 3, "requests": 3, "postings_seen": 0, "reason": "HTTP 404", "at": now},
        ])  # fmt: skip
        wh.execute(
            "INSERT INTO quarantine VALUES ('hn', 'hn:5', 'record has no text', NULL, ?, 'r1')",
            [now],
        )
        got = wh.query(
            "SELECT run_id, flow, status, n_new, error, boards_ok, boards_failed, http_errors,"
            " board_problems, quarantine_rows FROM run_log ORDER BY run_id"
        ).rows()
    assert got == [
        ("r1", "collect", "completed", 7, None, 1, 1, 3, "lever:gone failed: HTTP 404", 1),
        ("r2", "ingest", "failed", None, "OSError: disk full", None, None, None, None, None),
    ]
