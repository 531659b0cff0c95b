"""`pmpulse clusters [--seed N]`: rebuild the skill clusters and print their quality."""

from __future__ import annotations

import argparse
from pathlib import Path

from flows.progress import say
from flows.settings import db_path

NAME = "clusters"
HELP = (
    "rebuild the skill clusters (synonym sets of taxonomy forms and new candidate phrases, "
    "typed hard/soft) and the emerging-skills table; print stability, synonym recall, "
    "typed share and the emerging skills"
)


def configure(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--seed", type=int, default=None, metavar="N",
                        help="random_state (default: $PMPULSE_RANDOM_STATE or 42)")  # fmt: skip
    parser.add_argument("--synonyms", type=Path, default=None, metavar="CSV",
                        help="synonym groups (group, surface_form) to score recall on; "
                        "default: the shipped warehouse/seeds/synonym_groups.csv")  # fmt: skip


def summary_lines(summary: dict) -> list[str]:
    """The closing summary of a clusters run, in plain lines."""
    q = summary.get("quality", {})
    syn = q.get("synonyms", {})
    typed = q.get("typed_share", {})
    dis = q.get("type_disagreement", {})
    noise = q.get("noise", {})
    clf = q.get("type_classifier", {})
    lines = [
        f"model:              {summary.get('model_version')} (seed {summary.get('random_state')})",
        f"clusters:           {q.get('clusters', 0):,} over {q.get('members', 0):,} surface "
        f"forms ({q.get('candidate_members', 0):,} outside the taxonomy)",
        f"candidates:         {noise.get('mentions', 0):,} mentions in requirement contexts, "
        f"{noise.get('rate', 0):.1%} dropped as noise {noise.get('by_reason', {})}",
        f"stability (ARI):    {q.get('ari_seed')} vs another seed, {q.get('ari_bootstrap')} "
        f"vs bootstrap resamples of postings (mean; range {q.get('ari_bootstrap_range')}; "
        "target >= 0.8)",
        f"synonym recall:     {syn.get('recall')} over {syn.get('pairs', 0)} pairs in "
        f"{syn.get('groups', 0)} groups (target >= 0.9); pairs kept apart across groups: "
        f"{syn.get('precision')}; groups split: {', '.join(syn.get('split', [])) or 'none'}",
        f"over-merging:       {q.get('multi_skill_clusters', 0)} clusters hold two or more "
        "taxonomy skills",
        f"typed share:        {typed.get('taxonomy', 0):.1%} of mentions in clusters typed by "
        f"the taxonomy, {typed.get('classifier', 0):.1%} typed by the classifier",
        f"type disagreement:  {dis.get('members', 0):.2%} of taxonomy members "
        f"({dis.get('mentions', 0):.2%} of their mentions) differ from their cluster's type",
        f"type classifier:    {clf.get('accuracy')} accuracy on taxonomy skills held out "
        f"(grouped 5-fold; always the majority type: {clf.get('majority')})",
        f"took:               {summary.get('seconds')} s (build {summary.get('seconds_build')} s)",
        "emerging skills (outside the taxonomy, share of postings growing, q < 0.05):",
    ]
    emerging = summary.get("emerging", [])
    if not emerging:
        lines.append("  none")
    for population in ("pm", "all"):
        rows = [r for r in emerging if r["population"] == population]
        if not rows:
            continue
        lines.append(f"  among {'PM postings' if population == 'pm' else 'all postings'}:")
        lines.append(f"    {'label':<28} {'first seen':<10} {'postings':>8} {'before':>7} "
                     f"{'recent':>7} {'growth':>7} {'q':>8}")  # fmt: skip
        for r in rows:
            growth = f"{r['growth']:.1f}x" if r["growth"] is not None else "new"
            lines.append(
                f"    {r['label'][:28]:<28} {str(r['first_month'])[:7]:<10} {r['postings']:>8} "
                f"{r['share_before']:>7.2%} {r['share_recent']:>7.2%} {growth:>7} "
                f"{r['q_value']:>8.1e}"
            )
    return lines


def run(args: argparse.Namespace) -> int:
    from flows.clusters import build_clusters

    path = db_path(args.db)
    summary = build_clusters(
        db_path=str(path),
        random_state=args.seed,
        synonym_groups=str(args.synonyms) if args.synonyms else None,
    )
    say("\n".join(summary_lines(summary)))
    return 0
