"""Regenerate the baseline forecast shown in docs/: report text, results.json and figures.

    python experiments/baseline_forecast.py

Writes docs/figures/baseline/{report.txt, results.json, ceasefire.png, terms.png, war.png}.
"""

from __future__ import annotations

from pathlib import Path

from sim.engine import load_scenario
from sim.engine.outputs import summarise
from sim.engine.run import run_scenario
from sim.report.io import atomic_write_bytes, save_figures, write_json
from sim.report.plots import run_figures
from sim.report.run_files import split_run_specifics
from sim.report.text import format_report

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "docs" / "figures" / "baseline"


def main() -> None:
    loaded = load_scenario(ROOT / "scenarios" / "baseline.yaml")
    result = run_scenario(loaded, workers=None)  # every core, as `negsim run` does
    summary = summarise(result)
    report = format_report(summary)
    print(report)
    atomic_write_bytes(OUT / "report.txt", (report + "\n").encode())
    write_json(OUT / "results.json", split_run_specifics(summary)[0])   # as `negsim run --out` writes it
    for path in save_figures(run_figures(result, summary), OUT):
        print(f"wrote {path.relative_to(ROOT)}")


if __name__ == "__main__":
    main()
