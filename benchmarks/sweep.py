"""Benchmark sweeps: one process, all local cores, and a local Dask cluster, in one run.

    python benchmarks/sweep.py [--points 1000] [--worlds 1000]

A grid over two prior-valued parameters of the baseline (points share model runs), ``--worlds``
worlds per point, 24 months. Prints, for each way of running it, the wall time, the CPU time of
every process involved (this one and every process under it: local workers, a local Dask
cluster's scheduler and workers) and the world-months per second; then the speed-up of all
cores over one process against the ideal (wall within 10% of half the one-process time on two
cores is the target), and whether the three runs gave identical tables. Last line:
``one process: <wm/s>  all cores: <wm/s> (<speed-up>x)  dask: <wm/s>``.
"""

from __future__ import annotations

import argparse
import os
import platform
import tempfile
import threading
import time
from pathlib import Path

import numpy as np
import pandas as pd
import psutil

from sim import __version__
from sim.analysis.design import build_design, parse_param
from sim.analysis.sweep import plan_sweep, run_sweep
from sim.engine import load_scenario

BASELINE = Path(__file__).resolve().parent.parent / "scenarios" / "baseline.yaml"


class ProcessTreeCPU:
    """CPU seconds of this process and every process under it while the block runs.

    Local workers are children of a forkserver that outlives the sweep, so the operating system's
    count of finished children misses them; their CPU times are sampled every ``interval`` seconds
    instead (the last sample of each process counts: a worker's last fraction of a second may be missed).
    Finding the processes of the tree walks every process of the system (0.9 ms, holding the GIL
    in this process, which runs tasks too): it is done every ``discover`` samples only. Walking it at
    every sample slowed the sweep on all cores by 3 to 9% of its wall time (measured against no
    sampling, 1,000 points); a process's CPU time is cumulative, so one found late loses nothing.
    """

    def __init__(self, interval: float = 0.2, discover: int = 10):
        self.interval, self.discover, self.seconds = interval, discover, 0.0
        self.known: list[psutil.Process] = []

    def __enter__(self) -> ProcessTreeCPU:
        self.me = psutil.Process()
        self.before = self._tree()
        self.latest: dict[int, float] = {}
        self.stop = threading.Event()
        self.thread = threading.Thread(target=self._sample, daemon=True)
        self.thread.start()
        return self

    def _tree(self, discover: bool = True) -> dict[int, float]:
        if discover:
            self.known = [self.me, *self.me.children(recursive=True)]
        seconds = {}
        for process in self.known:
            try:
                times = process.cpu_times()
                seconds[process.pid] = times.user + times.system
            except psutil.Error:   # ended between listing and reading
                pass
        return seconds

    def _sample(self) -> None:
        samples = 0
        while not self.stop.wait(self.interval):
            samples += 1
            self.latest.update(self._tree(discover=samples % self.discover == 1))

    def __exit__(self, *exc) -> None:
        self.stop.set()
        self.thread.join()
        self.latest.update(self._tree())
        self.seconds = sum(t - self.before.get(pid, 0.0) for pid, t in self.latest.items())


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
    cores = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count() or 1
    world_months = plan.n_points * args.worlds * loaded.scenario.horizon_months
    print(f"negsim {__version__}; Python {platform.python_version()}, numpy {np.__version__}, "
          f"pandas {pd.__version__}; {platform.machine()}, {cores} cores")
    print(f"{plan.n_points} points x {args.worlds} worlds x {loaded.scenario.horizon_months} months = "
          f"{world_months:,} world-months; {len(plan.chunks())} chunks of {plan.chunk_points} points")
    rates, tables, walls = {}, {}, {}
    with tempfile.TemporaryDirectory() as tmp:
        for label, kwargs in (("one process", {"workers": 1}), ("all cores", {"workers": cores}),
                              ("dask", {"workers": cores, "dask_local": True})):
            began = time.perf_counter()
            with ProcessTreeCPU() as used:
                rows = run_sweep(plan, Path(tmp) / label.replace(" ", "_"), **kwargs)
            walls[label], cpu = time.perf_counter() - began, used.seconds
            rates[label] = world_months / walls[label]
            tables[label] = pd.DataFrame(rows)
            print(f"{label}: wall {walls[label]:.1f} s = {rates[label]:,.0f} world-months/s; "
                  f"CPU {cpu:.1f} s = {world_months / cpu:,.0f} world-months per CPU-second")
    same = all(tables["one process"].equals(t) for t in tables.values())
    ideal = walls["one process"] / cores
    print(f"all cores: wall {walls['all cores']:.1f} s against the ideal {ideal:.1f} s "
          f"(one process / {cores}): {walls['all cores'] / ideal - 1:+.0%}")
    print(f"identical tables: {same}")
    print(f"one process: {rates['one process']:,.0f}  all cores: {rates['all cores']:,.0f} "
          f"({rates['all cores'] / rates['one process']:.2f}x)  dask: {rates['dask']:,.0f}")


if __name__ == "__main__":
    main()
