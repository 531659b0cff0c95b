"""Scale-out: heavy stages run on partitions, on Prefect's DaskTaskRunner when asked to.

Where the work runs, in order of precedence:
- `configure(workers=N, address=ADDR)` (the CLI's `--workers N` / `--dask-address ADDR`),
- `PMPULSE_DASK_ADDRESS` / `PMPULSE_WORKERS`, then `[dask] address / workers` in the config
  file (`PMPULSE_CONFIG`, default `pmpulse.toml` in the working directory),
- otherwise in this process (no Dask).
An address connects to an existing Dask scheduler (`tcp://host:8786`); `workers` N >= 1
starts a LocalCluster of N single-threaded worker processes for the run. Workers only
compute: every write to the warehouse is made by the flow's own process (one writer).
"""

from __future__ import annotations

import os
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


def config_file() -> Path:
    return Path(os.environ.get("PMPULSE_CONFIG", "pmpulse.toml"))


def read_config(path: Path | None = None) -> dict:
    """The TOML config file as a dict ({} when there is none)."""
    path = path or config_file()
    if not path.is_file():
        return {}
    with path.open("rb") as f:
        return tomllib.load(f)


def configure(workers: int | None = None, address: str | None = None) -> None:
    """Set the placement for this process (CLI flags); None leaves env/config in charge."""
    global _override
    _override = None if workers is None and not address else Placement(address, workers or 0)


def placement() -> Placement:
    """The placement in force: CLI flags, else environment, else the config file."""
    if _override is not None:
        return _override
    section = read_config().get("dask", {})
    address = os.environ.get("PMPULSE_DASK_ADDRESS") or section.get("address")
    workers = os.environ.get("PMPULSE_WORKERS") or section.get("workers") or 0
    return Placement(address or None, int(workers))


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
