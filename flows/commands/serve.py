"""`pmpulse serve [--list]`: serve the scheduled deployments (Prefect) from this process."""

from __future__ import annotations

import argparse
import sys

from flows.progress import say
from flows.settings import db_path

NAME = "serve"
HELP = (
    "serve pmpulse's scheduled Prefect deployments (daily collection + report, monthly HN "
    "backfill check, inbox ingest); --list prints them and their schedules"
)


def configure(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--list", action="store_true", help="print the deployments and schedules, then exit"
    )
    parser.add_argument(
        "--inbox",
        metavar="DIR",
        default=None,
        help="folder the ingest-inbox deployment reads (default: inbox/ beside the warehouse)",
    )


def run(args: argparse.Namespace) -> int:
    from flows import scale, serve

    path = str(db_path(args.db).resolve())
    try:
        scale.check_config()  # the served flows read [dask]
        print(serve.listing(path, args.inbox))
    except scale.ConfigError as exc:  # refused before anything is served
        print(f"pmpulse serve: {exc}", file=sys.stderr)
        return 2
    if args.list:
        return 0
    say("serving; Ctrl-C stops (runs and schedules are visible in the Prefect UI)")
    serve.serve_all(path, args.inbox)
    return 0
