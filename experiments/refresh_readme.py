"""Regenerate every published table and figure, and paste the tables into README.md.

    .venv/bin/python experiments/refresh_readme.py

Runs the baseline forecast, the pressure-strategy comparison and the sweep example, then replaces
each README block between ``<!-- begin:NAME -->`` and ``<!-- end:NAME -->`` with the matching text
file under docs/figures/.
"""

from __future__ import annotations

import re
import runpy
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
FIGURES = ROOT / "docs" / "figures"
BLOCKS = {
    "baseline-report": FIGURES / "baseline" / "report.txt",
    "strategies-table": FIGURES / "strategies" / "table.txt",
    "variants-table": FIGURES / "variants" / "table.txt",
    "backtest-table": FIGURES / "calibration" / "backtest.md",
    "calibration-summary": FIGURES / "calibration" / "summary.txt",
    "sobol-table": FIGURES / "sensitivity" / "sobol.md",
}
SCRIPTS = ["baseline_forecast.py", "pressure_strategies.py", "structural_variants.py", "sweep_example.py", "teaching_figures.py",
           "calibration_report.py", "sensitivity.py"]


def block_text(name: str) -> str:
    text = BLOCKS[name].read_text().rstrip("\n")
    return text if BLOCKS[name].suffix == ".md" else f"```\n{text}\n```"


def paste(readme: str) -> str:
    for name in BLOCKS:
        if not BLOCKS[name].exists():
            continue
        pattern = re.compile(rf"(<!-- begin:{name} -->).*?(<!-- end:{name} -->)", re.S)
        text = block_text(name)
        readme = pattern.sub(lambda m, text=text: m.group(1) + "\n" + text + "\n" + m.group(2), readme)
    return readme


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
    readme = ROOT / "README.md"
    readme.write_text(paste(readme.read_text()))
    print("README.md refreshed")


if __name__ == "__main__":
    main()
