"""Regenerate the table of the baseline's structural variants shown in docs/.

    python experiments/structural_variants.py

Runs the baseline and each variant of its ``variants:`` block on common random numbers (the
baseline's seed, 5,000 worlds) and writes docs/figures/variants/{table.txt, variants.json,
variants.csv, variants.png}. The same as ``negsim run scenarios/baseline.yaml --variants``.
"""

from __future__ import annotations

from pathlib import Path

from sim.analysis.compare import compare_variants, comparison_rows
from sim.engine import load_scenario
from sim.report.compare_report import format_spread, format_table, write_comparison
from sim.report.io import atomic_write_bytes

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "docs" / "figures" / "variants"
WORLDS = 5000


def main() -> None:
    loaded = load_scenario(ROOT / "scenarios" / "baseline.yaml")
    comparison = compare_variants(loaded, worlds=WORLDS)
    rows = comparison_rows(comparison)  # files relative to the working folder (sim.fileio.portable_path)
    table = format_table(rows, comparison.months) + "\n" + format_spread(rows, comparison.months)
    print(table)
    atomic_write_bytes(OUT / "table.txt", (table + "\n").encode())
    write_comparison(OUT, "variants", rows, comparison.months,
                     title=f"Baseline and its structural variants ({WORLDS:,} worlds each, common random numbers)")
    print(f"wrote {OUT.relative_to(ROOT)}/table.txt, variants.json, variants.csv, variants.png")


if __name__ == "__main__":
    main()
