"""Skills in the warehouse: store twice -> same rows; new taxonomy -> rebuild; exact offsets."""

import shutil
from datetime import UTC, date, datetime
from pathlib import Path

import polars as pl
import pytest

from transforms.skills import skill_mentions, taxonomy_frame
from warehouse import db
from warehouse import skills as ws
from warehouse.seeds import load_taxonomy

TOY = Path(__file__).resolve().parents[1] / "transforms" / "skills_toy"
T0 = datetime(2024, 1, 1, tzinfo=UTC)
TEXTS = {
    "hn:1": "Acme | PM | NYC\nWe build dashboards.\nYou know SQL and own the roadmap.",
    "hn:2": "You run A/B tests and love cross-functional work.",
    "hn:3": "Acme makes coffee.",
}


def posting(pid: str, text: str, content_hash: str) -> dict:
    source, source_id = pid.split(":")
    return {
        "posting_id": pid, "source": source, "source_id": source_id, "board": None,
        "company": "Acme", "title": "Product Manager", "role": "pm", "seniority": "mid",
        "is_pm": True, "pm_titles": ["Product Manager"], "multi_role": False,
        "location": None, "country": None, "remote": None, "salary_min": None,
        "salary_max": None, "salary_currency": None, "salary_period": None, "posted_at": None,
        "posted_month": date(2024, 1, 1), "url": None, "description_text": text,
        "first_seen": T0, "last_seen": T0, "content_hash": content_hash,
    }  # fmt: skip


def load(wh: db.Warehouse, texts: dict[str, str], version: str = "v1") -> None:
    rows = [posting(pid, text, f"{version}-{pid}") for pid, text in texts.items()]
    raws = [{"source": "hn", "source_id": r["source_id"], "content_hash": r["content_hash"],
             "fetched_at": T0, "board": None, "payload": "{}"} for r in rows]  # fmt: skip
    empty = pl.DataFrame(schema={"source": pl.String, "ref": pl.String, "reason": pl.String,
                                 "payload": pl.String})  # fmt: skip
    db.load_postings(wh, pl.DataFrame(rows), pl.DataFrame(raws), empty, run_id="r")


def extract(wh: db.Warehouse, taxonomy) -> int:
    """What the flow does, step by step: rebuild on a new taxonomy, then read what is due."""
    if ws.stored_taxonomy_version(wh) != taxonomy.version:
        ws.clear_mentions(wh)
        ws.write_taxonomy(wh, taxonomy_frame(taxonomy))
    todo = ws.postings_to_extract(wh, taxonomy.version)["posting_id"].to_list()
    if todo:
        postings = ws.read_posting_texts(wh, todo)
        mentions = skill_mentions(postings, taxonomy, with_version=True)
        ws.replace_mentions(wh, postings, mentions, taxonomy.version)
    return len(todo)


@pytest.fixture
def wh(tmp_path):
    with db.connect(tmp_path / "w.duckdb") as handle:
        load(handle, TEXTS)
        yield handle


def test_store_twice_same_rows(wh):
    toy = load_taxonomy(TOY)
    assert extract(wh, toy) == 3
    first = ws.read_mentions(wh)
    assert extract(wh, toy) == 0  # nothing new or changed
    assert ws.read_mentions(wh).equals(first)
    assert first.select("posting_id", "skill_id").rows() == [
        ("hn:1", "sql"), ("hn:1", "roadmap"), ("hn:2", "ab_testing"), ("hn:2", "collaboration"),
    ]  # fmt: skip
    extracted = wh.query("SELECT posting_id, mentions FROM skill_extractions ORDER BY 1").rows()
    assert extracted == [("hn:1", 2), ("hn:2", 2), ("hn:3", 0)]
    assert wh.query("SELECT * FROM posting_skill_categories ORDER BY 1").rows() == [
        ("hn:1", ["data_analysis", "roadmap_prioritization"]),
        ("hn:2", ["ab_testing", "interpersonal"]),
    ]


def test_offsets_point_at_the_stored_text(wh):
    extract(wh, load_taxonomy(TOY))
    bad = wh.query(
        "SELECT m.* FROM skill_mentions m JOIN postings p USING (posting_id) "
        'WHERE substr(p.description_text, m.start + 1, m."end" - m.start) <> m.matched_text'
    )
    assert bad.is_empty()
    assert wh.count("skill_mentions") == 4


def test_changed_posting_is_read_again_alone(wh):
    toy = load_taxonomy(TOY)
    extract(wh, toy)
    load(wh, {"hn:3": "Acme makes coffee. You know SQL."}, version="v2")
    assert extract(wh, toy) == 1
    assert ws.read_mentions(wh, ["hn:3"]).select("skill_id", "matched_text").rows() == [
        ("sql", "SQL")
    ]
    assert wh.count("skill_mentions") == 5


def test_new_taxonomy_version_rebuilds_everything(wh, tmp_path):
    toy = load_taxonomy(TOY)
    extract(wh, toy)
    edited = tmp_path / "toy2"
    shutil.copytree(TOY, edited)
    with (edited / "skill_aliases.csv").open("a") as f:
        f.write("passion,coffee,exact\n")
    toy2 = load_taxonomy(edited)
    assert toy2.version != toy.version
    assert extract(wh, toy2) == 3
    assert ws.stored_taxonomy_version(wh) == toy2.version
    versions = wh.query("SELECT DISTINCT taxonomy_version FROM skill_mentions").rows()
    assert versions == [(toy2.version,)]
    assert wh.count("skills") == toy2.skills.height


def test_constraints_refuse_bad_rows(wh):
    row = {"posting_id": "hn:1", "skill_id": "sql", "start": 5, "end": 3, "matched_text": "",
           "type": "hard", "category": "data_analysis", "taxonomy_version": "x"}  # fmt: skip
    with pytest.raises(Exception, match=r"(?i)constraint"):
        wh.insert("skill_mentions", pl.DataFrame([row]))


def test_deleted_postings_lose_their_mentions(wh):
    extract(wh, load_taxonomy(TOY))
    wh.execute("DELETE FROM postings WHERE posting_id = 'hn:1'")
    assert ws.drop_orphans(wh) == 1
    assert set(ws.read_mentions(wh)["posting_id"]) == {"hn:2"}


def test_alias_match_modes_are_stored_and_read(wh):
    from warehouse import clusters as wc

    toy = load_taxonomy(TOY)
    ws.write_taxonomy(wh, taxonomy_frame(toy))
    _, aliases, version = wc.read_taxonomy(wh)
    assert version == toy.version
    want = toy.aliases.select("skill_id", "alias", "match").sort("skill_id", "alias")
    assert aliases.select("skill_id", "alias", "match").sort("skill_id", "alias").equals(want)
    assert set(aliases["match"]) == {"word", "exact", "case"}

    # rows written before the modes were stored: every alias reads as a plain word
    ws.write_taxonomy(wh, taxonomy_frame(toy).drop("alias_matches"))
    _, aliases, _ = wc.read_taxonomy(wh)
    assert set(aliases["match"]) == {"word"} and aliases.height == want.height


def test_a_warehouse_without_alias_matches_still_opens(tmp_path):
    path = tmp_path / "old.duckdb"
    with db.connect(path) as wh:  # make it look like one written before the column existed
        wh.execute("ALTER TABLE skills DROP COLUMN alias_matches")
        wh.execute("UPDATE _migrations SET checksum = 'old' WHERE name = '10_skills.sql'")
        ws.write_taxonomy(wh, taxonomy_frame(load_taxonomy(TOY)).drop("alias_matches"))
    with db.connect(path) as wh:  # the schema is applied again: the column comes back
        assert "alias_matches" in wh.query("SELECT * FROM skills LIMIT 0").columns
        assert wh.count("skills") == load_taxonomy(TOY).skills.height
        assert wh.scalar("SELECT count(*) FROM skills WHERE alias_matches IS NOT NULL") == 0
