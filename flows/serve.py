"""Scheduled runs: pmpulse's Prefect deployments and their cron schedules.

- `daily-collection` (`0 6 * * *` UTC): collect the live sources, then the report if the
  collection succeeded,
- `hn-backfill-check` (`0 7 2 * *`): only the HN threads (a new month's thread, late comments),
- `ingest-inbox` (on demand): ingest the files dropped in an inbox folder.

Schedules are overridable, without code, in the config file (`PMPULSE_CONFIG`, default
`pmpulse.toml`): `[schedules]` with `daily-collection = "30 5 * * *"` (a cron string, or
"off" for no schedule), or in the environment: `PMPULSE_SCHEDULE_DAILY_COLLECTION=...`.
A misspelled deployment name or a cron string Prefect can't schedule is refused
(`scale.ConfigError`) rather than ignored. `pmpulse serve` serves them from one process
(Prefect's `serve`); `prefect.yaml` declares the same deployments for a Prefect server with
workers.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from prefect import flow, get_run_logger, serve
from prefect.client.schemas.schedules import CronSchedule
from prefect.deployments.runner import EntrypointType, RunnerDeployment
from pydantic import ValidationError

from flows import logs, scale
from flows.ingest import ingest

logs.install()

DEFAULT_SCHEDULES = {
    "daily-collection": "0 6 * * *",
    "hn-backfill-check": "0 7 2 * *",
    "ingest-inbox": "off",
}


def _report(db_path: str, out_dir: str | None) -> object:
    """The report flow (flows/report.py), written to `out_dir` (default PMPULSE_REPORTS)."""
    try:
        from flows.report import report
    except ImportError:  # pragma: no cover - only while the report is being written
        return "skipped: no report flow in this version"
    from flows.settings import Settings

    return report(db_path=db_path, out_dir=out_dir or str(Settings().reports))


def _collect(db_path: str, sources: list[str] | None) -> dict:
    try:
        from flows.collect import collect
    except ImportError:  # pragma: no cover - only while the live sources are being written
        from flows.run import run

        return run(db_path=db_path)
    return collect(db_path=db_path, sources=sources)


@flow(name="daily-collection")
def daily_collection(
    db_path: str, sources: list[str] | None = None, reports_dir: str | None = None
) -> dict:
    """Collect from the live sources; after a successful collection, build the report."""
    summary = {"collect": _collect(db_path, sources)}  # raises (run failed) on failure
    summary["report"] = _report(db_path, reports_dir)
    get_run_logger().info("daily collection done: %s", summary.get("report"))
    return summary


@flow(name="hn-backfill-check")
def hn_backfill_check(db_path: str) -> dict:
    """Look for new HN 'Who is hiring?' threads and comments not fetched yet."""
    return _collect(db_path, ["hn"])


@dataclass(frozen=True)
class Planned:
    """A deployment to serve: name, flow, parameters, cron (None: on demand only)."""

    name: str
    flow: object
    parameters: dict
    cron: str | None
    description: str


ENV_PREFIX = "PMPULSE_SCHEDULE_"
OFF = ("", "off", "none")


def schedules() -> dict[str, str | None]:
    """Cron per deployment: defaults, then `[schedules]` of the config file, then env vars.

    Raises scale.ConfigError, naming the key or variable, for a deployment pmpulse does not
    have (a misspelling would otherwise be ignored), a value that is not text, and a cron
    string Prefect would refuse or that never fires.
    """
    path, section = scale.config_section("schedules", list(DEFAULT_SCHEDULES))
    configured = {name: (cron, f"default {name}") for name, cron in DEFAULT_SCHEDULES.items()}
    for name, cron in section.items():
        configured[name] = (cron, f"{path}: [schedules] {name} = {scale.toml_value(cron)}")
    env_names = {ENV_PREFIX + name.upper().replace("-", "_"): name for name in DEFAULT_SCHEDULES}
    for var, value in os.environ.items():
        if var.startswith(ENV_PREFIX) and var not in env_names:
            raise scale.ConfigError(
                f"unknown environment variable {var}{scale.did_you_mean(var, env_names)} "
                f"(known: {', '.join(env_names)})"
            )
        if var in env_names and value.strip():
            configured[env_names[var]] = (value, f"{var}={value!r}")
    return {name: checked_cron(cron, where) for name, (cron, where) in configured.items()}


def checked_cron(cron: object, where: str) -> str | None:
    """`cron` stripped, or None for "off"; ConfigError, starting with `where` (the setting
    as written), if Prefect could not schedule it."""
    if not isinstance(cron, str):
        raise scale.ConfigError(
            f'{where}: must be a cron string in quotes (e.g. "0 6 * * *") or "off"'
        )
    cron = cron.strip()
    if cron.lower() in OFF:
        return None
    problem = cron_problem(cron)
    if problem:
        raise scale.ConfigError(f"{where}: {problem}")
    return cron


def cron_problem(cron: str) -> str | None:
    """Why Prefect's cron schedules would refuse `cron` or never run it; None if it is fine."""
    try:
        CronSchedule(cron=cron)
    except ValidationError as exc:
        reason = exc.errors()[0]["msg"].removeprefix("Value error, ")
        if reason.startswith("Invalid cron string"):
            reason = "not a valid cron string"
        return (
            f"{reason}; expected 5 fields 'minute hour day-of-month month day-of-week' "
            '(UTC), e.g. "0 6 * * *", or "off"'
        )
    try:  # the croniter Prefect validates with (not a dependency of pmpulse's own)
        from prefect._vendor.croniter import CroniterError, croniter
    except ImportError:  # pragma: no cover - Prefect moved it: skip this check
        return None
    try:
        croniter(cron, datetime(2000, 1, 1, tzinfo=UTC)).get_next(datetime)
    except CroniterError:
        return "never fires (no such date, e.g. 31 February)"
    return None


def planned(db_path: str, inbox: str | None = None) -> list[Planned]:
    """Every deployment pmpulse serves, with its schedule in force."""
    cron = schedules()
    inbox = inbox or str(Path(db_path).parent / "inbox")
    return [
        Planned("daily-collection", daily_collection, {"db_path": db_path},
                cron["daily-collection"], "collect the live sources, then the report"),
        Planned("hn-backfill-check", hn_backfill_check, {"db_path": db_path},
                cron["hn-backfill-check"], "new HN Who is hiring threads and late comments"),
        Planned("ingest-inbox", ingest, {"db_path": db_path, "inputs": [inbox]},
                cron["ingest-inbox"], f"ingest the files in {inbox}"),
    ]  # fmt: skip


def deployments(db_path: str, inbox: str | None = None) -> list[RunnerDeployment]:
    """The planned deployments as Prefect RunnerDeployments (entrypoints by module path)."""
    return [
        p.flow.to_deployment(  # type: ignore[attr-defined]
            name=p.name,
            cron=p.cron,
            parameters=p.parameters,
            description=p.description,
            tags=["pmpulse"],
            entrypoint_type=EntrypointType.MODULE_PATH,
        )
        for p in planned(db_path, inbox)
    ]


def listing(db_path: str, inbox: str | None = None) -> str:
    """Deployments and schedules, one per line, for `pmpulse serve --list`."""
    lines = [f"{'deployment':<38} {'schedule (UTC)':<16} what"]
    for p in planned(db_path, inbox):
        full = f"{p.flow.name}/{p.name}"  # type: ignore[attr-defined]
        lines.append(f"{full:<38} {p.cron or 'on demand':<16} {p.description}")
    return "\n".join(lines)


def serve_all(db_path: str, inbox: str | None = None) -> None:
    """Register the deployments and run their scheduled runs until interrupted."""
    serve(*deployments(db_path, inbox), print_starting_message=True)
