"""Every ```sql block of README.md and docs/*.md runs, as documented, on a small warehouse.

They run through the same read-only check as `pmpulse sql`, on a read-only connection, after
the marts are built (including skill clusters), so a renamed column or table breaks a test.
"""

import re
from pathlib import Path

import marts_warehouse as mw
import pytest

from flows.commands.sql import check_read_only
from warehouse import db, marts

REPO = Path(__file__).resolve().parents[1]
DOCS = [REPO / "README.md", *sorted((REPO / "docs").glob("*.md"))]
BLOCK = re.compile(r"^```sql\n(.*?)^```", re.S | re.M)


def blocks() -> list:
    found = []
    for path in DOCS:
        for i, sql in enumerate(BLOCK.findall(path.read_text(encoding="utf-8")), 1):
            found.append(pytest.param(sql, id=f"{path.relative_to(REPO)}#{i}"))
    return found


@pytest.fixture(scope="module")
def warehouse(tmp_path_factory) -> Path:
    path = mw.build(tmp_path_factory.mktemp("docs") / "w.duckdb", clusters=True)
    with db.connect(path) as wh:
        marts.rebuild(wh)
    return path


def test_the_docs_have_queries():
    names = {p.id.split("#")[0] for p in blocks()}
    assert {"README.md", "docs/cookbook.md", "docs/marts.md"} <= names
    assert sum(p.id.startswith("docs/cookbook.md") for p in blocks()) >= 10


@pytest.mark.parametrize("sql", blocks())
def test_documented_query_runs(warehouse, sql):
    check_read_only(sql)
    with db.connect(warehouse, read_only=True) as wh:
        frame = wh.query(sql)
    assert frame.width > 0
