"""Has the mediator's search converged? Every shipped scenario, with each way of searching, on common random numbers.

    .venv/bin/python experiments/search_convergence.py [worlds] [--part I/M]

(default 26,000 worlds; about 10 minutes on one core; ``--part 0/2`` and ``--part 1/2`` split the
scenarios between two processes.)

The mediator's box search (docs/model.md, sim/core/bargaining.py) is a local search. Afresh
(``negotiation.search_start: cold``) it starts from the contract curve and the status quo and makes
``search_sweeps`` passes over the issues; ``warm`` also starts, in each world, from its own last
proposal there (the draft carried forward); ``continue`` (the default) searches afresh only the
first time, then goes on from the draft alone for ``draft_sweeps`` passes each month.

For every scenario under scenarios/ (each run alone, same seed, so the same shocks in every world),
this prints P6/P12/P24 of a first ceasefire and the CPU seconds of one process for each setting
below, each with its paired difference in points from the reference, with a 95% interval. The
reference is the most thorough search the schema allows: afresh and from the draft, 8 sweeps.

A search is "converged" for a scenario when the reference moves none of its forecasts beyond the
Monte Carlo error of the forecast itself (about +-0.6 points at 26,000 worlds).
"""

from __future__ import annotations

import argparse
import time
from pathlib import Path

from sim.analysis.compare import paired_difference, reached_by
from sim.engine import load_scenario
from sim.engine.run import run_scenario

ROOT = Path(__file__).resolve().parent.parent
SEED = 20250301
MONTHS = (6, 12, 24)
WARM = {"negotiation.search_start": "warm"}
COLD = {"negotiation.search_start": "cold"}
GOING_ON = {"negotiation.search_start": "continue"}
REFERENCE = "afresh and from the draft, 8 sweeps"
DEFAULT = "default: going on, 4 sweeps (afresh: 5)"
SETTINGS = {
    REFERENCE: {**WARM, "negotiation.search_sweeps": 8},
    "afresh, 3 sweeps (the default before)": {**COLD, "negotiation.search_sweeps": 3},
    "afresh, 5 sweeps": COLD,
    "afresh and from the draft, 5 sweeps": WARM,
    "going on, 2 sweeps (afresh: 5)": {**GOING_ON, "negotiation.draft_sweeps": 2},
    "going on, 3 sweeps (afresh: 5)": {**GOING_ON, "negotiation.draft_sweeps": 3},
    DEFAULT: {},
}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("worlds", type=int, nargs="?", default=26_000)
    parser.add_argument("--part", default="0/1", help="I/M: the I-th of M shares of the scenarios (from 0)")
    args = parser.parse_args()
    index, parts = (int(x) for x in args.part.split("/"))
    worlds = args.worlds
    print(f"{worlds:,} worlds, seed {SEED}: P(first ceasefire by month) %, with the paired difference from "
          f"'{REFERENCE}' [95% interval], points; CPU seconds of one process")
    for path in sorted((ROOT / "scenarios").glob("*.yaml"))[index::parts]:
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
            print(f"  {name:<40} {seconds[name]:5.1f} s  " + "  ".join(cells), flush=True)


if __name__ == "__main__":
    main()
