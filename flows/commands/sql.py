"""`pmpulse sql "SELECT ..."`: a read-only query on the warehouse, printed as a table, CSV or JSON.

Read-only twice over: every statement must parse as a query (SELECT, FROM, WITH, VALUES,
DESCRIBE, SHOW, SUMMARIZE, PIVOT ... IN (...), or EXPLAIN [ANALYZE] of one of these);
anything else (INSERT, UPDATE, DELETE, CREATE, DROP, ALTER, ATTACH, COPY, EXPORT, SET,
INSTALL/LOAD, PRAGMA, CALL, a PIVOT without an IN list, ...) is refused before anything runs;
and the file is opened read-only, so even a query cannot change it.

Several statements (`SELECT 1; SELECT 2`) run in turn and the table format prints each
result; CSV and JSON hold one result, so they take one statement.

Cells that CSV cannot hold are written as text: lists and structs as JSON (`["a","b"]`),
durations (DuckDB INTERVALs) as ISO 8601 (`PT1.5S`), bytes as hex. JSON output writes
lists and structs natively, durations and bytes as in CSV.
"""

from __future__ import annotations

import argparse
import re
import sys

import polars as pl

from flows.settings import db_path

NAME = "sql"
HELP = "run a read-only SQL query on the warehouse (print a table, CSV or JSON); writes are refused"
READ_KINDS = ("SELECT",)
READ_ONLY = "SELECT, WITH, FROM, VALUES, DESCRIBE, SHOW, SUMMARIZE, PIVOT ... IN (...), EXPLAIN"
# EXPLAIN [ANALYZE] [(options)] in front of the statement it explains, after any comments.
_EXPLAIN = re.compile(
    r"^(?:\s+|--[^\n]*(?:\n|$)|/\*.*?\*/)*EXPLAIN\s+(?:ANALY[SZ]E\b\s*)?(?:\([^()]*\)\s*)?",
    re.IGNORECASE | re.DOTALL,
)
_PIVOT = re.compile(r"\bPIVOT\b", re.IGNORECASE)


class NotReadOnly(ValueError):
    """The SQL holds a statement that is not a query."""


def configure(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "query",
        metavar="SQL",
        help='the query, e.g. "SELECT * FROM hard_soft_monthly"; several statements separated '
        "by ; run in turn (table format only)",
    )
    parser.add_argument(
        "--format",
        choices=("table", "csv", "json"),
        default="table",
        help="output format (default: table). CSV writes lists and structs as JSON text, "
        "durations as ISO 8601",
    )
    parser.add_argument(
        "--max-rows",
        type=_row_limit,
        default=200,
        metavar="N",
        help="rows shown in table format: the first N (default 200, 0 for every row; "
        "csv and json print every row)",
    )


def _row_limit(text: str) -> int:
    n = int(text)
    if n < 0:
        raise argparse.ArgumentTypeError("must be 0 (every row) or more")
    return n


def _shown(text: str, width: int = 60) -> str:
    """A statement's text on one line, cut to `width` characters, to name it in a message."""
    one = " ".join(text.split()).rstrip(";").strip()
    return one if len(one) <= width else one[: width - 3] + "..."


def _explained(text: str) -> str | None:
    """The statement an EXPLAIN statement explains, if it is a plain query; else None."""
    from warehouse import db

    head = _EXPLAIN.match(text)
    if head is None:
        return None
    inner = text[head.end() :]
    try:
        kinds = db.statement_kinds(inner)
    except db.WarehouseError:
        return None
    return inner if kinds == ["SELECT"] else None


def check_read_only(sql: str) -> list[tuple[str, str]]:
    """The statements of `sql` as (kind, text), or NotReadOnly naming the first that is not a
    query. An EXPLAIN passes only when the statement it explains is itself a query."""
    from warehouse import db

    statements = db.statements(sql)
    if not statements:
        raise NotReadOnly("no statement given")
    for i, (kind, text) in enumerate(statements, 1):
        if kind in READ_KINDS or (kind == "EXPLAIN" and _explained(text) is not None):
            continue
        which = f'statement {i} ("{_shown(text)}")' if len(statements) > 1 else f'"{_shown(text)}"'
        if kind == "MULTI" and _PIVOT.search(text):
            raise NotReadOnly(
                f"refused: {which} holds a PIVOT without an IN list, which DuckDB runs as "
                "several hidden statements that pmpulse sql cannot check are read-only. Name "
                "the values to pivot on, e.g. PIVOT t ON col IN ('a', 'b') USING count(*), "
                "or use a DuckDB client."
            )
        what = {
            "MULTI": "is a compound statement that DuckDB runs as several hidden statements",
            "EXPLAIN": "explains a statement that is not a read-only query",
        }.get(kind, f"is a {kind} statement, not a read-only query")
        raise NotReadOnly(
            f"refused: {which} {what}. pmpulse sql only runs read-only queries ({READ_ONLY}). "
            "Write with the pipeline commands, or open a copy of the file in a DuckDB client."
        )
    return statements


def _rows(n: int) -> str:
    return f"{n:,} row" if n == 1 else f"{n:,} rows"


def _cells_as_text(frame: pl.DataFrame, fmt: str) -> pl.DataFrame:
    """Columns CSV cannot write, as text: nested values as JSON, durations as ISO 8601
    (JSON too, in the same form: P30D, not PT2592000S), bytes as hex (JSON cannot write them
    either). Maps with non-text keys become lists of {key, value} first."""
    fixes = []
    for name, dtype in frame.schema.items():
        col = pl.col(name)
        if isinstance(dtype, pl.Map) and dtype.key not in (pl.String, pl.Categorical):
            col = col.map.entries()
        if dtype == pl.Binary:
            col = col.bin.encode("hex")
        elif dtype == pl.Duration:
            col = col.dt.to_string("iso")
        elif fmt == "csv" and dtype.is_nested():
            # json_encode works on structs: encode {"v": value}, then keep only the value
            text = pl.struct(col.alias("v")).struct.json_encode().str.slice(5).str.head(-1)
            col = pl.when(col.is_null()).then(None).otherwise(text)
        elif not isinstance(dtype, pl.Map):
            continue
        fixes.append(col.alias(name))
    return frame.with_columns(fixes) if fixes else frame


def render(frame: pl.DataFrame, fmt: str, max_rows: int, kind: str = "SELECT") -> str:
    if fmt == "csv":
        return _cells_as_text(frame, fmt).write_csv()
    if fmt == "json":
        return _cells_as_text(frame, fmt).write_json() + "\n"
    if kind == "EXPLAIN" and frame.columns[-1:] == ["explain_value"]:
        return "".join(f"{plan.rstrip()}\n" for plan in frame["explain_value"])
    shown = frame.head(max_rows) if max_rows else frame
    with pl.Config(
        tbl_rows=-1,
        tbl_cols=-1,
        fmt_str_lengths=60,
        tbl_width_chars=-1,  # as wide as the columns need: never wrap a number or a name
        tbl_hide_dataframe_shape=True,
        tbl_formatting="ASCII_MARKDOWN",
        tbl_hide_column_data_types=True,
    ):
        out = str(shown)
    if shown.height < frame.height:
        return f"{out}\n({_rows(frame.height)}, first {shown.height:,} shown)\n"
    return f"{out}\n({_rows(frame.height)})\n"


def run(args: argparse.Namespace) -> int:
    from warehouse import db

    try:
        statements = check_read_only(args.query)
    except NotReadOnly as exc:
        print(f"pmpulse sql: {exc}", file=sys.stderr)
        return 2
    if len(statements) > 1 and args.format != "table":
        print(
            f"pmpulse sql: --format {args.format} prints one result, and the SQL holds "
            f"{len(statements)} statements: run them one at a time (or use --format table)",
            file=sys.stderr,
        )
        return 2
    with db.connect(db_path(args.db), read_only=True) as wh:
        for i, (kind, text) in enumerate(statements):
            try:
                frame = wh.query(text)
                out = render(frame, args.format, args.max_rows, kind)
            except (pl.exceptions.PolarsError, pl.exceptions.PanicException) as exc:
                print(
                    f"pmpulse sql: cannot print this result as {args.format}: "
                    f"{str(exc).splitlines()[0]} (cast the column to VARCHAR in the query)",
                    file=sys.stderr,
                )
                return 1
            except Exception as exc:  # DuckDB's own message is the useful part
                print(f"pmpulse sql: {str(exc).splitlines()[0]}", file=sys.stderr)
                return 1
            if len(statements) > 1:  # name each result, a blank line between them
                sys.stdout.write(("\n" if i else "") + f"-- {_shown(text, 100)}\n")
            sys.stdout.write(out)
            sys.stdout.flush()
    return 0
