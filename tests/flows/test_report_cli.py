"""`pmpulse report`: a window that is not months, or ends before it starts, is refused up front."""

import pytest

from flows import cli


@pytest.mark.parametrize("month", ["2014-13", "2014-00", "2014-5", "May 2014"])
def test_a_bound_that_is_not_a_month_is_a_usage_error(month, tmp_path, capsys):
    with pytest.raises(SystemExit) as stop:
        cli.main(["report", "--db", str(tmp_path / "w.duckdb"), "--start", month])
    assert stop.value.code == 2
    assert f"expected a month as YYYY-MM (01-12): {month!r}" in capsys.readouterr().err


def test_a_window_ending_before_it_starts_is_refused(tmp_path, capsys):
    out = tmp_path / "out"
    code = cli.main(["report", "--db", str(tmp_path / "w.duckdb"), "--out", str(out),
                     "--start", "2018-01", "--end", "2014-01"])  # fmt: skip
    assert code == 2
    assert "--end 2014-01 is before --start 2018-01" in capsys.readouterr().err
    assert not out.exists()
