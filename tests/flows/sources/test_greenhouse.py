import json
from datetime import UTC, date, datetime

import pytest
from wrong_fields import (
    cases,
    check_nulls_count_as_missing,
    check_quarantined_alone,
    with_value,
)

from flows.sources import greenhouse
from transforms.records import PARSED_SCHEMA, parsed_frame

FETCHED = datetime(2026, 7, 15, 12, 0, tzinfo=UTC)


@pytest.fixture(scope="module")
def response(shared_data):
    return json.loads((shared_data / "fixtures/ats/greenhouse_jobs.json").read_text())


def test_real_capture_parses_every_job(response):
    rows, bad = greenhouse.parse_response(
        response, board=None, fetched_at=FETCHED, ref="greenhouse_jobs.json"
    )
    assert bad == []
    ids = ["5311686008", "5215052008", "5023394008", "5101378008"]
    assert [r["source_id"] for r in rows] == ids
    first = rows[0]
    assert first["source"] == "greenhouse"
    assert first["board"] == "anthropic"  # from job-boards.greenhouse.io/anthropic/...
    assert first["company"] == "Anthropic"
    assert first["title"] == "Country Lead, Data Center Security"
    assert first["location"] == "Sydney, Australia"
    assert first["remote"] is True  # metadata 'Location Type' = Remote
    assert rows[1]["remote"] is False  # On-Site
    assert rows[3]["remote"] is None  # not stated
    assert first["posted_at"] == datetime(2026, 7, 10, 20, 15, 41, tzinfo=UTC)
    assert first["posted_month"] == date(2026, 7, 1)
    assert first["body"].startswith("&lt;div")  # kept entity-escaped for the text transform
    assert json.loads(first["payload"])["id"] == 5311686008
    frame = parsed_frame(rows)
    assert frame.schema == PARSED_SCHEMA and frame.height == 4


def test_board_given_wins_and_looks_like(response):
    rows, _ = greenhouse.parse_response(response, board="ant", fetched_at=FETCHED, ref="r")
    assert {r["board"] for r in rows} == {"ant"}
    assert greenhouse.looks_like(response)
    assert greenhouse.looks_like({"jobs": [], "meta": {"total": 0}})
    assert not greenhouse.looks_like([{"id": 1}])
    assert not greenhouse.looks_like({"apiVersion": "1", "jobs": [{"jobUrl": "x", "title": "t"}]})


@pytest.mark.parametrize(
    ("job", "reason"),
    [
        ({"title": "PM", "content": "x"}, "job has no id"),
        ({"id": 7, "title": " ", "content": "x"}, "job has no title"),
        ({"id": 7, "title": "PM"}, "job has no content"),
        ("oops", "job is not a JSON object"),
    ],
)
def test_broken_jobs_are_quarantined_beside_good_ones(response, job, reason):
    good = response["jobs"][0]
    rows, bad = greenhouse.parse_response(
        {"jobs": [job, good], "meta": {"total": 2}}, board="b", fetched_at=FETCHED, ref="f.json"
    )
    assert [r["source_id"] for r in rows] == ["5311686008"]
    assert len(bad) == 1 and bad[0]["reason"].startswith(reason)
    assert bad[0]["ref"].startswith("f.json#jobs[0]") and bad[0]["source"] == "greenhouse"


def test_not_a_response_is_quarantined_whole():
    rows, bad = greenhouse.parse_response({"error": "nope"}, board="b", fetched_at=FETCHED, ref="x")
    assert rows == [] and bad[0]["reason"] == "not a Greenhouse jobs response"


@pytest.mark.parametrize(("path", "value"), cases("greenhouse"))
def test_wrong_typed_field_quarantines_its_job_only(response, path, value):
    # 'metadata': 5 raised TypeError out of parse_response and stopped the load.
    check_quarantined_alone(greenhouse, response, path, value)


@pytest.mark.parametrize("value", [["Remote", "Hybrid"], 3, True, {"amount": 1}, None])
def test_metadata_values_of_other_kinds_are_other_custom_fields(response, value):
    job = with_value(response["jobs"][0], ("metadata", 0, "value"), value)
    (row,), bad = greenhouse.parse_response({"jobs": [job]}, board="b", fetched_at=FETCHED, ref="r")
    assert bad == [] and row["remote"] is None  # multi-select, number, yes/no, currency


def test_null_optional_fields_count_as_missing(response):
    check_nulls_count_as_missing(greenhouse, response)
