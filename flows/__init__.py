"""Prefect flows and the CLI: orchestration only (read, call transforms, write)."""
