"""Regenerate the guide's sweep example (docs/guide.md): a 2-parameter grid of the baseline and its heatmap.

    python experiments/sweep_example.py

Equivalent to the guide's two commands; writes docs/figures/sweep/{heatmap.png, tornado.png,
results.csv, analysis.txt}.
"""

from __future__ import annotations

import shutil
import tempfile
from pathlib import Path

from sim.analysis.design import build_design, parse_param
from sim.analysis.sensitivity import analyze
from sim.analysis.sweep import plan_sweep, run_sweep
from sim.engine import load_scenario
from sim.report.io import atomic_write_bytes, save_figures
from sim.report.sweep_analysis import format_analysis, sensitivity_figures

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "docs" / "figures" / "sweep"


def main() -> None:
    loaded = load_scenario(ROOT / "scenarios" / "baseline.yaml")
    params = [parse_param("actors.us.levers.sanctions=0:1.5:4"), parse_param("actors.russia.beliefs.victory=0.2:0.6:3")]
    plan = plan_sweep(loaded, build_design("grid", params), worlds=1000)
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp) / "sanctions-optimism"
        run_sweep(plan, folder)
        analysis = analyze(folder)
        figures = save_figures(sensitivity_figures(analysis), folder / "analysis")
        text = format_analysis(analysis, [f.relative_to(folder) for f in figures])
        print(text)
        OUT.mkdir(parents=True, exist_ok=True)
        for name in ("heatmap.png", "tornado.png"):
            shutil.copyfile(folder / "analysis" / name, OUT / name)
        shutil.copyfile(folder / "results.csv", OUT / "results.csv")
    atomic_write_bytes(OUT / "analysis.txt", (text + "\n").encode())


if __name__ == "__main__":
    main()
