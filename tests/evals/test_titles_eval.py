"""evals/titles.py prints the title and post figures for the gold dev sets (run as `make evals`)."""

import re
import subprocess
import sys
from pathlib import Path

SCRIPT = Path(__file__).resolve().parents[2] / "evals" / "titles.py"


def _run(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, str(SCRIPT), *args], capture_output=True, text=True, timeout=300
    )


def test_titles_eval_prints_figures(shared_data):
    done = _run("--gold", str(shared_data / "gold"))
    assert done.returncode == 0, done.stderr
    figures = {
        name: float(value)
        for name, value in re.findall(r"^\s+([a-zA-Z_ -]+?)\s{2,}(\d\.\d{3})", done.stdout, re.M)
    }
    for name in (
        "PM-role precision",
        "PM-role recall",
        "role accuracy",
        "seniority accuracy",
        "is_pm precision",
        "is_pm recall",
        "multi_role accuracy",
        "pm_titles match rate",
    ):
        assert name in figures, f"{name} not printed"
    # sanity floors, far below the targets: the classifier works at all on the dev rows
    assert figures["PM-role precision"] >= 0.9
    assert figures["is_pm precision"] >= 0.8
    assert "misses" in done.stdout


def test_titles_eval_without_gold(tmp_path):
    done = _run("--gold", str(tmp_path))
    assert done.returncode == 2
    assert "no gold dev sets" in done.stderr
