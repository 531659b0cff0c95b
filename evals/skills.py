"""Score the headline skill categories per posting against the gold dev labels.

    python -m evals.skills [--gold DIR] [--show-errors]

Prints posting x category micro precision/recall/F1, per-category figures, wrong categories
per posting, and the same for a baseline of twelve keyword regexes (one per category).
Gold: `skills_dev_posts.json` + `skills_dev_labels.jsonl` in DIR (default: the shared data).
"""

from __future__ import annotations

import argparse
import json
import re
import sys
from pathlib import Path

import polars as pl

from transforms.skills import HEADLINE_CATEGORIES, Taxonomy, posting_categories, skill_mentions
from transforms.text import html_to_text

DEFAULT_GOLD = Path(__file__).resolve().parents[1].parent / "shared" / "data" / "gold"

# One keyword regex per category: the naive reference the extractor must beat.
BASELINE = {
    "data_analysis": r"\b(?:data|analytics?|analysis|metrics?|kpis?|sql|excel|dashboards?)\b",
    "market_research": r"\b(?:market research|user research|customer research|competitive|"
    r"customer discovery|interviews?)\b",
    "roadmap_prioritization": r"\b(?:roadmaps?|prioriti[sz]\w*|backlog|strategy|vision|"
    r"requirements|specs?|okrs?)\b",
    "ux_ui_design": r"\b(?:ux|ui|user experience|design|wireframes?|prototypes?|mock-?ups?|"
    r"figma|sketch|usability)\b",
    "technical_knowledge": r"\b(?:technical|engineering|apis?|architecture|cloud|"
    r"programming|coding|machine learning|ai|ml|python|java)\b",
    "agile": r"\b(?:agile|scrum|kanban|sprints?|jira|lean|iterative)\b",
    "ab_testing": r"\b(?:a/b|ab test\w*|split test\w*|experiment\w*|hypothes\w*)\b",
    "interpersonal": r"\b(?:team\w*|collaborat\w*|cross-functional|relationships?|"
    r"stakeholders?|mentor\w*|leadership)\b",
    "communication_storytelling": r"\b(?:communicat\w*|present\w*|storytelling|written|verbal|"
    r"articulate|evangeli\w*)\b",
    "creative_thinking": r"\b(?:creativ\w*|innovat\w*|ideas?|curious|curiosity|ideation)\b",
    "empathy": r"\b(?:empath\w*|customer[- ]obsess\w*|user[- ]centric|customer[- ]focused|"
    r"user needs|customer needs)\b",
    "influence_without_authority": r"\b(?:influenc\w*|persua\w*|negotiat\w*|consensus|"
    r"alignment|buy-in)\b",
}


def read_gold(gold_dir: Path) -> tuple[pl.DataFrame, dict[str, set[str]]]:
    """(posts: posting_id, text; labels: id -> set of categories)."""
    posts = json.loads((gold_dir / "skills_dev_posts.json").read_text(encoding="utf-8"))
    labels = {}
    for line in (gold_dir / "skills_dev_labels.jsonl").read_text(encoding="utf-8").splitlines():
        if line.strip():
            row = json.loads(line)
            labels[str(row["id"])] = set(row["categories"])
    frame = pl.DataFrame(
        {"posting_id": [str(p["id"]) for p in posts], "html": [p["text"] for p in posts]}
    ).with_columns(description_text=html_to_text(pl.col("html")))
    return frame, labels


def predict(posts: pl.DataFrame, taxonomy: Taxonomy) -> dict[str, set[str]]:
    cats = posting_categories(skill_mentions(posts, taxonomy))
    found = {pid: set(c) for pid, c in cats.iter_rows()}
    return {pid: found.get(pid, set()) for pid in posts["posting_id"]}


def predict_baseline(posts: pl.DataFrame) -> dict[str, set[str]]:
    compiled = {c: re.compile(p, re.IGNORECASE) for c, p in BASELINE.items()}
    return {
        pid: {c for c, rx in compiled.items() if rx.search(text)}
        for pid, text in posts.select("posting_id", "description_text").iter_rows()
    }


def scores(pred: dict[str, set[str]], gold: dict[str, set[str]]) -> dict:
    """Micro P/R/F1 over posting x category, per category, wrong categories per posting."""
    per = {c: {"tp": 0, "fp": 0, "fn": 0} for c in HEADLINE_CATEGORIES}
    for pid, truth in gold.items():
        got = pred.get(pid, set())
        for c in HEADLINE_CATEGORIES:
            if c in got:
                per[c]["tp" if c in truth else "fp"] += 1
            elif c in truth:
                per[c]["fn"] += 1
    tp = sum(v["tp"] for v in per.values())
    fp = sum(v["fp"] for v in per.values())
    fn = sum(v["fn"] for v in per.values())
    return {
        "micro": _prf(tp, fp, fn),
        "per_category": {c: _prf(**v) for c, v in per.items()},
        "wrong_per_posting": fp / max(len(gold), 1),
        "postings": len(gold),
    }


def _prf(tp: int, fp: int, fn: int) -> dict:
    p = tp / (tp + fp) if tp + fp else 0.0
    r = tp / (tp + fn) if tp + fn else 0.0
    f = 2 * p * r / (p + r) if p + r else 0.0
    return {"precision": p, "recall": r, "f1": f, "tp": tp, "fp": fp, "fn": fn}


def report(name: str, s: dict) -> str:
    m = s["micro"]
    lines = [
        f"{name}: micro P {m['precision']:.3f}  R {m['recall']:.3f}  F1 {m['f1']:.3f}  "
        f"(tp {m['tp']}, fp {m['fp']}, fn {m['fn']}; {s['postings']} postings; "
        f"wrong categories per posting {s['wrong_per_posting']:.2f})",
        f"  {'category':30s} {'P':>6s} {'R':>6s} {'F1':>6s} {'tp':>4s} {'fp':>4s} {'fn':>4s}",
    ]
    for c, v in s["per_category"].items():
        lines.append(
            f"  {c:30s} {v['precision']:6.3f} {v['recall']:6.3f} {v['f1']:6.3f} "
            f"{v['tp']:4d} {v['fp']:4d} {v['fn']:4d}"
        )
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    from warehouse.seeds import load_taxonomy

    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--gold", type=Path, default=DEFAULT_GOLD, help="folder with the dev set")
    ap.add_argument("--taxonomy", type=Path, default=None, help="taxonomy folder (default: seeds)")
    ap.add_argument("--show-errors", action="store_true", help="list wrong and missed categories")
    args = ap.parse_args(argv)
    if not (args.gold / "skills_dev_labels.jsonl").exists():
        print(f"no gold labels in {args.gold}", file=sys.stderr)
        return 2
    taxonomy = load_taxonomy(args.taxonomy)
    posts, gold = read_gold(args.gold)
    pred = predict(posts, taxonomy)
    print(f"taxonomy {taxonomy.version}")
    print(report("extractor", scores(pred, gold)))
    print(report("baseline (12 keyword regexes)", scores(predict_baseline(posts), gold)))
    if args.show_errors:
        mentions = skill_mentions(posts, taxonomy)
        for pid in posts["posting_id"]:
            fp = pred[pid] - gold.get(pid, set())
            fn = gold.get(pid, set()) - pred[pid]
            if fp or fn:
                print(f"{pid}: wrong {sorted(fp)} missed {sorted(fn)}")
                for row in mentions.filter(
                    (pl.col("posting_id") == pid) & pl.col("category").is_in(list(fp))
                ).iter_rows(named=True):
                    print(f"    fp {row['category']}: {row['matched_text']!r} @{row['start']}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
