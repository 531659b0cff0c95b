"""`pmpulse taxonomy`: show counts, and import the shared ESCO labels as extra aliases."""

import polars as pl

from flows import cli
from warehouse.seeds import load_taxonomy


def test_show(capsys):
    assert cli.main(["taxonomy", "show"]) == 0
    out = capsys.readouterr().out
    assert "skills" in out and "technical_knowledge" in out and "other_soft" in out
    assert cli.main(["taxonomy", "show", "--category", "empathy"]) == 0
    assert "empathy" in capsys.readouterr().out
    assert cli.main(["taxonomy", "show", "--category", "nope"]) == 2


def test_import_esco_adds_usable_aliases(tmp_path, shared_data, capsys):
    out = tmp_path / "esco_aliases.csv"
    esco = shared_data / "taxonomy" / "esco_v_1_1_1_data_formatted.csv"
    assert cli.main(["taxonomy", "import", "esco", str(esco), "--out", str(out)]) == 0
    aliases = pl.read_csv(out)
    assert aliases.columns == ["skill_id", "alias", "match"]
    assert aliases.height > 50
    base = load_taxonomy()
    assert set(aliases["skill_id"]) <= set(base.skills["skill_id"])
    assert aliases.filter(pl.col("alias").str.contains("define software architecture")).height
    widened = load_taxonomy(extra_aliases=[out])
    widened.matcher()  # no surface form claimed twice
    assert widened.version != base.version


def test_import_esco_bad_file(tmp_path, capsys):
    bad = tmp_path / "bad.csv"
    bad.write_text("a,b\n1,2\n")
    assert cli.main(["taxonomy", "import", "esco", str(bad), "--out", str(tmp_path / "o")]) == 2
    assert "not an ESCO skills CSV" in capsys.readouterr().err
    assert cli.main(["taxonomy", "import", "esco", str(tmp_path / "none.csv")]) == 2


def test_import_esco_takes_db_after_the_action(tmp_path, capsys):
    """`taxonomy import esco PATH --db X` (as the README's "every command takes --db" reads)
    writes beside X, as `taxonomy --db X import esco PATH` does."""
    mapped = load_taxonomy().skills.drop_nulls("esco_id").row(0, named=True)
    esco = tmp_path / "esco.csv"
    pl.DataFrame(
        {
            "id": [mapped["esco_id"]],
            "description": ["a label no alias has yet"],
            "type": ["altLabels"],
        }
    ).write_csv(esco)
    a, b = tmp_path / "a", tmp_path / "b"
    a.mkdir()
    b.mkdir()
    assert cli.main(["taxonomy", "--db", str(a / "w.duckdb"), "import", "esco", str(esco)]) == 0
    assert cli.main(["taxonomy", "import", "esco", str(esco), "--db", str(b / "w.duckdb")]) == 0
    for folder in ("a", "b"):
        aliases = pl.read_csv(tmp_path / folder / "esco_aliases.csv")
        assert aliases.rows() == [(mapped["skill_id"], "a label no alias has yet", "exact")]
