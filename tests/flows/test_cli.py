import json
import os
import subprocess
import sys

import pytest

from flows import cli


def test_a_prefect_server_that_does_not_start_gets_a_clear_message(tmp_path):
    """When the temporary local server's start-up allowance runs out (pmpulse gives it 120 s
    unless told otherwise), the user is told what happened and what to set, not shown a
    traceback."""
    posting = {"source_id": "1", "title": "Product Manager", "company": "Acme",
               "description": "<p>You know SQL.</p>", "posted_month": "2024-01"}  # fmt: skip
    (tmp_path / "in.jsonl").write_text(json.dumps(posting) + "\n")
    env = {k: v for k, v in os.environ.items() if not k.startswith("PREFECT_API")}
    env["PREFECT_SERVER_EPHEMERAL_STARTUP_TIMEOUT_SECONDS"] = "0"  # no time to start
    done = subprocess.run(
        [sys.executable, "-m", "flows.cli", "ingest", "--input", str(tmp_path / "in.jsonl"),
         "--db", str(tmp_path / "w.duckdb")],
        capture_output=True, text=True, env=env, timeout=300,
    )  # fmt: skip
    assert done.returncode == 1, done.stderr
    assert "pmpulse ingest: Prefect's temporary local server did not start within 0 s" in (
        done.stderr
    )
    assert "PREFECT_SERVER_EPHEMERAL_STARTUP_TIMEOUT_SECONDS" in done.stderr
    assert "Traceback" not in done.stderr


@pytest.mark.parametrize("command", ["ingest", "run"])
def test_an_input_path_that_does_not_exist_stops_the_command_before_any_work(
    tmp_path, capsys, command
):
    real = tmp_path / "real.jsonl"
    real.write_text("")
    code = cli.main([command, "--input", str(real), str(tmp_path / "typo.jsonl"),
                     "--db", str(tmp_path / "w.duckdb")])  # fmt: skip
    assert code == 2
    assert capsys.readouterr().err == (
        f"pmpulse {command}: no such file or folder: {tmp_path / 'typo.jsonl'}\n"
    )
    assert not (tmp_path / "w.duckdb").exists()  # nothing loaded, no quarantine row


def test_the_load_summary_counts_months_in_words(capsys):
    from flows.commands.ingest import print_summary

    one = {"postings": 3, "pm_postings": 1, "months": 1, "first_month": "2024-05-01",
           "last_month": "2024-05-01"}  # fmt: skip
    print_summary({"warehouse": one})
    print_summary({"warehouse": {}})
    said = " ".join(capsys.readouterr().err.split())  # (the console wraps long lines)
    assert "3 postings, 1 PM postings, 1 month (2024-05-01 .. 2024-05-01) took:" in said
    assert "0 postings, 0 PM postings, no month took:" in said


@pytest.mark.parametrize("command", ["ingest", "run"])
@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("[schedules\n", "not valid TOML: line 1, column 11: Expected ']'"),
        ('[dask]\nworkers = "two"\n', '[dask] workers = "two": must be a whole number'),
    ],
)
def test_a_bad_config_file_stops_the_command_in_one_line(
    tmp_path, monkeypatch, capsys, command, text, expected
):
    """A broken pmpulse.toml is refused before any flow starts: exit 2, one line naming the
    file, the line or key, and the problem (it was a tomllib/ValueError traceback)."""
    config = tmp_path / "pmpulse.toml"
    config.write_text(text)
    monkeypatch.setenv("PMPULSE_CONFIG", str(config))
    monkeypatch.delenv("PMPULSE_WORKERS", raising=False)
    (tmp_path / "in.jsonl").write_text("")
    code = cli.main([command, "--input", str(tmp_path / "in.jsonl"),
                     "--db", str(tmp_path / "w.duckdb")])  # fmt: skip
    err = capsys.readouterr().err
    assert code == 2
    assert err.startswith(f"pmpulse {command}: {config}: {expected}")
    assert err.count("\n") == 1 and "Traceback" not in err
    assert not (tmp_path / "w.duckdb").exists()
