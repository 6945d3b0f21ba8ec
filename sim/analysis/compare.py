"""Compare strategies fairly: every scenario runs on the same worlds with the same shocks.

Because each world's random numbers are keyed by (seed, world, name), running several scenarios with
one seed gives common random numbers: a difference between two scenarios in a world comes from the
strategies, not from luck. The paired difference per world, ``1[B reached a ceasefire by t] -
1[A did]``, has a much smaller variance than the difference of two independent runs, so its
interval is tight.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from sim.engine.loading import load_scenario, load_variants
from sim.engine.outputs import ceasefire_by_month, mean_ci, outcome_columns, wilson_interval
from sim.engine.outputs import reached_by as reached_by  # re-exported: the per-world indicator compared
from sim.engine.run import RunResult, run_scenario
from sim.fileio import portable_path
from sim.scenario import LoadedScenario, ScenarioError


@dataclass
class Comparison:
    """Results of several scenarios run on common random numbers."""

    names: list[str]
    paths: list[str]
    results: list[RunResult]
    months: list[int]

    @property
    def worlds(self) -> int:
        return self.results[0].worlds

    @property
    def seed(self) -> int:
        return self.results[0].seed


def paired_difference(a: np.ndarray, b: np.ndarray) -> tuple[float, float, float]:
    """Mean of ``b - a`` over worlds, with a 95% normal interval from the per-world differences."""
    return mean_ci(b.astype(float) - a.astype(float))


def compare(loaded: list[LoadedScenario], worlds: int | None = None, seed: int | None = None,
            months: list[int] | None = None, chunk_size: int | None = None, posterior=None,
            names: list[str] | None = None, progress: Callable[[int, int], None] | None = None) -> Comparison:
    """Run every scenario with the same seed and worlds (the first scenario's unless given);
    ``names`` labels them (default: each scenario's ``name``); ``progress(done, total)`` hears of
    every finished chunk, counted in worlds over all the scenarios."""
    first = loaded[0].scenario
    worlds = worlds or first.worlds
    seed = first.seed if seed is None else seed
    horizon = min(item.scenario.horizon_months for item in loaded)
    months = [m for m in (months or [6, 12, 24]) if m <= horizon] or [horizon]
    results = []
    for k, item in enumerate(loaded):
        def on_chunk(done: int, _total: int, before: int = k * worlds) -> None:
            if progress:
                progress(before + done, worlds * len(loaded))

        results.append(run_scenario(item, worlds=worlds, seed=seed, chunk_size=chunk_size, posterior=posterior,
                                    on_chunk=on_chunk))
    names = names or [item.scenario.name for item in loaded]
    return Comparison(names=names, paths=[portable_path(item.path) for item in loaded], results=results,
                      months=months)


def compare_variants(loaded: LoadedScenario, **kwargs) -> Comparison:
    """The scenario and each of its structural variants (``variants:``) on common random numbers;
    differences are against the scenario as written. Keyword arguments go to :func:`compare`."""
    variants = load_variants(loaded)
    if not variants:
        raise ScenarioError("this scenario has no 'variants:' block, so there are no structural variants to run "
                            "(see scenarios/baseline.yaml for one)", path=loaded.path, key="variants")
    names = [f"{loaded.scenario.name} (as written)", *variants]
    return compare([loaded, *variants.values()], names=names, **kwargs)


def compare_files(paths: list[str | Path], **kwargs) -> Comparison:
    return compare([load_scenario(p) for p in paths], **kwargs)


def comparison_rows(comparison: Comparison) -> list[dict]:
    """One tidy row per scenario: its identity, every declared output (:data:`~sim.engine.outputs.OUTPUTS`)
    at the compared months, the paired difference from the first scenario, and the monthly curve."""
    base = comparison.results[0]
    rows = []
    for name, path, result in zip(comparison.names, comparison.paths, comparison.results, strict=True):
        row: dict = {"scenario": name, "file": path, "start": result.start, "worlds": result.worlds,
                     "seed": result.seed, "scenario_sha256": result.scenario_sha256}
        row.update(outcome_columns(result, comparison.months))
        for m in comparison.months:
            diff, low, high = paired_difference(reached_by(base, m), reached_by(result, m))
            row[f"p_ceasefire_{m}m_diff"], row[f"p_ceasefire_{m}m_diff_low"], row[f"p_ceasefire_{m}m_diff_high"] = \
                diff, low, high
        for actor, payoff in result.payoffs.items():
            diff, low, high = paired_difference(base.payoffs[actor], payoff)
            row[f"payoff_{actor}_mean_diff"], row[f"payoff_{actor}_mean_diff_low"], \
                row[f"payoff_{actor}_mean_diff_high"] = diff, low, high
        curve = ceasefire_by_month(result)
        row["p_ceasefire_by_month"] = [float(p) for p in curve]
        row["ci95_by_month"] = [[float(lo), float(hi)] for lo, hi in wilson_interval(np.round(curve * result.worlds),
                                                                                    result.worlds)]
        rows.append(row)
    return rows
