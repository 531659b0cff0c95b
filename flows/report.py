"""Flow `report`: execute notebooks/report.py headless into one self-contained HTML file.

Orchestration only: the notebook reads the marts through `warehouse.marts`. Parameters are
injected papermill-style: a cell after the one tagged `parameters` overrides its values.
"""

from __future__ import annotations

import re
from datetime import date
from pathlib import Path

from prefect import flow, get_run_logger, task
from prefect.cache_policies import NONE

from flows.marts import build_marts
from warehouse import db, marts

NOTEBOOK = Path(__file__).resolve().parents[1] / "notebooks" / "report.py"
_EXTERNAL = re.compile(r"<script[^>]*\bsrc=\"https?://[^\"]*\"[^>]*>\s*</script>", re.I)
TITLE = "pmpulse report: hard vs soft skill demand in PM job postings"


def month(value: str | None, what: str = "month") -> date | None:
    """'YYYY-MM' as the first day of that month; ValueError naming `what` when it is not one."""
    if value is None:
        return None
    match = re.fullmatch(r"(\d{4})-(\d{2})", value)
    if not match or not 1 <= int(match[2]) <= 12:
        raise ValueError(f"{what} must be a month as YYYY-MM (01-12): {value!r}")
    return date(int(match[1]), int(match[2]), 1)


def window(start: str | None, end: str | None) -> tuple[date | None, date | None]:
    """The report's window as dates; ValueError when a bound is not a month or end < start."""
    first, last = month(start, "--start"), month(end, "--end")
    if first is not None and last is not None and first > last:
        raise ValueError(f"--end {end} is before --start {start}: the window would be empty")
    return first, last


def report_name(
    start: str | None, end: str | None, grain: str = "quarter", with_multi_role: bool = True
) -> str:
    """The file name (no suffix) of a report: every choice that changes it is in the name."""
    return (
        "pmpulse-report"
        + (f"_{start}" if start else "")
        + (f"_to_{end}" if end else "")
        + (f"_by-{grain}" if grain != "quarter" else "")
        + ("" if with_multi_role else "_pm-only-posts")
    )


def title(parameters: dict) -> str:
    """The page title: what the report is, and its window and choices."""
    bits = [
        f"{parameters.get('start') or 'first month'} to {parameters.get('end') or 'last month'}"
    ]
    if parameters.get("with_multi_role") is False:
        bits.append("PM-only posts")
    return f"{TITLE} ({', '.join(bits)})"


def parameterized(parameters: dict):
    """The report notebook with `parameters` injected after its `parameters` cell."""
    import jupytext
    import nbformat

    nb = jupytext.read(NOTEBOOK)
    nb.metadata["title"] = title(parameters)
    lines = [f"{k} = {v!r}" for k, v in parameters.items()]
    cell = nbformat.v4.new_code_cell(
        "# Parameters injected by pmpulse report\n" + "\n".join(lines),
        metadata={"tags": ["injected-parameters"]},
    )
    at = next(
        (i + 1 for i, c in enumerate(nb.cells) if "parameters" in c.metadata.get("tags", [])), 0
    )
    nb.cells.insert(at, cell)
    return nb


def self_contained(html: str) -> str:
    """Drop script tags that load from the network (MathJax, require.js): the report has no
    formulas or widgets, and must open offline. Images are already inline base64 PNG."""
    return _EXTERNAL.sub("", html)


@task(cache_policy=NONE)
def render(parameters: dict, out: str, timeout: int = 600) -> str:
    """Execute the notebook with the python3 kernel and write the HTML (code hidden)."""
    from nbclient import NotebookClient
    from nbconvert import HTMLExporter

    nb = parameterized(parameters)
    workdir = Path(out).parent
    NotebookClient(
        nb, kernel_name="python3", timeout=timeout, resources={"metadata": {"path": str(workdir)}}
    ).execute()
    exporter = HTMLExporter(exclude_input=True, exclude_input_prompt=True,
                            exclude_output_prompt=True)  # fmt: skip
    body, _ = exporter.from_notebook_node(nb)
    Path(out).write_text(self_contained(body), encoding="utf-8")
    return out


@flow(name="report")
def report(
    db_path: str,
    out_dir: str,
    start: str | None = None,
    end: str | None = None,
    grain: str = "quarter",
    with_multi_role: bool = True,
    rebuild: bool | None = None,
) -> dict:
    """Rebuild the marts when stale (or when `rebuild` is True), then write the HTML report.

    start/end: 'YYYY-MM' bounds of the window (inclusive; ValueError when not months or
    reversed). A rebuild keeps the marts' `min_postings` setting. Returns {"html", "marts"}.
    """
    window(start, end)
    if grain not in ("month", "quarter", "year"):
        raise ValueError(f"grain must be month, quarter or year: {grain!r}")
    with db.connect(db_path, read_only=True) as wh:
        if rebuild is None:
            rebuild = marts.is_stale(wh)
        min_postings = marts.stored_min_postings(wh)
    summary: dict = {
        "marts": build_marts(db_path=db_path, min_postings=min_postings)
        if rebuild
        else "up to date"
    }
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    name = report_name(start, end, grain, with_multi_role)
    params = {
        "db_path": str(Path(db_path).resolve()),
        "start": start,
        "end": end,
        "grain": grain,
        "with_multi_role": with_multi_role,
    }
    summary["html"] = render(params, str((out / f"{name}.html").resolve()))
    get_run_logger().info("report written: %s", summary["html"])
    return summary
