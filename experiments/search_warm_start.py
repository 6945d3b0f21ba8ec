"""Does the mediator's search find every deal there is? A warm start from last month's package, measured.

    .venv/bin/python experiments/search_warm_start.py [worlds]      (default 2,000; about 30 s)

A baseline run of ``worlds`` worlds (one model, so the searches follow each other month by month)
records every search of the mediator with its inputs (``benchmarks/search.py``). Each is searched
again: as the model does (3 sweeps from the contract curve, its grid and the status quo), and with
each world's package of the month before as one more start (``extra_starts``) and 0-3 sweeps. Printed
for each: its CPU time against the model's search, the share of searched worlds whose package scores
at least the model's, and how many packages every veto player accepts (a positive surplus each),
with those the model's search finds and misses.

The searches all see the inputs of the model's own run (its months, fronts and beliefs); a model
whose mediator searched from last month's package would take another course, so these are counts
of the search, not a forecast. What they show: the box search stops well short of every deal there
is (docs/findings.md, "How hard the mediator searches").
"""

from __future__ import annotations

import sys
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "benchmarks"))
from search import recorded_calls  # noqa: E402

from sim.core import compiled_search  # noqa: E402
from sim.engine import load_scenario  # noqa: E402


def search_in_turn(calls: list[tuple], warm: bool, sweeps: int) -> tuple[np.ndarray, float]:
    """Every recorded search, in the order of the run, with ``sweeps`` sweeps; with ``warm``, each
    world also starts from its own last package (the status quo before its first). The packages'
    scores (the box search's objective) and the CPU seconds of the searches."""
    last, scores, seconds = None, [], 0.0
    for worlds, players, curve, low, high, status_quo, options in calls:
        if last is None:
            last = status_quo.copy()
        out = status_quo.copy()
        began = time.process_time()
        compiled_search.search_packages(worlds, players, curve, low, high, status_quo, out=out,
                                        **{**options, "sweeps": sweeps, "extra_starts": last[None] if warm else None})
        seconds += time.process_time() - began
        last[worlds] = out[worlds]
        scores.append(compiled_search.package_scores(worlds, players, out[worlds], status_quo))
    return np.concatenate(scores), seconds


def main() -> None:
    worlds = int(sys.argv[1]) if len(sys.argv) > 1 else 2_000
    # The search as the model ran it when this was measured: afresh each month, 3 sweeps.
    loaded = load_scenario("scenarios/baseline.yaml", {"negotiation.search_start": "cold", "negotiation.search_sweeps": 3})
    compiled_search.warm_up()
    calls = recorded_calls(loaded.scenario, worlds)
    model, model_seconds = search_in_turn(calls, warm=False, sweeps=3)
    deal = compiled_search.INFEASIBLE / 2
    print(f"baseline, {worlds:,} worlds: {len(model):,} searched worlds; the model's search (3 sweeps) "
          f"finds {np.sum(model > deal):,} packages every veto player accepts, in {model_seconds:.2f} s")
    for warm, sweeps in ((False, 2), (True, 0), (True, 1), (True, 2), (True, 3)):
        found, seconds = search_in_turn(calls, warm, sweeps)
        label = f"{'from last month, ' if warm else ''}{sweeps} sweep{'s' * (sweeps != 1)}"
        print(f"  {label:<24} {model_seconds / seconds:4.2f}x the model's speed; scores at least the model's in "
              f"{np.mean(found >= model - 1e-12):5.1%} of worlds; {np.sum(found > deal):,} deals "
              f"({np.sum((found > deal) & (model > deal)):,} of the model's, {np.sum((found > deal) & (model <= deal)):,} "
              "it misses)")


if __name__ == "__main__":
    main()
