"""Has the mediator's search converged? Every shipped scenario, cold and warm starts, on common random numbers.

    .venv/bin/python experiments/search_convergence.py [worlds]      (default 26,000; about 7 minutes)

The mediator's box search (docs/model.md, sim/core/bargaining.py) is a local search: it starts from
the contract curve and the status quo and makes ``search_sweeps`` passes over the issues. With
``negotiation.search_start: warm`` it also starts, in each world, from its own last proposal there
(the draft carried forward), so the search of one month goes on from where the last one stopped.

For every scenario under scenarios/ (each run alone, same seed, so the same shocks in every world),
this prints P6/P12/P24 of a first ceasefire and the CPU seconds of one process for:

* the shipped search (cold start, 3 sweeps);
* warm starts with 3, 4 and 5 sweeps, and 5 sweeps of 3 levels per issue;
* the reference: warm start, 8 sweeps (the most the schema allows), against which each line gives
  its paired difference in points with a 95% interval.

A search is "converged" for a scenario when a more thorough one moves none of its forecasts beyond
the Monte Carlo error of the forecast itself (about +-0.6 points at 26,000 worlds).
"""

from __future__ import annotations

import sys
import time
from pathlib import Path

from sim.analysis.compare import paired_difference, reached_by
from sim.engine import load_scenario
from sim.engine.run import run_scenario

ROOT = Path(__file__).resolve().parent.parent
SEED = 20250301
MONTHS = (6, 12, 24)
WARM = {"negotiation.search_start": "warm"}
REFERENCE = "warm, 8 sweeps"
SETTINGS = {
    REFERENCE: {**WARM, "negotiation.search_sweeps": 8},
    "shipped: cold, 3 sweeps": {},
    "warm, 3 sweeps": WARM,
    "warm, 4 sweeps": {**WARM, "negotiation.search_sweeps": 4},
    "warm, 5 sweeps": {**WARM, "negotiation.search_sweeps": 5},
    "warm, 5 sweeps of 3 levels": {**WARM, "negotiation.search_sweeps": 5, "negotiation.search_levels": 3},
}


def main() -> None:
    worlds = int(sys.argv[1]) if len(sys.argv) > 1 else 26_000
    print(f"{worlds:,} worlds, seed {SEED}: P(first ceasefire by month) %, with the paired difference from "
          f"'{REFERENCE}' [95% interval], points; CPU seconds of one process")
    for path in sorted((ROOT / "scenarios").glob("*.yaml")):
        runs, seconds = {}, {}
        for name, overrides in SETTINGS.items():
            began = time.process_time()
            runs[name] = run_scenario(load_scenario(path, overrides), worlds=worlds, seed=SEED, workers=1)
            seconds[name] = time.process_time() - began
        reference = runs[REFERENCE]
        print(f"\n{path.name}")
        for name, result in runs.items():
            cells = []
            for month in MONTHS:
                share = 100 * reached_by(result, month).mean()
                if name == REFERENCE:
                    cells.append(f"P{month} {share:5.1f} {'':>20}")
                    continue
                d, low, high = (100 * x for x in paired_difference(reached_by(reference, month),
                                                                    reached_by(result, month)))
                cells.append(f"P{month} {share:5.1f} ({d:+4.1f} [{low:+4.1f}, {high:+4.1f}])")
            print(f"  {name:<24} {seconds[name]:5.1f} s  " + "  ".join(cells), flush=True)


if __name__ == "__main__":
    main()
