from datetime import UTC, date, datetime

import polars as pl
import pytest

from transforms import postings as tp
from transforms.records import parsed_frame


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Pay: $120k - $150k + equity", (120_000.0, 150_000.0, "USD", "year")),
        ("€90,000 – €110,000", (90_000.0, 110_000.0, "EUR", "year")),
        ("£45-55k DOE", None),  # the low end has no k: 45 is not a salary, so no guess
        ("GBP 45k to 55k", (45_000.0, 55_000.0, "GBP", "year")),
        ("$60 - $80/hr contract", (60.0, 80.0, "USD", "hour")),
        ("$60 - $80", None),  # no period stated and too small for a year: not guessed
        ("raised $5M - $10M", None),  # millions of funding are not a salary
        ("$100k - $900k", None),  # implausible spread
        ("no numbers here", None),
    ],
)
def test_salary(text, expected):
    got = pl.select(tp.salary(pl.lit(text)).struct.unnest()).row(0)
    assert got == (expected or (None, None, None, None))


@pytest.mark.parametrize(
    ("location", "country"),
    [
        ("San Francisco, CA", "US"),
        ("Austin, TX or Remote", "US"),
        ("Berlin, Germany", "DE"),
        ("Remote (EU) or Hybrid (Cork, Ireland)", "IE"),
        ("London", "GB"),
        ("Remote", None),
        (None, None),
    ],
)
def test_country_of(location, country):
    assert pl.select(tp.country_of(pl.lit(location, dtype=pl.String))).item() == country


def hn_row(item_id: str, html: str, fetched: datetime, **extra) -> dict:
    return {"source": "hn", "source_id": item_id, "fetched_at": fetched, "payload": "{}",
            "posted_month": date(2026, 1, 1), "body": html, **extra}  # fmt: skip


T0 = datetime(2026, 1, 5, tzinfo=UTC)
T1 = datetime(2026, 2, 5, tzinfo=UTC)


def test_normalized_reads_the_hn_header():
    rows = parsed_frame([hn_row("1", "Acme (YC W23) | Senior Product Manager | Berlin, Germany | "
                                "ONSITE<p>Salary €90k - €110k.", T0)])  # fmt: skip
    got = tp.normalized(rows.lazy()).collect().row(0, named=True)
    assert (got["posting_id"], got["company"], got["location"], got["country"]) == (
        "hn:1", "Acme (YC W23)", "Berlin, Germany", "DE")  # fmt: skip
    assert got["remote"] is False
    assert (got["salary_min"], got["salary_max"], got["salary_currency"]) == (
        90_000.0, 110_000.0, "EUR")  # fmt: skip
    assert got["description_text"] == (
        "Acme (YC W23) | Senior Product Manager | Berlin, Germany | ONSITE\nSalary €90k - €110k."
    )
    assert got["is_pm"] is True
    assert got["role"] == "pm"
    assert got["seniority"] == "senior"


def test_stated_fields_win_over_the_text():
    rows = parsed_frame([{**hn_row("2", "Beta | Remote | $100k-$120k<p>x", T0),
                          "source": "lever", "title": "Product Owner", "company": "Beta Inc",
                          "remote": False, "salary_min": 1.0, "salary_max": 2.0,
                          "salary_currency": "CAD", "salary_period": "hour"}])  # fmt: skip
    got = tp.normalized(rows.lazy()).collect().row(0, named=True)
    assert (got["company"], got["remote"], got["salary_min"], got["salary_currency"]) == (
        "Beta Inc", False, 1.0, "CAD")  # fmt: skip
    assert (got["role"], got["is_pm"], got["multi_role"]) == ("product_owner", True, False)


def test_versions_dedupe_to_the_latest_with_the_widest_window():
    rows = parsed_frame([
        hn_row("3", "Acme | PM<p>old", T0),
        hn_row("3", "Acme | PM<p>new", T1),
        hn_row("3", "Acme | PM<p>old", T1),  # seen again later: same version, not a new one
        hn_row("4", "<p></p>", T0),
    ])  # fmt: skip
    norm = tp.normalized(rows.lazy())
    latest = tp.latest_versions(norm).collect()
    assert latest.select("posting_id", "first_seen", "last_seen").rows() == [("hn:3", T0, T1)]
    assert latest["description_text"].to_list() in (["Acme | PM\nnew"], ["Acme | PM\nold"])
    raw = tp.raw_versions(norm).collect()
    assert raw.height == 2  # two distinct versions of hn:3
    assert raw.sort("fetched_at")["fetched_at"].to_list() == [T0, T1]
    bad = tp.unusable(norm).collect()
    assert bad.select("ref", "reason").rows() == [
        ("hn:4", "no text left after removing HTML markup")
    ]


def test_content_hash_is_stable_and_tracks_content():
    a = tp.normalized(parsed_frame([hn_row("5", "Acme | PM<p>x", T0)]).lazy()).collect()
    b = tp.normalized(parsed_frame([hn_row("5", "Acme | PM<p>x", T1)]).lazy()).collect()
    c = tp.normalized(parsed_frame([hn_row("5", "Acme | PM<p>y", T0)]).lazy()).collect()
    assert a["content_hash"].item() == b["content_hash"].item() != c["content_hash"].item()
