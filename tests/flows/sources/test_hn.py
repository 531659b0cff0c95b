import gzip
import json
from datetime import UTC, date, datetime

import pytest
from wrong_fields import field_name, with_value, wrong_samples

from flows.sources import hn
from transforms.records import parsed_frame


@pytest.mark.parametrize(
    ("title", "month"),
    [
        ("Ask HN: Who is hiring? (January 2026)", date(2026, 1, 1)),
        ("Ask HN: Who is hiring? (Sept 2015)", None),  # not a month name: not guessed
        (None, None),
    ],
)
def test_thread_month(title, month):
    assert hn.thread_month(title) == month


def test_month_from_file_name():
    assert hn.month_from_name("2015-03.json.gz") == date(2015, 3, 1)
    assert hn.month_from_name("2015-13.json") is None


def test_item_is_parsed_with_its_thread_month():
    item = {"id": 46467610, "by": "x", "time": 1767377545, "text": "Acme | PM<p>Hi"}
    row, bad = hn.parse_item(item, thread_month=date(2026, 1, 1), fetched_at=None, ref="f")
    assert bad is None
    assert (row["source"], row["source_id"], row["posted_month"]) == (
        "hn", "46467610", date(2026, 1, 1))  # fmt: skip
    assert row["posted_at"] == datetime(2026, 1, 2, 18, 12, 25, tzinfo=UTC)
    assert row["url"] == "https://news.ycombinator.com/item?id=46467610"


@pytest.mark.parametrize(
    ("item", "reason"),
    [
        ({"id": 1, "text": ""}, "no text"),
        ({"id": 1, "text": "x", "deleted": True}, "deleted"),
        ({"text": "x"}, "no valid HN item id"),
        ({"id": 1, "text": "x", "time": "soon"}, "epoch"),
        ({"id": 1, "text": "x"}, "cannot date"),
        (["not", "an", "object"], "not an object"),
    ],
)
def test_bad_items_are_quarantined_with_a_reason(item, reason):
    row, bad = hn.parse_item(item, thread_month=None, fetched_at=None, ref="file.json#7")
    assert row is None
    assert reason in bad["reason"]
    assert bad["ref"].startswith("file.json#7")


def test_real_monthly_file_parses_every_post(shared_data):
    path = shared_data / "hn" / "2013-2018" / "2015-03.json.gz"
    doc = json.loads(gzip.decompress(path.read_bytes()))
    rows, bad = hn.parse_monthly(doc, month=hn.month_from_name(path.name), ref=str(path))
    assert len(rows) + len(bad) == len(doc) == 442
    assert {r["posted_month"] for r in rows} == {date(2015, 3, 1)}
    assert all(r["posted_at"] is None for r in rows)  # no day is invented


def test_real_run_dates_direct_stories_by_their_own_time(shared_data):
    path = shared_data / "hn" / "2026" / "2026-02-01.json.gz"
    doc = json.loads(gzip.decompress(path.read_bytes()))
    rows, bad = hn.parse_run(doc, ref=str(path))
    assert len(rows) + len(bad) == len(doc["jobs"])
    direct = {str(j["id"]) for j in doc["jobs"] if j["source"] == "direct"}
    months = {r["posted_month"] for r in rows if r["source_id"] not in direct}
    assert months == {date(2026, 2, 1)}
    assert {r["fetched_at"] for r in rows} == {datetime(2026, 3, 15, 12, 27, 35, 982000, UTC)}


MONTHLY = {
    "full_html": "Acme | PM<p>Own the roadmap",
    "url": "https://news.ycombinator.com/item?id=7",
    "location": "Berlin",
    "country": "DE",
    "remote": True,
}
MONTHLY_FIELDS = {"url": "text", "location": "text", "country": "text", "remote": "bool"}


@pytest.mark.parametrize(
    ("field", "value"),
    [(f, v) for f, kind in MONTHLY_FIELDS.items() for v in wrong_samples(kind).values()],
)
def test_monthly_record_with_a_wrong_typed_field_is_quarantined_alone(field, value):
    # 'location': [..] reached the parsed rows and failed the whole batch's frame; 5 became '5'
    good = {**MONTHLY, "url": "https://news.ycombinator.com/item?id=8"}
    rows, bad = hn.parse_monthly(
        [good, {**MONTHLY, field: value}, good], month=date(2015, 3, 1), ref="2015-03.json"
    )
    assert rows == hn.parse_monthly([good, good], month=date(2015, 3, 1), ref="x")[0]
    (q,) = bad
    assert q["ref"] == "2015-03.json#1"
    assert q["reason"].startswith(f"record field '{field}' is ")
    parsed_frame(rows)


@pytest.mark.parametrize("value", list(wrong_samples("text").values()))
def test_item_text_of_another_kind_is_named(value):
    row, bad = hn.parse_item({"id": 1, "text": value}, thread_month=None, fetched_at=None, ref="f")
    assert row is None and bad["reason"].startswith("record field 'text' is ")


def test_a_boolean_time_is_not_epoch_seconds():
    item = {"id": 1, "text": "x", "time": True}
    row, bad = hn.parse_item(item, thread_month=None, fetched_at=None, ref="f")
    assert row is None and "time is not epoch seconds" in bad["reason"]


RUN = {
    "sources": {"who_is_hiring_thread_title": "Ask HN: Who is hiring? (April 2026)"},
    "fetched_at": "2026-04-17T00:00:00Z",
    "jobs": [{"id": 1, "time": 1, "text": "x"}],
}


@pytest.mark.parametrize(
    ("path", "kind"),
    [(("sources",), "object"), (("sources", "who_is_hiring_thread_title"), "text"),
     (("fetched_at",), "iso_time")],
)  # fmt: skip
def test_run_with_a_wrong_typed_title_or_time_is_quarantined_whole(path, kind):
    # a number as the thread title raised TypeError (regex on an int) and stopped the load
    for value in wrong_samples(kind).values():
        rows, bad = hn.parse_run(with_value(RUN, path, value), ref="run.json")
        assert rows == [] and [q["ref"] for q in bad] == ["run.json"]
        assert bad[0]["reason"].startswith(f"run field '{field_name(path)}' is ")
    rows, bad = hn.parse_run(RUN, ref="run.json")
    assert len(rows) == 1 and bad == []


def test_thread_month_of_no_text_is_none():
    assert hn.thread_month(5) is None and hn.thread_month(["(April 2026)"]) is None
