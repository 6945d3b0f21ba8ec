"""The baseline to +-0.5 points on every core: wall time of one run, from a cold start and warm.

    .venv/bin/python benchmarks/wall.py [--worlds 26000] [--repeats 4]

26,000 worlds give the forecast to about +-0.5 percentage points (1.96 sqrt(0.25 / 26,000) = 0.61 at
worst, 0.47 to 0.60 at the baseline's P6 to P24). This process calls
``run_scenario(..., workers=<all cores>)`` once from a cold start (this process imports Mesa and numba
and loads the compiled search while a forkserver starts and does the same) and then ``--repeats``
times with the forkserver running, as a notebook or a second command in one Python session would,
and prints each run's wall time. Issue 31 asks for under 2 s. The last line has the form
``warm: median <s> s (range <s>-<s>)  cold: <s> s``.
"""

from __future__ import annotations

import argparse
import os
import statistics
import time
from pathlib import Path

BASELINE = Path(__file__).resolve().parent.parent / "scenarios" / "baseline.yaml"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--worlds", type=int, default=26_000)
    parser.add_argument("--repeats", type=int, default=4)
    args = parser.parse_args()
    cores = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count() or 1

    began = time.perf_counter()   # the imports count: a cold start is a new process's first run
    from sim.engine import load_scenario
    from sim.engine.run import default_chunks, run_scenario

    loaded = load_scenario(BASELINE)
    run_scenario(loaded, worlds=args.worlds, workers=cores)
    cold = time.perf_counter() - began
    sizes = [stop - start for start, stop in default_chunks(args.worlds, cores)]
    print(f"baseline, {args.worlds:,} worlds on {cores} cores, chunks of {', '.join(f'{s:,}' for s in sizes)} worlds")
    print(f"cold start (imports, compiled search, forkserver): {cold:.2f} s")
    warm = []
    for _ in range(args.repeats):
        began = time.perf_counter()
        run_scenario(loaded, worlds=args.worlds, workers=cores)
        warm.append(time.perf_counter() - began)
        print(f"warm: {warm[-1]:.2f} s", flush=True)
    print(f"warm: median {statistics.median(warm):.2f} s (range {min(warm):.2f}-{max(warm):.2f})  cold: {cold:.2f} s")


if __name__ == "__main__":
    main()
