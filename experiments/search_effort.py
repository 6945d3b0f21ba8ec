"""How the baseline forecast depends on how hard the mediator searches, on common random numbers.

    .venv/bin/python experiments/search_effort.py [worlds]      (default 26,000; about a minute on 2 cores)

The mediator's box search afresh each month (``search_start: cold``; docs/model.md,
sim/core/bargaining.py) tries ``search_levels`` points per issue in each of ``search_sweeps``
passes. Each line runs the baseline with one setting changed (same seed, so the same shocks in
every world) and prints P6/P12/P24 of a first ceasefire with the paired difference from the first
line and its 95% interval. A cheaper search is acceptable only if these differences are within
their intervals; a more thorough one shows whether the search has converged.
"""

from __future__ import annotations

import sys

from sim.analysis.compare import paired_difference, reached_by
from sim.engine import load_scenario
from sim.engine.run import run_scenario

SEED = 20250301
MONTHS = (6, 12, 24)
BEFORE = {"negotiation.search_start": "cold", "negotiation.search_sweeps": 3}
"""The search this experiment measured, the default until the draft went on from month to month:
afresh each month, 3 sweeps (docs/findings.md keeps its table)."""
SETTINGS = {
    "afresh each month (box, 5 levels, 3 sweeps)": BEFORE,
    "contract curve only": {**BEFORE, "negotiation.search": "curve"},
    "1 sweep": {**BEFORE, "negotiation.search_sweeps": 1},
    "2 sweeps": {**BEFORE, "negotiation.search_sweeps": 2},
    "4 sweeps": {**BEFORE, "negotiation.search_sweeps": 4},
    "5 sweeps": {**BEFORE, "negotiation.search_sweeps": 5},
    "9 levels": {**BEFORE, "negotiation.search_levels": 9},
}


def main() -> None:
    worlds = int(sys.argv[1]) if len(sys.argv) > 1 else 26_000
    runs = {name: run_scenario(load_scenario("scenarios/baseline.yaml", overrides or None), worlds=worlds, seed=SEED)
            for name, overrides in SETTINGS.items()}
    default = runs[next(iter(SETTINGS))]
    print(f"baseline, {worlds:,} worlds, seed {SEED}: P(first ceasefire by month), %, and the paired "
          "difference from the first line [95% interval], points")
    for name, result in runs.items():
        cells = []
        for month in MONTHS:
            share = 100 * reached_by(result, month).mean()
            d, low, high = (100 * x for x in paired_difference(reached_by(default, month), reached_by(result, month)))
            cells.append(f"P{month} {share:5.1f} ({d:+.1f} [{low:+.1f}, {high:+.1f}])")
        print(f"  {name:<34} " + "  ".join(cells))


if __name__ == "__main__":
    main()
