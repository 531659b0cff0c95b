"""`pmpulse titles --input FILE --output OUT.jsonl`: PM role and seniority of job titles."""

from __future__ import annotations

import argparse
import codecs
import json
import re
import sys
import unicodedata
from pathlib import Path

import polars as pl

from flows.progress import say
from transforms.titles import title_roles

NAME = "titles"
HELP = (
    "classify job titles as pm / product_owner / not_pm with a seniority; input is one title "
    "per line, JSONL with a 'title' field or a JSON list; output is JSONL {title, role, seniority}"
)


def configure(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--input",
        required=True,
        type=Path,
        metavar="FILE",
        help="titles: one per line, JSONL with a 'title' field, or a JSON list",
    )
    parser.add_argument(
        "--output", required=True, type=Path, metavar="OUT.jsonl", help="where to write JSONL"
    )


MAX_TITLE_CHARS = 300  # longer "titles" are descriptions or pasted pages, not job titles
MISSING = ("null", "none", "nan")  # what exports write for a missing value
JSON_LIST_START = re.compile(rb'\s*\[\s*(["{\[\]\d-]|(null|true|false)\b|$)')
FORMATS = "expected one title per line, JSONL with a 'title' field, or a JSON list (UTF-8)"


def read_titles(path: Path) -> tuple[list[str], list[str]]:
    """Titles in the file, and one readable problem per line (or list item) that held none.

    The file is a JSON list when it starts with "[" and parses as one (or plainly tries
    to), JSONL when its first line starts with "{" (then every line must be a record),
    else one title per line (a line starting with "{", or ending with "}" after a '"key":',
    is read as a record). Raises ValueError when the file as a whole is not titles: binary
    data, or a JSON list that does not parse.
    """
    data = path.read_bytes()
    if b"\x00" in data:
        raise ValueError(f"{path}: binary data (NUL bytes), not text; {FORMATS}")
    data = data.removeprefix(codecs.BOM_UTF8)
    if data.lstrip().startswith(b"["):
        rows = _json_list(path, data)
        if rows is not None:
            return _titles([(f"{path}: item {i}", item) for i, item in enumerate(rows, 1)])
    lines = data.split(b"\n")
    jsonl = next((line.strip() for line in lines if line.strip()), b"").startswith(b"{")
    found: list[tuple[str, object]] = []
    for n, raw in enumerate(lines, start=1):
        try:
            line = raw.decode("utf-8").strip()
        except UnicodeDecodeError as exc:
            found.append((f"{path}:{n}", _Unreadable(f"not UTF-8 text (byte {exc.start + 1} "
                                                     "of the line)")))  # fmt: skip
            continue
        if not line:
            continue
        value: object = line
        if jsonl or line.startswith("{") or (line.endswith("}") and '":' in line):
            try:
                value = json.loads(line)
            except json.JSONDecodeError as exc:
                value = _Unreadable(f"not valid JSON ({exc.msg} at column {exc.colno})")
        found.append((f"{path}:{n}", value))
    return _titles(found)


class _Unreadable(str):
    """A line that could not be read, as its reason (`_title` reports it)."""


def _json_list(path: Path, data: bytes) -> list | None:
    """The JSON list in `data`; None when it is plain lines after all ("[Remote] PM")."""
    looks_json = JSON_LIST_START.match(data) is not None
    try:
        rows = json.loads(data.decode("utf-8"))
    except UnicodeDecodeError as exc:
        if not looks_json:
            return None
        line = data.count(b"\n", 0, exc.start) + 1
        raise ValueError(f"{path}: not UTF-8 text (line {line}); {FORMATS}") from None
    except json.JSONDecodeError as exc:
        if not looks_json:
            return None
        raise ValueError(
            f"{path}: not a valid JSON list ({exc.msg} at line {exc.lineno}, column "
            f"{exc.colno}); {FORMATS}"
        ) from None
    return rows if isinstance(rows, list) else None


def _titles(found: list[tuple[str, object]]) -> tuple[list[str], list[str]]:
    """The title in each (where, JSON value or line), or a problem naming `where`."""
    titles: list[str] = []
    problems: list[str] = []
    for where, value in found:
        title, problem = _title(value)
        if problem is None:
            titles.append(title)
        else:
            problems.append(f"{where}: {problem}")
    return titles, problems


def _title(value: object) -> tuple[str, str | None]:
    """(title, None) for a usable title (a string or a record's 'title'), else ("", why)."""
    if isinstance(value, _Unreadable):
        return "", str(value)
    if isinstance(value, dict):
        if "title" not in value:
            return "", "no 'title' field in the record"
        value = value["title"]
        if not isinstance(value, str):
            return "", f"'title' is {_json_type(value)}, not text"
    elif not isinstance(value, str):
        return "", f"{_json_type(value)}, not a title or a record with a 'title'"
    text = value.strip()
    if not text:
        return "", "empty title"
    if text.lower() in MISSING:
        return "", f"{text!r} marks a missing value, not a title"
    if any(_binary(c) for c in text if c not in "\t\n\r"):
        return "", "control characters or undecodable bytes: binary data, not a title"
    if not any(c.isalpha() for c in text):
        return "", f"no letters in {text[:40]!r}: not a title"
    if len(text) > MAX_TITLE_CHARS:
        return "", f"{len(text):,} characters, too long for a job title (at most {MAX_TITLE_CHARS})"
    return value, None


def _binary(char: str) -> bool:
    """A control character, a lone surrogate, or the mark of an undecodable byte."""
    return char == "\ufffd" or unicodedata.category(char) in ("Cc", "Cs")


def _json_type(value: object) -> str:
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "a boolean"
    if isinstance(value, int | float):
        return "a number"
    return "a list" if isinstance(value, list) else "a record"


def run(args: argparse.Namespace) -> int:
    path = Path(args.input)
    if not path.is_file():
        print(f"pmpulse titles: no such file: {path}", file=sys.stderr)
        return 2
    try:
        titles, problems = read_titles(path)
    except ValueError as exc:  # not a titles file at all: nothing is written
        print(f"pmpulse titles: {exc}", file=sys.stderr)
        return 2
    for problem in problems:
        print(f"skipped {problem}", file=sys.stderr)
    if problems and not titles:
        print(f"pmpulse titles: no titles in {path}: every line was skipped", file=sys.stderr)
        return 1
    frame = title_roles(pl.LazyFrame({"title": titles}, schema={"title": pl.String}))
    out = frame.select("title", "role", "seniority").collect()
    Path(args.output).parent.mkdir(parents=True, exist_ok=True)
    out.write_ndjson(args.output)
    pm = out.filter(pl.col("role") != "not_pm").height
    say(f"{out.height:,} titles -> {args.output}: {pm:,} PM/PO, {len(problems)} skipped")
    return 0
