"""Size requests checked against the machine's memory before anything is allocated.

A run keeps every world's outcome (the arrays of :class:`~sim.engine.run.RunResult`), a sweep keeps
its design and runs ``chunk points x worlds`` worlds per model. A request that cannot fit (a typo of
a few zeros in ``--worlds``, a grid of 10⁹ steps) is refused at once with how much memory it needs,
instead of exhausting the machine. The estimates are upper bounds from the array shapes.
"""

from __future__ import annotations

import os

from sim.scenario import UserError

MODEL_BYTES_PER_WORLD = 16_000
"""Working memory of a model per world while it runs (measured: about 6 KB per world at 100,000
worlds, peak RSS over the interpreter; doubled for the search's temporaries, rounded up)."""

WORLD_MONTHS_PER_CORE_SECOND = 60_000
"""A run's speed for the time estimate: ``python benchmarks/core.py`` measures 72,000-78,000
world-months a second of one core on the baseline on the reference machine (2.45 GHz AMD EPYC);
rounded down, since scenarios with more issues or players search more."""

ESTIMATE_SHOWN_FROM = 30.0
"""Seconds from which a long run or sweep says, before it starts, about how long it will take."""

SHARE_OF_MEMORY = 0.8
"""A request may use at most this share of the machine's physical memory."""


def physical_memory() -> int:
    """Bytes of physical memory on this machine (the cgroup limit, where one is set and smaller)."""
    total = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES")
    try:
        with open("/sys/fs/cgroup/memory.max") as limit:
            text = limit.read().strip()
        if text.isdigit():
            total = min(total, int(text))
    except OSError:
        pass
    return total


def gigabytes(n: float) -> str:
    return f"{n / 2**30:,.1f} GB"


def check_memory(needed: float, what: str, hint: str) -> None:
    """Refuse ``what`` if it needs more than :data:`SHARE_OF_MEMORY` of physical memory."""
    allowed = SHARE_OF_MEMORY * physical_memory()
    if needed > allowed:
        raise UserError(f"{what} needs about {gigabytes(needed)} of memory, more than this machine can give "
                        f"({gigabytes(allowed)}, {SHARE_OF_MEMORY:.0%} of {gigabytes(physical_memory())}); {hint}")


def result_bytes_per_world(horizon: int, issues: int, actors: int, belligerents: int, partial_deals: int) -> int:
    """Bytes one world's outcomes take in a run's result (see ``RunResult``), twice over for the
    merge of chunks."""
    per_month = 1 + 4 + 4 * belligerents + partial_deals + 4 * belligerents   # ceasefire, area, casualties, deals, beliefs
    fixed = 3 * 4 + 8 * issues + 4 * partial_deals + 8 * actors
    return 2 * (horizon * per_month + fixed)


def check_run_size(scenario, worlds: int) -> None:
    """A run of ``worlds`` worlds of ``scenario`` fits in memory, or a clear error."""
    belligerents = sum(1 for a in scenario.actors.values() if a.role == "belligerent")
    per_world = result_bytes_per_world(scenario.horizon_months, len(scenario.issues), len(scenario.actors),
                                       belligerents, len(scenario.partial_deals))
    check_memory(worlds * per_world, f"a run of {worlds:,} worlds",
                 "use fewer worlds (10,000 give +-1 percentage point; 100,000 give +-0.3)")


def check_sweep_size(points: int, dimensions: int, worlds_per_model: int) -> None:
    """A sweep's design and its largest model run fit in memory, or a clear error."""
    check_memory(points * (8 * dimensions + 2_000), f"a sweep design of {points:,} points",
                 "use fewer grid steps or samples")
    check_memory(worlds_per_model * MODEL_BYTES_PER_WORLD, f"a model run of {worlds_per_model:,} worlds",
                 "use fewer worlds per point (--worlds) or fewer points per chunk (--chunk-points)")


def _cores(workers: int | None) -> int:
    """The cores ``workers`` processes keep busy (default: every core; more processes than cores add none)."""
    return max(1, min(workers or os.cpu_count() or 1, os.cpu_count() or 1))


def estimated_seconds(world_months: float, workers: int | None) -> float:
    """About how long ``world_months`` world-months take on ``workers`` processes (default every core)."""
    return world_months / (WORLD_MONTHS_PER_CORE_SECOND * _cores(workers))


def estimate_note(world_months: float, workers: int | None) -> str | None:
    """One line saying how long a large request will take, or None below :data:`ESTIMATE_SHOWN_FROM` seconds."""
    seconds = estimated_seconds(world_months, workers)
    if seconds < ESTIMATE_SHOWN_FROM:
        return None
    span = f"{seconds / 3600:,.1f} hours" if seconds >= 5400 else f"{seconds / 60:,.0f} minutes" \
        if seconds >= 90 else f"{seconds:,.0f} seconds"
    return (f"Estimated time: about {span} for {world_months:,.0f} world-months on {_cores(workers)} core(s), at "
            f"{WORLD_MONTHS_PER_CORE_SECOND:,} world-months a second per core (the reference machine's speed; "
            "yours may differ)")
