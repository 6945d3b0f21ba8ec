"""Turn per-world outcomes into the forecast: probabilities with 95% intervals, terms, costs.

Intervals on probabilities are Wilson score intervals (exact enough at the sizes we run, and never
outside [0, 1]); intervals on continuous outcomes are the 5th-95th percentiles across worlds, which
describe the spread of outcomes, not Monte Carlo error.
"""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING

import numpy as np

from sim import __version__

if TYPE_CHECKING:
    from sim.engine.run import RunResult

Z95 = 1.959963984540054


def wilson_interval(successes: np.ndarray | int, n: int, z: float = Z95) -> np.ndarray:
    """Wilson score interval for a binomial proportion; returns [..., 2] with low and high in [0, 1]."""
    k = np.asarray(successes, dtype=float)
    p = k / n
    denom = 1.0 + z ** 2 / n
    centre = (p + z ** 2 / (2 * n)) / denom
    half = z * np.sqrt(p * (1 - p) / n + z ** 2 / (4 * n ** 2)) / denom
    return np.stack([np.clip(centre - half, 0, 1), np.clip(centre + half, 0, 1)], axis=-1)


def month_labels(start: str, months: int) -> list[str]:
    """``YYYY-MM`` of simulated months 1..months, where month 1 is ``start``."""
    year, month = (int(part) for part in start.split("-"))
    labels = []
    for i in range(months):
        m = month - 1 + i
        labels.append(date(year + m // 12, m % 12 + 1, 1).strftime("%Y-%m"))
    return labels


def _spread(values: np.ndarray) -> dict[str, float]:
    values = np.asarray(values, dtype=float)
    values = values[~np.isnan(values)]
    if values.size == 0:
        return {"mean": None, "p05": None, "median": None, "p95": None}
    p05, p50, p95 = np.percentile(values, [5, 50, 95])
    return {"mean": float(values.mean()), "p05": float(p05), "median": float(p50), "p95": float(p95)}


def ceasefire_by_month(result: RunResult) -> np.ndarray:
    """Share of worlds with a first ceasefire by each month 1..T (the cumulative incidence)."""
    first = result.first_ceasefire_month
    months = np.arange(1, result.horizon + 1)
    counts = np.bincount(first, minlength=result.horizon + 1)[1:]
    return np.cumsum(counts)[: months.size] / result.worlds


def durable(result: RunResult) -> np.ndarray:
    """Per world: a first ceasefire was reached and held at least ``durable_months`` months."""
    start, end = result.first_ceasefire_month, result.first_ceasefire_end
    length = np.where(end > 0, end - start, result.horizon - start + 1)
    return (start > 0) & (length >= result.durable_months)


def summarise(result: RunResult) -> dict:
    """The forecast as a JSON-ready dictionary (the stable keys are listed in the README)."""
    n, horizon = result.worlds, result.horizon
    by_month = ceasefire_by_month(result)
    ci = wilson_interval(np.round(by_month * n), n)
    reached_half = np.flatnonzero(by_month >= 0.5)
    median_month = int(reached_half[0] + 1) if reached_half.size else None
    in_force = result.in_ceasefire.mean(axis=0)
    is_durable = durable(result)
    observable = (result.first_ceasefire_month > 0) & (
        result.first_ceasefire_month <= horizon - result.durable_months + 1)
    has_deal = result.first_ceasefire_month > 0
    terms = {issue: _spread(result.first_terms[has_deal, k]) for k, issue in enumerate(result.issue_names)}
    partial = {}
    for deal, first in result.partial_first_month.items():
        agreed = np.array([np.mean((first > 0) & (first <= m)) for m in result.report_months])
        partial[deal] = {
            "p_agreed_by": {str(m): float(p) for m, p in zip(result.report_months, agreed, strict=True)},
            "p_in_force_at_horizon": float(result.partial_in_force[deal][:, -1].mean()),
        }
    decisions = {}
    for actor, counts in result.decisions.items():
        asked, accepted = counts[:, 0], counts[:, 1]
        with np.errstate(invalid="ignore", divide="ignore"):
            rate = np.where(asked > 0, accepted / np.maximum(asked, 1), np.nan)
        decisions[actor] = [None if np.isnan(r) else float(r) for r in rate]
    table = []
    for m in result.report_months:
        table.append({"month": m, "p_ceasefire": float(by_month[m - 1]),
                      "ci95": [float(x) for x in ci[m - 1]],
                      "p_in_ceasefire": float(in_force[m - 1])})
    return {
        # Stable keys, read by other tools.
        "p_ceasefire_by_month": [float(p) for p in by_month],
        "ci95_by_month": [[float(lo), float(hi)] for lo, hi in ci],
        "median_months_to_ceasefire": median_month,
        "worlds": int(n),
        "seed": int(result.seed),
        "scenario_sha256": result.scenario_sha256,
        "version": __version__,
        # Further detail.
        "scenario": result.scenario_name,
        "start": result.start,
        "horizon_months": horizon,
        "months": month_labels(result.start, horizon),
        "report_months": table,
        "p_in_ceasefire_by_month": [float(p) for p in in_force],
        "durable_months": result.durable_months,
        "p_durable": float(is_durable.mean()),
        "ci95_durable": [float(x) for x in wilson_interval(int(is_durable.sum()), n)],
        "p_holds_given_observable_ceasefire": (float(is_durable[observable].mean())
                                               if observable.any() else None),
        "terms_of_first_ceasefire": terms,
        "ideal_points": {a: [float(v) for v in ideal] for a, ideal in result.ideals.items()},
        "issues": list(result.issue_names),
        "actors": dict(result.actor_names),
        "partial_deals": partial,
        "acceptance_rate_by_month": decisions,
        "casualties_at_horizon": {a: _spread(c[:, -1]) for a, c in result.casualties.items()},
        "occupied_km2_at_horizon": _spread(result.occupied_km2[:, -1]),
        "seconds": round(result.seconds, 3),
    }
