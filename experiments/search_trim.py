"""Can the mediator's search score fewer packages and keep its forecasts? Cheaper searches, measured.

    .venv/bin/python experiments/search_trim.py [worlds] [--jobs 2]

(default 26,000 worlds and two processes side by side: about 6 minutes on this project's 2-core
machine.)

Issue 31 asks for a search that scores fewer packages, each shipped scenario's forecast staying
within the Monte Carlo error of the most thorough search. A search that goes on from the draft
(the default) makes ``draft_sweeps`` passes; each pass tries, for every issue with room, the
``search_levels`` points of the level grid and a step either side of the incumbent, then moves
toward each veto player's ideal (4 fractions x 4 players: 16 whole packages). Two ways to score
fewer, both settings of the model:

* **toward the ideals in the first pass only** (``negotiation.toward_sweeps: 1``, the default since
  0.3.0): later passes skip the 16 moves toward the ideals (184 packages instead of 232 with 6
  issues with room and 4 passes);
* **the level grid in the first passes only** (``negotiation.draft_grid_sweeps``, 2 by default since
  0.4.0): later passes of a search that goes on from its draft try only the local steps (124
  packages with the grid in 2 of 4 passes, 94 in 1).

Each variant runs in its own process, every shipped scenario on the same seed (common random
numbers); printed: P6/P12/P24 of the reference and each search's paired difference from it in
points with its 95% interval, the CPU seconds of each process, and each search's largest difference
as a share of the forecast's own Monte Carlo half-width (Wilson's, on the run's effective worlds:
the interval the engine reports). The reference is that of ``experiments/search_convergence.py``:
afresh each month and from the draft, 8 sweeps, the moves toward the ideals and the level grid in
every sweep. A search keeps the forecast when no difference exceeds the Monte Carlo error of the
forecast itself (the share below 1).

(Until 0.4.0 the level-grid trim was a patch of the kernel that trimmed every search, afresh too:
in the first pass only, 1.43 times the error; docs/findings.md.)
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import numpy as np

from sim.analysis.compare import paired_difference
from sim.engine.outputs import wilson_interval

ROOT = Path(__file__).resolve().parent.parent
SEED = 20250301
MONTHS = (6, 12, 24)
REFERENCE = "reference: afresh and from the draft, 8 sweeps"
EVERY_PASS = {"negotiation.toward_sweeps": 8, "negotiation.draft_grid_sweeps": 8}
VARIANTS: dict[str, dict] = {   # name: overrides
    REFERENCE: {"negotiation.search_start": "warm", "negotiation.search_sweeps": 8, **EVERY_PASS},
    "going on, 4 sweeps, toward the ideals and the grid in every sweep (0.2.0)": EVERY_PASS,
    "toward the ideals in the first sweep only (0.3.0)": {"negotiation.draft_grid_sweeps": 8},
    "and the grid in the first 3 sweeps": {"negotiation.draft_grid_sweeps": 3},
    "and the grid in the first 2 sweeps (0.4.0)": {"negotiation.draft_grid_sweeps": 2},
    "and the grid in the first sweep only": {"negotiation.draft_grid_sweeps": 1},
}

RUN = """
import json, sys, time
import numpy as np
from sim.analysis.compare import reached_by
from sim.engine import load_scenario
from sim.engine.outputs import effective_worlds
from sim.engine.run import run_scenario
out, overrides, worlds, months = sys.argv[1], json.loads(sys.argv[2]), int(sys.argv[3]), json.loads(sys.argv[4])
arrays, began, compiled = {}, time.process_time(), False
for path in sys.argv[5:]:
    if not compiled:   # the first run loads the compiled search: not counted
        run_scenario(load_scenario(path, overrides), worlds=1000, seed=SEED, workers=1)
        began, compiled = time.process_time(), True
    result = run_scenario(load_scenario(path, overrides), worlds=worlds, seed=SEED, workers=1)
    for month in months:
        arrays[f"{path}|{month}"] = reached_by(result, month)
    arrays[f"{path}|effective worlds"] = effective_worlds(result)
np.savez(out, seconds=time.process_time() - began, **arrays)
"""


def run_variant(overrides: dict, worlds: int, scenarios: list[str], out: Path) -> None:
    """Every scenario with one search, in a fresh process."""
    code = RUN.replace("SEED", str(SEED))
    # Run from the project: ``python -c`` puts the working folder first on the import path.
    subprocess.run([sys.executable, "-c", code, str(out), json.dumps(overrides), str(worlds), json.dumps(MONTHS),
                    *scenarios], cwd=ROOT, check=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("worlds", type=int, nargs="?", default=26_000)
    parser.add_argument("--jobs", type=int, default=2, help="variants run side by side")
    args = parser.parse_args()
    scenarios = [str(path) for path in sorted((ROOT / "scenarios").glob("*.yaml"))]
    with tempfile.TemporaryDirectory(prefix="negsim-trim-") as folder:
        outputs = {name: Path(folder) / f"variant-{i}.npz" for i, name in enumerate(VARIANTS)}
        with ThreadPoolExecutor(args.jobs) as pool:
            jobs = [pool.submit(run_variant, overrides, args.worlds, scenarios, outputs[name])
                    for name, overrides in VARIANTS.items()]
            for job in jobs:
                job.result()
        results = {name: dict(np.load(path)) for name, path in outputs.items()}
    print(f"{args.worlds:,} worlds, seed {SEED}: P6 / P12 / P24 of a first ceasefire in %; paired differences "
          f"from the reference in points [95% interval]\n")
    names = list(VARIANTS)
    print("| scenario | " + " | ".join(names) + " |")
    print("|" + " --- |" * (len(names) + 1))
    reference = results[REFERENCE]
    worst = {name: 0.0 for name in names[1:]}
    share = {name: 0.0 for name in names[1:]}     # the largest |difference| / the forecast's own MC half-width
    for path in scenarios:
        cells = [" / ".join(f"{100 * reference[f'{path}|{m}'].mean():.1f}" for m in MONTHS)]
        for name in names[1:]:
            parts = []
            for month in MONTHS:
                key = f"{path}|{month}"
                d, low, high = (100 * x for x in paired_difference(reference[key], results[name][key]))
                worst[name] = d if abs(d) > abs(worst[name]) else worst[name]
                share[name] = max(share[name], abs(d) / half_width(reference[key], float(reference[f"{path}|effective worlds"])))
                parts.append(f"{d:+.1f} [{low:+.1f}, {high:+.1f}]")
            cells.append(" / ".join(parts))
        print(f"| {Path(path).stem} | " + " | ".join(cells) + " |")
    print("| CPU of the 12 scenarios | " + " | ".join(f"{float(results[name]['seconds']):.1f} s" for name in names) + " |")
    print("| largest difference | | " + " | ".join(f"{worst[name]:+.2f}" for name in names[1:]) + " |")
    print("| largest difference / the forecast's own 95% Monte Carlo half-width | | "
          + " | ".join(f"{share[name]:.2f}" for name in names[1:]) + " |")
    print(json.dumps({"largest_difference_points": worst, "largest_share_of_monte_carlo_error": share}))


def half_width(reached: np.ndarray, effective: float) -> float:
    """Half the width, in points, of the 95% interval the engine reports for the forecast ``reached``
    (worlds, bool): Wilson's, on the run's effective worlds (fewer than its worlds where it started
    from the record: :func:`sim.engine.outputs.effective_worlds`)."""
    low, high = wilson_interval(reached.mean() * effective, effective)
    return 100 * (high - low) / 2


if __name__ == "__main__":
    main()
