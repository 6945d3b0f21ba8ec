"""Benchmark the simulator core: world-months per second on one core, against one Mesa model per world.

    python benchmarks/core.py [--worlds 100000] [--repeats 5] [--single-runs 200] [--scenario FILE]

Measured in one run, on the same scenario (the baseline unless ``--scenario``):

* **vectorised**: ``--worlds`` worlds in the default chunks (:func:`sim.engine.run.run_scenario`),
  ``--repeats`` times; CPU time (the process's, numpy's kernels are single-threaded, so a one-core
  figure) and wall time, median with the range over repeats. Model construction included.
* **one Mesa model per world**: a loop of one-world models run to the horizon, as a Mesa user would
  write it (``--single-runs`` of them), timed the same way.
* **the limit**: how many packages the mediator's search and the votes assess per world-month
  (counted, not assumed), the floating-point work that takes (flop-equivalents per assessment,
  derived from the code's formulas below), and what one core of this machine could do at its
  nominal peak; so the distance to the limit is a number.

The last line has the form ``world-months/s: <number>  vectorised/one-world: <ratio>`` (CPU
figures). Run it on an otherwise idle machine; a loaded one lowers the wall figures and, through
shared caches, the CPU ones too.
"""

from __future__ import annotations

import argparse
import os
import platform
import statistics
import time
from pathlib import Path

import mesa
import numpy as np

from sim import __version__
from sim.core import compiled_search
from sim.core.round import Party
from sim.engine import build_model, load_scenario
from sim.engine.run import run_scenario

BASELINE = Path(__file__).resolve().parent.parent / "scenarios" / "baseline.yaml"

LOG_FLOPS = 20
"""Flop-equivalents of one vectorised double-precision logarithm (a polynomial of about 10 fused
multiply-adds plus range reduction)."""


def machine() -> str:
    """CPU model, clock, vector extensions and cores, from /proc/cpuinfo where there is one."""
    info = {}
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            key, _, value = line.partition(":")
            info.setdefault(key.strip(), value.strip())
    except OSError:
        pass
    flags = set(info.get("flags", "").split())
    vector = ("AVX-512+FMA" if {"avx512f", "fma"} <= flags else "AVX2+FMA" if {"avx2", "fma"} <= flags
              else "AVX" if "avx" in flags else "SSE")
    return (f"{info.get('model name', platform.processor() or platform.machine())}, "
            f"{float(info.get('cpu MHz', 'nan')) / 1000:.2f} GHz, {vector}, {os.cpu_count()} cores")


def peak_flops_per_core() -> float:
    """Nominal double-precision peak of one core: two 256-bit FMA units (16 flops a cycle) with
    AVX2+FMA, 8 with AVX, 4 otherwise; times the clock /proc/cpuinfo reports. AVX-512 counts as 16
    too: AMD's cores run a 512-bit operation as two 256-bit halves (an Intel server core with two
    512-bit FMA units reaches 32, so there this peak is half the true one)."""
    text = Path("/proc/cpuinfo").read_text() if Path("/proc/cpuinfo").exists() else ""
    mhz = next((float(line.split(":")[1]) for line in text.splitlines() if line.startswith("cpu MHz")), 2000.0)
    flags = next((set(line.split(":")[1].split()) for line in text.splitlines() if line.startswith("flags")), set())
    per_cycle = 16 if {"avx2", "fma"} <= flags else 8 if "avx" in flags else 4
    return per_cycle * mhz * 1e6


def timed(work, repeats: int) -> tuple[list[float], list[float]]:
    """CPU and wall seconds of ``repeats`` calls of ``work``."""
    cpu, wall = [], []
    for _ in range(repeats):
        began_cpu, began_wall = time.process_time(), time.perf_counter()
        work()
        cpu.append(time.process_time() - began_cpu)
        wall.append(time.perf_counter() - began_wall)
    return cpu, wall


def rate(world_months: int, seconds: list[float]) -> str:
    """Median rate with its range over the repeats."""
    rates = sorted(world_months / s for s in seconds)
    return f"{statistics.median(rates):,.0f} world-months/s (range {rates[0]:,.0f}-{rates[-1]:,.0f})"


def assessments_per_world_month(loaded, worlds: int) -> tuple[float, float]:
    """Party-package assessments (one party's surplus for one package in one world) per world-month,
    counted on a run of ``worlds`` worlds: those of the mediator's compiled search (from the
    packages it scores, :func:`sim.core.compiled_search.packages_scored`) and the votes'; and the
    packages the search scores per world-month (each assessed by every veto player)."""
    count = 0
    packages = 0
    original_assess, original_search = Party._surplus_terms, compiled_search.search_packages

    def counting_assess(self, x, *args):
        nonlocal count
        count += int(np.prod(x.shape[:-1]))
        return original_assess(self, x, *args)

    def counting_search(worlds, players, curve, low, high, status_quo, **options):
        nonlocal count
        room = (high - low)[worlds] > 0
        movable = [int(room[a:a + compiled_search.BLOCK].any(axis=0).sum())
                   for a in range(0, len(worlds), compiled_search.BLOCK)]
        nonlocal packages
        n_players = players.numbers.shape[0]
        extra = options.get("extra_starts")
        scored = compiled_search.packages_scored(
            len(worlds), movable, n_players, curve_only=options["curve_only"], grid=options["grid"],
            levels=options["levels"], sweeps=options["sweeps"], extra_starts=0 if extra is None else len(extra),
            first_sweep=options.get("first_sweep", 0), starts_only=options.get("starts_only", False),
            toward_sweeps=options.get("toward_sweeps"), grid_sweeps=options.get("grid_sweeps"))
        packages += scored
        count += n_players * scored
        return original_search(worlds, players, curve, low, high, status_quo, **options)

    Party._surplus_terms, compiled_search.search_packages = counting_assess, counting_search
    try:
        build_model(loaded.scenario, worlds=worlds).run()
    finally:
        Party._surplus_terms, compiled_search.search_packages = original_assess, original_search
    world_months = worlds * loaded.scenario.horizon_months
    return count / world_months, packages / world_months


def flops_per_assessment(loaded) -> int:
    """Floating-point work of one party's surplus for one package, with the Nash score's share,
    read off the formulas of sim.core (utility, round, redlines, bargaining)."""
    scenario = loaded.scenario
    issues = len(scenario.issues)
    audience_lines = max(sum(1 for line in actor.red_lines if line.kind == "audience")
                         for actor in scenario.actors.values())
    utility = 3 * issues + 1                      # difference, square, weighted sum; 1 - sum
    breach = 4 + 8                                # guarantees; power shift (mean, scale, clip)
    deal = 5                                      # (1 - q) u + q (V - s)
    audience = 3 * audience_lines                 # compare, select, add per audience line
    surplus = 4                                   # value - audience + blame - war - outside
    nash = LOG_FLOPS + 6                          # log, weight, accumulate; feasibility; shortfall
    return utility + breach + deal + audience + surplus + nash


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--worlds", type=int, default=100_000)
    parser.add_argument("--repeats", type=int, default=5, help="timed repeats of each measurement")
    parser.add_argument("--single-runs", type=int, default=200, help="one-world models per repeat")
    parser.add_argument("--scenario", type=Path, default=BASELINE, help="scenario file (default: the baseline)")
    args = parser.parse_args()

    loaded = load_scenario(args.scenario)
    months = loaded.scenario.horizon_months
    print(f"negsim {__version__}; Python {platform.python_version()}, numpy {np.__version__}, "
          f"Mesa {mesa.__version__}; {platform.system()} {platform.machine()}")
    print(f"machine: {machine()}")
    print(f"scenario: {loaded.scenario.name}, {months} months, {len(loaded.scenario.issues)} issues, "
          f"{len(loaded.scenario.actors)} actors")

    run_scenario(loaded, worlds=2_000)  # warm-up: imports, caches
    world_months = args.worlds * months
    cpu, wall = timed(lambda: run_scenario(loaded, worlds=args.worlds), args.repeats)
    print(f"vectorised, {args.worlds:,} worlds x {months} months, {args.repeats} repeats:")
    print(f"  CPU  {rate(world_months, cpu)}")
    print(f"  wall {rate(world_months, wall)}")

    def one_world_models() -> None:
        for i in range(args.single_runs):
            build_model(loaded.scenario, worlds=1, seed=loaded.scenario.seed + i).run()

    single_months = args.single_runs * months
    single_cpu, single_wall = timed(one_world_models, args.repeats)
    print(f"one Mesa model per world, {args.single_runs} models x {months} months, {args.repeats} repeats:")
    print(f"  CPU  {rate(single_months, single_cpu)}")
    print(f"  wall {rate(single_months, single_wall)}")

    vectorised = statistics.median(world_months / s for s in cpu)
    one_world = statistics.median(single_months / s for s in single_cpu)

    per_month, packages_per_month = assessments_per_world_month(loaded, worlds=4_000)
    flops = flops_per_assessment(loaded)
    work = per_month * flops
    peak = peak_flops_per_core()
    limit = peak / work
    print("the limit (an estimate):")
    print(f"  {per_month:,.0f} party-package assessments per world-month (counted, 4,000 worlds), about {flops} "
          f"flop-equivalents each: {work:,.0f} per world-month")
    print(f"  one core's nominal peak {peak / 1e9:.1f} GFLOP/s: at most {limit:,.0f} world-months/s, "
          f"{limit / 4:,.0f} at a quarter of peak (compiled code vectorised across worlds)")
    print(f"  measured: {vectorised * work / 1e9:.2f} GFLOP/s, {vectorised / limit:.1%} of peak; "
          f"{limit / 4 / vectorised:.1f}x below a quarter of peak")
    print(f"world-months/s: {vectorised:,.0f}  vectorised/one-world: {vectorised / one_world:,.0f}  "
          f"packages scored per world-month: {packages_per_month:,.1f}")


if __name__ == "__main__":
    main()
