"""Benchmark sweeps: one process, all local cores, and a local Dask cluster, in one run.

    python benchmarks/sweep.py [--points 1000] [--worlds 1000]

A grid over two prior-valued parameters of the baseline (points share model runs), ``--worlds``
worlds per point, 24 months. Prints each figure and, as its last line,
``one process: <wm/s>  all cores: <wm/s> (<speed-up>x)  dask: <wm/s>``. It also checks that the
three runs gave identical tables.
"""

from __future__ import annotations

import argparse
import os
import tempfile
import time
from pathlib import Path

import numpy as np
import pandas as pd

from sim.analysis.design import build_design, parse_param
from sim.analysis.sweep import plan_sweep, run_sweep
from sim.engine import load_scenario

BASELINE = Path(__file__).resolve().parent.parent / "scenarios" / "baseline.yaml"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--points", type=int, default=1000)
    parser.add_argument("--worlds", type=int, default=1000)
    args = parser.parse_args()
    # The factor pair of --points closest to a square (1000 = 40 x 25).
    side = max(d for d in range(1, int(np.sqrt(args.points)) + 1) if args.points % d == 0)
    other = args.points // side
    params = [parse_param(f"actors.us.levers.sanctions=0:1.5:{side}"),
              parse_param(f"actors.russia.beliefs.victory=0.2:0.7:{other}")]
    loaded = load_scenario(BASELINE)
    design = build_design("grid", params)
    plan = plan_sweep(loaded, design, worlds=args.worlds, months=[6, 12, 24])
    cores = os.cpu_count() or 1
    world_months = plan.n_points * args.worlds * loaded.scenario.horizon_months
    print(f"{plan.n_points} points x {args.worlds} worlds x {loaded.scenario.horizon_months} months = "
          f"{world_months:,} world-months; {len(plan.chunks())} chunks; {cores} cores")
    rates, tables = {}, {}
    with tempfile.TemporaryDirectory() as tmp:
        for label, kwargs in (("one process", {"workers": 1}), ("all cores", {"workers": cores}),
                              ("dask", {"workers": cores, "dask_local": True})):
            began = time.perf_counter()
            rows = run_sweep(plan, Path(tmp) / label.replace(" ", "_"), **kwargs)
            elapsed = time.perf_counter() - began
            rates[label] = world_months / elapsed
            tables[label] = pd.DataFrame(rows)
            print(f"{label}: {elapsed:.1f} s = {rates[label]:,.0f} world-months/s")
    same = all(tables["one process"].equals(t) for t in tables.values())
    print(f"identical tables: {same}")
    print(f"one process: {rates['one process']:,.0f}  all cores: {rates['all cores']:,.0f} "
          f"({rates['all cores'] / rates['one process']:.2f}x)  dask: {rates['dask']:,.0f}")


if __name__ == "__main__":
    main()
