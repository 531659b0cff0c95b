"""`pmpulse titles --input FILE --output OUT.jsonl`: PM role and seniority of job titles."""

from __future__ import annotations

import argparse
import json
import sys
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


def read_titles(path: Path) -> tuple[list[str], list[str]]:
    """Titles in the file, and one readable problem per line that held none."""
    titles: list[str] = []
    problems: list[str] = []
    text = path.read_bytes().decode("utf-8", errors="replace")
    if text.lstrip().startswith("["):  # a JSON list of titles (or of records with 'title')
        try:
            rows = json.loads(text)
        except json.JSONDecodeError as exc:
            return [], [f"{path}: not a valid JSON list ({exc.msg} at line {exc.lineno})"]
        lines = [json.dumps(r) if isinstance(r, dict) else str(r) for r in rows]
    else:
        lines = text.splitlines()
    for n, line in enumerate(lines, start=1):
        line = line.strip()
        if not line:
            continue
        if not line.startswith("{"):
            titles.append(line)
            continue
        try:
            record = json.loads(line)
        except json.JSONDecodeError as exc:
            problems.append(f"{path}:{n}: not valid JSON ({exc.msg})")
            continue
        title = record.get("title") if isinstance(record, dict) else None
        if not isinstance(title, str) or not title.strip():
            problems.append(f"{path}:{n}: no 'title' text in the record")
            continue
        titles.append(title)
    return titles, problems


def run(args: argparse.Namespace) -> int:
    path = Path(args.input)
    if not path.is_file():
        print(f"pmpulse titles: no such file: {path}", file=sys.stderr)
        return 2
    titles, problems = read_titles(path)
    for problem in problems:
        print(f"skipped {problem}", file=sys.stderr)
    frame = title_roles(pl.LazyFrame({"title": titles}, schema={"title": pl.String}))
    out = frame.select("title", "role", "seniority").collect()
    Path(args.output).parent.mkdir(parents=True, exist_ok=True)
    out.write_ndjson(args.output)
    pm = out.filter(pl.col("role") != "not_pm").height
    say(f"{out.height:,} titles -> {args.output}: {pm:,} PM/PO, {len(problems)} skipped")
    return 0
