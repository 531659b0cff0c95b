"""Pure polars (and scikit-learn) transforms: frames in, frames out. No I/O here.

One exception, at import: `skills.py` and `titles.py` may sit beside compiled copies of
themselves (setup.py builds them with mypyc where a C compiler exists). Python would load
such an extension even after its `.py` is edited, so when the digest recorded at build time
no longer matches the source, the source is loaded instead, with a warning: an edit always
takes effect.
"""

from __future__ import annotations

import hashlib
import importlib.util
import sys
import warnings
from importlib.machinery import EXTENSION_SUFFIXES
from pathlib import Path

HERE = Path(__file__).parent
COMPILED = ("skills", "titles")  # the modules setup.py compiles
SKILLS_SOURCE = HERE / "skills.py"


def _has_extension(name: str) -> bool:
    return any((HERE / f"{name}{suffix}").exists() for suffix in EXTENSION_SUFFIXES)


def _is_stale(name: str) -> bool:
    """A compiled `name` extension exists and was built from another `name.py`."""
    source, recorded = HERE / f"{name}.py", HERE / f"{name}.build-sha256"
    if not _has_extension(name) or not source.exists():  # (or an install without sources)
        return False
    digest = hashlib.sha256(source.read_bytes()).hexdigest()
    return not recorded.exists() or recorded.read_text().strip() != digest


def _load_source(name: str) -> None:
    warnings.warn(
        f"transforms/{name}.py changed since it was compiled: running it as plain Python "
        "(slower) until it is rebuilt (`make setup`, or `uv sync --reinstall-package pmpulse`)",
        stacklevel=3,
    )
    spec = importlib.util.spec_from_file_location(f"{__name__}.{name}", HERE / f"{name}.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module
    spec.loader.exec_module(module)
    globals()[name] = module


def compiled_modules() -> list[str]:
    """The modules of COMPILED that run compiled here (the rest run as Python)."""
    modules = [importlib.import_module(f"{__name__}.{name}") for name in COMPILED]
    return [m.__name__.rpartition(".")[2] for m in modules if not m.__file__.endswith(".py")]


for _name in COMPILED:
    if f"{__name__}.{_name}" not in sys.modules and _is_stale(_name):
        _load_source(_name)
