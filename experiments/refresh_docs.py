"""Regenerate every published table and figure, and paste the tables into README.md and docs/.

    .venv/bin/python experiments/refresh_docs.py

Runs the scripts that make the published figures (baseline forecast, pressure strategies, structural
variants, sweep example, teaching figures, calibration, sensitivity), then replaces each block
between ``<!-- begin:NAME -->`` and ``<!-- end:NAME -->`` in README.md and docs/*.md with the matching
text under docs/figures/, rewrites the generated scenario reference (docs/reference.md) and JSON
Schema (docs/scenario.schema.json), and runs the notebook docs/api.ipynb in a fresh kernel to store
its outputs (tables and charts), so that it reads on a code host without being run.
"""

from __future__ import annotations

import re
import runpy
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
FIGURES = ROOT / "docs" / "figures"
BLOCKS = {
    "baseline-headline": FIGURES / "baseline" / "report.txt",  # the report's first table (README)
    "baseline-report": FIGURES / "baseline" / "report.txt",
    "strategies-table": FIGURES / "strategies" / "table.txt",
    "variants-table": FIGURES / "variants" / "table.txt",
    "backtest-table": FIGURES / "calibration" / "backtest.md",
    "calibration-summary": FIGURES / "calibration" / "summary.txt",
    "sobol-table": FIGURES / "sensitivity" / "sobol.md",
    "score-totals": FIGURES / "score" / "totals.md",
    "score-table": FIGURES / "score" / "scores.md",
    "conditioning-table": FIGURES / "conditioning" / "table.md",
    "conditioning-headline": FIGURES / "conditioning" / "headline.md",
}
SCRIPTS = ["baseline_forecast.py", "pressure_strategies.py", "structural_variants.py", "sweep_example.py", "teaching_figures.py",
           "calibration_report.py", "conditioning.py", "score_questions.py", "sensitivity.py"]


DOCUMENTS = [ROOT / "README.md", *sorted((ROOT / "docs").glob("*.md"))]
NOTEBOOK = ROOT / "docs" / "api.ipynb"


def store_notebook_outputs(path: Path = NOTEBOOK) -> None:
    """Run the notebook in a fresh ``python3`` kernel started in its own folder, as Jupyter does, and
    write it back with its outputs (no timings, so that an unchanged result is an unchanged file)."""
    import nbformat
    from nbclient import NotebookClient

    notebook = nbformat.read(path, as_version=4)
    NotebookClient(notebook, timeout=600, kernel_name="python3", record_timing=False,
                   resources={"metadata": {"path": str(path.parent)}}).execute()
    nbformat.write(notebook, path)


def block_text(name: str) -> str:
    text = BLOCKS[name].read_text().rstrip("\n")
    if name == "baseline-headline":  # up to the median time to a ceasefire
        lines = text.split("\n")
        text = "\n".join(lines[:next(i for i, line in enumerate(lines) if "median time" in line) + 1])
    return text if BLOCKS[name].suffix == ".md" else f"```\n{text}\n```"


def paste(document: str) -> str:
    for name in BLOCKS:
        if not BLOCKS[name].exists():
            continue
        pattern = re.compile(rf"(<!-- begin:{name} -->).*?(<!-- end:{name} -->)", re.S)
        text = block_text(name)
        document = pattern.sub(lambda m, text=text: m.group(1) + "\n" + text + "\n" + m.group(2), document)
    return document


def main() -> None:
    from sim.scenario import UserError

    for script in SCRIPTS:
        path = ROOT / "experiments" / script
        if path.exists():
            print(f"== {script}")
            try:
                runpy.run_path(str(path), run_name="__main__")
            except (UserError, FileNotFoundError) as exc:
                # e.g. a clone without the seed articles beside it (../shared/seeds, or $NEGSIM_SEEDS)
                print(f"   skipped: {exc}. Its tables and figures stay as they are; the seed articles are found "
                      "in ../shared/seeds or in the folder $NEGSIM_SEEDS names.")
    for document in DOCUMENTS:
        document.write_text(paste(document.read_text()))
    for flags, published in (([], "scenario.schema.json"), (["--reference"], "reference.md"),
                             (["--questions"], "questions.schema.json")):
        printed = subprocess.run([sys.executable, "-m", "sim.cli", "schema", *flags], capture_output=True, text=True,
                                 check=True, cwd=ROOT).stdout
        (ROOT / "docs" / published).write_text(printed)
    store_notebook_outputs()
    print("README.md and docs/ refreshed")


if __name__ == "__main__":
    main()
