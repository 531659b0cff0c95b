"""CLI subcommands, one module each, discovered by `flows.cli`.

A command module defines `NAME`, `HELP`, `configure(parser)` and `run(args) -> int`.
"""
