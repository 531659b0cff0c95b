"""`pmpulse titles`: plain and JSONL inputs through the real CLI parser, bad lines skipped."""

import json
import random

from flows import cli


def _run(tmp_path, text: str | bytes, capsys) -> tuple[int, list[dict], str]:
    src = tmp_path / "titles.txt"
    src.write_bytes(text if isinstance(text, bytes) else text.encode("utf-8"))
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
    assert "titles.txt:3: no 'title' field in the record" in err


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


def test_null_and_non_text_titles_are_skipped_with_the_reason(tmp_path, capsys):
    lines = [
        json.dumps({"title": None}),
        json.dumps({"title": "Senior Product Manager"}),
        json.dumps({"title": 42}),
        '"title": "Product Owner"}',  # a record cut at the start
        "Product Owner",  # a plain line in a JSONL file
        json.dumps({"title": "  "}),
        json.dumps("Head of Product"),  # a bare JSON string is a title
    ]
    code, rows, err = _run(tmp_path, "\n".join(lines), capsys)
    assert code == 0
    assert [r["title"] for r in rows] == ["Senior Product Manager", "Head of Product"]
    assert err.splitlines()[:5] == [
        f"skipped {tmp_path / 'titles.txt'}:1: 'title' is null, not text",
        f"skipped {tmp_path / 'titles.txt'}:3: 'title' is a number, not text",
        f"skipped {tmp_path / 'titles.txt'}:4: not valid JSON (Extra data at column 8)",
        f"skipped {tmp_path / 'titles.txt'}:5: not valid JSON (Expecting value at column 1)",
        f"skipped {tmp_path / 'titles.txt'}:6: empty title",
    ]
    assert "2 titles" in err and "5 skipped" in err


def test_json_list_items_that_are_not_titles_are_skipped(tmp_path, capsys):
    code, rows, err = _run(tmp_path, '["VP Product", null, 7, {"title": null}]', capsys)
    assert code == 0
    assert [r["title"] for r in rows] == ["VP Product"]  # no "None" or "7" title
    assert "titles.txt: item 2: null, not a title" in err
    assert "titles.txt: item 3: a number, not a title" in err
    assert "titles.txt: item 4: 'title' is null, not text" in err


def test_plain_lines_that_are_not_titles_are_skipped(tmp_path, capsys):
    text = (
        b"Product Manager\nnull\n\xff\xfe Manager\n12345\n[Remote] Product Owner\n"
        b"Product Owner {EMEA}\nSenior\x07PM\n" + b"Product Manager " * 20
    )
    code, rows, err = _run(tmp_path, text, capsys)
    assert code == 0
    assert [r["title"] for r in rows] == [
        "Product Manager",
        "[Remote] Product Owner",  # a bracket is not a JSON list
        "Product Owner {EMEA}",  # a brace is not a record
    ]
    assert "titles.txt:2: 'null' marks a missing value, not a title" in err
    assert "titles.txt:3: not UTF-8 text (byte 1 of the line)" in err
    assert "titles.txt:4: no letters in '12345': not a title" in err
    assert "titles.txt:7: control characters or undecodable bytes" in err
    assert "titles.txt:8: 319 characters, too long for a job title (at most 300)" in err


def test_binary_input_is_not_read_as_titles(tmp_path, capsys):
    noise = random.Random(0).randbytes(20_000)
    code, rows, err = _run(tmp_path, noise, capsys)
    assert (code, rows) == (2, [])  # NUL bytes: refused whole, nothing written
    assert "titles.txt: binary data (NUL bytes), not text" in err
    code, rows, err = _run(tmp_path, noise.replace(b"\0", b""), capsys)
    assert (code, rows) == (1, [])  # every line skipped, each with its reason
    assert "every line was skipped" in err
    assert err.count("skipped ") == noise.replace(b"\0", b"").count(b"\n") + 1


def test_a_broken_json_list_is_refused(tmp_path, capsys):
    code, rows, err = _run(tmp_path, '[{"title": "Product Manager"}, ', capsys)
    assert (code, rows) == (2, [])
    assert "titles.txt: not a valid JSON list (Expecting value at line 1, column 32)" in err
