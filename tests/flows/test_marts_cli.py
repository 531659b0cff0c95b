"""`pmpulse marts --min-postings`: values under 1 are usage errors (exit 2), not a build in
which months with no PM postings count as reliable."""

import pytest

from flows import cli


@pytest.mark.parametrize(
    ("value", "reason"),
    [("-1", "-1: must be at least 1"), ("0", "0: must be at least 1"),
     ("ten", "'ten' is not a whole number")],
)  # fmt: skip
def test_min_postings_below_one_is_refused(tmp_path, capsys, value, reason):
    db = tmp_path / "w.duckdb"
    with pytest.raises(SystemExit) as done:
        cli.main(["marts", "--min-postings", value, "--db", str(db)])
    assert done.value.code == 2
    assert f"pmpulse marts: error: argument --min-postings: {reason}" in capsys.readouterr().err
    assert not db.exists()


def test_min_postings_of_one_or_more_is_kept():
    assert cli.parser().parse_args(["marts", "--min-postings", "1"]).min_postings == 1
    assert cli.parser().parse_args(["marts"]).min_postings is None  # the last build's


def test_workers_below_zero_is_refused(capsys):
    with pytest.raises(SystemExit) as done:
        cli.parser().parse_args(["marts", "--workers", "-1"])
    assert done.value.code == 2
    assert "argument --workers: -1: a number of workers is 0 or more" in capsys.readouterr().err
