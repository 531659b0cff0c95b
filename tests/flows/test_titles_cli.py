"""`pmpulse titles`: plain and JSONL inputs through the real CLI parser, bad lines skipped."""

import json

from flows import cli


def _run(tmp_path, text: str, capsys) -> tuple[int, list[dict], str]:
    src = tmp_path / "titles.txt"
    src.write_text(text, encoding="utf-8")
    out = tmp_path / "out" / "roles.jsonl"
    code = cli.main(["titles", "--input", str(src), "--output", str(out)])
    rows = [json.loads(line) for line in out.read_text().splitlines()] if out.exists() else []
    return code, rows, capsys.readouterr().err


def test_titles_one_per_line(tmp_path, capsys):
    code, rows, _ = _run(
        tmp_path, "Senior Product Manager\n\nProduct Designer\nVP Product\n", capsys
    )
    assert code == 0
    assert rows == [
        {"title": "Senior Product Manager", "role": "pm", "seniority": "senior"},
        {"title": "Product Designer", "role": "not_pm", "seniority": None},
        {"title": "VP Product", "role": "pm", "seniority": "vp"},
    ]


def test_titles_jsonl_with_bad_lines(tmp_path, capsys):
    lines = [
        json.dumps({"title": "Agile Product Owner", "id": 1}),
        '{"title": "Product Mana',  # cut off
        json.dumps({"name": "no title here"}),
        json.dumps({"title": "Technical Program Manager"}),
    ]
    code, rows, err = _run(tmp_path, "\n".join(lines), capsys)
    assert code == 0
    assert rows == [
        {"title": "Agile Product Owner", "role": "product_owner", "seniority": "mid"},
        {"title": "Technical Program Manager", "role": "not_pm", "seniority": None},
    ]
    assert "titles.txt:2: not valid JSON" in err
    assert "titles.txt:3: no 'title' text" in err


def test_titles_missing_input(tmp_path, capsys):
    out = tmp_path / "out.jsonl"
    code = cli.main(["titles", "--input", str(tmp_path / "nope.txt"), "--output", str(out)])
    assert code == 2
    assert "no such file" in capsys.readouterr().err
    assert not out.exists()


def test_titles_json_list(tmp_path, capsys):
    code, rows, _ = _run(tmp_path, '["Head of Product", {"title": "Product Designer"}]', capsys)
    assert code == 0
    assert rows == [
        {"title": "Head of Product", "role": "pm", "seniority": "vp"},
        {"title": "Product Designer", "role": "not_pm", "seniority": None},
    ]
