"""`pmpulse report`: execute the analyst notebook into a self-contained HTML report."""

from __future__ import annotations

import argparse
import re
import sys

from flows.progress import say
from flows.settings import Settings, db_path

NAME = "report"
HELP = (
    "write the HTML report (hard vs soft shares with intervals, category heatmap, rising and "
    "falling skills, seniority split, emerging skills, data coverage); rebuilds stale marts"
)


def _month(value: str) -> str:
    match = re.fullmatch(r"\d{4}-(\d{2})", value)
    if not match or not 1 <= int(match[1]) <= 12:
        raise argparse.ArgumentTypeError(f"expected a month as YYYY-MM (01-12): {value!r}")
    return value


def configure(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--out",
        metavar="DIR",
        default=None,
        help="folder for the HTML file (default: $PMPULSE_REPORTS or reports/)",
    )
    parser.add_argument("--start", type=_month, metavar="YYYY-MM", help="first month shown")
    parser.add_argument("--end", type=_month, metavar="YYYY-MM", help="last month shown")
    parser.add_argument(
        "--grain",
        choices=("month", "quarter", "year"),
        default="quarter",
        help="period of the time-series charts (default: quarter)",
    )
    parser.add_argument(
        "--without-multi-role",
        action="store_true",
        help="count only posts that advertise PM roles alone",
    )
    parser.add_argument("--rebuild", action="store_true",
                        help="rebuild the marts even when they are up to date")  # fmt: skip


def run(args: argparse.Namespace) -> int:
    if args.start and args.end and args.start > args.end:  # YYYY-MM sorts as the months
        print(
            f"pmpulse report: --end {args.end} is before --start {args.start}: the window "
            "would be empty",
            file=sys.stderr,
        )
        return 2
    from flows.report import report

    summary = report(
        db_path=str(db_path(args.db)),
        out_dir=str(args.out or Settings().reports),
        start=args.start,
        end=args.end,
        grain=args.grain,
        with_multi_role=not args.without_multi_role,
        rebuild=True if args.rebuild else None,
    )
    say(f"report written: {summary['html']}")
    return 0
