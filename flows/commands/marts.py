"""`pmpulse marts`: rebuild the trend marts (shares with intervals, trend tests)."""

from __future__ import annotations

import argparse

from flows.progress import say
from flows.settings import db_path
from transforms.trends import MIN_POSTINGS

NAME = "marts"
HELP = (
    "rebuild the marts analysts read (category_demand, hard_soft_demand, skill_demand, "
    "mix_adjusted_demand, skill_trends, posting_coverage) from postings and skill mentions"
)


def at_least_one(text: str) -> int:
    """--min-postings as a whole number >= 1: with 0 or less, a month without a single PM
    posting would count as reliable."""
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a whole number") from None
    if value < 1:
        raise argparse.ArgumentTypeError(
            f"{value}: must be at least 1 (a period with fewer PM postings is unreliable)"
        )
    return value


def configure(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--min-postings",
        type=at_least_one,
        default=None,
        metavar="N",
        help=f"periods with fewer PM postings are unreliable and left out of trend tests "
        f"(default: the last build's setting, {MIN_POSTINGS} on a first build)",
    )


def run(args: argparse.Namespace) -> int:
    from flows.marts import build_marts

    summary = build_marts(db_path=str(db_path(args.db)), min_postings=args.min_postings)
    rows = ", ".join(f"{t} {n:,}" for t, n in summary["rows"].items())
    say(
        f"marts rebuilt from {summary['pm_postings']:,} PM postings "
        f"({summary['mentions']:,} posting-skill pairs) in {summary['seconds']} s: {rows}"
    )
    return 0
