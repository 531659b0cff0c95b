"""The one module that talks to DuckDB.

`connect(path)` opens the warehouse file, applies the schema (every `warehouse/sql/*.sql`,
in name order, idempotent DDL) and the ordered one-off migrations in
`warehouse/sql/migrations/`, recording both in `_migrations`. Everything else in the project
goes through the `Warehouse` handle it returns: frames in and out as polars, parameters
always bound (never formatted into SQL).

One writer, atomic runs (`writing`): the live file is never opened for writing. A run takes
an exclusive lock (`<db>.lock`), copies the warehouse to `<db>.next`, does all its writes
there, checkpoints it and swaps it in with one atomic rename. Readers (`duckdb -readonly`,
`connect(path, read_only=True)`) are never blocked and never see half a run; a run killed at
any point leaves the warehouse as it was before it (its leftover `.next` is discarded and
its runs rows are recorded as failed by the next run). Inside a session every `connect(path)`
of this process is redirected to the work file; a writable `connect` outside any session is
a session of its own, for the connection's lifetime.
"""

from __future__ import annotations

import fcntl
import hashlib
import json
import logging
import os
import re
import shutil
import sys
import threading
import time
from collections.abc import Iterator, Sequence
from contextlib import contextmanager, suppress
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import duckdb
import polars as pl

SQL_DIR = Path(__file__).with_name("sql")
MIGRATIONS_DIR = SQL_DIR / "migrations"
_IDENT = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")
LOCK_TIMEOUT = 60.0  # seconds a writer waits for another run (PMPULSE_LOCK_TIMEOUT)
log = logging.getLogger("pmpulse.warehouse")


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

    def __init__(
        self,
        con: duckdb.DuckDBPyConnection,
        path: Path,
        read_only: bool,
        session: _Session | None = None,
    ) -> None:
        self.con = con
        self.path = path  # the warehouse asked for (inside a session the work file is open)
        self.read_only = read_only
        self._tx_depth = 0
        self._session = session
        self._closed = False

    # -- reading ---------------------------------------------------------------------------
    def query(self, sql: str, params: Sequence[Any] | dict[str, Any] | None = None) -> pl.DataFrame:
        """Run a query with bound parameters and return the result as a polars frame."""
        rel = self.con.sql(sql, params=params or None)
        if rel is None:
            raise WarehouseError(f"not a query (use execute): {sql[:80]}")
        return _to_polars(rel)

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
        """Delete the rows whose `column` is in `values`, insert `frame`: one transaction.

        The delete is bounded by the values' range as well, so DuckDB skips the row groups
        outside it: a batch of keys that sort together touches a few row groups, not the table.
        """
        with self.transaction():
            keys = pl.DataFrame({"v": list(values)})
            if keys.height:
                col = _ident(column)
                with self.staged(keys, "_keys") as staged:
                    where = f"{col} BETWEEN ? AND ? AND {col} IN (SELECT v FROM {staged})"
                    self._run(
                        f"DELETE FROM {_ident(table)} WHERE {where}",
                        [keys["v"].min(), keys["v"].max()],
                    )
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
        if self._closed:
            return
        self._closed = True
        self.con.close()
        if self._session is not None:
            self._session.leave(self)


WRITER_CHECKPOINT = "1GB"
WRITER_MEMORY = "2GB"


def _open(path: Path, read_only: bool) -> duckdb.DuckDBPyConnection:
    try:
        con = duckdb.connect(str(path), read_only=read_only)
    except duckdb.IOException as exc:
        if "lock" in str(exc).lower():
            raise WarehouseBusy(
                f"the warehouse {path} is held open for writing by another process (a duckdb "
                f"session opened without -readonly?): close it and retry. DuckDB said: {exc}"
            ) from exc
        raise WarehouseError(f"cannot open warehouse {path}: {exc}") from exc
    except duckdb.Error as exc:  # e.g. a CSV or Parquet path passed as --db
        raise WarehouseError(
            f"cannot open warehouse {path}: is it a DuckDB database file? DuckDB said: {exc}"
        ) from exc
    con.execute("SET TimeZone = 'UTC'").fetchall()
    if not read_only:
        # DuckDB checkpoints after every 16 MB of WAL by default, rewriting the primary-key
        # indexes each time: loads then slow down as tables grow (2 s -> 15 s per 50k batch by
        # 1M postings). A run checkpoints once when it closes instead. The memory limit keeps
        # a writer near 2 GB at any scale (DuckDB spills to disk beyond it).
        con.execute(f"SET checkpoint_threshold = '{WRITER_CHECKPOINT}'").fetchall()
        con.execute(f"SET memory_limit = '{WRITER_MEMORY}'").fetchall()
        # pmpulse prints its own progress; DuckDB's bar would interleave with it on stderr
        con.execute("SET enable_progress_bar = false").fetchall()
    return con


def connect(path: str | Path, read_only: bool = False) -> Warehouse:
    """Open the warehouse at `path` (created with its schema when writable).

    Use as a context manager: `with db.connect(path) as wh: ...`. Read-only handles open the
    live file and never wait. Inside `writing(path)` (this process), every handle opens the
    run's work file instead; a writable handle outside any session starts one that commits
    (atomically swaps in) when the handle closes.
    """
    path = Path(path)
    session = _Session.current(path)
    if session is None and read_only:
        if not path.exists():
            raise WarehouseError(
                f"no warehouse at {path}: run `pmpulse ingest` or `pmpulse run` first"
            )
        return Warehouse(_open(path, True), path, True)
    if session is None:
        session = _Session.begin(path, implicit=True)
    return session.open(path, read_only)


# -- one writer, atomic runs ---------------------------------------------------------------
def fault_point(name: str) -> None:
    """A named point where a fault test may stop a run (PMPULSE_FAULT_AT=name[,name...]).

    When named, prints `FAULT-POINT <name> <pid>` on stderr and sleeps PMPULSE_FAULT_SLEEP
    seconds (default 60), so a test can kill -9 the process exactly there. No-op otherwise.
    """
    points = os.environ.get("PMPULSE_FAULT_AT")
    if points and name in points.split(","):
        print(f"FAULT-POINT {name} {os.getpid()}", file=sys.stderr, flush=True)
        time.sleep(float(os.environ.get("PMPULSE_FAULT_SLEEP", "60")))


def _sidecar(path: Path, suffix: str) -> Path:
    return path.with_name(path.name + suffix)


def _fsync(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def _lock_timeout() -> float:
    return float(os.environ.get("PMPULSE_LOCK_TIMEOUT", LOCK_TIMEOUT))


@dataclass(eq=False)
class _Session:
    """A run's private copy of the warehouse, its lock, and the handles open on it."""

    live: Path
    work: Path
    lock_fd: int
    implicit: bool
    info: dict
    depth: int = 0
    failed: BaseException | None = None
    handles: list[Warehouse] = field(default_factory=list)
    runs: dict[str, list] = field(default_factory=dict)
    schema_ready: bool = False

    # registry of the sessions of this process, by live file
    @staticmethod
    def _key(path: Path) -> Path:
        return Path(os.path.abspath(path))

    @classmethod
    def current(cls, path: Path) -> _Session | None:
        with _REGISTRY_LOCK:
            return _REGISTRY.get(cls._key(path))

    @classmethod
    def begin(cls, path: Path, implicit: bool, timeout: float | None = None) -> _Session:
        """Lock the warehouse for this process and prepare a fresh work copy."""
        live = cls._key(path)
        live.parent.mkdir(parents=True, exist_ok=True)
        fd = _acquire(live, _lock_timeout() if timeout is None else timeout)
        try:
            previous = _read_info(fd)
            info = {"pid": os.getpid(), "started": datetime.now(UTC).isoformat(timespec="seconds"),
                    "state": "writing", "runs": []}  # fmt: skip
            _write_info(fd, info)
            work = _sidecar(live, ".next")
            for leftover in (work, _sidecar(work, ".wal")):
                if leftover.exists():
                    log.warning("discarding %s left by a run that did not finish", leftover)
                    leftover.unlink()
            if _sidecar(live, ".wal").exists():
                # Written by something other than a pmpulse run: fold its log in first.
                con = _open(live, False)
                con.execute("CHECKPOINT").fetchall()
                con.close()
            if live.exists():
                shutil.copyfile(live, work)
            session = cls(live=live, work=work, lock_fd=fd, implicit=implicit, info=info)
            if previous.get("state") == "writing" and previous.get("runs"):
                session._record_abandoned(previous)
        except BaseException:
            _release(fd)
            raise
        with _REGISTRY_LOCK:
            _REGISTRY[live] = session
        fault_point("session-started")
        return session

    def open(self, path: Path, read_only: bool) -> Warehouse:
        with _REGISTRY_LOCK:
            self.depth += 1
        try:
            wh = Warehouse(_open(self.work, False), path, read_only, session=self)
            if not self.schema_ready:
                wh.apply_schema()
                self.schema_ready = True
        except BaseException:
            self.exit(None)
            raise
        with _REGISTRY_LOCK:
            self.handles.append(wh)
        return wh

    def leave(self, wh: Warehouse) -> None:
        with _REGISTRY_LOCK:
            if wh in self.handles:
                self.handles.remove(wh)
        self.exit(None)

    def enter(self) -> None:
        with _REGISTRY_LOCK:
            self.depth += 1

    def exit(self, error: BaseException | None) -> None:
        """One user of the session is done; the last one commits it (or discards it)."""
        with _REGISTRY_LOCK:
            if error is not None and self.failed is None:
                self.failed = error
            self.depth -= 1
            if self.depth > 0:
                return
            _REGISTRY.pop(self.live, None)
        try:
            for wh in list(self.handles):  # handles left open: close them before the swap
                log.warning("closing a warehouse handle left open on %s", self.live)
                wh._session = None
                wh.close()
            self.handles.clear()
            if self.failed is None:
                self._commit()
            else:
                self._discard()
        finally:
            _release(self.lock_fd)

    def _commit(self) -> None:
        if not self.work.exists():
            return
        con = _open(self.work, False)
        con.execute("CHECKPOINT").fetchall()
        con.close()
        _fsync(self.work)
        fault_point("before-swap")
        os.replace(self.work, self.live)
        _fsync(self.live.parent)
        wal = _sidecar(self.work, ".wal")
        if wal.exists():
            wal.unlink()
        fault_point("after-swap")
        self.info["state"] = "done"
        _write_info(self.lock_fd, self.info)

    def _discard(self) -> None:
        for path in (self.work, _sidecar(self.work, ".wal")):
            if path.exists():
                path.unlink()
        error = f"{type(self.failed).__name__}: {self.failed}"
        log.warning("run failed, its writes to %s were discarded: %s", self.live, error)
        if self.runs:
            # The warehouse is as before the run; only the runs rows record that it failed.
            _record_runs(self.live, self.lock_fd, self.runs.values(), error)
        self.info["state"] = "done"
        _write_info(self.lock_fd, self.info)

    def note_run(self, run_id: str, flow: str, started: datetime) -> None:
        self.runs[run_id] = [run_id, flow, started]
        self.info["runs"].append({"run_id": run_id, "flow": flow, "started": started.isoformat()})
        _write_info(self.lock_fd, self.info)

    def _record_abandoned(self, previous: dict) -> None:
        reason = (
            f"the run (pid {previous.get('pid')}, started {previous.get('started')}) stopped "
            "before it finished (killed?); none of its writes were kept"
        )
        log.warning("%s: %s", self.live, reason)
        con = _open(self.work, False)
        try:
            wh = Warehouse(con, self.live, False)
            wh.apply_schema()
            self.schema_ready = True
            for r in previous["runs"]:
                wh.execute(
                    "INSERT INTO runs (run_id, flow, started, finished, status, detail) "
                    "VALUES (?, ?, ?, ?, 'failed', ?) ON CONFLICT (run_id) DO NOTHING",
                    [r["run_id"], r["flow"], r["started"], datetime.now(UTC),
                     json.dumps({"error": reason})],
                )  # fmt: skip
        finally:
            con.close()


_REGISTRY: dict[Path, _Session] = {}
_REGISTRY_LOCK = threading.RLock()


def _acquire(live: Path, timeout: float) -> int:
    """An exclusive lock on `<db>.lock` (waits up to `timeout` s, else WarehouseBusy)."""
    fd = os.open(_sidecar(live, ".lock"), os.O_RDWR | os.O_CREAT, 0o644)
    deadline = time.monotonic() + timeout
    while True:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
            return fd
        except BlockingIOError:
            if time.monotonic() >= deadline:
                holder = _read_info(fd)
                os.close(fd)
                raise WarehouseBusy(
                    f"another pmpulse run (pid {holder.get('pid', '?')}, started "
                    f"{holder.get('started', '?')}) is writing {live}; waited {timeout:.0f} s. "
                    "Try again when it has finished (PMPULSE_LOCK_TIMEOUT sets the wait)."
                ) from None
            time.sleep(min(0.2, max(deadline - time.monotonic(), 0.01)))


def _release(fd: int) -> None:
    with suppress(OSError):
        fcntl.flock(fd, fcntl.LOCK_UN)
    with suppress(OSError):
        os.close(fd)


def _read_info(fd: int) -> dict:
    try:
        os.lseek(fd, 0, os.SEEK_SET)
        data = os.read(fd, 1 << 16)
        return json.loads(data) if data.strip() else {}
    except (OSError, ValueError):
        return {}


def _write_info(fd: int, info: dict) -> None:
    data = json.dumps(info).encode()
    os.ftruncate(fd, 0)
    os.pwrite(fd, data, 0)


def _record_runs(live: Path, lock_fd: int, runs: Any, error: str) -> None:
    """Record failed runs in the live warehouse (lock held): a small copy-and-swap of its own."""
    work = _sidecar(live, ".next")
    if live.exists():
        shutil.copyfile(live, work)
    con = _open(work, False)
    try:
        wh = Warehouse(con, live, False)
        wh.apply_schema()
        for run_id, flow, started in runs:
            wh.execute(
                "INSERT INTO runs (run_id, flow, started, finished, status, detail) "
                "VALUES (?, ?, ?, ?, 'failed', ?) ON CONFLICT (run_id) DO UPDATE SET "
                "finished = excluded.finished, status = 'failed', detail = excluded.detail",
                [run_id, flow, started, datetime.now(UTC), json.dumps({"error": error})],
            )
        con.execute("CHECKPOINT").fetchall()
    finally:
        con.close()
    _fsync(work)
    os.replace(work, live)
    _fsync(live.parent)


@contextmanager
def writing(path: str | Path, timeout: float | None = None) -> Iterator[Path]:
    """Make everything this process writes to `path` in the block one atomic change.

    Waits up to `timeout` s (default PMPULSE_LOCK_TIMEOUT or 60) for another run, then
    raises WarehouseBusy naming it. Yields the work file; `connect(path)` in the block (any
    thread of this process) opens it. On success the work file replaces the warehouse in one
    rename; on an exception it is discarded and only the runs started in the block are
    recorded, as failed. Re-entrant: nested blocks join the outer one.
    """
    session = _Session.current(Path(path))
    if session is None:
        session = _Session.begin(Path(path), implicit=False, timeout=timeout)
    session.enter()
    try:
        yield session.work
    except BaseException as exc:
        session.exit(exc)
        raise
    session.exit(None)


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
    """Record a run as running. Inside a session, it is recorded as failed if the run fails."""
    started = datetime.now(UTC)
    wh.execute(
        "INSERT INTO runs (run_id, flow, started, status) VALUES (?, ?, ?, 'running')",
        [run_id, flow, started],
    )
    if wh._session is not None:
        wh._session.note_run(run_id, flow, started)


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


# -- read-only queries ---------------------------------------------------------------------
def statements(sql: str) -> list[tuple[str, str]]:
    """Each statement in `sql` as (kind, text): its kind as DuckDB's parser sees it ('SELECT',
    'INSERT', 'EXPLAIN', 'MULTI', ...) and its own text, to run or name it alone.

    Parses only (runs nothing); a syntax error becomes a WarehouseError with DuckDB's message.
    """
    try:
        return [(s.type.name, s.query) for s in duckdb.extract_statements(sql)]
    except duckdb.Error as exc:
        raise WarehouseError(f"cannot parse the query: {exc}") from exc


def statement_kinds(sql: str) -> list[str]:
    """The kind of each statement in `sql` ('SELECT', 'INSERT', ...); see `statements`."""
    return [kind for kind, _ in statements(sql)]


# -- query results as polars ---------------------------------------------------------------
# Types polars cannot import from Arrow (INTERVAL arrives as month_day_nano, UNION fails) or
# imports as opaque bytes (BIGNUM). A top-level INTERVAL becomes a polars Duration in
# microseconds, a month counted as 30 days (as DuckDB's own epoch_us and Python timedelta
# conversion count it); any other column holding one of these types is converted to DuckDB's
# text form (VARCHAR).
_UNIMPORTABLE = ("interval", "union", "bignum")


def _holds(dtype: duckdb.sqltypes.DuckDBPyType, ids: tuple[str, ...]) -> bool:
    if dtype.id in ids:
        return True
    if dtype.id not in ("struct", "list", "array", "map"):
        return False
    return any(isinstance(child, type(dtype)) and _holds(child, ids) for _, child in dtype.children)


def _to_polars(rel: duckdb.DuckDBPyRelation) -> pl.DataFrame:
    """The relation as a polars frame, with the types polars cannot import converted first."""
    types = rel.types
    if not any(_holds(t, _UNIMPORTABLE) for t in types):
        return rel.pl()
    exprs, durations = [], []
    for i, (name, dtype) in enumerate(zip(rel.columns, types, strict=True)):
        ref, alias = f"#{i + 1}", '"' + name.replace('"', '""') + '"'
        if dtype.id == "interval":
            exprs.append(f"epoch_us({ref}) AS {alias}")
            durations.append(i)
        elif _holds(dtype, _UNIMPORTABLE):
            exprs.append(f"CAST({ref} AS VARCHAR) AS {alias}")
        else:
            exprs.append(f"{ref} AS {alias}")
    frame = rel.project(", ".join(exprs)).pl()
    return frame.with_columns(pl.nth(durations).cast(pl.Duration("us"))) if durations else frame
