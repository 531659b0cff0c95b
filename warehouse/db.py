"""The one module that talks to DuckDB.

`connect(path)` opens the warehouse file, applies the schema (every `warehouse/sql/*.sql`,
in name order, idempotent DDL) and the ordered one-off migrations in
`warehouse/sql/migrations/`, recording both in `_migrations`. Everything else in the project
goes through the `Warehouse` handle it returns: frames in and out as polars, parameters
always bound (never formatted into SQL).
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Iterator, Sequence
from contextlib import contextmanager, suppress
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import duckdb
import polars as pl

SQL_DIR = Path(__file__).with_name("sql")
MIGRATIONS_DIR = SQL_DIR / "migrations"
_IDENT = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")


class WarehouseError(RuntimeError):
    """A warehouse problem worth a clear one-line message to the user."""


class WarehouseBusy(WarehouseError):
    """Another process holds the warehouse file for writing."""


def _ident(name: str) -> str:
    """A table or column name checked against a strict pattern, then quoted."""
    if not _IDENT.match(name):
        raise ValueError(f"not a valid SQL identifier: {name!r}")
    return f'"{name}"'


class Warehouse:
    """A DuckDB connection with the few operations the pipeline needs."""

    def __init__(self, con: duckdb.DuckDBPyConnection, path: Path, read_only: bool) -> None:
        self.con = con
        self.path = path
        self.read_only = read_only
        self._tx_depth = 0

    # -- reading ---------------------------------------------------------------------------
    def query(self, sql: str, params: Sequence[Any] | dict[str, Any] | None = None) -> pl.DataFrame:
        """Run a query with bound parameters and return the result as a polars frame."""
        rel = self.con.sql(sql, params=params or None)
        if rel is None:
            raise WarehouseError(f"not a query (use execute): {sql[:80]}")
        return rel.pl()

    def scalar(self, sql: str, params: Sequence[Any] | dict[str, Any] | None = None) -> Any:
        rows = self._run(sql, params)
        return rows[0][0] if rows else None

    def tables(self) -> list[str]:
        return [
            r[0]
            for r in self._run(
                "SELECT table_name FROM information_schema.tables "
                "WHERE table_schema = 'main' ORDER BY table_name"
            )
        ]

    def count(self, table: str) -> int:
        return int(self.scalar(f"SELECT count(*) FROM {_ident(table)}"))

    # -- writing ---------------------------------------------------------------------------
    def execute(self, sql: str, params: Sequence[Any] | dict[str, Any] | None = None) -> None:
        self._run(sql, params)

    def _run(self, sql: str, params: Sequence[Any] | dict[str, Any] | None = None) -> list:
        """Execute and drain the result (DuckDB 2 keeps an undrained result open)."""
        return self.con.execute(sql, params or []).fetchall()

    @contextmanager
    def transaction(self) -> Iterator[Warehouse]:
        """All-or-nothing: commit on success, roll back on any exception. Nests (outer wins)."""
        if self._tx_depth:
            self._tx_depth += 1
            try:
                yield self
            finally:
                self._tx_depth -= 1
            return
        self._run("BEGIN TRANSACTION")
        self._tx_depth = 1
        try:
            yield self
        except BaseException:
            self._run("ROLLBACK")
            raise
        else:
            self._run("COMMIT")
        finally:
            self._tx_depth = 0

    @contextmanager
    def staged(self, frame: pl.DataFrame, name: str = "_incoming") -> Iterator[str]:
        """Expose a polars frame to SQL under `name` for the duration of the block."""
        self.con.register(name, frame)
        try:
            yield _ident(name)
        finally:
            # In an aborted transaction this fails too; the original error is what matters.
            with suppress(duckdb.Error):
                self.con.unregister(name)

    def insert(
        self,
        table: str,
        frame: pl.DataFrame,
        on_conflict: str | None = None,
        key: Sequence[str] = (),
    ) -> int:
        """Insert a frame by column name. on_conflict: None (error), 'nothing' or 'update'."""
        if frame.is_empty():
            return 0
        tbl = _ident(table)
        with self.staged(frame) as src:
            sql = f"INSERT INTO {tbl} BY NAME SELECT * FROM {src}"
            if on_conflict == "nothing":
                keys = ", ".join(_ident(k) for k in key)
                sql += f" ON CONFLICT ({keys}) DO NOTHING" if key else " ON CONFLICT DO NOTHING"
            elif on_conflict == "update":
                if not key:
                    raise ValueError("on_conflict='update' needs key columns")
                sets = ", ".join(
                    f"{_ident(c)} = excluded.{_ident(c)}" for c in frame.columns if c not in key
                )
                keys = ", ".join(_ident(k) for k in key)
                sql += f" ON CONFLICT ({keys}) DO UPDATE SET {sets}"
            elif on_conflict is not None:
                raise ValueError(f"on_conflict must be None, 'nothing' or 'update': {on_conflict}")
            self._run(sql)
        return frame.height

    def replace_where(self, table: str, frame: pl.DataFrame, column: str, values: Sequence) -> int:
        """Delete the rows whose `column` is in `values`, insert `frame`: one transaction."""
        with self.transaction():
            if len(values):
                with self.staged(pl.DataFrame({"v": list(values)}), "_keys") as keys:
                    where = f"{_ident(column)} IN (SELECT v FROM {keys})"
                    self._run(f"DELETE FROM {_ident(table)} WHERE {where}")
            return self.insert(table, frame)

    # -- schema ----------------------------------------------------------------------------
    def apply_schema(self) -> list[str]:
        """Apply schema files whose text changed and migrations not yet run; return their names."""
        self._run(
            "CREATE TABLE IF NOT EXISTS _migrations ("
            " name VARCHAR PRIMARY KEY, checksum VARCHAR NOT NULL, applied_at TIMESTAMPTZ NOT NULL)"
        )
        done = dict(self._run("SELECT name, checksum FROM _migrations"))
        applied = []
        files = sorted(SQL_DIR.glob("*.sql")) + sorted(MIGRATIONS_DIR.glob("*.sql"))
        for path in files:
            name = path.relative_to(SQL_DIR).as_posix()
            text = path.read_text(encoding="utf-8")
            checksum = hashlib.sha256(text.encode()).hexdigest()
            once = path.parent == MIGRATIONS_DIR
            if name in done and (once or done[name] == checksum):
                continue
            with self.transaction():
                self.con.execute(text).fetchall()
                self._run(
                    "INSERT INTO _migrations VALUES (?, ?, ?) ON CONFLICT (name) DO UPDATE "
                    "SET checksum = excluded.checksum, applied_at = excluded.applied_at",
                    [name, checksum, datetime.now(UTC)],
                )
            applied.append(name)
        return applied

    def close(self) -> None:
        self.con.close()


def connect(path: str | Path, read_only: bool = False) -> Warehouse:
    """Open the warehouse at `path` (created with its schema when writable).

    Use as a context manager: `with db.connect(path) as wh: ...`.
    """
    path = Path(path)
    if read_only and not path.exists():
        raise WarehouseError(f"no warehouse at {path}: run `pmpulse ingest` or `pmpulse run` first")
    if not read_only:
        path.parent.mkdir(parents=True, exist_ok=True)
    try:
        con = duckdb.connect(str(path), read_only=read_only)
    except duckdb.IOException as exc:
        if "lock" in str(exc).lower():
            raise WarehouseBusy(
                f"the warehouse {path} is open for writing by another process "
                f"(another pmpulse run?): wait for it to finish. DuckDB said: {exc}"
            ) from exc
        raise WarehouseError(f"cannot open warehouse {path}: {exc}") from exc
    con.execute("SET TimeZone = 'UTC'").fetchall()
    wh = Warehouse(con, path, read_only)
    if not read_only:
        wh.apply_schema()
    return wh


def _enter(self: Warehouse) -> Warehouse:
    return self


def _exit(self: Warehouse, *exc: object) -> None:
    self.close()


Warehouse.__enter__ = _enter  # type: ignore[attr-defined]
Warehouse.__exit__ = _exit  # type: ignore[attr-defined]


# -- postings load -------------------------------------------------------------------------
@dataclass(frozen=True)
class LoadCounts:
    """What one load did to `postings`, `raw_postings` and `quarantine`."""

    received: int
    new: int
    updated: int
    unchanged: int
    raw_versions_added: int
    quarantined: int


def load_postings(
    wh: Warehouse,
    postings: pl.DataFrame,
    raw: pl.DataFrame,
    quarantine: pl.DataFrame,
    run_id: str,
) -> LoadCounts:
    """Upsert normalized postings, their raw versions and quarantined records: one transaction.

    postings: rows of the `postings` table, one per posting_id (the newest version).
    raw: source, source_id, content_hash, fetched_at, board, payload.
    quarantine: source, ref, reason, payload.
    A posting already stored keeps the widest first_seen/last_seen; its content is replaced
    only by a version fetched at least as late as the stored one; `updated` counts content
    changes. Reloading the same input changes nothing.
    """
    now = datetime.now(UTC)
    with wh.transaction():
        raw_before = wh.count("raw_postings")
        if not raw.is_empty():
            wh.insert(
                "raw_postings",
                raw.with_columns(run_id=pl.lit(run_id)),
                on_conflict="nothing",
                key=["source", "source_id", "content_hash"],
            )
        raw_added = wh.count("raw_postings") - raw_before

        new = updated = unchanged = 0
        if not postings.is_empty():
            with wh.staged(postings, "_stage") as stage:
                wh.execute(
                    f"""
                    CREATE OR REPLACE TEMP TABLE _merge AS
                    SELECT s.* REPLACE (
                      least(s.first_seen, coalesce(p.first_seen, s.first_seen)) AS first_seen,
                      greatest(s.last_seen, coalesce(p.last_seen, s.last_seen)) AS last_seen),
                           CASE WHEN p.posting_id IS NULL OR p.content_hash <> s.content_hash
                                THEN ?::TIMESTAMPTZ ELSE p.updated_at END AS updated_at,
                           p.posting_id IS NULL AS _is_new,
                           p.posting_id IS NOT NULL AND p.content_hash <> s.content_hash
                             AND s.last_seen >= p.last_seen AS _is_changed,
                           p.posting_id IS NOT NULL AND p.content_hash <> s.content_hash
                             AND s.last_seen < p.last_seen AS _is_older
                    FROM {stage} s LEFT JOIN postings p USING (posting_id)
                    """,
                    [now],
                )
            new, updated, older = wh.query(
                "SELECT count(*) FILTER (_is_new), count(*) FILTER (_is_changed),"
                " count(*) FILTER (_is_older) FROM _merge"
            ).row(0)
            unchanged = postings.height - new - updated
            cols = [c for c in postings.columns if c != "posting_id"]
            sets = ", ".join(f"{_ident(c)} = excluded.{_ident(c)}" for c in cols)
            # Newer (or same) versions replace the row; older snapshots only widen the seen window.
            wh.execute(
                f"INSERT INTO postings BY NAME SELECT * EXCLUDE (_is_new, _is_changed, _is_older) "
                f"FROM _merge WHERE NOT _is_older "
                f"ON CONFLICT (posting_id) DO UPDATE SET {sets}"
            )
            if older:
                wh.execute(
                    "UPDATE postings SET first_seen = m.first_seen, last_seen = m.last_seen "
                    "FROM _merge m WHERE m._is_older AND postings.posting_id = m.posting_id"
                )
            wh.execute("DROP TABLE _merge")

        if not quarantine.is_empty():
            wh.insert(
                "quarantine",
                quarantine.with_columns(
                    payload=pl.col("payload").str.slice(0, 65536),
                    at=pl.lit(now, dtype=pl.Datetime("us", "UTC")),
                    run_id=pl.lit(run_id),
                ).unique(["source", "ref", "reason"], keep="last"),
                on_conflict="update",
                key=["source", "ref", "reason"],
            )
    return LoadCounts(
        received=postings.height,
        new=new,
        updated=updated,
        unchanged=unchanged,
        raw_versions_added=raw_added,
        quarantined=quarantine.height,
    )


# -- runs ----------------------------------------------------------------------------------
def start_run(wh: Warehouse, run_id: str, flow: str) -> None:
    wh.execute(
        "INSERT INTO runs (run_id, flow, started, status) VALUES (?, ?, ?, 'running')",
        [run_id, flow, datetime.now(UTC)],
    )


def finish_run(
    wh: Warehouse,
    run_id: str,
    status: str,
    counts: dict[str, int | None] | None = None,
    detail: str | None = None,
) -> None:
    counts = counts or {}
    wh.execute(
        "UPDATE runs SET finished = ?, status = ?, n_in = ?, n_out = ?, n_new = ?,"
        " n_updated = ?, n_quarantined = ?, detail = ? WHERE run_id = ?",
        [
            datetime.now(UTC),
            status,
            counts.get("n_in"),
            counts.get("n_out"),
            counts.get("n_new"),
            counts.get("n_updated"),
            counts.get("n_quarantined"),
            detail,
            run_id,
        ],
    )
