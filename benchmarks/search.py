"""Benchmark the mediator's compiled search alone, on the inputs a real run gives it.

    python benchmarks/search.py [--worlds 2000] [--repeats 3] [--blocks 128,256,512,1024,2048] [--scenario FILE]
                                [--against REV [--rounds 3]]

A run of ``--worlds`` worlds of the scenario (the baseline unless ``--scenario``) records every call
of the search (:func:`sim.core.compiled_search.search_packages`) with its inputs; each is then
searched again, timed (CPU, best of ``--repeats``), for every block size of ``--blocks`` (worlds
searched in lockstep). Printed: microseconds per searched world for each block, the ratio to the
first, and whether the packages are identical for every block (they must be: worlds are
independent). Also what the search's stages cost at the default block (the contract curve alone;
the box with 0 to 3 sweeps), and how many searched worlds have a package every veto player accepts
(the rest get the closest miss, which the parties may still accept by their decision noise).

With ``--against REV``, also the kernel of an earlier commit on the same recorded inputs, paired:
``sim/core/compiled_search.py`` as it was at ``REV`` is imported beside this one (compiled afresh,
not cached), and each of ``--rounds`` rounds times that kernel, then this one, in this process
(CPU, best of ``--repeats``), and checks that they find the same packages in every call. A shared
machine's speed drifts between runs minutes apart; within a round it does not. ``REV`` must take the
same arguments (``first_sweep`` and ``starts_only``: be4239d or later); a kernel from before
``toward_sweeps`` (``grid_sweeps``) is compared with this one both moving toward the ideals (trying
the level grid) in every sweep.

The last line has the form ``us per searched world: <number> (block <B>)  best/first block: <ratio>``.
"""

from __future__ import annotations

import argparse
import importlib.util
import inspect
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from types import ModuleType

import numpy as np

from sim.core import compiled_search
from sim.engine import build_model, load_scenario

ROOT = Path(__file__).resolve().parent.parent
BASELINE = ROOT / "scenarios" / "baseline.yaml"


def recorded_calls(scenario, worlds: int) -> list[tuple]:
    """Every call of the search in a run of ``worlds`` worlds, with copies of its inputs."""
    calls = []
    original = compiled_search.search_packages

    def recording(worlds_, players, curve, low, high, status_quo, *, out, **options):
        # A search going on from a draft is given no curve (it reads none); an earlier kernel (--against)
        # still wants the array, so such calls keep one of zeros.
        kept = np.zeros((4, low.shape[1], low.shape[0])) if curve is None else curve.copy()
        calls.append((worlds_.copy(), players, kept, low.copy(), high.copy(), status_quo.copy(), options))
        original(worlds_, players, curve, low, high, status_quo, out=out, **options)

    compiled_search.search_packages = recording
    try:
        build_model(scenario, worlds=worlds).run()
    finally:
        compiled_search.search_packages = original
    return calls


def search_all(calls: list[tuple], kernel: ModuleType = compiled_search, **changes) -> list[np.ndarray]:
    """Search every recorded call again with ``kernel``'s search (with ``changes`` to its options);
    the packages found."""
    found = []
    for worlds, players, curve, low, high, status_quo, options in calls:
        out = status_quo.copy()
        kernel.search_packages(worlds, players, curve, low, high, status_quo, out=out, **{**options, **changes})
        found.append(out[worlds])
    return found


def cpu_per_world(calls: list[tuple], repeats: int, kernel: ModuleType = compiled_search, **changes) -> float:
    """Best CPU seconds over ``repeats`` of searching every call, per searched world."""
    searched = sum(len(call[0]) for call in calls)
    best = np.inf
    for _ in range(repeats):
        began = time.process_time()
        search_all(calls, kernel, **changes)
        best = min(best, time.process_time() - began)
    return best / searched


def kernel_at(revision: str) -> ModuleType:
    """``sim/core/compiled_search.py`` as it was at ``revision``, imported as a module of ``sim.core``
    (so its relative imports are this package's) and compiled afresh: its kernels are not cached,
    so they neither read nor overwrite this code's cache."""
    source = subprocess.run(["git", "show", f"{revision}:sim/core/compiled_search.py"], cwd=ROOT, check=True,
                            capture_output=True, text=True).stdout.replace("cache=True", "cache=False")
    path = Path(tempfile.mkdtemp(prefix="negsim-search-")) / "compiled_search_then.py"
    path.write_text(source)
    name = "sim.core.compiled_search_then"
    spec = importlib.util.spec_from_file_location(name, path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module
    spec.loader.exec_module(module)
    return module


def paired_against(calls: list[tuple], revision: str, rounds: int, repeats: int) -> float:
    """Time ``revision``'s kernel and this one on ``calls``, round by round; print each round; the
    median ratio (then / now)."""
    then = kernel_at(revision)
    # A kernel from before toward_sweeps (grid_sweeps) moves toward the ideals (tries the level grid) in
    # every sweep: so do both here.
    known = inspect.signature(then.search_packages).parameters
    dropped = sorted(key for key in ("toward_sweeps", "grid_sweeps") if key not in known)
    searches = [(worlds, players, curve, low, high, status_quo,
                 {key: value for key, value in options.items() if key not in dropped})
                for worlds, players, curve, low, high, status_quo, options in calls]
    same = all(np.array_equal(a, b) for a, b in zip(search_all(searches, then), search_all(searches), strict=True))
    older = f" (both searching every sweep, as {revision} does: {', '.join(dropped)} left out)" if dropped else ""
    print(f"against {revision} (its kernel compiled afresh, same inputs), CPU per searched world, best of {repeats}; "
          f"packages {'identical in every call' if same else 'DIFFER'}{older}:")
    ratios = []
    for number in range(1, rounds + 1):
        before, after = cpu_per_world(searches, repeats, then), cpu_per_world(searches, repeats)
        ratios.append(before / after)
        print(f"  round {number}: {revision} {before * 1e6:6.2f} us, this code {after * 1e6:6.2f} us, "
              f"{ratios[-1]:.2f}x")
    ratio = statistics.median(ratios)
    print(f"  median: {ratio:.2f}x")
    return ratio


def feasible_share(calls: list[tuple]) -> float:
    """Share of searched worlds whose package every veto player accepts (a positive surplus each)."""
    feasible = searched = 0
    for (worlds, players, _, _, _, status_quo, _), package in zip(calls, search_all(calls), strict=True):
        score = compiled_search.package_scores(worlds, players, package, status_quo)
        feasible += int(np.sum(score > compiled_search.INFEASIBLE / 2))
        searched += len(worlds)
    return feasible / searched


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--worlds", type=int, default=2_000)
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--blocks", default="128,256,512,1024,2048", help="block sizes to time, comma-separated")
    parser.add_argument("--scenario", type=Path, default=BASELINE)
    parser.add_argument("--against", metavar="REV", help="also time this commit's kernel on the same inputs, paired")
    parser.add_argument("--rounds", type=int, default=3, help="rounds of the paired timing (with --against)")
    args = parser.parse_args()
    blocks = [int(value) for value in args.blocks.split(",")]

    loaded = load_scenario(args.scenario)
    compiled_search.warm_up()
    calls = recorded_calls(loaded.scenario, args.worlds)
    searched = sum(len(call[0]) for call in calls)
    print(f"scenario: {loaded.scenario.name}, {args.worlds:,} worlds x {loaded.scenario.horizon_months} months: "
          f"{len(calls)} searches, {searched:,} searched worlds; "
          f"{feasible_share(calls):.1%} of them have a package every veto player accepts")

    print(f"by block (worlds searched in lockstep), CPU, best of {args.repeats}:")
    reference = search_all(calls, block=blocks[0])
    timings = {}
    for block in blocks:
        same = all(np.array_equal(a, b) for a, b in zip(reference, search_all(calls, block=block), strict=True))
        timings[block] = cpu_per_world(calls, args.repeats, block=block)
        print(f"  {block:>5}: {timings[block] * 1e6:6.2f} us a searched world, "
              f"{timings[blocks[0]] / timings[block]:.2f}x block {blocks[0]}; packages "
              f"{'identical' if same else 'DIFFER'}")
    afresh = [call for call in calls if not call[-1].get("starts_only")]
    print(f"by stage of a search afresh ({sum(len(c[0]) for c in afresh):,} of the searched worlds; the rest go on "
          f"from their draft), block {compiled_search.BLOCK}:")
    for label, changes in (("contract curve only", dict(curve_only=True)),
                           *((f"box, {s} sweep{'s' * (s != 1)}", dict(sweeps=s)) for s in range(6))):
        print(f"  {label:<20} {cpu_per_world(afresh, args.repeats, **changes) * 1e6:6.2f} us a searched world")
    going_on = [call for call in calls if call[-1].get("starts_only")]
    if going_on:
        print(f"going on from the draft ({sum(len(c[0]) for c in going_on):,} searched worlds), by sweeps:")
        for sweeps in range(1, 5):
            print(f"  {sweeps} sweep{'s' * (sweeps != 1)}{'':<13} "
                  f"{cpu_per_world(going_on, args.repeats, sweeps=sweeps) * 1e6:6.2f} us a searched world")
    if args.against:
        paired_against(calls, args.against, args.rounds, args.repeats)
    fastest = min(timings, key=timings.get)
    print(f"us per searched world: {timings[fastest] * 1e6:.2f} (block {fastest})  "
          f"best/first block: {timings[blocks[0]] / timings[fastest]:.2f}")


if __name__ == "__main__":
    main()
