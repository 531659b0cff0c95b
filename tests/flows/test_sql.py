import csv
import io
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
        wh.execute(
            "CREATE TABLE IF NOT EXISTS tagged "
            "(id INTEGER, tags VARCHAR[], meta STRUCT(k VARCHAR, n INTEGER), "
            "started TIMESTAMP, finished TIMESTAMP)"
        )
        wh.execute(
            "INSERT INTO tagged VALUES "
            "(1, ['a', 'b,\"c'], {'k': 'x', 'n': 1}, '2020-01-01 10:00', '2020-01-01 10:00:01.5'), "
            "(2, NULL, NULL, '2020-01-01 10:00', NULL)"
        )
    return path


def sql(wh_path, capsys, *args):
    """Exit code, stdout and stderr of `pmpulse sql --db wh_path *args`."""
    code = cli.main(["sql", "--db", str(wh_path), *args])
    out, err = capsys.readouterr()
    return code, out, err


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


def test_csv_writes_lists_and_structs_as_json_text(wh_path, capsys):
    q = "SELECT id, tags, meta FROM tagged ORDER BY id"
    code, out, _ = sql(wh_path, capsys, "--format", "csv", q)
    assert code == 0
    rows = list(csv.reader(io.StringIO(out)))
    assert rows[0] == ["id", "tags", "meta"]
    assert json.loads(rows[1][1]) == ["a", 'b,"c'] and json.loads(rows[1][2]) == {"k": "x", "n": 1}
    assert rows[2] == ["2", "", ""]  # NULL stays an empty cell, as in every other column
    code, out, _ = sql(wh_path, capsys, "--format", "json", q)
    assert json.loads(out)[0] == {"id": 1, "tags": ["a", 'b,"c'], "meta": {"k": "x", "n": 1}}


def test_interval_results_print_in_every_format(wh_path, capsys):
    q = "SELECT id, finished - started AS took, INTERVAL 1 MONTH AS m FROM tagged ORDER BY id"
    code, out, _ = sql(wh_path, capsys, q)
    assert code == 0 and "1s 500ms" in out and "30d" in out and "(2 rows)" in out
    code, out, _ = sql(wh_path, capsys, "--format", "csv", q)
    assert code == 0 and out.splitlines() == ["id,took,m", "1,PT1.5S,P30D", "2,,P30D"]
    code, out, _ = sql(wh_path, capsys, "--format", "json", q)
    assert code == 0
    assert json.loads(out) == [
        {"id": 1, "took": "PT1.5S", "m": "P30D"},
        {"id": 2, "took": None, "m": "P30D"},
    ]


def test_max_rows_shows_the_first_rows_and_says_so(wh_path, capsys):
    code, out, _ = sql(wh_path, capsys, "--max-rows", "4", "SELECT range AS i FROM range(59)")
    assert code == 0
    cells = [line.strip("| ") for line in out.splitlines() if line.startswith("|")]
    assert cells == ["i", "---", "0", "1", "2", "3"]
    assert out.splitlines()[-1] == "(59 rows, first 4 shown)"
    code, out, _ = sql(wh_path, capsys, "--max-rows", "0", "SELECT range AS i FROM range(59)")
    assert "| 58 |" in out and out.splitlines()[-1] == "(59 rows)"


def test_a_wide_table_never_wraps_a_number(wh_path, capsys):
    cols = ", ".join(f"0.571429 AS share_any_hard_ci_low_{i}" for i in range(24))
    code, out, _ = sql(wh_path, capsys, f"SELECT {cols}")
    assert code == 0
    header, _, row, *rest = out.splitlines()
    assert header.count("share_any_hard_ci_low_") == 24 and row.count("0.571429") == 24
    assert rest == ["(1 row)"]


def test_pivot_without_in_list_is_refused_in_plain_words(wh_path, capsys):
    code, _, err = sql(wh_path, capsys, "PIVOT notes ON a USING count(*)")
    assert code == 2 and "refused" in err and "MULTI" not in err
    assert "PIVOT without an IN list" in err and "IN ('a', 'b')" in err
    code, out, _ = sql(wh_path, capsys, "PIVOT notes ON a IN (1, 2) USING count(*)")
    assert code == 0 and "(1 row)" in out


def test_explain_of_a_query_runs_and_explain_of_a_write_is_refused(wh_path, capsys):
    code, out, _ = sql(wh_path, capsys, "EXPLAIN SELECT a FROM notes WHERE a > 1")
    assert code == 0 and "notes" in out and "explain_value" not in out
    code, out, _ = sql(wh_path, capsys, "/* plan */ EXPLAIN ANALYZE SELECT count(*) FROM notes")
    assert code == 0 and "Total Time" in out
    for write in ("EXPLAIN DELETE FROM notes", "EXPLAIN ANALYZE DELETE FROM notes"):
        code, _, err = sql(wh_path, capsys, write)
        assert code == 2 and "refused" in err
    with db.connect(wh_path, read_only=True) as wh:
        assert wh.count("notes") == 2


def test_several_statements_print_each_result(wh_path, capsys):
    code, out, _ = sql(wh_path, capsys, "SELECT 1 AS first; SELECT 2 AS second")
    assert code == 0
    assert "-- SELECT 1 AS first" in out and "| first |" in out
    assert "-- SELECT 2 AS second" in out and "| second |" in out
    code, out, err = sql(wh_path, capsys, "--format", "csv", "SELECT 1; SELECT 2")
    assert code == 2 and out == "" and "2 statements" in err
