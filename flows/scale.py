"""Scale-out: heavy stages run on partitions, on Prefect's DaskTaskRunner when asked to.

Where the work runs, in order of precedence:
- `configure(workers=N, address=ADDR)` (the CLI's `--workers N` / `--dask-address ADDR`),
- `PMPULSE_DASK_ADDRESS` / `PMPULSE_WORKERS`, then `[dask] address / workers` in the config
  file (`PMPULSE_CONFIG`, default `pmpulse.toml` in the working directory),
- otherwise in this process (no Dask).
An address connects to an existing Dask scheduler (`tcp://host:8786`); `workers` N >= 1
starts a LocalCluster of N single-threaded worker processes for the run. Workers only
compute: every write to the warehouse is made by the flow's own process (one writer).

The config file is checked as it is read: a file that is not TOML, a section or key pmpulse
does not know (a misspelling would otherwise be ignored), a value of the wrong type, or a
`PMPULSE_CONFIG` naming a file that does not exist raises `ConfigError`, whose message names
the file, the line or key, and the problem.
"""

from __future__ import annotations

import difflib
import json
import os
import re
import threading
import tomllib
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import polars as pl
from prefect.task_runners import TaskRunner

MIN_PARTITION_ROWS = 2_000  # smaller (source, month) partitions are packed together


@dataclass(frozen=True)
class Placement:
    """Where heavy stages run: a scheduler address, N local workers, or neither (in process)."""

    address: str | None = None
    workers: int = 0

    @property
    def distributed(self) -> bool:
        return bool(self.address) or self.workers >= 1

    def describe(self) -> str:
        if self.address:
            return f"Dask scheduler {self.address}"
        if self.workers:
            return f"local Dask cluster of {self.workers} workers"
        return "this process"


_override: Placement | None = None
_state = threading.local()


# Sections of the config file and their keys; [schedules] holds one key per deployment of
# flows/serve.py (checked there, where the deployment names live).
SECTIONS = {"dask": ("address", "workers"), "schedules": None}
WORKERS_RULE = "must be a whole number of workers, 0 (in this process) or more"


class ConfigError(ValueError):
    """The config file or a PMPULSE_ setting is unusable: the message says where and why."""


def config_file() -> Path:
    return Path(os.environ.get("PMPULSE_CONFIG") or "pmpulse.toml")


def read_config(path: Path | None = None) -> dict:
    """The TOML config file as a dict ({} when the default file is absent).

    Raises ConfigError for a file PMPULSE_CONFIG (or `path`) names that does not exist, for
    text that is not TOML (naming the line), and for a section pmpulse does not know.
    """
    named = path is not None or bool(os.environ.get("PMPULSE_CONFIG"))
    path = path or config_file()
    if not path.exists() and not named:
        return {}
    if not path.is_file():
        how = "is not a file" if path.exists() else "does not exist"
        by = "PMPULSE_CONFIG names" if os.environ.get("PMPULSE_CONFIG") else "config file"
        raise ConfigError(f"{by} {path}, which {how}")
    try:
        text = path.read_bytes().decode("utf-8")
        config = tomllib.loads(text)
    except OSError as exc:
        raise ConfigError(f"{path}: cannot read the config file ({exc.strerror})") from None
    except UnicodeDecodeError as exc:
        raise ConfigError(f"{path}: not UTF-8 text (byte {exc.start})") from None
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"{path}: not valid TOML: {_toml_problem(str(exc), text)}") from None
    for name, value in config.items():
        if name not in SECTIONS:
            what = f"section [{name}]" if isinstance(value, dict) else f"top-level key {name!r}"
            raise ConfigError(
                f"{path}: unknown {what}{did_you_mean(name, SECTIONS)} "
                f"(known sections: {', '.join(f'[{s}]' for s in SECTIONS)})"
            )
        if not isinstance(value, dict):
            raise ConfigError(f"{path}: {name} must be a [{name}] section, not a value")
    return config


def config_section(name: str, known: tuple[str, ...] | list[str]) -> tuple[Path, dict]:
    """The config file's path and its [name] section; ConfigError for a key not in `known`."""
    section = read_config().get(name, {})
    for key in section:
        if key not in known:
            raise ConfigError(
                f"{config_file()}: [{name}] unknown key {key!r}{did_you_mean(key, known)} "
                f"(known keys: {', '.join(known)})"
            )
    return config_file(), section


def _toml_problem(message: str, text: str) -> str:
    """tomllib's message as 'line N, column M: problem: <the line>'."""
    where = re.search(r" \(at line (\d+), column (\d+)\)$", message)
    if where is None:  # "(at end of document)" and the like
        return message
    line, column = int(where[1]), int(where[2])
    lines = text.splitlines()
    shown = f": {lines[line - 1].strip()!r}" if line <= len(lines) else ""
    return f"line {line}, column {column}: {message[: where.start()]}{shown}"


def toml_value(value: object) -> str:
    """`value` as it is written in TOML (strings in double quotes), for messages."""
    return json.dumps(value, default=str)


def did_you_mean(word: str, known) -> str:
    """' (did you mean 'x'?)' for the known name closest to a misspelt `word`, else ''."""
    close = difflib.get_close_matches(word, list(known), n=1)
    return f" (did you mean {close[0]!r}?)" if close else ""


def configure(workers: int | None = None, address: str | None = None) -> None:
    """Set the placement for this process (CLI flags); None leaves env/config in charge."""
    global _override
    _override = None if workers is None and not address else Placement(address, workers or 0)


def check_config() -> None:
    """Raise ConfigError now for a bad config file or PMPULSE_ setting (CLI start-up), not
    later as a crash inside a flow."""
    _configured()


def placement() -> Placement:
    """The placement in force: CLI flags, else environment, else the config file."""
    if _override is not None:
        return _override
    return _configured()


def _configured() -> Placement:
    """The placement from the environment, else the config file; both are checked."""
    path, section = config_section("dask", SECTIONS["dask"])
    address = section.get("address")
    if address is not None and not isinstance(address, str):
        raise ConfigError(
            f"{path}: [dask] address = {toml_value(address)}: must be a scheduler address "
            'in quotes, e.g. "tcp://host:8786"'
        )
    workers = section.get("workers", 0)
    if isinstance(workers, bool) or not isinstance(workers, int) or workers < 0:
        raise ConfigError(f"{path}: [dask] workers = {toml_value(workers)}: {WORKERS_RULE}")
    env = os.environ.get("PMPULSE_WORKERS", "").strip()
    if env and not env.isdigit():
        raise ConfigError(f"PMPULSE_WORKERS={env!r}: {WORKERS_RULE}")
    return Placement(os.environ.get("PMPULSE_DASK_ADDRESS") or address or None, int(env or workers))


def task_runner(where: Placement) -> TaskRunner | None:
    """A DaskTaskRunner for `where`, or None to run in this process."""
    if not where.distributed:
        return None
    from prefect_dask import DaskTaskRunner

    if where.address:
        return DaskTaskRunner(address=where.address)
    return DaskTaskRunner(
        cluster_kwargs={
            "n_workers": where.workers,
            "threads_per_worker": 1,
            "processes": True,
            "dashboard_address": ":0",
            # Workers report to this process's Prefect API (else each would start its own
            # temporary server).
            "env": {"PREFECT_API_URL": _api_url()},
        }
    )


def _api_url() -> str:
    from prefect.client.orchestration import get_client

    with get_client(sync_client=True) as client:
        return str(client.api_url)


@contextmanager
def partition_runner(where: Placement | None = None) -> Iterator[TaskRunner | None]:
    """The task runner for partitioned stages, started once for a whole flow run.

    Re-entrant in a thread: nested flows share the runner (and the cluster) of the outer one.
    """
    current = getattr(_state, "runner", None)
    if current is not None:
        yield current
        return
    runner = task_runner(where or placement())
    if runner is None:
        yield None
        return
    with runner:
        _state.runner = runner
        try:
            yield runner
        finally:
            _state.runner = None


def current_runner() -> TaskRunner | None:
    """The runner opened by `partition_runner` in this thread, if any."""
    return getattr(_state, "runner", None)


def partitions(
    frame: pl.DataFrame, keys: list[pl.Expr], min_rows: int = MIN_PARTITION_ROWS
) -> list[pl.DataFrame]:
    """`frame` split on `keys` (whole key groups only), small groups packed to >= min_rows."""
    if frame.is_empty():
        return [frame]
    names = [f"_part{i}" for i in range(len(keys))]
    keyed = frame.with_columns(k.alias(n) for k, n in zip(keys, names, strict=True))
    groups = keyed.partition_by(names, maintain_order=True, include_key=False)
    groups.sort(key=lambda g: -g.height)
    packed: list[list[pl.DataFrame]] = []
    sizes: list[int] = []
    for g in groups:  # greedily fill the current pack, start another once it is big enough
        if packed and sizes[-1] < min_rows:
            packed[-1].append(g)
            sizes[-1] += g.height
        else:
            packed.append([g])
            sizes.append(g.height)
    return [pl.concat(p, how="vertical") for p in packed]
