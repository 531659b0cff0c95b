"""Wrong-typed fields for the ATS parsers' tests (their unit tests and tests/test_fuzz.py).

`ATS` lists the fields each parser reads, as paths with the kind of JSON value the field
should hold. Every field set to a value of another kind must send that record to quarantine,
with a reason naming the record and the field, and leave the other records as they were.
"""

from __future__ import annotations

import copy
import json
import math
from datetime import UTC, datetime
from types import ModuleType
from typing import Any

import pytest

from flows.sources.common import epoch_ms_datetime, utc_datetime

AT = datetime(2026, 7, 15, 12, 0, tzinfo=UTC)
# One JSON value of each kind, named for the test ids.
SAMPLES: dict[str, Any] = {
    "int": 5,
    "float": 2.5,
    "bool": True,
    "text": "x",
    "list": [1],
    "object": {"a": 1},
}
# The sample kinds each field kind accepts ('text' for a date is unreadable text, so wrong).
ACCEPTS: dict[str, set[str]] = {
    "text": {"text"},
    "id": {"text", "int"},
    "number": {"int", "float"},
    "bool": {"bool"},
    "list": {"list"},
    "object": {"object"},
    "iso_time": {"int", "float"},  # epoch seconds are read too; 'x' is not a date
    "ms_time": {"int", "float"},
}

# Every field each ATS parser reads, as a path into one job, with the kind of value it should
# hold; `required` are the fields without which a job has no id, title or body.
_COMPONENT = ("compensation", "summaryComponents", 1)
ATS: dict[str, dict[str, Any]] = {
    "lever": {
        "noun": "posting",
        "required": ("id", "text", "description"),
        "fields": {
            ("id",): "id",
            ("text",): "text",
            ("description",): "text",
            ("descriptionPlain",): "text",
            ("lists",): "list",
            ("lists", 0): "object",
            ("lists", 1, "text"): "text",
            ("lists", 2, "content"): "text",
            ("additional",): "text",
            ("additionalPlain",): "text",
            ("hostedUrl",): "text",
            ("applyUrl",): "text",
            ("categories",): "object",
            ("categories", "location"): "text",
            ("country",): "text",
            ("workplaceType",): "text",
            ("createdAt",): "ms_time",
            ("salaryRange",): "object",
            ("salaryRange", "min"): "number",
            ("salaryRange", "max"): "number",
            ("salaryRange", "currency"): "text",
            ("salaryRange", "interval"): "text",
        },
    },
    "ashby": {
        "noun": "job",
        "required": ("id", "title", "descriptionHtml"),
        "fields": {
            ("id",): "id",
            ("title",): "text",
            ("descriptionHtml",): "text",
            ("descriptionPlain",): "text",
            ("isListed",): "bool",
            ("isRemote",): "bool",
            ("jobUrl",): "text",
            ("applyUrl",): "text",
            ("location",): "text",
            ("publishedAt",): "iso_time",
            ("address",): "object",
            ("address", "postalAddress"): "object",
            ("address", "postalAddress", "addressCountry"): "text",
            ("compensation",): "object",
            ("compensation", "summaryComponents"): "list",
            ("compensation", "summaryComponents", 0): "object",
            (*_COMPONENT, "compensationType"): "text",
            (*_COMPONENT, "minValue"): "number",
            (*_COMPONENT, "maxValue"): "number",
            (*_COMPONENT, "currencyCode"): "text",
            (*_COMPONENT, "interval"): "text",
            ("compensation", "scrapeableCompensationSalarySummary"): "text",
            ("compensation", "compensationTierSummary"): "text",
        },
    },
    "greenhouse": {
        "noun": "job",
        "required": ("id", "title", "content"),
        "fields": {
            ("id",): "id",
            ("title",): "text",
            ("content",): "text",
            ("absolute_url",): "text",
            ("company_name",): "text",
            ("first_published",): "iso_time",
            ("updated_at",): "iso_time",
            ("location",): "object",
            ("location", "name"): "text",
            ("metadata",): "list",
            ("metadata", 0): "object",
            ("metadata", 0, "name"): "text",
        },
    },
}


def wrong_samples(kind: str) -> dict[str, Any]:
    """The sample values a field of `kind` must not accept, by name."""
    return {name: v for name, v in SAMPLES.items() if name not in ACCEPTS[kind]}


def field_name(path: tuple) -> str:
    """('lists', 0, 'text') -> 'lists[0].text', as the parsers name fields in reasons."""
    name = ""
    for part in path:
        name += f"[{part}]" if isinstance(part, int) else (f".{part}" if name else part)
    return name


def with_value(record: dict, path: tuple, value: Any) -> dict:
    """A deep copy of `record` with `value` at `path`, objects made on the way as needed."""
    out = copy.deepcopy(record)
    node = out
    for part in path[:-1]:
        if isinstance(part, str) and not isinstance(node.get(part), dict | list):
            node[part] = {}
        node = node[part]
    node[path[-1]] = value
    return out


def cases(source: str) -> list:
    """pytest params (path, wrong value), id 'field=kind', for every field of an ATS parser
    and every kind of value it must not accept."""
    return [
        pytest.param(path, value, id=f"{field_name(path)}={name}")
        for path, kind in ATS[source]["fields"].items()
        for name, value in wrong_samples(kind).items()
    ]


def check_quarantined_alone(parser: ModuleType, response: Any, path: tuple, value: Any) -> None:
    """Parse `response` (an ATS job list, or an object holding one as `jobs`) with a copy of
    its first job, holding `value` at `path`, put second: the good jobs come out as they do
    alone; the copy is quarantined alone, named by its position, its id and the field."""
    listed = isinstance(response, list)
    jobs = response if listed else response["jobs"]

    def parse(jobs: list) -> tuple[list, list]:
        obj = jobs if listed else {**response, "jobs": jobs}
        return parser.parse_response(obj, board="b", fetched_at=AT, ref="f.json")

    good, _ = parse(jobs)
    broken = with_value(jobs[0], path, value)
    rows, bad = parse([jobs[0], broken, *jobs[1:]])
    assert rows == good
    (q,) = bad
    named = f"f.json#{'' if listed else 'jobs'}[1]"
    named += "" if path == ("id",) else f" id={jobs[0]['id']}"
    assert q["ref"] == named and q["source"] == parser.SOURCE
    noun = ATS[parser.SOURCE]["noun"]
    assert q["reason"].startswith(f"{noun} field '{field_name(path)}' is ")
    assert json.loads(q["payload"]) == broken


def check_nulls_count_as_missing(parser: ModuleType, response: Any) -> None:
    """The first job with every top-level field the parser reads but the required ones set
    to null parses, with its location, country, remote, url, date and salary missing."""
    jobs = response if isinstance(response, list) else response["jobs"]
    spec = ATS[parser.SOURCE]
    optional = [p[0] for p in spec["fields"] if len(p) == 1 and p[0] not in spec["required"]]
    job = {**jobs[0], **dict.fromkeys(optional)}
    obj = [job] if isinstance(response, list) else {**response, "jobs": [job]}
    (row,), bad = parser.parse_response(obj, board="b", fetched_at=AT, ref="f.json")
    assert bad == []
    stated = ("location", "country", "remote", "url", "posted_at", "salary_min")
    assert [row.get(k) for k in stated] == [None] * len(stated)
    assert row["posted_month"] == AT.date().replace(day=1)  # the month it was fetched


def accepted(kind: str, value: Any) -> bool:
    """Whether a field of `kind` reads `value` as a value or as missing (null, blank)."""
    if value is None or value == "":
        return True
    if kind == "iso_time":
        return utc_datetime(value) is not None
    if kind == "ms_time":
        return epoch_ms_datetime(value) is not None
    if kind == "list":  # lists of objects, all the ATS parsers read
        return isinstance(value, list) and all(isinstance(v, dict) for v in value)
    number = isinstance(value, int | float) and not isinstance(value, bool)
    return {
        "text": isinstance(value, str),
        "id": isinstance(value, str) or (number and isinstance(value, int)),
        "number": number and math.isfinite(value),
        "bool": isinstance(value, bool),
        "object": isinstance(value, dict),
    }[kind]
