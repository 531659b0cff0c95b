"""`pmpulse extract`: JSONL in, JSONL out through the real CLI parser; offsets into cleaned text."""

import json

from flows import cli
from transforms.text import text_of


def _run(tmp_path, lines: list[str], capsys, *extra: str) -> tuple[int, list[dict], str]:
    src = tmp_path / "in.jsonl"
    src.write_text("\n".join(lines) + "\n", encoding="utf-8")
    out = tmp_path / "out" / "skills.jsonl"
    code = cli.main(["extract", "--input", str(src), "--output", str(out), *extra])
    rows = [json.loads(line) for line in out.read_text().splitlines()] if out.exists() else []
    return code, rows, capsys.readouterr().err


def test_extract_html_and_plain(tmp_path, capsys):
    html = (
        "Acme | Product Manager | NYC<p>We build analytics dashboards for shops.</p>"
        "<p>You will:</p><ul><li>Own the product roadmap &amp; write PRDs</li>"
        "<li>Run A/B tests with our engineers</li></ul><p>Experience with SQL is a plus.</p>"
    )
    lines = [
        json.dumps({"id": "h1", "text": html}),
        json.dumps({"id": 2, "text": "Strong communication skills. You are customer-obsessed."}),
        json.dumps({"id": "3", "text": "Acme makes great coffee."}),
    ]
    code, rows, _ = _run(tmp_path, lines, capsys)
    assert code == 0
    assert [r["id"] for r in rows] == ["h1", "2", "3"]
    first = rows[0]
    assert first["categories"] == ["data_analysis", "roadmap_prioritization", "ab_testing"]
    clean = text_of(html)
    for m in first["mentions"]:
        assert clean[m["start"] : m["end"]] == m["text"]
        assert set(m) == {"start", "end", "text", "skill_id", "skill", "type", "category"}
    assert "dashboards" not in {m["text"] for m in first["mentions"]}  # the company's product
    assert rows[1]["categories"] == ["communication_storytelling", "empathy"]
    assert rows[2] == {"id": "3", "categories": [], "mentions": []}


def test_extract_skips_bad_lines(tmp_path, capsys):
    lines = [
        '{"id": "a", "text": "You know SQL"',  # cut off
        json.dumps({"text": "no id"}),
        json.dumps({"id": "b", "text": None}),
        json.dumps(["not", "an", "object"]),
        json.dumps({"id": "c", "text": "You know SQL."}),
    ]
    code, rows, err = _run(tmp_path, lines, capsys)
    assert code == 0
    assert [r["id"] for r in rows] == ["c"]
    assert "in.jsonl:1: not valid JSON" in err
    assert "in.jsonl:2: no 'id'" in err
    assert "in.jsonl:3: id b: no 'text' string" in err
    assert "in.jsonl:4: not a JSON object" in err


def test_extract_missing_input(tmp_path, capsys):
    code = cli.main(["extract", "--input", str(tmp_path / "nope.jsonl"), "--output",
                     str(tmp_path / "o.jsonl")])  # fmt: skip
    assert code == 2
    assert "no such file" in capsys.readouterr().err


def test_extract_refuses_to_write_over_its_input(tmp_path, capsys):
    src = tmp_path / "in.jsonl"
    src.write_text('{"id": "a", "text": "You know SQL."}\n')
    before = src.read_bytes()
    code = cli.main(["extract", "--input", str(src), "--output",
                     str(tmp_path / "." / "in.jsonl")])  # fmt: skip
    assert code == 2
    assert "--output is the input file" in capsys.readouterr().err
    assert src.read_bytes() == before


def test_extract_names_an_output_it_cannot_write(tmp_path, capsys):
    src = tmp_path / "in.jsonl"
    src.write_text('{"id": "a", "text": "You know SQL."}\n')
    (tmp_path / "f").write_text("a file, so no folder can be made under it")
    code = cli.main(["extract", "--input", str(src), "--output", str(tmp_path / "f" / "o.jsonl")])
    assert code == 2
    assert f"cannot write {tmp_path / 'f' / 'o.jsonl'}" in capsys.readouterr().err
    code = cli.main(["extract", "--input", str(tmp_path), "--output", str(tmp_path / "o.jsonl")])
    assert code == 2
    assert "a folder, not a file" in capsys.readouterr().err
