"""Regenerate every published table and figure, and paste the tables into README.md.

    python experiments/refresh_readme.py

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
    for script in SCRIPTS:
        path = ROOT / "experiments" / script
        if path.exists():
            print(f"== {script}")
            runpy.run_path(str(path), run_name="__main__")
    readme = ROOT / "README.md"
    readme.write_text(paste(readme.read_text()))
    print("README.md refreshed")


if __name__ == "__main__":
    main()
