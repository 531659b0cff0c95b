"""The report as a person sees it: executed headless on a small warehouse, opened in Chromium."""

import re
import shutil
import subprocess
from pathlib import Path

import marts_warehouse as mw
import pytest

from flows.report import report
from warehouse import db

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
