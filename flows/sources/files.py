"""Files the user passes: find them, decode them, recognise their shape, parse them.

Recognised without being told (`read_path` on a file or a folder, recursively):
- HN monthly list files (`YYYY-MM.json[.gz]`: a list of `{full_html, url, ...}`),
- HN collection runs (`{sources, fetched_at, jobs: [{id, by, time, text}]}`),
- raw Greenhouse, Lever and Ashby job-board API responses (`.json[.gz]`),
- plain tables of postings: `.csv`, `.jsonl` / `.ndjson`, `.parquet` (see `tabular`).
Nothing here raises on bad input: a file or record that cannot be used becomes a quarantine
row naming the file, the record and the reason, and the rest of the input still loads.
"""

from __future__ import annotations

import csv
import gzip
import io
import json
import re
import zlib
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from flows.sources import hn, tabular

SUFFIXES = (".json", ".json.gz", ".jsonl", ".jsonl.gz", ".ndjson", ".csv", ".csv.gz", ".parquet")
_PREVIEW = 2000
_TOO_DEEP = "JSON is nested too deeply to read"


@dataclass
class FileResult:
    """What one input file gave: parsed rows and quarantined records."""

    path: str
    kind: str
    rows: list[dict] = field(default_factory=list)
    quarantined: list[dict] = field(default_factory=list)


def find_inputs(paths: list[str | Path]) -> tuple[list[Path], list[dict]]:
    """Expand folders into the input files they hold; name missing paths as quarantine rows."""
    found: list[Path] = []
    missing: list[dict] = []
    for raw in paths:
        path = Path(raw)
        if path.is_dir():
            found.extend(
                p
                for p in sorted(path.rglob("*"))
                if p.is_file() and p.name.lower().endswith(SUFFIXES)  # ("UPPER.CSV" too)
            )
        elif path.is_file():
            found.append(path)
        else:
            missing.append(_bad("input", str(path), "no such file or folder", None))
    return found, missing


def _bad(source: str, ref: str, reason: str, payload: Any) -> dict:
    if payload is not None and not isinstance(payload, str):
        payload = json.dumps(payload, ensure_ascii=False, default=str)
    if payload is not None:  # bytes that were not UTF-8 are kept visible as U+FFFD
        payload = payload.encode("utf-8", "surrogateescape").decode("utf-8", "replace")
    return {"source": source, "ref": ref, "reason": reason, "payload": payload}


def _read_bytes(path: Path) -> bytes:
    data = path.read_bytes()
    if path.name.endswith(".gz") or data[:2] == b"\x1f\x8b":
        # A truncated gzip still yields what it holds: decompress as far as it goes.
        try:
            return gzip.decompress(data)
        except (EOFError, gzip.BadGzipFile, zlib.error):
            try:
                out = zlib.decompressobj(wbits=31).decompress(data)
            except zlib.error:
                out = b""
            raise TruncatedInput(out, "gzip stream is truncated or corrupt") from None
    return data


class TruncatedInput(Exception):
    """The bytes that could be read before the input broke off, and why it broke."""

    def __init__(self, data: bytes, reason: str) -> None:
        super().__init__(reason)
        self.data = data
        self.reason = reason


_SURROGATE = re.compile("[\ud800-\udfff]")


def _has_bad_bytes(value: Any) -> bool:
    """True when a decoded value holds surrogate escapes, i.e. bytes that were not UTF-8."""
    if isinstance(value, str):  # lone surrogates too; an ASCII string (O(1) test) has none
        return not value.isascii() and _SURROGATE.search(value) is not None
    if isinstance(value, dict):
        return any(_has_bad_bytes(k) or _has_bad_bytes(v) for k, v in value.items())
    if isinstance(value, list):
        return any(_has_bad_bytes(v) for v in value)
    return False


def _iter_list(text: str, ref: str) -> Iterator[tuple[int, Any, str | None]]:
    """Elements of a top-level JSON list one by one, so a truncated file keeps its head.

    Yields (index, element, None), or (index, None, reason) once when the list breaks off.
    """
    decoder = json.JSONDecoder()
    pos = text.index("[") + 1
    i = 0
    n = len(text)
    while True:
        while pos < n and text[pos] in " \t\r\n,":
            pos += 1
        if pos >= n:
            yield i, None, f"JSON list is truncated after {i} records (no closing bracket)"
            return
        if text[pos] == "]":
            rest = text[pos + 1 :].strip()
            if rest:
                yield i, None, f"unexpected data after the end of the JSON list: {rest[:80]!r}"
            return
        try:
            value, pos = decoder.raw_decode(text, pos)
        except RecursionError:
            yield i, None, f"record {i} is nested too deeply to read (nor the rest of the list)"
            return
        except json.JSONDecodeError as exc:
            if not text.rstrip().endswith("]"):
                yield i, None, f"JSON is truncated inside record {i} ({exc.msg})"
            else:
                yield i, None, f"invalid JSON at record {i}: {exc.msg} (line {exc.lineno})"
            return
        yield i, value, None
        i += 1


def _decode_json(path: Path) -> tuple[Any, list[dict]]:
    """The JSON document in `path`, salvaging the records before a break in a top-level list.

    Returns (document or None, quarantine rows).
    """
    ref = str(path)
    problems: list[dict] = []
    try:
        data = _read_bytes(path)
    except TruncatedInput as cut:
        data = cut.data
        problems.append(_bad("input", ref, cut.reason, None))
    except OSError as exc:
        return None, [_bad("input", ref, f"cannot read file: {exc}", None)]
    text = data.decode("utf-8", errors="surrogateescape")
    try:
        doc = json.loads(text)
    except (json.JSONDecodeError, RecursionError) as exc:
        if text.lstrip().startswith("["):
            items: list[Any] = []
            for i, value, reason in _iter_list(text, ref):
                if reason:
                    preview = text[-_PREVIEW:]
                    problems.append(_bad("input", f"{ref}#{i}", reason, preview))
                else:
                    items.append(value)
            return items, problems
        if isinstance(exc, json.JSONDecodeError):
            reason = f"invalid JSON: {exc.msg} at line {exc.lineno} column {exc.colno}"
        else:
            reason = _TOO_DEEP
        return None, [*problems, _bad("input", ref, reason, text[:_PREVIEW])]
    return doc, problems


def _split_bad_bytes(records: list, ref: str, source: str) -> tuple[list, list[dict]]:
    keep, bad = [], []
    for i, rec in enumerate(records):
        if _has_bad_bytes(rec):
            payload = json.dumps(rec, ensure_ascii=True, default=str)
            bad.append(_bad(source, f"{ref}#{i}", "invalid UTF-8 bytes in record", payload))
            keep.append(None)
        else:
            keep.append(rec)
    return keep, bad


def _ats_modules() -> list[Any]:
    """The ATS parsers that exist (each: `looks_like(obj)`, `parse_response(...)`)."""
    import importlib

    mods = []
    for name in ("greenhouse", "lever", "ashby"):
        try:
            mods.append(importlib.import_module(f"flows.sources.{name}"))
        except ImportError:  # pragma: no cover - only while a source is being written
            continue
    return mods


def parse_json_document(
    doc: Any, *, path: Path, fetched_at: datetime
) -> tuple[str, list[dict], list[dict]]:
    """Recognise a decoded JSON document and parse it: (kind, rows, quarantined)."""
    ref = str(path)
    if hn.looks_like_monthly(doc):
        doc, bad = _split_bad_bytes(doc, ref, hn.SOURCE)
        rows, bad2 = hn.parse_monthly(
            [r for r in doc if r is not None], month=hn.month_from_name(path.name), ref=ref
        )
        return "hn-monthly", rows, bad + bad2
    if hn.looks_like_run(doc):
        jobs, bad = _split_bad_bytes(doc["jobs"], ref, hn.SOURCE)
        rows, bad2 = hn.parse_run({**doc, "jobs": [j for j in jobs if j is not None]}, ref=ref)
        return "hn-run", rows, bad + bad2
    for mod in _ats_modules():
        if mod.looks_like(doc):
            if _has_bad_bytes(doc):
                reason = "invalid UTF-8 bytes in API response"
                return mod.__name__.rsplit(".", 1)[-1], [], [_bad("input", ref, reason, None)]
            rows, bad = mod.parse_response(doc, board=None, fetched_at=fetched_at, ref=ref)
            return mod.__name__.rsplit(".", 1)[-1], rows, bad
    if isinstance(doc, list) and doc and all(isinstance(r, dict) for r in doc):
        return "table-json", *_parse_table(doc, ref=ref, fetched_at=fetched_at)
    return (
        "unknown",
        [],
        [
            _bad(
                "input",
                ref,
                "unrecognised JSON shape: not an HN, Greenhouse, "
                "Lever or Ashby response, nor a list of postings",
                None,
            )
        ],
    )


def _parse_table(records: list, *, ref: str, fetched_at: datetime) -> tuple[list, list]:
    rows, bad = [], []
    for i, rec in enumerate(records):
        where = f"{ref}#{i}"
        if rec is _SET_ASIDE:
            continue  # a row the CSV reader set aside (already quarantined)
        if _has_bad_bytes(rec):
            payload = json.dumps(rec, ensure_ascii=True, default=str)
            bad.append(_bad("file", where, "invalid UTF-8 bytes in record", payload))
            continue
        row, q = tabular.parse_record(rec, fetched_at=fetched_at, ref=where)
        if q:
            bad.append(q)
        else:
            rows.append(row)
    return rows, bad


def _read_what_holds(path: Path) -> tuple[bytes, list[dict]]:
    """The file's bytes, and for a cut gzip stream what it held with a quarantine row saying so."""
    try:
        return _read_bytes(path), []
    except TruncatedInput as cut:
        return cut.data, [_bad("input", str(path), cut.reason, None)]


def _read_jsonl(path: Path, fetched_at: datetime) -> tuple[list, list]:
    ref = str(path)
    data, problems = _read_what_holds(path)
    rows, bad = [], []
    for n, line in enumerate(data.split(b"\n"), start=1):
        if not line.strip():
            continue
        where = f"{ref}:{n}"
        try:
            rec = json.loads(line.decode("utf-8"))
        except RecursionError:
            bad.append(_bad("file", where, _TOO_DEEP, line[:_PREVIEW].decode("utf-8", "replace")))
            continue
        except UnicodeDecodeError as exc:
            preview = line[:_PREVIEW].decode("utf-8", "replace")
            bad.append(
                _bad("file", where, f"invalid UTF-8 at byte {exc.start} of the line", preview)
            )
            continue
        except json.JSONDecodeError as exc:
            preview = line[:_PREVIEW].decode("utf-8", "replace")
            bad.append(_bad("file", where, f"invalid JSON: {exc.msg}", preview))
            continue
        row, q = tabular.parse_record(rec, fetched_at=fetched_at, ref=where)
        if q:
            bad.append(q)
        else:
            rows.append(row)
    return rows, problems + bad


def _read_frame_records(path: Path) -> list[dict]:
    import polars as pl

    if path.name.lower().endswith(".parquet"):
        frame = pl.read_parquet(path)
    else:
        frame = pl.read_csv(_read_bytes(path), infer_schema=False, truncate_ragged_lines=False)
    return frame.to_dicts()


_SET_ASIDE: dict = {}  # a CSV row quarantined by the reader: `_parse_table` skips it


def _read_csv_rows(path: Path) -> tuple[list[dict], list[dict]]:
    """A CSV file polars would not read whole (a row with invalid UTF-8, more fields than the
    header, a cut gzip stream), record by record: (records as polars gives them, with their
    row index in `_parse_table`'s order; the rows set aside, each named and why).

    Records keep polars' reading: every value a string; an empty field, a blank line and the
    missing end of a short row null. Bytes that are not UTF-8 stay as surrogate escapes, so
    `_parse_table` quarantines just their record.
    """
    ref = str(path)
    data, problems = _read_what_holds(path)
    text = data.decode("utf-8", "surrogateescape").removeprefix("\ufeff")
    reader = csv.reader(io.StringIO(text, newline=""), strict=False)
    header = next(reader, [])
    rows = list(reader)  # (a blank line is a row of nulls, as polars reads it)
    if problems and rows:  # the stream broke off inside its last row: it is incomplete
        problems.append(_bad("file", f"{ref}#{len(rows) - 1}", "row cut off by the truncated "
                             "gzip stream", ",".join(rows.pop())[:_PREVIEW]))  # fmt: skip
    records: list[dict] = []
    for i, row in enumerate(rows):
        if len(row) > len(header):
            reason = f"{len(row)} fields where the header has {len(header)}"
            problems.append(_bad("file", f"{ref}#{i}", reason, ",".join(row)[:_PREVIEW]))
            records.append(_SET_ASIDE)  # (keeps the next rows' indexes)
            continue
        row += [""] * (len(header) - len(row))
        records.append({k: v if v != "" else None for k, v in zip(header, row, strict=True)})
    return records, problems


def read_file(path: Path, fetched_at: datetime | None = None) -> FileResult:
    """Parse one input file. Never raises on bad content: problems become quarantine rows.

    Should a parser still fail on some input, the file is quarantined with the exception
    named, and the other files load."""
    ref = str(path)
    try:
        return _read_file(path, fetched_at)
    except OSError:
        raise  # the disk, not the content: let the run fail and say so
    except Exception as exc:
        reason = f"could not be parsed: {type(exc).__name__}: {str(exc)[:300]}"
        return FileResult(ref, "unreadable", [], [_bad("input", ref, reason, None)])


def _read_file(path: Path, fetched_at: datetime | None) -> FileResult:
    fetched_at = fetched_at or datetime.fromtimestamp(path.stat().st_mtime, UTC)
    name = path.name.lower()
    ref = str(path)
    if name.endswith((".jsonl", ".jsonl.gz", ".ndjson")):
        rows, bad = _read_jsonl(path, fetched_at)
        return FileResult(ref, "table-jsonl", rows, bad)
    if name.endswith((".csv", ".csv.gz", ".parquet")):
        problems: list[dict] = []
        try:
            records = _read_frame_records(path)
        except Exception as exc:  # polars raises many kinds on a bad table
            if name.endswith(".parquet"):
                reason = f"cannot read table: {type(exc).__name__}: {str(exc)[:300]}"
                return FileResult(ref, "table", [], [_bad("input", ref, reason, None)])
            records, problems = _read_csv_rows(path)  # set the bad rows aside, keep the rest
        rows, bad = _parse_table(records, ref=ref, fetched_at=fetched_at)
        return FileResult(ref, "table", rows, problems + bad)
    doc, problems = _decode_json(path)
    if doc is None:
        return FileResult(ref, "unreadable", [], problems)
    kind, rows, bad = parse_json_document(doc, path=path, fetched_at=fetched_at)
    return FileResult(ref, kind, rows, problems + bad)
