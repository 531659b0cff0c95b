"""The extract-skills flow end to end: real HN file ingested, extracted twice, then rebuilt."""

import shutil
from pathlib import Path

import pytest

from flows.ingest import ingest
from flows.skills import extract_skills, stored_categories
from warehouse import db

pytestmark = pytest.mark.usefixtures("prefect_harness")
TOY = Path(__file__).resolve().parents[1] / "transforms" / "skills_toy"


def test_extract_skills_incremental_and_rebuild(tmp_path, shared_data):
    src = tmp_path / "in"
    src.mkdir()
    shutil.copy(shared_data / "hn" / "2013-2018" / "2015-03.json.gz", src)
    path = str(tmp_path / "w.duckdb")
    ingest(inputs=[str(src)], db_path=path)
    with db.connect(path, read_only=True) as wh:
        postings = wh.count("postings")

    first = extract_skills(db_path=path)
    assert first["postings_read"] == postings
    assert first["rebuilt"] is True
    assert first["mentions_written"] > postings  # HN posts name many skills
    again = extract_skills(db_path=path)
    assert (again["postings_read"], again["mentions_written"], again["rebuilt"]) == (0, 0, False)

    cats = stored_categories(path)
    assert cats.height > postings // 4
    with db.connect(path, read_only=True) as wh:
        bad = wh.scalar(
            "SELECT count(*) FROM skill_mentions m JOIN postings p USING (posting_id) "
            'WHERE substr(p.description_text, m.start + 1, m."end" - m.start) <> m.matched_text'
        )
        assert bad == 0
        runs = wh.query("SELECT status FROM runs WHERE flow = 'extract'")["status"].to_list()
        assert runs == ["completed", "completed"]

    toy = extract_skills(db_path=path, taxonomy_dir=str(TOY))
    assert toy["rebuilt"] is True and toy["postings_read"] == postings
    with db.connect(path, read_only=True) as wh:
        assert wh.count("skills") == 18
        # every alias keeps its match mode, so clusters read the taxonomy as the extractor did
        assert wh.scalar("SELECT count(*) FROM skills WHERE alias_matches IS NULL") == 0
