"""The `pmpulse` command. Subcommands are the modules of `flows.commands`."""

from __future__ import annotations

import argparse
import importlib
import os
import pkgutil
import sys
from types import ModuleType

import flows.commands
from warehouse.db import WarehouseError


def commands() -> dict[str, ModuleType]:
    """Every subcommand module (NAME, HELP, configure(parser), run(args) -> int), by name."""
    found = {}
    for info in pkgutil.iter_modules(flows.commands.__path__):
        module = importlib.import_module(f"flows.commands.{info.name}")
        if hasattr(module, "NAME") and hasattr(module, "run"):
            found[module.NAME] = module
    return dict(sorted(found.items()))


def parser() -> argparse.ArgumentParser:
    top = argparse.ArgumentParser(
        prog="pmpulse",
        description="Track what Product Manager job postings ask for: hard vs soft skills "
        "over time, in a local DuckDB warehouse.",
    )
    sub = top.add_subparsers(dest="command", metavar="COMMAND", required=True)
    for name, module in commands().items():
        p = sub.add_parser(name, help=module.HELP, description=module.HELP)
        p.add_argument(
            "--db",
            metavar="PATH",
            default=None,
            help="warehouse file (default: $PMPULSE_DB or data/pmpulse.duckdb)",
        )
        p.add_argument(
            "--workers",
            type=workers,
            metavar="N",
            default=None,
            help="run heavy stages on a local Dask cluster of N workers (default: in process)",
        )
        p.add_argument(
            "--dask-address",
            metavar="ADDR",
            default=None,
            help="run heavy stages on this Dask scheduler, e.g. tcp://host:8786",
        )
        module.configure(p)
        p.set_defaults(_module=module)
    return top


# Prefect's temporary local server gets 20 s to start by default: on a loaded laptop it
# sometimes needs more, and the run then died before starting
SERVER_STARTUP_SECONDS = "120"


def workers(text: str) -> int:
    """--workers: a whole number, 0 or more (0: in this process)."""
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a whole number") from None
    if value < 0:
        raise argparse.ArgumentTypeError(f"{value}: a number of workers is 0 or more")
    return value


def main(argv: list[str] | None = None) -> int:
    os.environ.setdefault("PREFECT_SERVER_ANALYTICS_ENABLED", "false")
    os.environ.setdefault(
        "PREFECT_SERVER_EPHEMERAL_STARTUP_TIMEOUT_SECONDS", SERVER_STARTUP_SECONDS
    )
    args = parser().parse_args(argv)
    from flows import logs, scale

    logs.install()
    try:
        scale.configure(args.workers, args.dask_address)
        scale.check_config()  # a bad pmpulse.toml or PMPULSE_ setting, before any flow starts
        return int(args._module.run(args) or 0)
    except scale.ConfigError as exc:
        print(f"pmpulse {args.command}: {exc}", file=sys.stderr)
        return 2
    except WarehouseError as exc:
        print(f"pmpulse {args.command}: {exc}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        print(f"pmpulse {args.command}: interrupted", file=sys.stderr)
        return 130
    except RuntimeError as exc:
        if "ephemeral Prefect API server" not in str(exc):
            raise
        wait = os.environ["PREFECT_SERVER_EPHEMERAL_STARTUP_TIMEOUT_SECONDS"]
        print(
            f"pmpulse {args.command}: Prefect's temporary local server did not start within "
            f"{wait} s ({exc}). Retry, allow it longer with "
            "PREFECT_SERVER_EPHEMERAL_STARTUP_TIMEOUT_SECONDS, or point PREFECT_API_URL at a "
            "running Prefect server.",
            file=sys.stderr,
        )
        return 1


if __name__ == "__main__":
    sys.exit(main())
