"""Reference data shipped with pmpulse, and the loaders that read it.

The skills taxonomy is three files beside this module:
- `skills.csv`: skill_id, name, type (hard|soft|certification), category (one of the twelve
  headline categories or other_hard/other_soft), esco_id (ESCO v1.1.1 concept id, may be
  empty), dk_group (Deming-Kahn group);
- `skill_aliases.csv`: skill_id, alias, match. `alias` is a pattern: `{a|b}` picks one of its
  options, `[x]` is optional (`{strong|excellent} communicat{ion|or}`); `match` is `word`
  (case-insensitive, plurals too; the default), `exact` (case-insensitive, as written) or
  `case` (case-sensitive, as written, for acronyms that are also words);
- `skills_version.txt`: the human version string. The effective version is that string plus
  a short hash of the two CSV files and of the extractor's code (`transforms/skills.py`), so
  any edit to the taxonomy or to the context rules forces a rebuild of stored mentions.
"""

from __future__ import annotations

import hashlib
from pathlib import Path

import polars as pl

import transforms.skills
from transforms.skills import Taxonomy, validate_taxonomy

SEEDS = Path(__file__).resolve().parent
# the extractor's rules decide the stored mentions too (its source, also where a compiled
# copy of it runs)
EXTRACTOR = transforms.SKILLS_SOURCE
SKILL_COLUMNS = {
    "skill_id": pl.String,
    "name": pl.String,
    "type": pl.String,
    "category": pl.String,
    "esco_id": pl.String,
    "dk_group": pl.String,
}
ALIAS_COLUMNS = {"skill_id": pl.String, "alias": pl.String, "match": pl.String}


def load_taxonomy(
    directory: str | Path | None = None, extra_aliases: list[str | Path] | tuple = ()
) -> Taxonomy:
    """Read the taxonomy from `directory` (default: the shipped seeds).

    `extra_aliases`: further alias files in the `skill_aliases.csv` shape (e.g. the output of
    `pmpulse taxonomy import esco`); they change the version like any other edit.
    """
    root = Path(directory) if directory else SEEDS
    skills_path = root / "skills.csv"
    alias_paths = [root / "skill_aliases.csv", *(Path(p) for p in extra_aliases)]
    skills = pl.read_csv(skills_path, schema=SKILL_COLUMNS)
    aliases = pl.concat(
        [pl.read_csv(p, schema=ALIAS_COLUMNS, comment_prefix="#") for p in alias_paths]
    ).with_columns(pl.col("match").fill_null("word"))
    validate_taxonomy(skills, aliases)
    digest = hashlib.sha256()
    for path in (skills_path, *alias_paths, EXTRACTOR):
        digest.update(path.read_bytes())
    version_file = root / "skills_version.txt"
    base = version_file.read_text().strip() if version_file.exists() else "0"
    return Taxonomy(skills=skills, aliases=aliases, version=f"{base}+{digest.hexdigest()[:10]}")
