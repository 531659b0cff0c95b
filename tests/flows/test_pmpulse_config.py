"""The config file (pmpulse.toml / PMPULSE_CONFIG) and PMPULSE_ settings: every mistake is a
ConfigError naming the file, the line or key, and the problem; `serve --list` exits 2 with it.
Real files in tmp_path, the real CLI parser."""

import os

import pytest

from flows import scale, serve
from flows.cli import main


@pytest.fixture
def config(tmp_path, monkeypatch):
    """Write the text as the config file PMPULSE_CONFIG names; no PMPULSE_ overrides set."""
    path = tmp_path / "pmpulse.toml"
    monkeypatch.setenv("PMPULSE_CONFIG", str(path))
    for var in list(os.environ):
        if var in ("PMPULSE_WORKERS", "PMPULSE_DASK_ADDRESS") or var.startswith(
            "PMPULSE_SCHEDULE_"
        ):
            monkeypatch.delenv(var)

    def write(text: str):
        path.write_text(text, encoding="utf-8")
        return path

    return write


def problem(call) -> str:
    with pytest.raises(scale.ConfigError) as caught:
        call()
    return str(caught.value)


def test_a_toml_syntax_error_names_the_file_line_and_problem(config):
    path = config('[dask]\nworkers = 2\n[schedules\ndaily-collection = "0 5 * * *"\n')
    message = problem(scale.check_config)
    assert message == (
        f"{path}: not valid TOML: line 3, column 11: Expected ']' at the end of a table "
        "declaration: '[schedules'"
    )
    assert problem(serve.schedules) == message


def test_bad_dask_values_are_refused(config, monkeypatch):
    path = config('[dask]\nworkers = "two"\n')
    assert problem(scale.placement) == (
        f'{path}: [dask] workers = "two": must be a whole number of workers, 0 (in this '
        "process) or more"
    )
    config("[dask]\nworkers = -1\n")
    assert "[dask] workers = -1: must be a whole number" in problem(scale.check_config)
    config("[dask]\naddress = 8786\n")
    assert "[dask] address = 8786: must be a scheduler address in quotes" in problem(
        scale.check_config
    )
    config("[dask]\nworkers = 2\n")
    monkeypatch.setenv("PMPULSE_WORKERS", "two")
    assert problem(scale.placement) == (
        "PMPULSE_WORKERS='two': must be a whole number of workers, 0 (in this process) or more"
    )
    monkeypatch.setenv("PMPULSE_WORKERS", "3")  # the environment still wins over the file
    assert scale.placement() == scale.Placement(None, 3)


def test_unknown_sections_and_keys_are_named_with_the_known_ones(config):
    path = config('[schedule]\ndaily-collection = "0 5 * * *"\n')
    assert problem(scale.check_config) == (
        f"{path}: unknown section [schedule] (did you mean 'schedules'?) "
        "(known sections: [dask], [schedules])"
    )
    config("[dask]\nworker = 2\n")
    assert problem(scale.check_config) == (
        f"{path}: [dask] unknown key 'worker' (did you mean 'workers'?) "
        "(known keys: address, workers)"
    )
    config('[schedules]\ndaily_collection = "30 5 * * *"\n')
    assert problem(serve.schedules) == (
        f"{path}: [schedules] unknown key 'daily_collection' (did you mean "
        "'daily-collection'?) (known keys: daily-collection, hn-backfill-check, ingest-inbox)"
    )
    config("workers = 2\n")
    assert "unknown top-level key 'workers'" in problem(scale.check_config)


def test_a_config_path_that_does_not_exist_is_an_error(tmp_path, monkeypatch, config):
    missing = tmp_path / "typo.toml"
    monkeypatch.setenv("PMPULSE_CONFIG", str(missing))
    assert problem(scale.check_config) == f"PMPULSE_CONFIG names {missing}, which does not exist"
    assert problem(serve.schedules) == f"PMPULSE_CONFIG names {missing}, which does not exist"
    monkeypatch.delenv("PMPULSE_CONFIG")  # the default pmpulse.toml may be absent
    monkeypatch.chdir(tmp_path)
    assert scale.read_config() == {}
    assert scale.placement() == scale.Placement()


@pytest.mark.parametrize(
    ("cron", "reason"),
    [
        ("99 99 * * *", "not a valid cron string; expected 5 fields"),
        ("0 6 * *", "not a valid cron string"),
        ("every day", "not a valid cron string"),
        ("0 6 31 2 *", "never fires"),
    ],
)
def test_bad_cron_strings_are_refused(config, cron, reason):
    path = config(f'[schedules]\ndaily-collection = "{cron}"\n')
    message = problem(serve.schedules)
    assert message.startswith(f'{path}: [schedules] daily-collection = "{cron}": {reason}')


def test_schedule_values_and_environment_names_are_checked(config, monkeypatch):
    path = config("[schedules]\nhn-backfill-check = 6\n")
    assert problem(serve.schedules) == (
        f"{path}: [schedules] hn-backfill-check = 6: must be a cron string in quotes "
        '(e.g. "0 6 * * *") or "off"'
    )
    config('[schedules]\nhn-backfill-check = "off"\ningest-inbox = "@hourly"\n')
    assert serve.schedules() == {
        "daily-collection": "0 6 * * *",
        "hn-backfill-check": None,
        "ingest-inbox": "@hourly",
    }
    monkeypatch.setenv("PMPULSE_SCHEDULE_INGEST_INBOX", "1 2 3")
    assert problem(serve.schedules).startswith(
        "PMPULSE_SCHEDULE_INGEST_INBOX='1 2 3': not a valid cron string"
    )
    monkeypatch.delenv("PMPULSE_SCHEDULE_INGEST_INBOX")
    monkeypatch.setenv("PMPULSE_SCHEDULE_DAILY_COLECTION", "0 5 * * *")
    assert problem(serve.schedules).startswith(
        "unknown environment variable PMPULSE_SCHEDULE_DAILY_COLECTION (did you mean "
        "'PMPULSE_SCHEDULE_DAILY_COLLECTION'?)"
    )


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("[schedules\n", "not valid TOML: line 1, column 11"),
        ('[schedules]\ndaily-collection = "99 99 * * *"\n', "not a valid cron string"),
        ('[schedules]\ndaily-colection = "0 5 * * *"\n', "unknown key 'daily-colection'"),
        ('[dask]\nworkers = "two"\n', '[dask] workers = "two"'),
    ],
)
def test_serve_list_refuses_a_bad_config_in_one_line(tmp_path, config, capsys, text, expected):
    path = config(text)
    assert main(["serve", "--list", "--db", str(tmp_path / "w.duckdb")]) == 2
    out, err = capsys.readouterr()
    assert out == ""
    assert err.startswith(f"pmpulse serve: {path}: ") and expected in err
    assert err.count("\n") == 1 and "Traceback" not in err
