"""Regenerate the teaching figures shown in docs/ (docs/figures/teaching/).

    python experiments/teaching_figures.py
"""

from __future__ import annotations

from pathlib import Path

from sim.analysis.teaching import bargain_view
from sim.engine import load_scenario
from sim.report.bargain import plot_bargain
from sim.report.io import save_figure

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "docs" / "figures" / "teaching"


def main() -> None:
    base = load_scenario(ROOT / "scenarios" / "baseline.yaml").scenario
    pressure = load_scenario(ROOT / "scenarios" / "europe_steps_up.yaml").scenario
    index = {name: k for k, name in enumerate(base.issues)}
    views = [bargain_view(s, ["army_limits", "guarantees"], month=4, seed=base.seed) for s in (base, pressure)]
    save_figure(plot_bargain(views, index), OUT / "bargain.png")
    save_figure(plot_bargain([bargain_view(base, ["territory"], month=4)], index), OUT / "fearon.png")
    print(f"wrote {OUT.relative_to(ROOT)}/bargain.png, fearon.png")


if __name__ == "__main__":
    main()
