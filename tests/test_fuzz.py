"""Bad input, property-based: malformed HTML, huge posts, wrong encodings, null fields,
wrong-typed fields and injection-looking strings thrown at every parser, the normalizer and
the loader. Nothing crashes, every record comes out parsed or quarantined with a reason (a job
with a wrong-typed field: quarantined alone, naming the field), and strings reach the
warehouse as data (never as SQL).

PMPULSE_FUZZ_EXAMPLES sets the examples per property (default 25; bench/faults.py uses more).
"""

import json
import os
import tempfile
from datetime import UTC, date, datetime
from pathlib import Path

import polars as pl
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from wrong_fields import ATS, accepted, field_name, with_value

from flows.ingest import normalize_partition, split_versions
from flows.sources import ashby, files, greenhouse, hn, jsonld, lever, tabular
from transforms import postings as tp
from transforms.records import PARSED_SCHEMA, parsed_frame, quarantine_frame
from transforms.text import html_to_text
from warehouse import db

EXAMPLES = int(os.environ.get("PMPULSE_FUZZ_EXAMPLES", "25"))
fuzz = settings(
    max_examples=EXAMPLES,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
AT = datetime(2026, 4, 1, tzinfo=UTC)
INJECTION = "'; DROP TABLE postings; --"

nasty = st.sampled_from(
    [
        INJECTION,
        "Robert'); DELETE FROM raw_postings WHERE ('1'='1",
        '" OR 1=1 --',
        "<p><b>unclosed <i>tags <ul><li>one<li>two",
        "<<<>>><</p>>&&amp;&#x;&#99999999;",
        "<script>alert(1)</script><style>p{}</style>text",
        "<!-- never closed comment <p>gone",
        "nul\x00byte",
        "\ufeff\u200bzero width\u00a0space",
        "Acme | Senior Product Manager | Berlin | REMOTE | $120k - $150k",
        "",
        " ",
    ]
)
text = st.one_of(
    nasty, st.text(max_size=300), st.builds(lambda s, n: s * n, nasty, st.integers(1, 50))
)
huge = st.builds(
    lambda s: ("<p>" + s + " product manager roadmap</p>") * 4000, st.text(max_size=20)
)
scalar = st.one_of(st.none(), st.booleans(), st.integers(), st.floats(), text)
json_value = st.recursive(
    scalar, lambda kids: st.lists(kids, max_size=4) | st.dictionaries(text, kids, max_size=4),
    max_leaves=12,
)  # fmt: skip


def changed(base: dict, fields: list[str]) -> st.SearchStrategy:
    """`base` (a good record) with up to four of `fields` holding anything."""
    return st.dictionaries(st.sampled_from(fields), json_value, max_size=4).map(
        lambda changes: {**base, **changes}
    )


def record(fields: list[str]) -> st.SearchStrategy:
    """Dicts with the parser's own field names holding anything, plus stray keys."""
    return st.fixed_dictionaries({}, optional={f: json_value for f in fields}) | st.dictionaries(
        text, json_value, max_size=3
    )


# The Python type each parsed column must hold (polars would turn a number into text quietly).
KINDS = {pl.String: str, pl.Float64: float, pl.Boolean: bool, pl.Datetime: datetime, pl.Date: date}


def check(rows: list, bad: list, n_in: int | None = None) -> None:
    assert all(isinstance(q["reason"], str) and q["reason"].strip() for q in bad)
    assert all(q.get("ref") for q in bad)
    for row in rows:
        for name, dtype in PARSED_SCHEMA.items():
            value = row.get(name)
            assert value is None or isinstance(value, KINDS[dtype.base_type()]), (name, value)
    parsed_frame(rows)  # every parsed row fits the shared model
    quarantine_frame(bad)
    if n_in is not None:
        assert len(rows) + len(bad) >= n_in  # nothing silently dropped


GH = ["id", "title", "content", "absolute_url", "updated_at", "location", "company_name",
      "departments", "offices", "metadata", "first_published"]  # fmt: skip
LEVER = ["id", "text", "description", "descriptionPlain", "lists", "additional",
         "categories", "createdAt", "hostedUrl", "salaryRange", "workplaceType"]  # fmt: skip
ASHBY = ["id", "title", "descriptionHtml", "descriptionPlain", "location", "publishedAt",
         "jobUrl", "isRemote", "compensation", "address", "employmentType"]  # fmt: skip
HN_ITEM = ["id", "by", "time", "text", "full_html", "url", "dead", "deleted"]


@fuzz
@given(st.lists(record(GH), max_size=5), st.sampled_from([None, "b"]))
def test_greenhouse(jobs, board):
    rows, bad = greenhouse.parse_response({"jobs": jobs}, board=board, fetched_at=AT, ref="r")
    check(rows, bad)


@fuzz
@given(st.lists(record(LEVER), max_size=5) | json_value)
def test_lever(obj):
    rows, bad = lever.parse_response(obj, board="s", fetched_at=AT, ref="r")
    check(rows, bad)


@fuzz
@given(st.lists(record(ASHBY), max_size=5) | json_value)
def test_ashby(jobs):
    obj = {"jobs": jobs} if isinstance(jobs, list) else jobs
    rows, bad = ashby.parse_response(obj, board="n", fetched_at=AT, ref="r")
    check(rows, bad)


@pytest.fixture(scope="module")
def ats_responses(shared_data):
    """The saved response of each ATS parser (real captures)."""
    names = {"lever": "lever_postings", "ashby": "ashby_jobs", "greenhouse": "greenhouse_jobs"}
    return {
        s: json.loads((shared_data / f"fixtures/ats/{n}.json").read_text())
        for s, n in names.items()
    }


@fuzz
@given(data=st.data(), source=st.sampled_from(sorted(ATS)))
def test_ats_job_with_wrong_typed_fields_is_quarantined_alone(ats_responses, data, source):
    """Any value of another kind in up to three of the fields a parser reads quarantines that
    job, naming it and a changed field; the other jobs come out as they do alone."""
    parser = {"lever": lever, "ashby": ashby, "greenhouse": greenhouse}[source]
    response, spec = ats_responses[source], ATS[source]
    jobs = response if isinstance(response, list) else response["jobs"]
    paths = data.draw(st.lists(st.sampled_from(list(spec["fields"])), min_size=1, max_size=3,
                               unique=True))  # fmt: skip
    paths = [p for p in paths if not any(p[: len(q)] == q for q in paths if q != p)]
    broken = jobs[0]  # it has every path of the table
    for path in paths:
        kind = spec["fields"][path]
        wrong = json_value.filter(lambda v, kind=kind: not accepted(kind, v))
        broken = with_value(broken, path, data.draw(wrong, label=field_name(path)))
    at = data.draw(st.integers(0, len(jobs)))

    def parse(jobs: list) -> tuple[list, list]:
        obj = jobs if isinstance(response, list) else {**response, "jobs": jobs}
        return parser.parse_response(obj, board="b", fetched_at=AT, ref="r")

    good, _ = parse(jobs)
    rows, bad = parse([*jobs[:at], broken, *jobs[at:]])
    assert rows == good
    (q,) = bad
    assert q["ref"].startswith(f"r#{'' if isinstance(response, list) else 'jobs'}[{at}]")
    named = tuple(f"{spec['noun']} field '{field_name(p)}" for p in paths)
    assert q["reason"].startswith(named), q["reason"]


@fuzz
@given(st.lists(record(HN_ITEM), max_size=6))
def test_hn_monthly_and_runs(items):
    rows, bad = hn.parse_monthly(items, month=date(2015, 3, 1), ref="2015-03.json")
    check(rows, bad, len(items))
    run = {"sources": {"who_is_hiring_thread_title": "Ask HN: Who is hiring? (April 2026)"},
           "fetched_at": "2026-04-17T00:00:00Z", "jobs": items}  # fmt: skip
    rows, bad = hn.parse_run(run, ref="run.json")
    check(rows, bad)


@fuzz
@given(text | huge, st.lists(record(["@type", "title", "description", "identifier",
                                     "datePosted", "hiringOrganization", "jobLocation",
                                     "baseSalary"]), max_size=3))  # fmt: skip
def test_jsonld_pages(junk, postings):
    blocks = "".join(
        f'<script type="application/ld+json">{json.dumps({**p, "@type": "JobPosting"})}</script>'
        for p in postings
    )
    page = f"<html><body>{junk}{blocks}<script type='application/ld+json'>{{broken</script>"
    rows, bad = jsonld.parse_page(page, url="https://example.test/job", fetched_at=AT)
    check(rows, bad)


@fuzz
@given(record(["source_id", "id", "description", "text", "posted_month", "posted_at", "source",
               "title", "remote", "salary_min", "salary_max", "salary_period"]))  # fmt: skip
def test_table_records(rec):
    row, q = tabular.parse_record(rec, fetched_at=AT, ref="t.csv#1")
    assert (row is None) != (q is None)
    check([row] if row else [], [q] if q else [])


TABLE_ROW = {"source_id": "1", "description": "<p>Own the roadmap</p>", "posted_month": "2024-05"}
TABLE_COLUMNS = ["source_id", "id", "description", "text", "body", "posted_month", "posted_at",
                 "fetched_at", "source", "title", "company", "location", "country", "url",
                 "board", "remote", "salary_min", "salary_max", "salary_currency",
                 "salary_period"]  # fmt: skip
MONTHLY = {"full_html": "Acme | PM<p>Hi", "url": "https://news.ycombinator.com/item?id=7"}


@fuzz
@given(changed(TABLE_ROW, TABLE_COLUMNS), changed(MONTHLY, [*MONTHLY, "location", "country",
                                                             "remote", "user"]))  # fmt: skip
def test_good_table_and_hn_records_with_any_values_in_their_columns(rec, post):
    """A usable record with anything in some of its columns: parsed with every column of its
    kind, or quarantined with a reason; never raised, never a wrong-typed row."""
    row, q = tabular.parse_record(rec, fetched_at=AT, ref="t.csv#1")
    assert (row is None) != (q is None)
    check([row] if row else [], [q] if q else [])
    rows, bad = hn.parse_monthly([post, MONTHLY], month=date(2015, 3, 1), ref="2015-03.json")
    check(rows, bad, 2)
    assert rows[-1]["body"] == MONTHLY["full_html"]  # the good one is always kept


@fuzz
@given(
    st.binary(max_size=2000) | st.builds(lambda v: json.dumps(v).encode(), json_value),
    st.sampled_from(["x.json", "2015-03.json", "x.json.gz", "x.jsonl", "x.csv", "x.parquet"]),
)
def test_file_reader_never_raises(data, name):
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / name
        path.write_bytes(data)
        result = files.read_file(path)
    check(result.rows, result.quarantined)


@fuzz
@given(
    st.sampled_from(["caf\udce9", "lone \ud800 high", "\udfff"]),
    st.sampled_from(["greenhouse_jobs.json", "2015-03.json", "run.json", "t.json"]),
)
def test_json_with_lone_surrogate_escapes_is_quarantined(bad, name):
    doc = {
        "greenhouse_jobs.json": {"jobs": [{"id": 1, "title": bad, "content": "x"}]},
        "2015-03.json": [{"full_html": bad, "url": "https://news.ycombinator.com/item?id=1"}],
        "run.json": {"sources": {}, "fetched_at": "2026-04-17T00:00:00Z",
                     "jobs": [{"id": 1, "by": "a", "time": 1, "text": bad}]},
        "t.json": [{"source_id": "1", "description": bad, "posted_month": "2024-01"}],
    }[name]  # fmt: skip
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / name
        path.write_text(json.dumps(doc))  # JSON escapes the surrogate as \udXXX
        result = files.read_file(path)
    check(result.rows, result.quarantined)


@fuzz
@given(st.lists(text | huge, min_size=1, max_size=4))
def test_html_to_text(bodies):
    out = pl.DataFrame({"b": bodies}).select(html_to_text(pl.col("b"))).to_series()
    assert out.len() == len(bodies)
    assert all(v is None or "<p>" not in v.lower() for v in out)


def parsed_rows(draw_rows: list[dict]) -> pl.DataFrame:
    return parsed_frame(
        [
            {
                "source": "file",
                "source_id": str(i),
                "fetched_at": AT,
                "payload": "{}",
                "posted_month": date(2024, 1, 1),
                **r,
            }
            for i, r in enumerate(draw_rows)
        ]
    )


posting_fields = st.fixed_dictionaries(
    {"body": st.none() | text | huge},
    optional={k: st.none() | text for k in ("title", "company", "location", "url", "country")},
)


def normalize(parsed: pl.DataFrame) -> tuple[pl.DataFrame, pl.DataFrame, pl.DataFrame]:
    """`flows.ingest.normalize` in one process, without Prefect: its task called outside a
    flow would start Prefect's temporary server for this module alone."""
    return split_versions(normalize_partition.fn(parsed))


@fuzz
@given(st.lists(posting_fields, min_size=1, max_size=5))
def test_normalize_and_load(rows):
    parsed = parsed_rows(rows)
    rows_out = tp.normalized(parsed.lazy()).collect()
    assert rows_out.height == parsed.height
    postings, raw, unusable = normalize(parsed)
    assert postings.height + unusable.height == parsed.height  # stored or quarantined
    assert all(unusable["reason"].str.len_chars() > 0)
    with tempfile.TemporaryDirectory() as tmp, db.connect(Path(tmp) / "w.duckdb") as wh:
        db.load_postings(wh, postings, raw, unusable, "fuzz")
        assert wh.count("postings") == postings.height
        stored = wh.query("SELECT posting_id, company, title FROM postings ORDER BY 1")
        assert stored.rows() == postings.select(stored.columns).sort("posting_id").rows()


def test_injection_strings_are_stored_as_data(tmp_path):
    rows = [{"body": f"<p>{INJECTION}</p>", "title": INJECTION, "company": INJECTION}]
    postings, raw, _ = normalize(parsed_rows(rows))
    bad = quarantine_frame([{"source": "file", "ref": INJECTION, "reason": INJECTION,
                             "payload": INJECTION}])  # fmt: skip
    with db.connect(tmp_path / "w.duckdb") as wh:
        db.load_postings(wh, postings, raw, bad, INJECTION)
        assert wh.scalar("SELECT title FROM postings") == INJECTION
        assert wh.scalar("SELECT ref FROM quarantine") == INJECTION
        assert {"postings", "raw_postings", "quarantine"} <= set(wh.tables())
