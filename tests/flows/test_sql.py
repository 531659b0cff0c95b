import json

import pytest

from flows import cli
from warehouse import db


@pytest.fixture(scope="module")
def wh_path(tmp_path_factory):
    path = tmp_path_factory.mktemp("sql") / "w.duckdb"
    with db.connect(path) as wh:
        wh.execute("CREATE TABLE IF NOT EXISTS notes (a INTEGER)")
        wh.execute("INSERT INTO notes VALUES (1), (2)")
    return path


def test_select_prints_a_table_csv_and_json(wh_path, capsys):
    q = "SELECT a, a * 2 AS b FROM notes ORDER BY a"
    assert cli.main(["sql", "--db", str(wh_path), q]) == 0
    out = capsys.readouterr().out
    assert "| a" in out and "(2 rows)" in out
    assert cli.main(["sql", "--db", str(wh_path), "--format", "csv", q]) == 0
    assert capsys.readouterr().out.splitlines() == ["a,b", "1,2", "2,4"]
    assert cli.main(["sql", "--db", str(wh_path), "--format", "json", q]) == 0
    assert json.loads(capsys.readouterr().out) == [{"a": 1, "b": 2}, {"a": 2, "b": 4}]


@pytest.mark.parametrize(
    ("statement", "kind"),
    [
        ("INSERT INTO notes VALUES (3)", "INSERT"),
        ("DELETE FROM notes", "DELETE"),
        ("UPDATE notes SET a = 0", "UPDATE"),
        ("DROP TABLE notes", "DROP"),
        ("CREATE TABLE x AS SELECT 1", "CREATE"),
        ("ATTACH 'other.duckdb' AS o", "ATTACH"),
        ("COPY (SELECT * FROM notes) TO 'out.csv'", "COPY"),
        ("SELECT 1; DROP TABLE notes", "DROP"),
        ("INSTALL httpfs", "LOAD"),
        ("SET threads = 1", "SET"),
    ],
)
def test_write_statements_are_refused(wh_path, tmp_path, monkeypatch, capsys, statement, kind):
    monkeypatch.chdir(tmp_path)
    assert cli.main(["sql", "--db", str(wh_path), statement]) == 2
    err = capsys.readouterr().err
    assert "refused" in err and kind in err
    assert not (tmp_path / "out.csv").exists()
    with db.connect(wh_path, read_only=True) as wh:
        assert wh.count("notes") == 2


def test_statement_kinds_and_parse_errors():
    assert db.statement_kinds("SELECT 1; FROM notes; DESCRIBE notes") == ["SELECT"] * 3
    with pytest.raises(db.WarehouseError, match="cannot parse"):
        db.statement_kinds("SELEC 1")


def test_a_bad_query_is_a_clear_error(wh_path, capsys):
    assert cli.main(["sql", "--db", str(wh_path), "SELECT nope FROM notes"]) == 1
    assert "nope" in capsys.readouterr().err
