"""One settings object, read at the edge (CLI and flows); transforms get plain arguments."""

from pathlib import Path

from pydantic_settings import BaseSettings, SettingsConfigDict

DEFAULT_DB = Path("data/pmpulse.duckdb")


class Settings(BaseSettings):
    """Environment variables with the prefix PMPULSE_ (e.g. PMPULSE_DB)."""

    model_config = SettingsConfigDict(env_prefix="PMPULSE_", extra="ignore")

    db: Path = DEFAULT_DB  # the warehouse file (PMPULSE_DB)
    reports: Path = Path("reports")  # where `pmpulse report` writes HTML (PMPULSE_REPORTS)
    random_state: int = 42  # seed for anything random (PMPULSE_RANDOM_STATE)


def db_path(cli_value: str | Path | None) -> Path:
    """--db wins over PMPULSE_DB, which wins over the default data/pmpulse.duckdb."""
    return Path(cli_value) if cli_value else Settings().db
