import json
from datetime import UTC, date, datetime

import pytest
from wrong_fields import cases, check_nulls_count_as_missing, check_quarantined_alone

from flows.sources import ashby
from flows.sources.common import salary_from_summary
from transforms.records import PARSED_SCHEMA, parsed_frame

FETCHED = datetime(2026, 7, 15, 12, 0, tzinfo=UTC)


@pytest.fixture(scope="module")
def response(shared_data):
    return json.loads((shared_data / "fixtures/ats/ashby_jobs.json").read_text())


def test_real_capture_parses_every_job(response):
    rows, bad = ashby.parse_response(response, board=None, fetched_at=FETCHED, ref="ashby.json")
    assert bad == []
    assert len(rows) == 4
    first = rows[0]
    assert first["source_id"] == "03e2d4e1-73ad-4f09-a058-2eb9ce34c2bc"
    assert first["board"] == first["company"] == "ramp"
    assert first["title"] == "Technical Consultant, Mid-Market"
    assert first["location"] == "Remote (US)"
    assert first["country"] == "US"
    assert first["remote"] is True
    assert rows[1]["remote"] is False and rows[1]["country"] == "GB"
    assert first["posted_at"] == datetime(2026, 7, 7, 20, 47, 9, 753000, tzinfo=UTC)
    assert first["posted_month"] == date(2026, 7, 1)
    assert first["body"].startswith("<h1><strong>About Ramp")
    assert (first["salary_min"], first["salary_max"], first["salary_currency"]) == (
        151000.0,
        231000.0,
        "USD",
    )
    assert first["salary_period"] == "year"
    assert rows[1].get("salary_min") is None  # compensation not shown
    assert parsed_frame(rows).schema == PARSED_SCHEMA


def test_summary_range_used_when_components_absent(response):
    job = json.loads(json.dumps(response["jobs"][0]))
    job["compensation"]["summaryComponents"] = []
    (row,), _ = ashby.parse_response(
        {"apiVersion": "1", "jobs": [job]}, board="ramp", fetched_at=FETCHED, ref="r"
    )
    assert (row["salary_min"], row["salary_max"], row["salary_currency"]) == (
        151000.0,
        231000.0,
        "USD",
    )


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("$151K - $231K", (151000.0, 231000.0, "USD", "year")),
        ("€60,000 – €80,000 per year", (60000.0, 80000.0, "EUR", "year")),
        ("£45 - £60 per hour", (45.0, 60.0, "GBP", "hour")),
        ("Offers Equity", None),
    ],
)
def test_salary_from_summary(text, expected):
    got = salary_from_summary(text)
    if expected is None:
        assert got == {}
    else:
        assert (
            got["salary_min"],
            got["salary_max"],
            got["salary_currency"],
            got["salary_period"],
        ) == expected


def test_looks_like(response):
    assert ashby.looks_like(response)
    assert ashby.looks_like({"apiVersion": "1", "jobs": []})
    assert not ashby.looks_like({"jobs": [{"absolute_url": "x", "id": 1}], "meta": {}})


@pytest.mark.parametrize(
    ("change", "reason"),
    [
        ({"id": ""}, "job has no id"),
        ({"title": None}, "job has no title"),
        ({"descriptionHtml": None, "descriptionPlain": None}, "job has no description"),
    ],
)
def test_broken_jobs_are_quarantined(response, change, reason):
    broken = {**response["jobs"][0], **change}
    rows, bad = ashby.parse_response(
        {"apiVersion": "1", "jobs": [broken, response["jobs"][1]]},
        board="ramp",
        fetched_at=FETCHED,
        ref="f.json",
    )
    assert len(rows) == 1
    assert [b["reason"] for b in bad] == [reason]


@pytest.mark.parametrize(("path", "value"), cases("ashby"))
def test_wrong_typed_field_quarantines_its_job_only(response, path, value):
    # 'summaryComponents': 5 raised TypeError out of parse_response and stopped the load.
    check_quarantined_alone(ashby, response, path, value)


def test_null_optional_fields_count_as_missing(response):
    check_nulls_count_as_missing(ashby, response)
