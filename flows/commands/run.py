"""`pmpulse run [--input PATH ...]`: the main job, every stage that exists."""

from __future__ import annotations

import argparse
import sys

from flows.commands.ingest import print_summary
from flows.progress import say
from flows.settings import db_path

NAME = "run"
HELP = (
    "run the whole pipeline: ingest the given files (or, without --input, collect from the "
    "live sources), then every later stage"
)


def configure(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--input",
        nargs="+",
        metavar="PATH",
        help="files or folders to ingest instead of the live sources",
    )


def run(args: argparse.Namespace) -> int:
    from flows.run import NoInput
    from flows.run import run as run_flow

    path = db_path(args.db)
    try:
        summary = run_flow(db_path=str(path), inputs=[str(p) for p in args.input or []])
    except NoInput as exc:
        print(f"pmpulse run: {exc}", file=sys.stderr)
        return 2
    if "ingest" in summary:
        print_summary(summary["ingest"])
    for stage, result in summary.items():
        if stage != "ingest":
            say(f"{stage}: {result}")
    return 0
