"""Build hook: compile the skill extractor (`transforms/skills.py`) to a C extension with mypyc.

The extractor's context rules are plain Python and run once per skill hit, millions of times
on a large corpus; compiled, the same code runs about 25% faster (`bench/extract.py` prints
which form it measured). Everything else in `pyproject.toml` is static metadata.

The compiled module is an optional speed-up, never a different program:
- `transforms/skills.py` stays the source of truth and ships beside the extension;
- without a C compiler (or with PMPULSE_PURE_PYTHON=1) the build skips the extension and
  pmpulse runs the same rules as Python, with the same results, more slowly;
- a digest of the source is written beside the extension (`skills.build-sha256`), and
  `transforms/__init__.py` runs the source instead of an extension built from an older edit.
"""

from __future__ import annotations

import hashlib
import os
import sys
from pathlib import Path

from setuptools import setup
from setuptools.command.build_ext import build_ext

COMPILED = "transforms/skills.py"
DIGEST_NAME = "skills.build-sha256"


def _warn(message: str) -> None:
    print(f"pmpulse build: {message}", file=sys.stderr)


class OptionalBuildExt(build_ext):
    """build_ext that falls back to pure Python when the extension cannot be built, and
    records the digest of the source the extension came from beside it."""

    built = False

    def run(self) -> None:
        try:
            super().run()  # builds into build_lib, then copies in place for editable installs
        except Exception as exc:  # no compiler, missing headers: the source still runs
            _warn(f"not compiling {COMPILED} ({exc}); it will run as plain Python")
            return
        if not self.built:
            return
        digest = hashlib.sha256(Path(COMPILED).read_bytes()).hexdigest() + "\n"
        targets = [Path(self.build_lib) / "transforms" / DIGEST_NAME]
        if self.inplace:
            targets.append(Path(COMPILED).with_name(DIGEST_NAME))
        for target in targets:
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_text(digest)

    def build_extension(self, ext) -> None:
        try:
            super().build_extension(ext)
        except Exception as exc:
            _warn(f"not compiling {ext.name} ({exc}); it will run as plain Python")
            return
        if ext.name == "transforms.skills":
            self.built = True


def _extensions() -> list:
    if os.environ.get("PMPULSE_PURE_PYTHON") == "1":
        _warn("PMPULSE_PURE_PYTHON=1: the skill extractor runs as plain Python")
        return []
    try:
        from mypyc.build import mypycify
    except ImportError as exc:
        _warn(f"mypyc is not available ({exc}); the skill extractor runs as plain Python")
        return []
    # polars and pyahocorasick are not in the build environment: they are typed as Any
    try:
        return mypycify(
            ["--ignore-missing-imports", "--follow-imports=silent", COMPILED], opt_level="3"
        )
    except SystemExit:  # mypy's type check failed (its messages are printed above)
        _warn(f"{COMPILED} does not type-check; the skill extractor runs as plain Python")
        return []


setup(ext_modules=_extensions(), cmdclass={"build_ext": OptionalBuildExt})
