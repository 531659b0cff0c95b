"""Flow `report`: execute notebooks/report.py headless into one self-contained HTML file.

Orchestration only: the notebook reads the marts through `warehouse.marts`. Parameters are
injected papermill-style: a cell after the one tagged `parameters` overrides its values.
"""

from __future__ import annotations

import re
from pathlib import Path

from prefect import flow, get_run_logger, task
from prefect.cache_policies import NONE

from flows.marts import build_marts
from warehouse import db, marts

NOTEBOOK = Path(__file__).resolve().parents[1] / "notebooks" / "report.py"
_EXTERNAL = re.compile(r"<script[^>]*\bsrc=\"https?://[^\"]*\"[^>]*>\s*</script>", re.I)


def parameterized(parameters: dict):
    """The report notebook with `parameters` injected after its `parameters` cell."""
    import jupytext
    import nbformat

    nb = jupytext.read(NOTEBOOK)
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

    start/end: 'YYYY-MM' bounds of the window (inclusive). Returns {"html", "marts"}.
    """
    if rebuild is None:
        with db.connect(db_path, read_only=True) as wh:
            rebuild = marts.is_stale(wh)
    summary: dict = {"marts": build_marts(db_path=db_path) if rebuild else "up to date"}
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    name = "pmpulse-report" + (f"_{start}" if start else "") + (f"_to_{end}" if end else "")
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
