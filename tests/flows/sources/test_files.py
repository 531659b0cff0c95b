import gzip
import json
from pathlib import Path

import polars as pl

from flows.sources import files


def hn_month(path: Path, records: list[dict]) -> Path:
    path.write_bytes(gzip.compress(json.dumps(records).encode()))
    return path


def post(item_id: int, html: str = "Acme | Product Manager | Berlin<p>Hi") -> dict:
    return {"full_html": html, "url": f"https://news.ycombinator.com/item?id={item_id}"}


def test_truncated_json_keeps_the_records_before_the_break(tmp_path):
    text = json.dumps([post(1), post(2), post(3)])
    path = tmp_path / "2015-03.json"
    path.write_text(text[: text.index("id=3") + 2])  # cut inside the third record
    result = files.read_file(path)
    assert [r["source_id"] for r in result.rows] == ["1", "2"]
    assert len(result.quarantined) == 1
    assert "truncated" in result.quarantined[0]["reason"]
    assert result.quarantined[0]["ref"] == f"{path}#2"


def test_data_after_the_list_is_named_not_dropped(tmp_path):
    path = tmp_path / "2015-03.json"
    path.write_text(json.dumps([post(1)]) + ', {"full_html": "x"}')
    result = files.read_file(path)
    assert [r["source_id"] for r in result.rows] == ["1"]
    assert "unexpected data after the end" in result.quarantined[0]["reason"]


def test_a_record_with_no_text_is_quarantined_beside_valid_ones(tmp_path):
    path = hn_month(tmp_path / "2015-03.json.gz", [post(1), post(2, html=""), post(3)])
    result = files.read_file(path)
    assert [r["source_id"] for r in result.rows] == ["1", "3"]
    assert [(q["ref"], q["reason"]) for q in result.quarantined] == [
        (f"{path}#1 (hn:2)", "record has no text")
    ]


def test_invalid_utf8_quarantines_only_the_record_that_holds_it(tmp_path):
    good = json.dumps(post(1)).encode()
    bad = json.dumps(post(2, html="caf@")).encode().replace(b"caf@", b"caf\xe9")
    path = tmp_path / "2015-03.json"
    path.write_bytes(b"[" + good + b"," + bad + b"]")
    result = files.read_file(path)
    assert [r["source_id"] for r in result.rows] == ["1"]
    assert [q["reason"] for q in result.quarantined] == ["invalid UTF-8 bytes in record"]
    assert result.quarantined[0]["ref"] == f"{path}#1"


def test_truncated_gzip_keeps_what_it_holds(tmp_path):
    data = gzip.compress(json.dumps([post(i) for i in range(1, 200)]).encode())
    path = tmp_path / "2015-03.json.gz"
    path.write_bytes(data[: len(data) * 2 // 3])
    result = files.read_file(path)
    reasons = " / ".join(q["reason"] for q in result.quarantined)
    assert "gzip stream is truncated" in reasons
    assert 0 < len(result.rows) < 199


def test_jsonl_table_loads_good_lines_and_names_bad_ones(tmp_path):
    lines = [
        json.dumps({"id": "a1", "title": "Product Manager", "text": "Own the roadmap",
                    "posted_month": "2024-05", "company": "Acme"}),
        "{not json",
        json.dumps({"id": "a2", "text": "", "posted_month": "2024-05"}),
        json.dumps({"id": "a3", "text": "x"}),
    ]  # fmt: skip
    path = tmp_path / "postings.jsonl"
    path.write_bytes("\n".join(lines).encode() + b"\n" + b'{"id": "a4", "text": "\xff"}\n')
    result = files.read_file(path)
    assert [r["source_id"] for r in result.rows] == ["a1"]
    reasons = {q["ref"].rsplit(":", 1)[1]: q["reason"] for q in result.quarantined}
    assert reasons["2"].startswith("invalid JSON")
    assert "no text" in reasons["3"]
    assert "no posted_month" in reasons["4"]
    assert reasons["5"].startswith("invalid UTF-8")


def test_csv_and_parquet_tables(tmp_path):
    frame = pl.DataFrame({"source_id": ["1", "2"], "description": ["<p>A</p>", "B"],
                          "posted_at": ["2024-05-03T10:00:00Z", "2024-06-01"],
                          "remote": ["yes", "no"]})  # fmt: skip
    frame.write_csv(tmp_path / "p.csv")
    frame.write_parquet(tmp_path / "p.parquet")
    for name in ("p.csv", "p.parquet"):
        result = files.read_file(tmp_path / name)
        assert [(r["source"], r["source_id"], r["remote"]) for r in result.rows] == [
            ("file", "1", True), ("file", "2", False)]  # fmt: skip
        assert str(result.rows[1]["posted_month"]) == "2024-06-01"


CSV_HEAD = b"source_id,description,posted_month\n"


def test_a_bad_csv_row_is_set_aside_alone(tmp_path):
    """Invalid UTF-8 or too many fields in one row quarantine that row, named by its index,
    and the rows around it load (polars refuses such a file whole)."""
    path = tmp_path / "t.csv"
    path.write_bytes(
        CSV_HEAD + b"u1,caf\xe9 PM,2024-05\n"  # not UTF-8
        b"u2,Good PM row with SQL,2024-05\n"
        b"u3,too,many,fields,2024-05\n"
        b'u4,"quoted, with a comma\nand a line break",2024-06\n'
    )
    result = files.read_file(path)
    assert [r["source_id"] for r in result.rows] == ["u2", "u4"]
    assert [(q["ref"], q["reason"]) for q in result.quarantined] == [
        (f"{path}#2", "5 fields where the header has 3"),
        (f"{path}#0", "invalid UTF-8 bytes in record"),
    ]


def test_the_row_by_row_csv_reader_reads_as_polars_does(tmp_path):
    path = tmp_path / "t.csv"
    path.write_bytes(
        b"\xef\xbb\xbfsource_id,description,posted_month,remote\r\n"
        b'1,"a ""quoted"" word, a comma\r\nand a line",2024-05,\r\n'
        b"\r\n"
        b"2,,2024-06,yes\r\n"
        b"3,short row\r\n"
    )
    assert files._read_csv_rows(path) == (files._read_frame_records(path), [])


def test_a_truncated_csv_gz_keeps_its_whole_rows(tmp_path):
    data = gzip.compress(CSV_HEAD + b"".join(b"r%d,row %d,2024-05\n" % (i, i) for i in range(9)))
    path = tmp_path / "t.csv.gz"
    path.write_bytes(data[: len(data) - 12])  # the stream breaks off
    result = files.read_file(path)
    kept = [r["source_id"] for r in result.rows]
    assert kept and kept == [f"r{i}" for i in range(len(kept))]
    reasons = [q["reason"] for q in result.quarantined]
    assert "gzip stream is truncated or corrupt" in reasons
    assert "row cut off by the truncated gzip stream" in reasons


def test_folders_are_searched_for_upper_case_suffixes_too(tmp_path):
    (tmp_path / "A.CSV").write_bytes(CSV_HEAD + b"1,x,2024-05\n")
    (tmp_path / "notes.txt").write_text("not an input")
    found, _ = files.find_inputs([tmp_path])
    assert found == [tmp_path / "A.CSV"]
    assert [r["source_id"] for r in files.read_file(found[0]).rows] == ["1"]


def test_unknown_shapes_and_missing_paths_are_named(tmp_path):
    (tmp_path / "x.json").write_text('{"hello": "world"}')
    assert (
        "unrecognised JSON shape" in files.read_file(tmp_path / "x.json").quarantined[0]["reason"]
    )
    found, missing = files.find_inputs([tmp_path, tmp_path / "nope.json"])
    assert found == [tmp_path / "x.json"]
    assert missing[0]["reason"] == "no such file or folder"


def test_the_whole_shared_hn_archive_is_recognised(shared_data):
    paths, missing = files.find_inputs([shared_data / "hn"])
    assert not missing
    kinds = {files.read_file(p).kind for p in paths}
    assert kinds == {"hn-monthly", "hn-run"}


def test_json_nested_too_deeply_is_quarantined_not_raised(tmp_path):
    # RecursionError escaped json.loads and stopped the whole ingest
    deep = "[" * 100_000 + "]" * 100_000
    good = json.dumps({"id": "a1", "text": "Own the roadmap", "posted_month": "2024-05"})
    (tmp_path / "deep.json").write_text(f'{{"jobs": {deep}}}')
    (tmp_path / "list.json").write_text(f"[{good}, {deep}, {good}]")  # the head is kept
    (tmp_path / "t.jsonl").write_text(f"{deep}\n{good}\n")
    results = {p.name: files.read_file(p) for p in sorted(tmp_path.iterdir())}
    assert {name: [r["source_id"] for r in got.rows] for name, got in results.items()} == {
        "deep.json": [], "list.json": ["a1"], "t.jsonl": ["a1"]}  # fmt: skip
    reasons = {name: [(q["ref"], q["reason"]) for q in got.quarantined]
               for name, got in results.items()}  # fmt: skip
    assert reasons == {
        "deep.json": [(str(tmp_path / "deep.json"), "JSON is nested too deeply to read")],
        "list.json": [(f"{tmp_path / 'list.json'}#1",
                       "record 1 is nested too deeply to read (nor the rest of the list)")],
        "t.jsonl": [(f"{tmp_path / 't.jsonl'}:1", "JSON is nested too deeply to read")],
    }  # fmt: skip
