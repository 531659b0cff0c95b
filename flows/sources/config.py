"""Which live sources a run reads: the boards file, `--source` specs, API base URLs.

Read at the flow edge. `--source` limits a run to exactly the named sources; without it the
boards file (default: `flows/sources/boards.toml`) lists them.
"""

from __future__ import annotations

import os
import re
import tomllib
from dataclasses import dataclass
from datetime import date
from pathlib import Path

DEFAULT_BOARDS = Path(__file__).with_name("boards.toml")
ATS_KINDS = ("greenhouse", "lever", "ashby")
KINDS = (*ATS_KINDS, "hn", "jsonld")
# Environment variable and default of each source's API base (request paths go below it).
API_BASES = {
    "greenhouse": ("PMPULSE_GREENHOUSE_API", "https://boards-api.greenhouse.io/v1/boards"),
    "lever": ("PMPULSE_LEVER_API", "https://api.lever.co/v0/postings"),
    "ashby": ("PMPULSE_ASHBY_API", "https://api.ashbyhq.com/posting-api/job-board"),
    "hn": ("PMPULSE_HN_API", "https://hacker-news.firebaseio.com/v0"),
    "hn_search": ("PMPULSE_HN_SEARCH_API", "https://hn.algolia.com/api/v1"),
}
_BOARD_NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]*$")


class SourceSpecError(ValueError):
    """A --source value or boards file entry that cannot be used."""


@dataclass(frozen=True, order=True)
class SourceSpec:
    """One source to read: ('greenhouse', token), ('lever', site), ('hn', None), ('jsonld', url)."""

    kind: str
    name: str | None = None

    def __str__(self) -> str:
        return self.kind if self.name is None else f"{self.kind}:{self.name}"


def parse_source(text: str) -> SourceSpec:
    """`greenhouse:TOKEN`, `lever:SITE`, `ashby:NAME`, `hn` or `jsonld:URL` as a SourceSpec."""
    kind, _, name = text.strip().partition(":")
    kind = kind.strip().lower()
    name = name.strip()
    if kind not in KINDS:
        raise SourceSpecError(
            f"unknown source {text!r}: use greenhouse:TOKEN, lever:SITE, ashby:NAME, hn "
            "or jsonld:URL"
        )
    if kind == "hn":
        if name:
            raise SourceSpecError(f"'hn' takes no name: {text!r}")
        return SourceSpec("hn")
    if not name:
        raise SourceSpecError(
            f"{kind} needs a name: {kind}:{'URL' if kind == 'jsonld' else 'NAME'}"
        )
    if kind == "jsonld":
        if not re.match(r"^https?://[^/\s]+", name):
            raise SourceSpecError(f"jsonld needs an http(s) URL: {text!r}")
        return SourceSpec("jsonld", name)
    if not _BOARD_NAME.match(name):
        raise SourceSpecError(f"not a board name: {text!r} (letters, digits, '.', '_', '-')")
    return SourceSpec(kind, name)


def parse_sources(texts: list[str]) -> list[SourceSpec]:
    """Every --source value, de-duplicated, in the order given."""
    seen: dict[SourceSpec, None] = {}
    for text in texts:
        seen.setdefault(parse_source(text), None)
    return list(seen)


@dataclass(frozen=True)
class BoardsConfig:
    sources: list[SourceSpec]
    hn_since: date


def load_boards(path: str | Path | None = None) -> BoardsConfig:
    """The sources a boards file lists (default: the packaged boards.toml)."""
    path = Path(path) if path else DEFAULT_BOARDS
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except OSError as exc:
        raise SourceSpecError(f"cannot read boards file {path}: {exc}") from exc
    except tomllib.TOMLDecodeError as exc:
        raise SourceSpecError(f"boards file {path} is not valid TOML: {exc}") from exc
    specs: list[str] = []
    for kind in ATS_KINDS:
        section = data.get(kind) or {}
        names = section.get("boards") or section.get("sites") or []
        if not isinstance(names, list):
            raise SourceSpecError(f"boards file {path}: [{kind}] boards must be a list")
        specs.extend(f"{kind}:{name}" for name in names)
    hn_section = data.get("hn") or {}
    if hn_section.get("enabled", False):
        specs.append("hn")
    specs.extend(f"jsonld:{url}" for url in (data.get("jsonld") or {}).get("urls") or [])
    since = str(hn_section.get("since") or "2011-01")
    match = re.fullmatch(r"(\d{4})-(\d{2})", since)
    if not match:
        raise SourceSpecError(f"boards file {path}: [hn] since must be YYYY-MM, not {since!r}")
    try:
        sources = parse_sources(specs)
    except SourceSpecError as exc:
        raise SourceSpecError(f"boards file {path}: {exc}") from exc
    return BoardsConfig(sources, date(int(match.group(1)), int(match.group(2)), 1))


def api_base(kind: str, env: dict[str, str] | None = None) -> str:
    """The API base URL of a source: its PMPULSE_*_API variable, else the public default."""
    var, default = API_BASES[kind]
    value = (os.environ if env is None else env).get(var) or default
    return value.rstrip("/")
