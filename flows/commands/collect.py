"""`pmpulse collect [--source KIND:NAME ...]`: read the live public job sources."""

from __future__ import annotations

import argparse
import sys

from flows.progress import say
from flows.settings import db_path
from flows.sources.config import SourceSpecError, load_boards, parse_sources

NAME = "collect"
HELP = (
    "collect PM postings from the live public sources (Greenhouse, Lever and Ashby job boards, "
    "HN 'Who is hiring?' threads, schema.org JobPosting pages); polite and incremental"
)


def configure(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--source",
        action="append",
        default=None,
        metavar="KIND[:NAME]",
        help="limit the run to exactly these sources (repeatable): greenhouse:TOKEN, "
        "lever:SITE, ashby:NAME, hn, jsonld:URL (default: every source of the boards file)",
    )
    parser.add_argument(
        "--boards",
        metavar="FILE",
        default=None,
        help="boards file (TOML) listing the default sources (default: the packaged "
        "flows/sources/boards.toml)",
    )


def print_summary(summary: dict) -> None:
    wh = summary.get("warehouse", {})
    lines = [
        f"sources:            {len(summary.get('sources', []))} "
        f"({summary.get('boards_ok', 0)} ok, {summary.get('failed', 0)} failed, "
        f"{summary.get('flagged', 0)} flagged; {summary.get('boards_not_modified', 0)} "
        "unchanged since the last run (HTTP 304))",
        f"postings received:  {summary.get('postings_received', 0):,} "
        f"(PM postings: {summary.get('pm_postings_received', 0):,})",
        f"new:                {summary.get('new', 0):,}",
        f"updated:            {summary.get('updated', 0):,}",
        f"unchanged:          {summary.get('unchanged', 0):,}",
        f"closed / reopened:  {summary.get('closed', 0):,} / {summary.get('reopened', 0):,}",
        f"quarantined:        {summary.get('quarantined', 0):,}",
        f"HTTP requests:      {summary.get('http_requests', 0):,}",
    ]
    if "hn_threads_found" in summary:
        lines.append(
            f"HN threads:         {summary['hn_threads_found']} found, "
            f"{summary['hn_threads_read']} read"
        )
    for h in summary.get("health", []):
        lines.append(f"  {h['status']:8} {h['source']}:{h['board']}  {h.get('reason') or ''}")
    lines.append(
        f"warehouse now:      {wh.get('postings', 0):,} postings, "
        f"{wh.get('pm_postings', 0):,} PM postings, {wh.get('months', 0)} months"
    )
    lines.append(f"took:               {summary.get('seconds')} s (see the source_health table)")
    say("\n".join(lines))


def run(args: argparse.Namespace) -> int:
    try:
        if args.source:
            parse_sources(args.source)
        else:
            load_boards(args.boards)
    except SourceSpecError as exc:
        print(f"pmpulse collect: {exc}", file=sys.stderr)
        return 2
    from flows.collect import collect

    summary = collect(db_path=str(db_path(args.db)), sources=args.source, boards_file=args.boards)
    print_summary(summary)
    if summary.get("offline"):
        print(f"pmpulse collect: {summary['message']}", file=sys.stderr)
        return 1
    return 0
