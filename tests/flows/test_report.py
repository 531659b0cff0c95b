"""The report as a person sees it: executed headless on a small warehouse, opened in Chromium."""

import re
import shutil
import subprocess
from pathlib import Path

import marts_warehouse as mw
import pytest

from flows.report import report, report_name
from warehouse import db, marts

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
PNG = re.compile(r"<img[^>]+src=\"data:image/png;base64,")


@pytest.fixture(scope="module")
def html(tmp_path_factory, prefect_harness) -> Path:
    root = tmp_path_factory.mktemp("report")
    path = mw.build(root / "w.duckdb", clusters=True)
    summary = report(db_path=str(path), out_dir=str(root / "out"), start="2014-01")
    assert summary["marts"]["pm_postings"] > 0  # stale marts were rebuilt first
    return Path(summary["html"])


def test_report_is_self_contained_html_with_the_charts(html):
    text = html.read_text(encoding="utf-8")
    assert html.name == "pmpulse-report_2014-01.html"
    assert len(PNG.findall(text)) >= 5
    assert not re.search(r"(src|href)=\"https?://", text)  # opens offline
    for heading in ("Data coverage", "Hard vs soft", "headline categories", "rising and falling",
                    "Seniority split", "Emerging skills"):  # fmt: skip
        assert heading in text
    assert "Traceback" not in text
    assert "2026" in text and "change vs first year" in text


def test_report_reuses_fresh_marts(html, tmp_path):
    with db.connect(html.parent.parent / "w.duckdb", read_only=True) as wh:
        builds = wh.count("mart_builds")
    summary = report(db_path=str(html.parent.parent / "w.duckdb"), out_dir=str(tmp_path),
                     end="2015-12", grain="year")  # fmt: skip
    assert summary["marts"] == "up to date"
    with db.connect(html.parent.parent / "w.duckdb", read_only=True) as wh:
        assert wh.count("mart_builds") == builds


def _chromium(tmp_path: Path, *args: str) -> subprocess.CompletedProcess:
    flags = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
             "--disable-background-networking", "--disable-component-update", "--disable-sync",
             f"--user-data-dir={tmp_path / 'profile'}"]  # fmt: skip
    return subprocess.run(
        [CHROMIUM, *flags, *args], capture_output=True, text=True, timeout=120, check=True
    )


@pytest.mark.skipif(
    not Path(CHROMIUM).exists(),
    reason="chromium is not installed (apt-get install -y chromium chromium-driver)",
)
def test_report_renders_in_headless_chromium(html, tmp_path):
    from PIL import Image

    dom = _chromium(tmp_path, "--dump-dom", html.as_uri()).stdout
    assert len(PNG.findall(dom)) >= 5  # the browser parsed the charts as images
    shot = tmp_path / "shot.png"
    _chromium(tmp_path, f"--screenshot={shot}", "--window-size=1200,3000", html.as_uri())
    image = Image.open(shot).convert("RGB").resize((120, 300))
    pixels = list(image.get_flattened_data())
    not_white = sum(1 for p in pixels if sum(p) < 720) / len(pixels)
    assert len(set(pixels)) > 50 and not_white > 0.1  # charts drawn, not a blank page


def test_report_on_an_empty_warehouse_says_so(tmp_path, prefect_harness):
    path = tmp_path / "empty.duckdb"
    with db.connect(path):
        pass
    out = Path(report(db_path=str(path), out_dir=str(tmp_path / "out"))["html"])
    text = out.read_text(encoding="utf-8")
    assert "No PM postings" in text and "Traceback" not in text
    assert "Warning" not in text  # matplotlib's, on empty charts


def _text(html_text: str) -> str:
    """The visible text of the report: tags dropped, one space between cells."""
    body = re.sub(r"<(style|script)\b.*?</\1>", "", html_text, flags=re.S)
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", body))


def test_report_names_itself_and_shows_plain_tables(html):
    text = html.read_text(encoding="utf-8")
    title = re.search(r"<title>(.*?)</title>", text).group(1)
    assert title.startswith("pmpulse report: hard vs soft skill demand")
    assert "2014-01" in title
    assert "shape: (" not in text  # polars' preview (row count, dtype row, hidden rows)
    assert "<table" in text and "&quot;" not in _text(text)
    # the baseline year of the change table has no change interval
    assert re.search(r"<td>2014</td>(<td>[^<]*</td>){3}<td>baseline</td>", text)
    assert "0.0 pp [" not in text


def test_report_window_holds_for_every_section_and_the_min_postings_stays(
    tmp_path, prefect_harness
):
    # a one-month window: the year and quarter sections count that month, not all of 2026;
    # marts built with --min-postings 12 keep it when the report rebuilds them
    path = mw.build(tmp_path / "w.duckdb")
    with db.connect(path) as wh:
        marts.rebuild(wh, min_postings=12)
        march = wh.scalar(
            "SELECT postings_total FROM hard_soft_monthly WHERE month = DATE '2026-03-01'"
        )
    summary = report(db_path=str(path), out_dir=str(tmp_path / "out"), start="2026-03",
                     end="2026-03", grain="year", rebuild=True)  # fmt: skip
    out = Path(summary["html"])
    text = out.read_text(encoding="utf-8")
    assert f"<td>2026 (Mar)</td><td>{march}</td>" in text  # the change table
    assert "No PM postings with extracted skills in the window" not in text  # the heatmap
    assert "periods the window cuts are counted over their months inside it: 2026 (Mar)" in (
        _text(text)
    )
    assert "Traceback" not in text
    assert summary["marts"]["rows"]
    with db.connect(path, read_only=True) as wh:
        assert marts.stored_min_postings(wh) == 12
    assert "minimum 12 PM postings" in text
    assert out.name == "pmpulse-report_2026-03_to_2026-03_by-year.html"


def test_report_rejects_a_reversed_window(tmp_path, prefect_harness):
    with pytest.raises(ValueError, match="before --start"):
        report(db_path=str(tmp_path / "none.duckdb"), out_dir=str(tmp_path), start="2018-01",
               end="2014-01")  # fmt: skip


@pytest.mark.parametrize(
    ("args", "name"),
    [
        ((None, None, "quarter", True), "pmpulse-report"),
        (("2014-01", None, "quarter", True), "pmpulse-report_2014-01"),
        ((None, "2015-12", "year", True), "pmpulse-report_to_2015-12_by-year"),
        ((None, None, "month", False), "pmpulse-report_by-month_pm-only-posts"),
    ],
)
def test_report_file_names_differ_by_every_choice(args, name):
    assert report_name(*args) == name
