from datetime import UTC, date, datetime

import polars as pl
import pytest

from warehouse import db
from warehouse import sources as ws

T0 = datetime(2026, 6, 1, tzinfo=UTC)
T1 = datetime(2026, 6, 2, tzinfo=UTC)


@pytest.fixture
def wh(tmp_path):
    with db.connect(tmp_path / "w.duckdb") as handle:
        yield handle


def _posting(source_id: str, board: str = "acme") -> dict:
    return {
        "posting_id": f"greenhouse:{source_id}",
        "source": "greenhouse",
        "source_id": source_id,
        "board": board,
        "role": "pm",
        "is_pm": True,
        "multi_role": False,
        "posted_month": date(2026, 5, 1),
        "description_text": "text",
        "first_seen": T0,
        "last_seen": T0,
        "content_hash": f"h{source_id}",
        "updated_at": T0,
    }


def _closed(wh) -> list[str]:
    return wh.query("SELECT source_id FROM postings WHERE closed_at IS NOT NULL ORDER BY 1")[
        "source_id"
    ].to_list()


def test_sync_board_closes_missing_and_reopens_returning(wh):
    wh.insert("postings", pl.DataFrame([_posting("1"), _posting("2"), _posting("3", "other")]))
    assert ws.open_postings(wh, "greenhouse", "acme") == 2
    assert ws.sync_board(wh, "greenhouse", "acme", ["1"], T1) == (1, 0)
    assert _closed(wh) == ["2"]  # the other board is untouched
    assert ws.sync_board(wh, "greenhouse", "acme", ["1"], T1) == (0, 0)  # idempotent
    assert ws.sync_board(wh, "greenhouse", "acme", ["1", "2"], T1) == (0, 1)
    assert _closed(wh) == []


def test_record_health_twice_keeps_one_row_per_board(wh):
    row = {"run_id": "r1", "source": "lever", "board": "x", "status": "failed",
           "http_errors": 3, "postings_seen": 0, "reason": "HTTP 404", "at": T0}  # fmt: skip
    ws.record_health(wh, [row])
    ws.record_health(wh, [{**row, "http_errors": 4}])
    got = wh.query("SELECT status, http_errors, closed, quarantined FROM source_health").rows()
    assert got == [("failed", 4, 0, 0)]


def test_hn_state_round_trip(wh):
    title = "Ask HN: Who is hiring? (May 2026)"
    thread = {"thread_id": 7, "month": date(2026, 5, 1), "title": title,
              "kids_known": 2, "backfilled": False}  # fmt: skip
    items = [{"item_id": 70, "thread_id": 7, "outcome": "posting"},
             {"item_id": 71, "thread_id": 7, "outcome": "quarantined"}]  # fmt: skip
    ws.save_hn_state(wh, [thread], items, T0)
    ws.save_hn_state(wh, [{**thread, "kids_known": 3, "backfilled": True}], items[:1], T1)
    got = ws.hn_threads(wh).row(0, named=True)
    assert (got["kids_known"], got["backfilled"]) == (3, True)
    assert ws.hn_seen_items(wh, [7, 8]) == {7: {70, 71}}
    assert wh.scalar("SELECT first_checked FROM hn_threads") == T0
