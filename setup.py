"""Build hook: compile the two rule-heavy transforms to C extensions with mypyc.

`transforms/skills.py` (the skill extractor's per-hit context rules) and
`transforms/titles.py` (the per-post role classifier) are plain Python that runs once per
hit or per post, millions of times on a large corpus; compiled, the same code takes about half
the time to find mentions and about three quarters to classify posts (`bench/extract.py` and
`bench/pipeline.py` print which form they measured).
Everything else in `pyproject.toml` is static metadata.

A compiled module is an optional speed-up, never a different program:
- the `.py` file stays the source of truth and ships beside its extension;
- without a C compiler (or with PMPULSE_PURE_PYTHON=1) the build skips the extensions and
  pmpulse runs the same code as Python, with the same results, more slowly;
- a digest of each source is written beside its extension (`<name>.build-sha256`), and
  `transforms/__init__.py` runs the source instead of an extension built from an older edit.
"""

from __future__ import annotations

import hashlib
import os
import sys
from pathlib import Path

from setuptools import setup
from setuptools.command.build_ext import build_ext

COMPILED = ("transforms/skills.py", "transforms/titles.py")


def _warn(message: str) -> None:
    print(f"pmpulse build: {message}", file=sys.stderr)


class OptionalBuildExt(build_ext):
    """build_ext that falls back to pure Python when an extension cannot be built, and
    records the digest of the source each extension came from beside it."""

    def run(self) -> None:
        self.built: set[str] = set()
        try:
            super().run()  # builds into build_lib, then copies in place for editable installs
        except Exception as exc:  # no compiler, missing headers: the sources still run
            _warn(f"not compiling ({exc}); the transforms run as plain Python")
            return
        for source in map(Path, COMPILED):
            if f"transforms.{source.stem}" not in self.built:
                continue
            digest = hashlib.sha256(source.read_bytes()).hexdigest() + "\n"
            name = f"{source.stem}.build-sha256"
            targets = [Path(self.build_lib) / "transforms" / name]
            if self.inplace:
                targets.append(source.with_name(name))
            for target in targets:
                target.parent.mkdir(parents=True, exist_ok=True)
                target.write_text(digest)

    def build_extension(self, ext) -> None:
        runtime = f"{ext.name}__mypyc"  # (mypyc builds a module's runtime library first)
        if any(e.name == runtime for e in self.extensions) and runtime not in self.built:
            _warn(f"not compiling {ext.name}: its runtime library did not build")
            return  # (a module without it would not import; its source runs instead)
        try:
            super().build_extension(ext)
        except Exception as exc:
            _warn(f"not compiling {ext.name} ({exc}); it will run as plain Python")
            return
        self.built.add(ext.name)


def _extensions() -> list:
    if os.environ.get("PMPULSE_PURE_PYTHON") == "1":
        _warn("PMPULSE_PURE_PYTHON=1: the transforms run as plain Python")
        return []
    try:
        from mypyc.build import mypycify
    except ImportError as exc:
        _warn(f"mypyc is not available ({exc}); the transforms run as plain Python")
        return []
    # polars and pyahocorasick are not in the build environment: they are typed as Any.
    # separate=True: each module's runtime library sits beside it in transforms/
    try:
        extensions = mypycify(
            ["--ignore-missing-imports", "--follow-imports=silent", *COMPILED],
            opt_level="3",
            separate=True,
        )
    except SystemExit:  # mypy's type check failed (its messages are printed above)
        _warn(f"{', '.join(COMPILED)} do not type-check; the transforms run as plain Python")
        return []
    for extension in extensions:
        extension.optional = True  # (an editable install then copies only what was built)
    return extensions


setup(ext_modules=_extensions(), cmdclass={"build_ext": OptionalBuildExt})
