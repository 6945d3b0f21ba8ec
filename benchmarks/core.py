"""Benchmark the simulator core: world-months per second, vectorised against one world at a time.

    python benchmarks/core.py [--worlds 100000] [--single-runs 200] [--scenario FILE]

Runs the baseline scenario (or ``--scenario``, e.g. one with ``negotiation.search: curve``)
(a) vectorised over ``--worlds`` worlds in the default chunks, and (b) one
world per model run (N = 1), repeated ``--single-runs`` times, in the same process. Both include
model construction. Prints the figures and, as its last line,
``world-months/s: <number>  vectorised/one-world: <ratio>``.

Run it on an otherwise idle machine; numpy's element-wise kernels are single-threaded, so this is a
one-core figure.
"""

from __future__ import annotations

import argparse
import platform
import time
from pathlib import Path

import numpy as np

from sim import __version__
from sim.engine import build_model, load_scenario
from sim.engine.run import run_scenario

BASELINE = Path(__file__).resolve().parent.parent / "scenarios" / "baseline.yaml"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--worlds", type=int, default=100_000)
    parser.add_argument("--single-runs", type=int, default=200)
    parser.add_argument("--repeats", type=int, default=3, help="vectorised repeats; the best is kept")
    parser.add_argument("--scenario", type=Path, default=BASELINE, help="scenario file (default: the baseline)")
    args = parser.parse_args()

    loaded = load_scenario(args.scenario)
    months = loaded.scenario.horizon_months
    print(f"negsim {__version__}, Python {platform.python_version()}, numpy {np.__version__}, "
          f"{platform.machine()}; {loaded.scenario.name}, {months} months")

    run_scenario(loaded, worlds=2_000)  # warm-up: imports, caches
    best = float("inf")
    for _ in range(args.repeats):
        began = time.perf_counter()
        run_scenario(loaded, worlds=args.worlds)
        best = min(best, time.perf_counter() - began)
    vectorised = args.worlds * months / best
    print(f"vectorised: {args.worlds:,} worlds x {months} months in {best:.2f} s "
          f"(best of {args.repeats}) = {vectorised:,.0f} world-months/s")

    began = time.perf_counter()
    for i in range(args.single_runs):
        build_model(loaded.scenario, worlds=1, seed=loaded.scenario.seed + i).run()
    elapsed = time.perf_counter() - began
    one_world = args.single_runs * months / elapsed
    print(f"one world at a time: {args.single_runs} runs x {months} months in {elapsed:.2f} s "
          f"= {one_world:,.0f} world-months/s")
    print(f"world-months/s: {vectorised:,.0f}  vectorised/one-world: {vectorised / one_world:,.0f}")


if __name__ == "__main__":
    main()
