"""Benchmark this code against an earlier commit, paired and interleaved: the speed-up as a ratio.

    python benchmarks/paired.py --against da48a90 [--rounds 5] [--worlds 100000]

On a shared machine the speed of one core moves by a quarter between runs minutes apart, so two
figures taken at different times are no comparison. This runs the same measurement for each side in
a fresh process, one side right after the other, ``--rounds`` times, and reports each round's ratio
and their median. The sides:

* the earlier commit (``--against``), checked out into a temporary git worktree and imported from
  there (its own code, its own default model);
* this code with the mediator's search as it was before the draft went on from month to month
  (``search_start: cold``, 3 sweeps): the speed of the code alone, on the same model as before;
* this code as shipped.

The measurement: the baseline scenario, a warm-up of 2,000 worlds (imports, the compiled search's
cache), then ``--worlds`` worlds in one process, timed by the process's CPU clock: world-months per
CPU-second. The last line has the form ``paired ratio, as shipped / <commit>: <median>``.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

MEASURE = """
import sys, time
from sim.engine import load_scenario
from sim.engine.run import run_scenario
overrides = {overrides!r}
loaded = load_scenario("scenarios/baseline.yaml", overrides) if overrides else load_scenario("scenarios/baseline.yaml")
run_scenario(loaded, worlds=2000)
began = time.process_time()
run_scenario(loaded, worlds={worlds})
print({worlds} * loaded.scenario.horizon_months / (time.process_time() - began))
"""

SEARCH_BEFORE = {"negotiation.search_start": "cold", "negotiation.search_sweeps": 3}
"""The mediator's search before issue 31's third round: afresh each month, 3 sweeps."""


def measure(tree: Path, worlds: int, overrides: dict | None = None) -> float:
    """World-months per CPU-second of one run in a fresh process importing the code of ``tree``."""
    code = MEASURE.format(overrides=overrides or {}, worlds=worlds)
    done = subprocess.run([sys.executable, "-c", code], cwd=tree, capture_output=True, text=True, check=True,
                          env={**os.environ, "PYTHONPATH": str(tree)})
    return float(done.stdout.split()[-1])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--against", required=True, help="the earlier commit (any git revision)")
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--worlds", type=int, default=100_000)
    args = parser.parse_args()

    with tempfile.TemporaryDirectory(prefix="negsim-paired-") as folder:
        earlier = Path(folder) / "earlier"
        subprocess.run(["git", "worktree", "add", "--detach", "--quiet", str(earlier), args.against], cwd=ROOT,
                       check=True)
        try:
            print(f"baseline, {args.worlds:,} worlds, one process, CPU; world-months per CPU-second")
            print(f"{'round':>5} {args.against:>12} {'code alone':>12} {'as shipped':>12} "
                  f"{'code alone/':>12} {'shipped/':>10} {'model':>7}")
            code_alone, shipped, model = [], [], []
            for round_ in range(1, args.rounds + 1):
                before = measure(earlier, args.worlds)
                same_model = measure(ROOT, args.worlds, SEARCH_BEFORE)
                now = measure(ROOT, args.worlds)
                code_alone.append(same_model / before)
                shipped.append(now / before)
                model.append(now / same_model)
                print(f"{round_:>5} {before:>12,.0f} {same_model:>12,.0f} {now:>12,.0f} "
                      f"{code_alone[-1]:>12.3f} {shipped[-1]:>10.3f} {model[-1]:>7.3f}", flush=True)
        finally:
            subprocess.run(["git", "worktree", "remove", "--force", str(earlier)], cwd=ROOT, check=False)
    print(f"medians: code alone {statistics.median(code_alone):.3f}, the model's search "
          f"{statistics.median(model):.3f}")
    print(f"paired ratio, as shipped / {args.against}: {statistics.median(shipped):.3f}")


if __name__ == "__main__":
    main()
