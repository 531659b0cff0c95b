"""`pmpulse sql "SELECT ..."`: a read-only query on the warehouse, printed as a table, CSV or JSON.

Read-only twice over: every statement must parse as a query (SELECT, FROM, WITH, DESCRIBE,
SHOW, SUMMARIZE), anything else (INSERT, UPDATE, DELETE, CREATE, DROP, ALTER, ATTACH, COPY,
EXPORT, SET, INSTALL/LOAD, PRAGMA, CALL, ...) is refused before anything runs; and the file is
opened read-only, so even a query cannot change it.
"""

from __future__ import annotations

import argparse
import sys

import polars as pl

from flows.settings import db_path

NAME = "sql"
HELP = "run a read-only SQL query on the warehouse (print a table, CSV or JSON); writes are refused"
READ_KINDS = ("SELECT",)


class NotReadOnly(ValueError):
    """The SQL holds a statement that is not a query."""


def configure(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "query", metavar="SQL", help='the query, e.g. "SELECT * FROM hard_soft_monthly"'
    )
    parser.add_argument(
        "--format",
        choices=("table", "csv", "json"),
        default="table",
        help="output format (default: table)",
    )
    parser.add_argument(
        "--max-rows",
        type=int,
        default=200,
        metavar="N",
        help="rows shown in table format (default 200; csv and json print every row)",
    )


def check_read_only(sql: str) -> None:
    """Raise NotReadOnly naming the first statement that is not a query."""
    from warehouse import db

    kinds = db.statement_kinds(sql)
    if not kinds:
        raise NotReadOnly("no statement given")
    for i, kind in enumerate(kinds, 1):
        if kind not in READ_KINDS:
            raise NotReadOnly(
                f"refused: statement {i} is {kind}, and pmpulse sql only runs read-only queries "
                "(SELECT, WITH, FROM, DESCRIBE, SHOW, SUMMARIZE). Write with the pipeline "
                "commands, or open a copy of the file in a DuckDB client."
            )


def render(frame: pl.DataFrame, fmt: str, max_rows: int) -> str:
    if fmt == "csv":
        return frame.write_csv()
    if fmt == "json":
        return frame.write_json() + "\n"
    with pl.Config(
        tbl_rows=max_rows,
        tbl_cols=-1,
        fmt_str_lengths=60,
        tbl_width_chars=200,
        tbl_hide_dataframe_shape=True,
        tbl_formatting="ASCII_MARKDOWN",
        tbl_hide_column_data_types=True,
    ):
        out = str(frame)
    more = f"\n({frame.height:,} rows, first {max_rows} shown)" if frame.height > max_rows else ""
    return f"{out}{more}\n({frame.height:,} rows)\n" if not more else f"{out}{more}\n"


def run(args: argparse.Namespace) -> int:
    from warehouse import db

    try:
        check_read_only(args.query)
    except NotReadOnly as exc:
        print(f"pmpulse sql: {exc}", file=sys.stderr)
        return 2
    with db.connect(db_path(args.db), read_only=True) as wh:
        try:
            frame = wh.query(args.query)
        except Exception as exc:  # DuckDB's own message is the useful part
            print(f"pmpulse sql: {str(exc).splitlines()[0]}", file=sys.stderr)
            return 1
    sys.stdout.write(render(frame, args.format, args.max_rows))
    return 0
