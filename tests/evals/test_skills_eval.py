"""evals/skills.py runs on the gold dev set and beats the keyword baseline."""

import importlib.util
import subprocess
import sys
from pathlib import Path

import pytest

from warehouse.seeds import load_taxonomy

SCRIPT = Path(__file__).resolve().parents[2] / "evals" / "skills.py"


@pytest.fixture(scope="module")
def ev():
    spec = importlib.util.spec_from_file_location("evals_skills", SCRIPT)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_eval_prints_scores(shared_data):
    done = subprocess.run(
        [sys.executable, str(SCRIPT), "--gold", str(shared_data / "gold")],
        capture_output=True, text=True, timeout=300,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    assert "extractor: micro P" in done.stdout
    assert "baseline (12 keyword regexes): micro P" in done.stdout
    for category in ("data_analysis", "influence_without_authority"):
        assert category in done.stdout


def test_extractor_beats_baseline(ev, shared_data):
    posts, gold = ev.read_gold(shared_data / "gold")
    ours = ev.scores(ev.predict(posts, load_taxonomy()), gold)["micro"]
    base = ev.scores(ev.predict_baseline(posts), gold)["micro"]
    assert ours["f1"] > base["f1"]
    assert ours["precision"] > base["precision"]


def test_scores_arithmetic(ev):
    gold = {"a": {"agile", "empathy"}, "b": set()}
    pred = {"a": {"agile"}, "b": {"ux_ui_design"}}
    s = ev.scores(pred, gold)
    assert (s["micro"]["tp"], s["micro"]["fp"], s["micro"]["fn"]) == (1, 1, 1)
    assert s["micro"]["precision"] == 0.5
    assert s["wrong_per_posting"] == 0.5
