"""Pure polars (and scikit-learn) transforms: frames in, frames out. No I/O here.

One exception, at import: `skills.py` may sit beside a compiled copy of itself (setup.py
builds it with mypyc where a C compiler exists). Python would load that extension even after
`skills.py` is edited, so when the digest recorded at build time no longer matches the
source, the source is loaded instead, with a warning: an edit always takes effect.
"""

from __future__ import annotations

import hashlib
import importlib.util
import sys
import warnings
from importlib.machinery import EXTENSION_SUFFIXES
from pathlib import Path

SKILLS_SOURCE = Path(__file__).with_name("skills.py")
SKILLS_DIGEST = Path(__file__).with_name("skills.build-sha256")


def _compiled_skills_is_stale() -> bool:
    """A compiled `skills` extension exists and was built from another `skills.py`."""
    here = SKILLS_SOURCE.parent
    if not any((here / f"skills{suffix}").exists() for suffix in EXTENSION_SUFFIXES):
        return False
    if not SKILLS_SOURCE.exists():  # (an install that ships only the extension)
        return False
    digest = hashlib.sha256(SKILLS_SOURCE.read_bytes()).hexdigest()
    return not SKILLS_DIGEST.exists() or SKILLS_DIGEST.read_text().strip() != digest


if _compiled_skills_is_stale() and f"{__name__}.skills" not in sys.modules:
    warnings.warn(
        "transforms/skills.py changed since it was compiled: running it as plain Python "
        "(slower) until it is rebuilt (`make setup`, or `uv sync --reinstall-package pmpulse`)",
        stacklevel=2,
    )
    _spec = importlib.util.spec_from_file_location(f"{__name__}.skills", SKILLS_SOURCE)
    assert _spec is not None and _spec.loader is not None
    skills = importlib.util.module_from_spec(_spec)
    sys.modules[_spec.name] = skills
    _spec.loader.exec_module(skills)
