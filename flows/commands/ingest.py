"""`pmpulse ingest --input PATH [PATH ...]`: load postings from files into the warehouse."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from flows.progress import say
from flows.settings import db_path

NAME = "ingest"
HELP = (
    "load postings from files or folders (HN archives, Greenhouse/Lever/Ashby API responses, "
    "CSV/JSONL/Parquet tables); the format is detected"
)


def configure(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--input",
        nargs="+",
        required=True,
        metavar="PATH",
        help="files or folders to read (folders are searched recursively)",
    )


def missing_inputs(command: str, paths: list[str]) -> bool:
    """Names each --input path that does not exist (a typo, most likely) on stderr; whether
    there was one. Checked before any work: such a run would load nothing from it."""
    missing = [p for p in paths if not Path(p).exists()]
    for p in missing:
        print(f"pmpulse {command}: no such file or folder: {p}", file=sys.stderr)
    return bool(missing)


def _months(wh: dict) -> str:
    """'59 months (2013-08-01 .. 2026-05-01)', '1 month (...)', or 'no month' when empty."""
    n = wh.get("months") or 0
    if not n:
        return "no month"
    return f"{n} month{'s' * (n != 1)} ({wh.get('first_month')} .. {wh.get('last_month')})"


def print_summary(summary: dict, took: str = "took:") -> None:
    """The closing summary of a load, in plain lines (`took`: the label of its time)."""
    wh = summary.get("warehouse", {})
    say(
        "\n".join(
            [
                f"files read:         {summary.get('files', 0):,} {summary.get('kinds', {})}",
                f"records read:       {summary.get('records_read', 0):,}",
                f"postings received:  {summary.get('postings_received', 0):,} "
                f"(PM postings: {summary.get('pm_postings_received', 0):,})",
                f"new:                {summary.get('new', 0):,}",
                f"updated:            {summary.get('updated', 0):,}",
                f"unchanged:          {summary.get('unchanged', 0):,}",
                f"quarantined:        {summary.get('quarantined', 0):,}"
                + ("  (see the quarantine table)" if summary.get("quarantined") else ""),
                f"warehouse now:      {wh.get('postings', 0):,} postings, "
                f"{wh.get('pm_postings', 0):,} PM postings, " + _months(wh),
                f"{took:<20}{summary.get('seconds')} s",
            ]
        )
    )


def run(args: argparse.Namespace) -> int:
    from flows.ingest import ingest

    if missing_inputs(NAME, args.input):
        return 2
    path = db_path(args.db)
    summary = ingest(inputs=[str(p) for p in args.input], db_path=str(path))
    print_summary(summary)
    return 0
