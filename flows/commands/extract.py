"""`pmpulse extract --input FILE.jsonl --output OUT.jsonl`: skills demanded by each posting.

Input: JSONL, one posting per line, `{"id": ..., "text": ...}`; text may be HTML or plain.
Output: JSONL, one line per good input line, in input order:
`{"id", "categories": [...], "mentions": [{"start", "end", "text", "skill_id", "skill",
"type", "category"}]}`. `categories` is the set of headline categories (the twelve of
GUIDE.md) the posting demands. Offsets are character offsets (Python str indices, end
exclusive) into the CLEANED text, i.e. `transforms.text.text_of(text)`: HTML tags dropped,
entities decoded, whitespace tidied. Plain text passes through that cleaning almost
unchanged. No warehouse is needed.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

import polars as pl

from flows.progress import say
from transforms.skills import HEADLINE_CATEGORIES, Taxonomy, find_mentions, texts_for_scan
from transforms.text import html_to_text

NAME = "extract"
HELP = (
    "find the skills each posting demands: JSONL {id, text} in, JSONL {id, categories, "
    "mentions} out (offsets into the cleaned text); no warehouse needed"
)
BATCH = 20_000


def configure(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--input", required=True, type=Path, metavar="FILE.jsonl",
                        help="postings, one JSON object {id, text} per line")  # fmt: skip
    parser.add_argument("--output", required=True, type=Path, metavar="OUT.jsonl",
                        help="where to write one JSON object per posting")  # fmt: skip
    parser.add_argument("--taxonomy", type=Path, default=None, metavar="DIR",
                        help="taxonomy folder (skills.csv, skill_aliases.csv); default: "
                        "the shipped seeds")  # fmt: skip
    parser.add_argument("--extra-aliases", type=Path, action="append", default=[],
                        metavar="CSV", help="further alias files, e.g. from `pmpulse "
                        "taxonomy import esco` (repeatable)")  # fmt: skip


def read_postings(path: Path) -> tuple[list[tuple[str, str]], list[str]]:
    """(id, text) per good line, and one readable problem per bad line."""
    rows: list[tuple[str, str]] = []
    problems: list[str] = []
    with path.open("rb") as f:
        for n, raw in enumerate(f, start=1):
            line = raw.decode("utf-8", errors="replace").strip()
            if not line:
                continue
            try:
                record = json.loads(line)
            except json.JSONDecodeError as exc:
                problems.append(f"{path}:{n}: not valid JSON ({exc.msg})")
                continue
            if not isinstance(record, dict):
                problems.append(f"{path}:{n}: not a JSON object")
                continue
            pid, text = record.get("id"), record.get("text")
            if pid is None or isinstance(pid, (dict, list)) or str(pid) == "":
                problems.append(f"{path}:{n}: no 'id'")
                continue
            if not isinstance(text, str):
                problems.append(f"{path}:{n}: id {pid}: no 'text' string")
                continue
            rows.append((str(pid), text))
    return rows, problems


def extract_records(rows: list[tuple[str, str]], taxonomy: Taxonomy) -> list[dict]:
    """Output records for (id, raw text) pairs: clean the text, find the demands."""
    matcher = taxonomy.matcher()
    texts = (
        pl.LazyFrame({"raw": [t for _, t in rows]}, schema={"raw": pl.String})
        .select(text=html_to_text(pl.col("raw")))
        .with_columns(**dict(zip(("ctx", "scan"), texts_for_scan(pl.col("text")), strict=True)))
        .collect()  # lazily: the two scan views share one lower-casing
    )
    out = []
    for (pid, _), (text, ctx, scan) in zip(rows, texts.iter_rows(), strict=True):
        text = text or ""
        mentions = find_mentions(text, matcher, ctx=ctx, scan=scan)
        cats = {matcher.categories[m.skill] for m in mentions}
        out.append(
            {
                "id": pid,
                "categories": [c for c in HEADLINE_CATEGORIES if c in cats],
                "mentions": [
                    {
                        "start": m.start,
                        "end": m.end,
                        "text": text[m.start : m.end],
                        "skill_id": matcher.skill_ids[m.skill],
                        "skill": matcher.names[m.skill],
                        "type": matcher.types[m.skill],
                        "category": matcher.categories[m.skill],
                    }
                    for m in mentions
                ],
            }
        )
    return out


def run(args: argparse.Namespace) -> int:
    from transforms.skills import TaxonomyError
    from warehouse.seeds import load_taxonomy

    path = Path(args.input)
    if not path.is_file():
        what = "a folder, not a file" if path.is_dir() else "no such file"
        print(f"pmpulse extract: {what}: {path}", file=sys.stderr)
        return 2
    out_path = Path(args.output)
    if out_path.exists() and out_path.resolve() == path.resolve():
        print(f"pmpulse extract: --output is the input file ({path}); writing would destroy it",
              file=sys.stderr)  # fmt: skip
        return 2
    try:
        taxonomy = load_taxonomy(args.taxonomy, extra_aliases=args.extra_aliases)
    except (OSError, TaxonomyError, pl.exceptions.PolarsError) as exc:
        print(f"pmpulse extract: cannot load the taxonomy: {exc}", file=sys.stderr)
        return 2
    rows, problems = read_postings(path)
    for problem in problems:
        print(f"skipped {problem}", file=sys.stderr)
    try:
        out_path.parent.mkdir(parents=True, exist_ok=True)
        out = out_path.open("w", encoding="utf-8")
    except OSError as exc:
        print(f"pmpulse extract: cannot write {out_path}: {exc.strerror or exc}", file=sys.stderr)
        return 2
    with_cats = 0
    with out:
        for i in range(0, len(rows), BATCH):
            for record in extract_records(rows[i : i + BATCH], taxonomy):
                with_cats += bool(record["categories"])
                out.write(json.dumps(record, ensure_ascii=False) + "\n")
    say(
        f"{len(rows):,} postings -> {out_path}: {with_cats:,} demand at least one headline "
        f"category; {len(problems)} lines skipped (taxonomy {taxonomy.version})"
    )
    return 0
