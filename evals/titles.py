"""Title and whole-post PM classification figures on the gold dev sets.

    .venv/bin/python -m evals.titles [--gold ../shared/data/gold]

Titles (titles_dev.json + titles_dev_labels.jsonl): PM-role precision/recall (pm and
product_owner against not_pm), role accuracy, seniority accuracy on rows whose gold role is
pm/product_owner, and every miss. Posts (pm_posts_dev.json + pm_posts_dev_labels.jsonl):
is_pm precision/recall, multi_role accuracy, pm_titles match rate (a gold title counts as
matched when a predicted title contains it or is contained in it, case-insensitive), and
every miss.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from transforms.titles import classify_post, classify_title

DEFAULT_GOLD = Path(__file__).resolve().parents[1].parent / "shared" / "data" / "gold"


def _ratio(num: int, den: int) -> float:
    return num / den if den else float("nan")


def _jsonl(path: Path) -> list[dict]:
    return [json.loads(line) for line in path.read_text().splitlines() if line.strip()]


def title_figures(gold: Path) -> dict:
    labels = _jsonl(gold / "titles_dev_labels.jsonl")
    tp = fp = fn = role_ok = sen_ok = sen_n = 0
    misses = []
    for row in labels:
        role, seniority = classify_title(row["title"])
        gold_pm, got_pm = row["role"] != "not_pm", role != "not_pm"
        tp += gold_pm and got_pm
        fp += got_pm and not gold_pm
        fn += gold_pm and not got_pm
        role_ok += role == row["role"]
        if gold_pm:
            sen_n += 1
            sen_ok += seniority == row["seniority"]
        if role != row["role"] or (gold_pm and seniority != row["seniority"]):
            misses.append((row["title"], (row["role"], row["seniority"]), (role, seniority)))
    return {
        "n": len(labels),
        "pm_precision": _ratio(tp, tp + fp),
        "pm_recall": _ratio(tp, tp + fn),
        "role_accuracy": _ratio(role_ok, len(labels)),
        "seniority_accuracy": _ratio(sen_ok, sen_n),
        "misses": misses,
    }


def _title_matched(gold_title: str, predicted: list[str]) -> bool:
    g = gold_title.lower().strip()
    return any(g in p.lower() or p.lower().strip() in g for p in predicted if p.strip())


def post_figures(gold: Path) -> dict:
    posts = {p["id"]: p for p in json.loads((gold / "pm_posts_dev.json").read_text())}
    labels = _jsonl(gold / "pm_posts_dev_labels.jsonl")
    tp = fp = fn = multi_ok = matched = gold_titles = 0
    misses = []
    for row in labels:
        got = classify_post(posts[row["id"]]["text"])
        gold_pm = row["has_pm_role"]
        tp += gold_pm and got["is_pm"]
        fp += got["is_pm"] and not gold_pm
        fn += gold_pm and not got["is_pm"]
        multi_ok += got["multi_role"] == row["multi_role"]
        for title in row["pm_titles"]:
            gold_titles += 1
            matched += _title_matched(title, got["pm_titles"])
        if got["is_pm"] != gold_pm or got["multi_role"] != row["multi_role"]:
            misses.append(
                (
                    row["id"],
                    (gold_pm, row["pm_titles"], row["multi_role"]),
                    (got["is_pm"], got["pm_titles"], got["multi_role"]),
                )
            )
    return {
        "n": len(labels),
        "is_pm_precision": _ratio(tp, tp + fp),
        "is_pm_recall": _ratio(tp, tp + fn),
        "multi_role_accuracy": _ratio(multi_ok, len(labels)),
        "pm_titles_match_rate": _ratio(matched, gold_titles),
        "misses": misses,
    }


def report(gold: Path) -> str:
    t = title_figures(gold)
    p = post_figures(gold)
    lines = [
        f"titles ({t['n']} rows, {gold / 'titles_dev_labels.jsonl'})",
        f"  PM-role precision   {t['pm_precision']:.3f}",
        f"  PM-role recall      {t['pm_recall']:.3f}",
        f"  role accuracy       {t['role_accuracy']:.3f}",
        f"  seniority accuracy  {t['seniority_accuracy']:.3f}  (gold pm/product_owner rows)",
        f"  misses ({len(t['misses'])}): title | gold (role, seniority) | got",
        *[f"    {title!r} | {g} | {o}" for title, g, o in t["misses"]],
        f"posts ({p['n']} rows, {gold / 'pm_posts_dev_labels.jsonl'})",
        f"  is_pm precision       {p['is_pm_precision']:.3f}",
        f"  is_pm recall          {p['is_pm_recall']:.3f}",
        f"  multi_role accuracy   {p['multi_role_accuracy']:.3f}",
        f"  pm_titles match rate  {p['pm_titles_match_rate']:.3f}",
        f"  misses ({len(p['misses'])}): id | gold (is_pm, titles, multi) | got",
        *[f"    {pid} | {g} | {o}" for pid, g, o in p["misses"]],
    ]
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--gold", type=Path, default=DEFAULT_GOLD, help="gold folder")
    args = parser.parse_args(argv)
    if not (args.gold / "titles_dev_labels.jsonl").exists():
        print(f"no gold dev sets in {args.gold} (pass --gold DIR)", file=sys.stderr)
        return 2
    print(report(args.gold))
    return 0


if __name__ == "__main__":
    sys.exit(main())
