import json
from datetime import UTC, date, datetime

import pytest
from wrong_fields import wrong_samples

from flows.sources import files, tabular
from transforms.records import parsed_frame

AT = datetime(2026, 7, 15, tzinfo=UTC)
GOOD = {"source_id": "a1", "description": "<p>Own the roadmap</p>", "posted_month": "2024-05",
        "posted_at": "2024-05-03T10:00:00Z", "fetched_at": "2024-06-01", "source": "board",
        "title": "Product Manager", "company": "Acme", "location": "Berlin", "country": "DE",
        "remote": "yes", "url": "https://acme.test/pm", "board": "acme", "salary_min": "90,000",
        "salary_max": 120000, "salary_currency": "EUR", "salary_period": "year"}  # fmt: skip
NOT_TEXT = list(wrong_samples("text").values())  # 5, 2.5, True, [1], {'a': 1}
WRONG = [  # (columns, values of the wrong type for them)
    (["source", "title", "company", "location", "country", "url", "board", "salary_currency",
      "salary_period", "description", "posted_month", "posted_at", "fetched_at"], NOT_TEXT),
    (["source_id", "salary_min", "salary_max"], [True, [1], {"a": 1}]),
    (["remote"], [5, 2.5, [1], {"a": 1}]),
]  # fmt: skip


@pytest.mark.parametrize(
    ("column", "value"), [(c, v) for columns, values in WRONG for c in columns for v in values]
)
def test_a_value_of_the_wrong_type_quarantines_its_row_naming_the_column(column, value):
    # a list or object in a text column reached the parsed rows (and failed the whole batch's
    # frame), a number became text, a list in salary_period raised TypeError, a number as
    # posted_month was ignored
    row, q = tabular.parse_record({**GOOD, column: value}, fetched_at=AT, ref="t.jsonl:2")
    assert row is None
    assert q["ref"] == "t.jsonl:2"
    assert q["reason"].startswith(f"record field '{column}' is ")


def test_good_rows_load_beside_wrong_typed_ones(tmp_path):
    lines = [GOOD, {**GOOD, "title": ["PM"]}, {**GOOD, "salary_period": []},
             {**GOOD, "location": 10**30}, {**GOOD, "source_id": "a2"}]  # fmt: skip
    path = tmp_path / "t.jsonl"
    path.write_text("\n".join(json.dumps(line) for line in lines) + "\n")
    result = files.read_file(path, fetched_at=AT)
    assert [r["source_id"] for r in result.rows] == ["a1", "a2"]
    assert [q["ref"].rsplit(":", 1)[1] for q in result.quarantined] == ["2", "3", "4"]
    assert parsed_frame(result.rows).height == 2
    row = result.rows[0]
    assert (row["title"], row["remote"], row["salary_min"], row["posted_month"]) == (
        "Product Manager", True, 90000.0, date(2024, 5, 1))  # fmt: skip


@pytest.mark.parametrize(("value", "remote"), [(1, True), (0, False), (" No ", False), ("?", None)])
def test_remote_reads_the_documented_spellings(value, remote):
    row, q = tabular.parse_record({**GOOD, "remote": value}, fetched_at=AT, ref="r")
    assert q is None and row["remote"] is remote


def test_numeric_ids_are_text_as_before():
    rows = [tabular.parse_record({**GOOD, "id": v, "source_id": None}, fetched_at=AT, ref="r")
            for v in (7, 7.5)]  # fmt: skip
    assert [row["source_id"] for row, _ in rows] == ["7", "7.5"]


@pytest.mark.parametrize(
    ("change", "reason"),
    [
        ({"posted_month": "1899-01", "posted_at": None}, "posted 1899-01: before 1990, not a "
                                                         "posting date"),
        ({"posted_month": "2099-01", "posted_at": None}, "posted 2099-01, after the record was "
                                                         "fetched (2024-06-01)"),
        ({"fetched_at": "2999-01-01"}, "fetched_at 2999-01-01 is in the future"),
        ({"salary_min": "abc"}, "record field 'salary_min' is text ('abc'), expected a number"),
    ],
)  # fmt: skip
def test_implausible_dates_and_unreadable_numbers_are_named(change, reason):
    row, q = tabular.parse_record({**GOOD, **change}, fetched_at=AT, ref="r")
    assert row is None
    assert q["reason"] == reason


def test_salary_amounts_may_carry_a_currency_sign():
    row, _ = tabular.parse_record({**GOOD, "salary_min": "$120,000"}, fetched_at=AT, ref="r")
    assert row["salary_min"] == 120000.0
