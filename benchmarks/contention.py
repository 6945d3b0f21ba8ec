"""How much slower the model runs when both cores run it: the bound on any parallel speed-up here.

    python benchmarks/contention.py [--points 100] [--worlds 1000] [--chunk-points 5]

Runs the chunks of a sweep (a grid over two parameters of the baseline) once in this process and
once on every local core, and times each chunk's CPU inside the process that ran it. If a chunk
takes ``r`` times its CPU alone when every core is busy (shared caches, memory bandwidth, or a
virtual machine's cores sharing physical ones), no executor can beat a speed-up of ``cores / r``.
Last line: ``per-chunk CPU alone <s>  all cores busy <s> (<r>x)  speed-up bound <b>x``.
"""

from __future__ import annotations

import argparse
import os
import time

import numpy as np

from sim.analysis.design import build_design, parse_param
from sim.analysis.sweep import _chunk_task, plan_sweep
from sim.engine import load_scenario
from sim.engine.executor import run_tasks

BASELINE = os.path.join(os.path.dirname(__file__), "..", "scenarios", "baseline.yaml")


def timed_chunk(plan, indices) -> float:
    """The CPU seconds this process spent on one chunk."""
    start = time.process_time()
    _chunk_task(plan, indices)
    return time.process_time() - start


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--points", type=int, default=100)
    parser.add_argument("--worlds", type=int, default=1000)
    parser.add_argument("--chunk-points", type=int, default=5)
    args = parser.parse_args()
    side = max(2, round(args.points ** 0.5))
    design = build_design("grid", [parse_param(f"actors.russia.beliefs.victory=0.2:0.6:{side}"),
                                   parse_param(f"actors.us.levers.sanctions=0:1.5:{side}")])
    plan = plan_sweep(load_scenario(BASELINE), design, worlds=args.worlds, seed=1, chunk_points=args.chunk_points)
    tasks = [(i, (chunk,)) for i, chunk in enumerate(plan.chunks())]
    cores = os.cpu_count() or 1
    timed_chunk(plan, plan.chunks()[0])   # the compiled search loaded, as the workers' forkserver has it
    cpu: dict[str, dict[int, float]] = {}
    for label, workers in (("alone", 1), ("all cores busy", cores)):
        cpu[label] = {}
        run_tasks(timed_chunk, tasks, lambda key, seconds, got=cpu[label]: got.__setitem__(key, seconds),
                  workers=workers, shared=plan)
        print(f"{label:15s} {len(tasks)} chunks of {args.chunk_points} points x {args.worlds} worlds: CPU "
              f"{sum(cpu[label].values()):.1f} s in all", flush=True)
    # The same chunk, alone and with every core busy: chunks differ in cost, so compare them pairwise.
    ratios = np.array([cpu["all cores busy"][key] / cpu["alone"][key] for key, _ in tasks])
    ratio = sum(cpu["all cores busy"].values()) / sum(cpu["alone"].values())
    print(f"the same chunk with every core busy: {np.median(ratios):.2f}x its CPU alone (median; "
          f"{np.percentile(ratios, 10):.2f}-{np.percentile(ratios, 90):.2f} over chunks)")
    print(f"per-chunk CPU alone {sum(cpu['alone'].values()) / len(tasks):.2f} s  all cores busy "
          f"{sum(cpu['all cores busy'].values()) / len(tasks):.2f} s ({ratio:.2f}x)  speed-up bound {cores / ratio:.2f}x "
          f"on {cores} cores")


if __name__ == "__main__":
    main()
