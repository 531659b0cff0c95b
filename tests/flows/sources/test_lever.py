import json
from datetime import UTC, date, datetime

import pytest
from wrong_fields import cases, check_nulls_count_as_missing, check_quarantined_alone

from flows.sources import lever
from transforms.records import PARSED_SCHEMA, parsed_frame

FETCHED = datetime(2026, 7, 15, 12, 0, tzinfo=UTC)


@pytest.fixture(scope="module")
def response(shared_data):
    return json.loads((shared_data / "fixtures/ats/lever_postings.json").read_text())


def test_real_capture_parses_every_posting(response):
    rows, bad = lever.parse_response(response, board=None, fetched_at=FETCHED, ref="lever.json")
    assert bad == []
    assert len(rows) == 4
    first = rows[0]
    assert first["source_id"] == "b4ad9572-e20f-4185-a284-99d9740d04f0"
    assert first["board"] == first["company"] == "spotify"
    assert first["title"] == "Android Engineer I - Subscriptions"
    assert first["country"] == "GB"
    assert first["location"] == "London"
    assert first["remote"] is True
    assert rows[1]["remote"] is False  # onsite
    assert first["posted_at"] == datetime.fromtimestamp(1782821535.482, tz=UTC)
    assert first["posted_month"] == date(2026, 6, 1)
    assert first["url"] == "https://jobs.lever.co/spotify/b4ad9572-e20f-4185-a284-99d9740d04f0"
    # description, then each list under its heading, then additional
    body = first["body"]
    assert body.index("Subscriptions R&amp;D") < body.index("<h3>What You'll Do</h3>")
    assert body.index("<h3>Who You Are</h3>") < body.index("equal opportunity employer")
    assert "Kotlin" in body
    assert parsed_frame(rows).schema == PARSED_SCHEMA


def test_salary_range_is_mapped(response):
    posting = dict(response[0])
    posting["salaryRange"] = {
        "min": 120000,
        "max": 150000,
        "currency": "USD",
        "interval": "per-year-salary",
    }
    (row,), _ = lever.parse_response([posting], board="spotify", fetched_at=FETCHED, ref="r")
    assert (row["salary_min"], row["salary_max"], row["salary_currency"], row["salary_period"]) == (
        120000.0,
        150000.0,
        "USD",
        "year",
    )


def test_looks_like(response):
    assert lever.looks_like(response)
    assert not lever.looks_like({"jobs": []})
    assert not lever.looks_like([])
    assert not lever.looks_like([{"id": 1, "title": "x"}])


@pytest.mark.parametrize(
    ("change", "reason"),
    [
        ({"id": None}, "posting has no id"),
        ({"text": ""}, "posting has no text (title)"),
        (
            {
                "description": "",
                "descriptionPlain": "",
                "lists": [],
                "additional": "",
                "additionalPlain": "",
            },
            "posting has no description",
        ),
    ],
)
def test_broken_postings_are_quarantined(response, change, reason):
    broken = {**response[0], **change}
    rows, bad = lever.parse_response(
        [broken, response[1]], board="spotify", fetched_at=FETCHED, ref="f.json"
    )
    assert [r["source_id"] for r in rows] == [response[1]["id"]]
    assert [b["reason"] for b in bad] == [reason]
    assert bad[0]["ref"].startswith("f.json#[0]")


def test_error_object_and_empty_site():
    rows, bad = lever.parse_response(
        {"ok": False, "error": "Document not found"}, board="x", fetched_at=FETCHED, ref="r"
    )
    assert rows == [] and "Document not found" in bad[0]["reason"]
    assert lever.parse_response([], board="x", fetched_at=FETCHED, ref="r") == ([], [])


@pytest.mark.parametrize(("path", "value"), cases("lever"))
def test_wrong_typed_field_quarantines_its_posting_only(response, path, value):
    # 'lists': 5 raised TypeError out of parse_response and stopped the whole load.
    check_quarantined_alone(lever, response, path, value)


def test_null_optional_fields_count_as_missing(response):
    check_nulls_count_as_missing(lever, response)
