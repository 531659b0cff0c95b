"""Skill clusters in the warehouse: what the clustering reads and the tables it replaces.

Tables are declared in `warehouse/sql/30_clusters.sql`. These functions take the `Warehouse`
handle of `warehouse.db` (they never import duckdb) and move polars frames in and out.
"""

from __future__ import annotations

from pathlib import Path

import polars as pl

from warehouse.db import Warehouse
from warehouse.seeds import load_taxonomy

SYNONYM_GROUPS = Path(__file__).resolve().parent / "seeds" / "synonym_groups.csv"
TABLES = ("skill_cluster_members", "skill_clusters", "emerging_skills")


def read_postings(wh: Warehouse) -> pl.DataFrame:
    """posting_id, company, location, posted_month, is_pm, description_text of every posting."""
    return wh.query(
        "SELECT posting_id, company, location, posted_month, is_pm, description_text "
        "FROM postings ORDER BY posting_id"
    )


def read_mentions(wh: Warehouse) -> pl.DataFrame:
    """posting_id, skill_id, matched_text of every stored skill mention."""
    return wh.query("SELECT posting_id, skill_id, matched_text FROM skill_mentions")


def read_taxonomy(wh: Warehouse) -> tuple[pl.DataFrame, pl.DataFrame, str] | None:
    """The taxonomy the stored mentions were extracted with, as (skills: skill_id, name,
    type, category; aliases: skill_id, alias, match; version), or None before any extraction.
    The match mode of each alias comes from `skills.alias_matches`; when rows were written
    without it, from the shipped seed files if the stored version is theirs, else 'word'."""
    columns = set(wh.query("SELECT * FROM skills LIMIT 0").columns)
    matches = "alias_matches" if "alias_matches" in columns else "NULL::VARCHAR[] AS alias_matches"
    skills = wh.query(
        f"SELECT skill_id, name, type, category, aliases, {matches}, taxonomy_version "
        "FROM skills ORDER BY skill_id"
    )
    if skills.is_empty():
        return None
    aliases = (
        skills.select(
            "skill_id",
            alias=pl.col("aliases"),
            match=pl.when(pl.col("alias_matches").list.len() == pl.col("aliases").list.len())
            .then(pl.col("alias_matches"))
            .otherwise(pl.col("aliases").list.eval(pl.lit("word"))),
        )
        .explode("alias", "match")
        .drop_nulls("alias")
        .with_columns(pl.col("match").fill_null("word"))
    )
    version = str(skills["taxonomy_version"].max())
    if skills["alias_matches"].is_null().any():  # written without match modes: the shipped
        shipped = load_taxonomy()  # seed files have them, if they are the ones used (the
        if shipped.version == version:  # version is a digest of the seed files)
            aliases = shipped.aliases.select("skill_id", "alias", "match")
    return skills.select("skill_id", "name", "type", "category"), aliases, version


def load_synonym_groups(path: str | Path | None = None) -> pl.DataFrame:
    """group, surface_form: hand-written synonym sets (default: the shipped seed file)."""
    return pl.read_csv(
        path or SYNONYM_GROUPS,
        schema={"group": pl.String, "surface_form": pl.String},
        comment_prefix="#",
    )


def replace_clusters(
    wh: Warehouse,
    clusters: pl.DataFrame,
    members: pl.DataFrame,
    emerging: pl.DataFrame,
    model_version: str,
) -> dict[str, int]:
    """Replace the three cluster tables in one transaction; returns rows written per table."""
    version = pl.lit(model_version)
    with wh.transaction():
        for table in TABLES:
            wh.execute(f"DELETE FROM {table}")
        return {
            "skill_clusters": wh.insert(
                "skill_clusters", clusters.with_columns(model_version=version)
            ),
            "skill_cluster_members": wh.insert(
                "skill_cluster_members", members.with_columns(model_version=version)
            ),
            "emerging_skills": wh.insert(
                "emerging_skills", emerging.with_columns(model_version=version)
            ),
        }


def read_clusters(wh: Warehouse) -> dict[str, pl.DataFrame]:
    """The stored cluster tables, by name."""
    return {
        "skill_clusters": wh.query("SELECT * FROM skill_clusters ORDER BY cluster_id"),
        "skill_cluster_members": wh.query(
            "SELECT * FROM skill_cluster_members ORDER BY cluster_id, mentions DESC, surface_form"
        ),
        "emerging_skills": wh.query("SELECT * FROM emerging_skills ORDER BY z DESC"),
    }
