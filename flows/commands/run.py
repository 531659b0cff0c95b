"""`pmpulse run [--input PATH ...]`: the main job, every stage."""

from __future__ import annotations

import argparse
import sys
import time

from flows.commands.collect import print_summary as print_collect
from flows.commands.ingest import missing_inputs
from flows.commands.ingest import print_summary as print_ingest
from flows.progress import say
from flows.settings import db_path

NAME = "run"
HELP = (
    "run the whole pipeline: ingest the given files (or, without --input, collect from the "
    "live sources), extract skills, and every later stage"
)
OFFLINE_HINT = (
    "no live source could be reached (offline?). To run on files instead, pass them with "
    "--input, e.g. `pmpulse run --input ../shared/data/hn` (HN 'Who is hiring' archives, "
    "Greenhouse/Lever/Ashby API responses, or CSV/JSONL/Parquet postings; see the README)."
)


def configure(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--input",
        nargs="+",
        metavar="PATH",
        help="files or folders to ingest instead of the live sources",
    )
    parser.add_argument(
        "--source",
        action="append",
        default=None,
        metavar="KIND[:NAME]",
        help="without --input: limit collection to these sources (repeatable), as for "
        "`pmpulse collect`",
    )
    parser.add_argument("--boards", metavar="FILE", default=None, help="boards file (TOML)")


def run(args: argparse.Namespace) -> int:
    from flows.run import run as run_flow

    if args.input and missing_inputs(NAME, args.input):
        return 2
    path = db_path(args.db)
    started = time.perf_counter()
    summary = run_flow(
        db_path=str(path),
        inputs=[str(p) for p in args.input or []],
        sources=args.source,
        boards_file=args.boards,
    )
    if "ingest" in summary:
        print_ingest(summary["ingest"], took="ingest took:")
    if "collect" in summary:
        print_collect(summary["collect"])
        if summary["collect"].get("offline"):
            print(f"pmpulse run: {OFFLINE_HINT}", file=sys.stderr)
            return 2
    extract = summary.get("extract", {})
    say(
        f"skills:             {extract.get('postings_read', 0):,} postings read, "
        f"{extract.get('mentions_written', 0):,} mentions written "
        f"(taxonomy {extract.get('taxonomy_version')})"
    )
    if summary.get("clusters"):
        say(f"clusters:           rebuilt in {summary['clusters'].get('seconds')} s")
    if summary.get("report"):
        say(f"report:             {summary['report'].get('html')}")
    say(f"warehouse:          {path}")
    say(f"took:               {time.perf_counter() - started:.2f} s (the whole run)")
    return 0
