"""A small, deterministic warehouse for the marts, docs and report tests.

Hand-made rows in the real tables (schema from warehouse/sql): PM postings from 2014-01 to
2018-04 and 2026-01..05, with a few thin months, non-PM postings beside them, skills from the
shipped seeds and mentions that point at real characters. Built so the answers are known:
- the share of PM postings demanding a soft skill rises steadily with time;
- the share demanding a hard skill stays at about 80 %;
- `THIN_MONTHS` have 3 PM postings (unreliable);
- one PM posting (`hn:unextracted`) was never read by the skills extractor.
"""

from __future__ import annotations

from datetime import UTC, date, datetime
from pathlib import Path

import numpy as np
import polars as pl

from warehouse import db

T0 = datetime(2026, 6, 1, tzinfo=UTC)
HARD_SKILLS = ("sql", "roadmap", "agile_methodology")
SOFT_SKILLS = ("communication", "empathy", "stakeholder_management")
THIN_MONTHS = (date(2014, 7, 1), date(2017, 8, 1))
SENIORITIES = ("mid", "mid", "mid", "senior", "director", "associate")


def months() -> list[date]:
    out = [date(y, m, 1) for y in range(2014, 2019) for m in range(1, 13)]
    return [d for d in out if d <= date(2018, 4, 1)] + [date(2026, m, 1) for m in range(1, 6)]


def _skills() -> pl.DataFrame:
    """The seed rows of the skills used here (falling back to any skill of the right type)."""
    from warehouse.seeds import load_taxonomy

    tax = load_taxonomy()
    seeds = tax.skills
    chosen = []
    for wanted, kind in [(s, "hard") for s in HARD_SKILLS] + [(s, "soft") for s in SOFT_SKILLS]:
        row = seeds.filter(pl.col("skill_id") == wanted)
        if row.is_empty():
            taken = [c["skill_id"] for c in chosen]
            row = seeds.filter((pl.col("type") == kind) & ~pl.col("skill_id").is_in(taken))
        chosen.append(row.row(0, named=True))
    return pl.DataFrame(chosen).with_columns(
        aliases=pl.col("name").map_elements(lambda n: [n], return_dtype=pl.List(pl.String)),
        taxonomy_version=pl.lit(tax.version),
    )


def _posting(pid: str, month: date, text: str, is_pm: bool, **extra) -> dict:
    source, source_id = pid.split(":")
    return {
        "posting_id": pid, "source": source, "source_id": source_id, "company": "Acme",
        "title": "Product Manager" if is_pm else "Engineer",
        "role": "pm" if is_pm else "not_pm", "is_pm": is_pm, "pm_titles": None,
        "posted_month": month, "description_text": text, "first_seen": T0, "last_seen": T0,
        "content_hash": f"h-{pid}", "updated_at": T0,
    } | extra  # fmt: skip


def build(path: Path, clusters: bool = False, seed: int = 3) -> Path:
    """Write the small warehouse to `path` (a new file) and return the path."""
    rng = np.random.default_rng(seed)
    skills = _skills()
    by_type = {
        t: skills.filter(pl.col("type") == t).select("skill_id", "name").rows()
        for t in ("hard", "soft")
    }
    postings, mentions, extracted = [], [], []
    for i, month in enumerate(months()):
        years = month.year + (month.month - 1) / 12 - 2014
        p_soft = min(0.9, 0.25 + 0.08 * years)
        n_pm = 3 if month in THIN_MONTHS else 14
        for j in range(n_pm):
            pid = f"hn:{i:03d}{j:02d}"
            parts, found = [], []
            offset = 0
            for kind, p in (("hard", 0.8), ("soft", p_soft)):
                if rng.random() < p:
                    sid, name = by_type[kind][int(rng.integers(len(by_type[kind])))]
                    found.append((sid, offset, name))
                    parts.append(name)
                    offset += len(name) + 1
            text = " ".join(parts) or "no skills stated"
            postings.append(
                _posting(
                    pid,
                    month,
                    text,
                    True,
                    seniority=SENIORITIES[int(rng.integers(len(SENIORITIES)))],
                    remote=bool(rng.random() < 0.3),
                    multi_role=bool(rng.random() < 0.6),
                )
            )
            extracted.append(pid)
            for sid, start, name in found:
                mentions.append((pid, sid, start, start + len(name), name))
        for j in range(5):  # non-PM postings: counted in coverage only
            postings.append(
                _posting(f"hn:x{i:03d}{j}", month, "sql", False, seniority=None, multi_role=False)
            )
    postings.append(
        _posting(
            "hn:unextracted",
            date(2015, 1, 1),
            "communication",
            True,
            seniority="mid",
            remote=False,
            multi_role=False,
        )
    )
    types = dict(skills.select("skill_id", "type").iter_rows())
    cats = dict(skills.select("skill_id", "category").iter_rows())
    version = skills["taxonomy_version"][0]
    mention_frame = pl.DataFrame(
        mentions,
        schema={
            "posting_id": pl.String,
            "skill_id": pl.String,
            "start": pl.Int32,
            "end": pl.Int32,
            "matched_text": pl.String,
        },
        orient="row",
    ).with_columns(
        type=pl.col("skill_id").replace_strict(types),
        category=pl.col("skill_id").replace_strict(cats),
        taxonomy_version=pl.lit(version),
    )
    counts = mention_frame.group_by("posting_id").len("mentions")
    extractions = (
        pl.DataFrame({"posting_id": extracted})
        .join(counts, on="posting_id", how="left")
        .with_columns(
            content_hash=pl.format("h-{}", pl.col("posting_id")),
            taxonomy_version=pl.lit(version),
            mentions=pl.col("mentions").fill_null(0).cast(pl.Int32),
            extracted_at=pl.lit(T0),
        )
    )
    with db.connect(path) as wh:
        wh.insert("postings", pl.DataFrame(postings, infer_schema_length=None))
        wh.insert("skills", skills)
        wh.insert("skill_mentions", mention_frame)
        wh.insert("skill_extractions", extractions)
        if clusters and "skill_clusters" in wh.tables():
            _clusters(wh, skills, version)
    return path


def _clusters(wh: db.Warehouse, skills: pl.DataFrame, version: str) -> None:
    """Two clusters: the hard skills together, the soft skills together."""
    rows = skills.select("skill_id", "name", "type", "category").rows()
    wh.insert(
        "skill_clusters",
        pl.DataFrame(
            [
                {"cluster_id": 0, "label": "hard stuff", "type": "hard", "category": None},
                {"cluster_id": 1, "label": "soft stuff", "type": "soft", "category": None},
            ]
        ).with_columns(
            type_source=pl.lit("taxonomy"),
            size=pl.lit(3),
            mentions=pl.lit(100),
            model_version=pl.lit(version),
            category=pl.col("category").cast(pl.String),
        ),
    )
    wh.insert(
        "skill_cluster_members",
        pl.DataFrame(
            [
                {
                    "cluster_id": 0 if kind == "hard" else 1,
                    "surface_form": name.lower(),
                    "skill_id": sid,
                    "mentions": 10,
                    "model_version": version,
                }
                for sid, name, kind, _ in rows
            ]
        ),
    )
