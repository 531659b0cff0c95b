"""The README documents what exists: every command, the two commands, the test command CI runs."""

import re
from pathlib import Path

import pytest

from flows import cli

REPO = Path(__file__).resolve().parents[1]
README = (REPO / "README.md").read_text(encoding="utf-8")


@pytest.mark.parametrize("name", sorted(cli.commands()))
def test_every_command_is_in_the_readme(name):
    assert re.search(rf"`pmpulse {re.escape(name)}\b", README), f"pmpulse {name} is not documented"


@pytest.mark.parametrize("name", sorted(cli.commands()))
def test_every_command_has_help(name, capsys):
    with pytest.raises(SystemExit) as exit_:
        cli.main([name, "--help"])
    assert exit_.value.code == 0
    assert "--db" in capsys.readouterr().out


def test_ci_runs_the_readme_test_command():
    assert "make test" in README
    assert "make run" in README
    assert re.search(r"^make test$", (REPO / ".ci" / "run").read_text(), re.M)
