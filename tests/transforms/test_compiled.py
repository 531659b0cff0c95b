"""The compiled skill extractor (setup.py builds `transforms/skills.py` with mypyc): in use
where it can be, the same mentions as its source, and never run after its source changed."""

import gzip
import importlib.util
import json
import os
import pickle
import random
import shutil
import subprocess
import sys
from importlib.machinery import EXTENSION_SUFFIXES
from pathlib import Path

import polars as pl
import pytest

import transforms
import transforms.skills as skills
from transforms.text import html_to_text
from warehouse.seeds import load_taxonomy

COMPILED = Path(skills.__file__).suffix != ".py"
needs_compiled = pytest.mark.skipif(not COMPILED, reason="transforms.skills runs as Python here")


@pytest.fixture(scope="module")
def source():
    """`transforms/skills.py` run as plain Python, beside the compiled module."""
    spec = importlib.util.spec_from_file_location("pmpulse_skills_source", transforms.SKILLS_SOURCE)
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # (dataclasses look their module up)
    spec.loader.exec_module(module)
    yield module
    del sys.modules[spec.name]


def test_the_extractor_runs_compiled_where_it_can_be():
    if os.environ.get("PMPULSE_PURE_PYTHON") == "1":
        pytest.skip("PMPULSE_PURE_PYTHON=1 asks for the Python extractor")
    if not (shutil.which("cc") or shutil.which("gcc")):
        pytest.skip("no C compiler here: the extractor runs as Python (same results, slower)")
    assert any(skills.__file__.endswith(suffix) for suffix in EXTENSION_SUFFIXES), (
        f"transforms.skills was loaded from {skills.__file__}, not from its compiled copy: "
        "`uv sync --reinstall-package pmpulse` prints why setup.py did not build it"
    )


def _archive_sample(shared_data: Path, every: int) -> list[str]:
    raw: list[str] = []
    for path in sorted((shared_data / "hn" / "2013-2018").glob("*.json.gz")):
        with gzip.open(path, "rt", encoding="utf-8") as f:
            raw.extend(r.get("full_html") or "" for r in json.load(f)[::every])
    for path in sorted((shared_data / "hn" / "2026").glob("*.json.gz"))[:1]:
        with gzip.open(path, "rt", encoding="utf-8") as f:
            raw.extend(job.get("text") or "" for job in json.load(f).get("jobs", []))
    return pl.Series("t", raw).to_frame().select(html_to_text(pl.col("t")))["t"].to_list()


@needs_compiled
def test_compiled_and_source_find_the_same_mentions(shared_data, source):
    taxonomy = load_taxonomy()
    twin = source.Taxonomy(
        skills=taxonomy.skills, aliases=taxonomy.aliases, version=taxonomy.version
    )
    compiled, plain = taxonomy.matcher(), twin.matcher()
    dev = json.loads((shared_data / "gold" / "skills_dev_posts.json").read_text())
    texts = [post["text"] for post in dev] + _archive_sample(shared_data, every=8)
    # and texts no post has: lines of two posts spliced, some shuffled
    rng = random.Random(3)
    lines = [t.split("\n") for t in texts if t]
    for _ in range(1500):
        a, b = rng.sample(lines, 2)
        mixed = a[: rng.randrange(len(a) + 1)] + b[rng.randrange(len(b)) :]
        if rng.random() < 0.3:
            rng.shuffle(mixed)
        texts.append("\n".join(mixed))
    found = 0
    for text in texts:
        expected = [tuple(m) for m in source.find_mentions(text or "", plain)]
        assert [tuple(m) for m in skills.find_mentions(text or "", compiled)] == expected, text
        found += len(expected)
    assert found > 10_000  # (the sample does exercise the rules)
    frame = pl.DataFrame({"posting_id": [str(i) for i in range(len(texts))], "t": texts})
    assert skills.skill_mentions(frame, taxonomy, "t").equals(
        source.skill_mentions(frame, twin, "t")
    )


@needs_compiled
def test_an_edited_source_runs_instead_of_its_stale_compiled_copy(tmp_path):
    package = tmp_path / "transforms"
    shutil.copytree(Path(transforms.__file__).parent, package)
    probe = [sys.executable, "-c", "import transforms.skills as s; print(s.__file__)"]
    env = {**os.environ, "PYTHONPATH": str(tmp_path)}

    fresh = subprocess.run(probe, cwd=tmp_path, env=env, capture_output=True, text=True)
    assert fresh.returncode == 0, fresh.stderr
    assert Path(fresh.stdout.strip()).parent == package
    assert Path(fresh.stdout.strip()).suffix != ".py" and "changed" not in fresh.stderr

    with (package / "skills.py").open("a") as f:
        f.write("\nEDITED = True\n")
    probe[-1] += "; print(s.EDITED)"
    edited = subprocess.run(probe, cwd=tmp_path, env=env, capture_output=True, text=True)
    assert edited.returncode == 0, edited.stderr
    assert edited.stdout.split() == [str(package / "skills.py"), "True"]
    assert "transforms/skills.py changed since it was compiled" in edited.stderr


def test_a_taxonomy_survives_pickling():
    # (Prefect and Dask pickle task arguments; a compiled frozen class needs its __reduce__)
    taxonomy = load_taxonomy()
    text = "Acme | Product Manager | NYC\nYou run A/B tests and write SQL with engineers."
    restored = pickle.loads(pickle.dumps(taxonomy))
    assert restored.version == taxonomy.version
    assert restored.skills.equals(taxonomy.skills) and restored.aliases.equals(taxonomy.aliases)
    found = skills.find_mentions(text, restored.matcher())
    assert found == skills.find_mentions(text, taxonomy.matcher()) and found
