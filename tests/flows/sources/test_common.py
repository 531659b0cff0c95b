from datetime import UTC, datetime

import pytest

from flows.sources.common import (
    FieldError,
    epoch_ms_datetime,
    flag_field,
    id_field,
    number_field,
    object_field,
    objects_field,
    parsed_jobs,
    text_field,
    time_field,
)


def _row(job: dict, source_id: str, title: str, body: str) -> dict:
    return {"source_id": source_id, "title": title, "body": body, "n": 1 / job.get("n", 1)}


def test_a_job_that_fails_in_any_other_way_is_quarantined_and_the_rest_load():
    jobs = [
        {"id": 1, "title": "PM", "content": "x"},
        {"id": 2, "title": "PM", "content": "x", "n": 0},  # a parser bug meets this one
        {"id": 3, "title": "PM", "content": ["x"]},
        {"id": 4, "title": "PM", "content": "x"},
    ]
    rows, bad = parsed_jobs(
        jobs, source="s", ref="f#jobs", body=lambda j: text_field(j, "content"), row=_row
    )
    assert [r["source_id"] for r in rows] == ["1", "4"]
    assert [(b["ref"], b["reason"]) for b in bad] == [
        ("f#jobs[1] id=2", "job could not be parsed: ZeroDivisionError: division by zero"),
        ("f#jobs[2] id=3", "job field 'content' is a list (['x']), expected text"),
    ]


@pytest.mark.parametrize(
    ("read", "value", "expected"),
    [
        (text_field, "  PM ", "PM"),
        (text_field, " ", None),
        (id_field, 7, "7"),
        (id_field, "", None),
        (number_field, 5, 5.0),
        (flag_field, False, False),
        (object_field, None, {}),
        (objects_field, None, []),
        (objects_field, [{}], [{}]),
        (time_field, "2026-07-01T00:00:00Z", datetime(2026, 7, 1, tzinfo=UTC)),
        (time_field, "", None),
    ],
)
def test_field_readers_take_their_kind_and_missing(read, value, expected):
    assert read({"f": value}, "f") == expected
    assert read({}, "f") in (None, {}, [])


@pytest.mark.parametrize(
    ("read", "value", "reason"),
    [
        (text_field, 5, "field 'a.f' is a number (5), expected text"),
        (id_field, 2.5, "field 'a.f' is a number (2.5), expected text or a whole number"),
        (number_field, True, "field 'a.f' is a boolean (True), expected a finite number"),
        (number_field, float("nan"), "field 'a.f' is a number (nan), expected a finite number"),
        (flag_field, "yes", "field 'a.f' is text ('yes'), expected true or false"),
        (object_field, [], "field 'a.f' is a list ([]), expected an object"),
        (objects_field, {}, "field 'a.f' is an object ({}), expected a list"),
        (objects_field, [{}, 3], "field 'a.f[1]' is a number (3), expected an object"),
        (time_field, "soon", "field 'a.f' is text ('soon'), expected a date/time"),
        (time_field, ["2026"], "field 'a.f' is a list (['2026']), expected a date/time"),
    ],
)
def test_field_readers_name_the_field_and_its_wrong_value(read, value, reason):
    with pytest.raises(FieldError) as err:
        read({"f": value}, "f", "a.f")
    assert str(err.value) == reason


def test_long_values_are_cut_in_the_reason():
    with pytest.raises(FieldError, match=r"is a list \(\[0, 1, .{40,}\.\.\.\), expected text$"):
        text_field({"f": list(range(100))}, "f")


def test_time_field_reads_epoch_milliseconds_with_its_parser():
    moment = time_field({"t": 1782821535482}, "t", parse=epoch_ms_datetime)
    assert moment == datetime.fromtimestamp(1782821535.482, tz=UTC)
    with pytest.raises(FieldError):
        time_field({"t": "1782821535482"}, "t", parse=epoch_ms_datetime)
