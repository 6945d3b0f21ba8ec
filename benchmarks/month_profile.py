"""Where a run's time goes, by mechanism of the month: a profile anyone can rerun.

    .venv/bin/python benchmarks/month_profile.py [--worlds 48000] [--scenario FILE]

Runs the scenario (the baseline unless ``--scenario``) in this process with the default chunks, after
a warm-up, under ``cProfile``, and prints each mechanism's share of the profiled time, largest first:
the compiled search (its machine code alone), what the search's inputs cost to prepare (the
mediator's box, packing the players, the transposes), the value of war, the vote, breakdowns, partial
deals, the mediators' engagement, the war, the levers, the beliefs, the record, building the models
and the chunk files. Each mechanism's time includes the random draws it asks for first; the draws
are also shown on their own line, so the shares add up to a little more than 100%. cProfile slows
the Python it traces (not the compiled search), so the shares outside the kernel are upper bounds.
"""

from __future__ import annotations

import argparse
import cProfile
import pstats
from pathlib import Path

BASELINE = Path(__file__).resolve().parent.parent / "scenarios" / "baseline.yaml"

MECHANISMS: tuple[tuple[str, str, str], ...] = (
    # (label, file ending, function): each a function's cumulative time, except the kernel's own.
    ("the value of war (prepare_round)", "sim/model/agents.py", "prepare_round"),
    ("the vote", "sim/model/model.py", "_put_to_vote"),
    ("breakdowns of ceasefires", "sim/model/model.py", "_breakdowns"),
    ("partial deals", "sim/model/model.py", "_partial_deals"),
    ("the mediators' engagement", "sim/model/model.py", "_mediation"),
    ("the war", "sim/model/war.py", "step"),
    ("levers (strategies)", "sim/model/agents.py", "choose_levers"),
    ("beliefs", "sim/model/agents.py", "update_beliefs"),
    ("the record", "sim/model/model.py", "record"),
    ("building the models", "sim/engine/build.py", "build_model"),
    ("chunk files (write)", "sim/engine/run.py", "finished"),
    ("chunk files (bytes)", "sim/engine/run.py", "_chunk_bytes"),
    ("merging the chunks", "sim/engine/run.py", "_merge"),
    ("random draws (also inside the above)", "sim/model/streams.py", "_draw"),
)


def find(stats: pstats.Stats, ending: str, function: str) -> tuple[float, float]:
    """(own, cumulative) seconds of the function ``function`` in the file ending with ``ending``."""
    own = cumulative = 0.0
    for (file, _, name), (_, _, tottime, cumtime, _) in stats.stats.items():  # type: ignore[attr-defined]
        if name == function and file.endswith(ending):
            own, cumulative = own + tottime, cumulative + cumtime
    return own, cumulative


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--worlds", type=int, default=48_000)
    parser.add_argument("--scenario", type=Path, default=BASELINE)
    args = parser.parse_args()
    from sim.engine import load_scenario
    from sim.engine.run import default_chunks, run_scenario

    loaded = load_scenario(args.scenario)
    run_scenario(loaded, worlds=2_000)   # imports, the compiled search's cache
    profile = cProfile.Profile()
    profile.enable()
    run_scenario(loaded, worlds=args.worlds)
    profile.disable()
    stats = pstats.Stats(profile)
    total = stats.total_tt  # type: ignore[attr-defined]
    kernel, search_call = find(stats, "sim/core/compiled_search.py", "search_packages")
    _, proposal = find(stats, "sim/model/model.py", "mediator_proposal")
    rows = [("the compiled search (machine code)", kernel),
            ("preparing the search (box, packing, transposes)", proposal - kernel)]
    rows += [(label, find(stats, ending, function)[1]) for label, ending, function in MECHANISMS]
    sizes = sorted({stop - start for start, stop in default_chunks(args.worlds, 1)}, reverse=True)
    world_months = args.worlds * loaded.scenario.horizon_months
    print(f"{loaded.scenario.name}, {args.worlds:,} worlds in chunks of {', '.join(f'{s:,}' for s in sizes)}, "
          f"one process: {total:.2f} s profiled ({world_months / total:,.0f} world-months/s under the profiler)")
    for label, seconds in sorted(rows, key=lambda row: -row[1]):
        print(f"  {100 * seconds / total:5.1f}%  {seconds:6.2f} s  {label}")
    rest = total - sum(seconds for label, seconds in rows if not label.startswith("random draws"))
    print(f"  {100 * rest / total:5.1f}%  {rest:6.2f} s  the rest (the month's own Python, Mesa, results)")


if __name__ == "__main__":
    main()
