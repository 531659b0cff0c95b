from datetime import UTC, date, datetime
from pathlib import Path

import pytest

from flows.sources import jsonld
from transforms.records import PARSED_SCHEMA, parsed_frame

PAGES = Path(__file__).resolve().parents[2] / "fixtures" / "jsonld"
FETCHED = datetime(2026, 5, 20, 8, 0, tzinfo=UTC)


def parse(name: str, url: str):
    return jsonld.parse_page((PAGES / name).read_text(), url=url, fetched_at=FETCHED)


def test_single_posting_with_every_field():
    (row,), bad = parse("single.html", "https://careers.example.com/jobs/pm-1234")
    assert bad == []
    assert row["source"] == "jsonld"
    assert row["source_id"] == "careers.example.com:PM-1234"
    assert row["board"] == "careers.example.com"
    assert row["company"] == "Example Corp"
    assert row["title"] == "Senior Product Manager, Payments"
    assert row["location"] == "Berlin, DE" and row["country"] == "DE"
    assert row["remote"] is None
    assert row["posted_at"] == datetime(2026, 5, 18, tzinfo=UTC)
    assert row["posted_month"] == date(2026, 5, 1)
    assert (row["salary_min"], row["salary_max"], row["salary_currency"]) == (
        85000.0,
        105000.0,
        "EUR",
    )
    assert row["salary_period"] == "year"
    assert row["body"].startswith("<p>Example Corp is looking")
    assert parsed_frame([row]).schema == PARSED_SCHEMA


def test_graph_and_list_blocks():
    rows, bad = parse("graph.html", "https://acme.example.org/careers")
    assert bad == []
    by_title = {r["title"]: r for r in rows}
    assert set(by_title) == {"Product Owner (Remote)", "Product Designer"}
    owner = by_title["Product Owner (Remote)"]
    assert owner["remote"] is True
    assert owner["source_id"] == "https://acme.example.org/careers/product-owner"
    assert owner["posted_at"] == datetime(2026, 4, 2, 7, 30, tzinfo=UTC)
    assert (owner["salary_min"], owner["salary_max"], owner["salary_period"]) == (
        40.0,
        40.0,
        "hour",
    )
    designer = by_title["Product Designer"]
    assert designer["url"] == "https://acme.example.org/careers/product-designer"  # resolved
    assert designer["company"] == "Acme Robotics"
    assert designer["location"] == "Munich, Germany" and designer["country"] == "DE"


def test_broken_block_is_quarantined_and_the_rest_parses():
    rows, bad = parse("broken.html", "https://jobs.broken.example/gpm")
    assert [r["title"] for r in rows] == ["Group Product Manager"]
    assert rows[0]["location"] == "London, UK"
    assert rows[0]["source_id"] == "https://jobs.broken.example/gpm"
    reasons = sorted(b["reason"] for b in bad)
    assert len(reasons) == 2
    assert reasons[0] == "JobPosting has no description"
    assert reasons[1].startswith("invalid JSON-LD:")
    assert {b["ref"].split("#")[1][:5] for b in bad} == {"ld[0]", "ld[2]"}


def test_page_without_a_job_posting_is_quarantined():
    rows, bad = parse("none.html", "https://plain.example.net/about")
    assert rows == []
    assert bad[0]["reason"] == "no schema.org JobPosting on the page"


@pytest.mark.parametrize(
    "doc",
    [
        {"@type": "JobPosting", "title": "a"},
        [{"@type": "Thing"}, {"@type": ["JobPosting"], "title": "a"}],
        {"@graph": [{"@type": "http://schema.org/JobPosting", "title": "a"}]},
    ],
)
def test_job_postings_found_in_every_shape(doc):
    assert [p["title"] for p in jsonld.job_postings(doc)] == ["a"]


def _block(doc: str) -> str:
    return f'<script type="application/ld+json">{doc}</script>'


def test_a_posting_url_that_is_not_a_url_is_quarantined_beside_good_ones():
    # urljoin raised ValueError ('Invalid IPv6 URL') out of parse_page: the page failed
    good = '{"@type": "JobPosting", "title": "PM", "description": "x", "url": "/jobs/1"}'
    odd = '{"@type": "JobPosting", "title": "PM 2", "description": "y", "url": "http://[::1"}'
    rows, bad = jsonld.parse_page(
        _block(odd) + _block(good), url="https://e.test/careers", fetched_at=FETCHED
    )
    assert [r["url"] for r in rows] == ["https://e.test/jobs/1"]
    (q,) = bad
    assert q["ref"] == "https://e.test/careers#ld[0][0]"
    assert q["reason"].startswith("JobPosting url 'http://[::1' is not a URL")


def test_a_block_nested_too_deeply_is_quarantined_and_the_rest_parses():
    # RecursionError (not a ValueError) escaped the JSON decoding and failed the page
    deep = "[" * 100_000 + "]" * 100_000
    good = '{"@type": "JobPosting", "title": "PM", "description": "x"}'
    rows, bad = jsonld.parse_page(
        _block(deep) + _block(good), url="https://e.test/j", fetched_at=FETCHED
    )
    assert [r["title"] for r in rows] == ["PM"]
    assert [b["ref"] for b in bad] == ["https://e.test/j#ld[0]"]
    assert bad[0]["reason"].startswith("invalid JSON-LD: maximum recursion depth")
