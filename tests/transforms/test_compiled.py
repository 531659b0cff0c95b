"""The compiled transforms (setup.py builds `transforms/skills.py` and `titles.py` with mypyc):
in use where they can be, the same results as their sources, and never run after their
source changed."""

import gzip
import importlib
import importlib.util
import json
import os
import pickle
import random
import re
import shutil
import subprocess
import sys
from pathlib import Path

import polars as pl
import pytest

import transforms
import transforms.skills as skills
import transforms.titles as titles
from transforms.text import html_to_text
from warehouse.seeds import load_taxonomy

RUNS_COMPILED = transforms.compiled_modules()


def needs_compiled(name: str):
    return pytest.mark.skipif(
        name not in RUNS_COMPILED, reason=f"transforms.{name} runs as Python here"
    )


def source_of(name: str):
    """`transforms/<name>.py` run as plain Python, beside the compiled module."""
    spec = importlib.util.spec_from_file_location(
        f"pmpulse_{name}_source", transforms.HERE / f"{name}.py"
    )
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # (dataclasses look their module up)
    spec.loader.exec_module(module)
    return module


@pytest.fixture(scope="module")
def texts(shared_data) -> list[str]:
    """Dev posts, every 8th archive post, one 2026 collection run, and 1,500 texts no post
    has: lines of two posts spliced, some shuffled."""
    raw: list[str] = []
    for path in sorted((shared_data / "hn" / "2013-2018").glob("*.json.gz")):
        with gzip.open(path, "rt", encoding="utf-8") as f:
            raw.extend(r.get("full_html") or "" for r in json.load(f)[::8])
    for path in sorted((shared_data / "hn" / "2026").glob("*.json.gz"))[:1]:
        with gzip.open(path, "rt", encoding="utf-8") as f:
            raw.extend(job.get("text") or "" for job in json.load(f).get("jobs", []))
    clean = pl.Series("t", raw).to_frame().select(html_to_text(pl.col("t")))["t"].to_list()
    dev = json.loads((shared_data / "gold" / "skills_dev_posts.json").read_text())
    out = [post["text"] for post in dev] + clean
    rng = random.Random(3)
    lines = [t.split("\n") for t in out if t]
    for _ in range(1500):
        a, b = rng.sample(lines, 2)
        mixed = a[: rng.randrange(len(a) + 1)] + b[rng.randrange(len(b)) :]
        if rng.random() < 0.3:
            rng.shuffle(mixed)
        out.append("\n".join(mixed))
    return out


def test_the_transforms_run_compiled_where_they_can_be():
    if os.environ.get("PMPULSE_PURE_PYTHON") == "1":
        pytest.skip("PMPULSE_PURE_PYTHON=1 asks for the Python transforms")
    if not (shutil.which("cc") or shutil.which("gcc")):
        pytest.skip("no C compiler here: the transforms run as Python (same results, slower)")
    assert list(transforms.COMPILED) == RUNS_COMPILED, (
        f"only {RUNS_COMPILED} of {transforms.COMPILED} run compiled: "
        "`uv sync --reinstall-package pmpulse` prints why setup.py did not build the others"
    )


def test_the_build_and_the_staleness_check_list_the_same_modules():
    # setup.py cannot import the package (polars is not in its build environment)
    setup = (transforms.HERE.parent / "setup.py").read_text()
    listed = re.search(r"^COMPILED = \((.*?)\)$", setup, re.MULTILINE | re.DOTALL)
    assert listed, "setup.py no longer defines COMPILED"
    paths = re.findall(r'"transforms/(\w+)\.py"', listed.group(1))
    assert tuple(paths) == transforms.COMPILED


@needs_compiled("skills")
def test_compiled_and_source_extractors_find_the_same_mentions(texts):
    source = source_of("skills")
    taxonomy = load_taxonomy()
    twin = source.Taxonomy(
        skills=taxonomy.skills, aliases=taxonomy.aliases, version=taxonomy.version
    )
    compiled, plain = taxonomy.matcher(), twin.matcher()
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


@needs_compiled("titles")
def test_compiled_and_source_classifiers_agree(texts, shared_data):
    source = source_of("titles")
    posts = [*texts, None, ""]
    assert [titles.classify_post(t) for t in posts] == [source.classify_post(t) for t in posts]
    names = json.loads((shared_data / "gold" / "titles_dev.json").read_text())
    names += [t.split("\n", 1)[0][:80] for t in texts[:3000]] + [None, ""]
    assert [titles.classify_title(t) for t in names] == [source.classify_title(t) for t in names]
    frame = pl.LazyFrame({"title": names, "description_text": [*texts[: len(names)]]})
    assert (
        titles.post_roles(titles.title_roles(frame))
        .collect()
        .equals(source.post_roles(source.title_roles(frame)).collect())
    )


@pytest.mark.parametrize("name", transforms.COMPILED)
def test_an_edited_source_runs_instead_of_its_stale_compiled_copy(tmp_path, name):
    if name not in RUNS_COMPILED:
        pytest.skip(f"transforms.{name} runs as Python here")
    package = tmp_path / "transforms"
    shutil.copytree(transforms.HERE, package)
    probe = [sys.executable, "-c", f"import transforms.{name} as m; print(m.__file__)"]
    env = {**os.environ, "PYTHONPATH": str(tmp_path)}

    fresh = subprocess.run(probe, cwd=tmp_path, env=env, capture_output=True, text=True)
    assert fresh.returncode == 0, fresh.stderr
    assert Path(fresh.stdout.strip()).parent == package
    assert Path(fresh.stdout.strip()).suffix != ".py" and "changed" not in fresh.stderr

    with (package / f"{name}.py").open("a") as f:
        f.write("\nEDITED = True\n")
    probe[-1] += "; print(m.EDITED)"
    edited = subprocess.run(probe, cwd=tmp_path, env=env, capture_output=True, text=True)
    assert edited.returncode == 0, edited.stderr
    assert edited.stdout.split() == [str(package / f"{name}.py"), "True"]
    assert f"transforms/{name}.py changed since it was compiled" in edited.stderr


def test_a_taxonomy_survives_pickling():
    # (Prefect and Dask pickle task arguments; a compiled frozen class needs its __reduce__)
    taxonomy = load_taxonomy()
    text = "Acme | Product Manager | NYC\nYou run A/B tests and write SQL with engineers."
    restored = pickle.loads(pickle.dumps(taxonomy))
    assert restored.version == taxonomy.version
    assert restored.skills.equals(taxonomy.skills) and restored.aliases.equals(taxonomy.aliases)
    found = skills.find_mentions(text, restored.matcher())
    assert found == skills.find_mentions(text, taxonomy.matcher()) and found
