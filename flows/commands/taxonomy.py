"""`pmpulse taxonomy show | import esco PATH`: the skills taxonomy and ESCO labels."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

import polars as pl

from flows.progress import say
from flows.settings import db_path

NAME = "taxonomy"
HELP = (
    "show the skills taxonomy (counts per category and type, or the skills of one category), "
    "or import ESCO labels as extra surface forms: `taxonomy import esco PATH`"
)


def configure(parser: argparse.ArgumentParser) -> None:
    sub = parser.add_subparsers(dest="action", metavar="ACTION", required=True)
    show = sub.add_parser("show", help="counts per category and type; --category lists skills")
    show.add_argument("--category", default=None, help="list the skills of this category")
    show.add_argument("--taxonomy", type=Path, default=None, metavar="DIR",
                      help="taxonomy folder (default: the shipped seeds)")  # fmt: skip
    imp = sub.add_parser("import", help="add ESCO labels of the mapped ESCO concepts")
    imp.add_argument("kind", choices=["esco"], help="what to import (esco)")
    imp.add_argument("path", type=Path, help="ESCO skills CSV (id, description, type)")
    imp.add_argument("--out", type=Path, default=None, metavar="CSV",
                     help="alias file to write (default: esco_aliases.csv beside the "
                     "warehouse); pass it to `pmpulse extract --extra-aliases`")  # fmt: skip
    imp.add_argument("--taxonomy", type=Path, default=None, metavar="DIR",
                     help="taxonomy folder (default: the shipped seeds)")  # fmt: skip
    # (also after the action, as `taxonomy import esco PATH --db X`; SUPPRESS keeps the
    # value given before it, or the default, when it is absent here)
    imp.add_argument("--db", default=argparse.SUPPRESS, metavar="PATH",
                     help="warehouse whose folder gets esco_aliases.csv")  # fmt: skip


def run(args: argparse.Namespace) -> int:
    from transforms.skills import TaxonomyError
    from warehouse.seeds import load_taxonomy

    try:
        taxonomy = load_taxonomy(args.taxonomy)
    except (OSError, TaxonomyError) as exc:
        print(f"pmpulse taxonomy: cannot load the taxonomy: {exc}", file=sys.stderr)
        return 2
    if args.action == "show":
        return show(taxonomy, args.category)
    return import_esco(taxonomy, args.path, args.out or Path(db_path(args.db)).parent
                       / "esco_aliases.csv")  # fmt: skip


def show(taxonomy, category: str | None) -> int:
    skills = taxonomy.skills
    print(f"taxonomy {taxonomy.version}: {skills.height} skills, "
          f"{taxonomy.aliases.height} alias patterns, "
          f"{skills['esco_id'].drop_nulls().len()} mapped to ESCO")  # fmt: skip
    if category:
        rows = skills.filter(pl.col("category") == category).sort("skill_id")
        if rows.is_empty():
            print(f"pmpulse taxonomy: no skills in category {category!r}", file=sys.stderr)
            return 2
        for sid, name, typ, esco, dk in rows.select(
            "skill_id", "name", "type", "esco_id", "dk_group"
        ).iter_rows():
            print(f"  {sid:28s} {typ:13s} {dk:18s} {esco or '-':36s} {name}")
        return 0
    counts = skills.group_by("category", "type").len().sort("category", "type")
    for cat, typ, n in counts.iter_rows():
        print(f"  {cat:30s} {typ:13s} {n:4d}")
    return 0


def import_esco(taxonomy, path: Path, out: Path) -> int:
    from transforms.skills import esco_aliases

    if not path.is_file():
        print(f"pmpulse taxonomy: no such file: {path}", file=sys.stderr)
        return 2
    try:
        esco = pl.read_csv(path, columns=["id", "description", "type"], infer_schema=False)
    except (pl.exceptions.PolarsError, OSError) as exc:
        print(f"pmpulse taxonomy: {path} is not an ESCO skills CSV with columns id, "
              f"description, type: {exc}", file=sys.stderr)  # fmt: skip
        return 2
    aliases = esco_aliases(esco, taxonomy)
    out.parent.mkdir(parents=True, exist_ok=True)
    aliases.write_csv(out)
    skills = aliases["skill_id"].n_unique()
    say(f"{aliases.height:,} ESCO labels for {skills} skills -> {out} "
        f"(use it with `pmpulse extract --extra-aliases {out}`)")  # fmt: skip
    return 0
