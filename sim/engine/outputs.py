"""Turn per-world outcomes into the forecast: probabilities with 95% intervals, terms, costs.

Every outcome a table reports is declared once, in :data:`OUTPUTS`: its column name, unit,
statistic over worlds (share, mean or median) and how to read it from a run. ``results.json``,
the compare table and CSV, and the sweep table are all built from that list, so a column means the
same thing everywhere and its statistic is in its name (``casualties_russia_median``).

Probabilities and shares are fractions in [0, 1] in every machine-readable output; the text
reports print them as percentages. Intervals on probabilities are Wilson score intervals (exact
enough at the sizes we run, and never outside [0, 1]); intervals on continuous outcomes are the
5th-95th percentiles across worlds, which describe the spread of outcomes, not Monte Carlo error.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import date
from typing import TYPE_CHECKING, Any

import numpy as np

from sim import __version__
from sim.model.war import TERRITORY_DEALS

if TYPE_CHECKING:
    from sim.engine.run import RunResult

Z95 = 1.959963984540054


def wilson_interval(successes: np.ndarray | float, n: float, z: float = Z95) -> np.ndarray:
    """Wilson score interval for a binomial proportion; returns [..., 2] with low and high in [0, 1].
    ``n`` may be an effective number of worlds (not a whole number), ``successes`` then ``p * n``."""
    k = np.asarray(successes, dtype=float)
    p = k / n
    denom = 1.0 + z ** 2 / n
    centre = (p + z ** 2 / (2 * n)) / denom
    half = z * np.sqrt(p * (1 - p) / n + z ** 2 / (4 * n ** 2)) / denom
    # At k = 0 (k = n) the bound is exactly 0 (1); the subtraction leaves a rounding residue of 1e-19.
    low = np.where(k == 0, 0.0, np.clip(centre - half, 0, 1))
    high = np.where(k == n, 1.0, np.clip(centre + half, 0, 1))
    return np.stack([low, high], axis=-1)


def month_labels(start: str, months: int) -> list[str]:
    """``YYYY-MM`` of simulated months 1..months, where month 1 is ``start``."""
    year, month = (int(part) for part in start.split("-"))
    labels = []
    for i in range(months):
        m = month - 1 + i
        labels.append(date(year + m // 12, m % 12 + 1, 1).strftime("%Y-%m"))
    return labels


def _spread(values: np.ndarray) -> dict[str, float | None]:
    values = np.asarray(values, dtype=float)
    values = values[~np.isnan(values)]
    if values.size == 0:
        return {"mean": None, "p05": None, "median": None, "p95": None}
    p05, p50, p95 = np.percentile(values, [5, 50, 95])
    return {"mean": float(values.mean()), "p05": float(p05), "median": float(p50), "p95": float(p95)}


def reached_by(result: RunResult, month: int) -> np.ndarray:
    """Per world: a first ceasefire started by ``month``."""
    first = result.first_ceasefire_month
    return (first > 0) & (first <= month)


def settled_by(result: RunResult, month: int) -> np.ndarray:
    """Per world: an agreement settling every issue was reached by ``month``."""
    first = result.first_settlement_month
    return (first > 0) & (first <= month)


def settled_share(result: RunResult) -> np.ndarray:
    """Per world with a ceasefire by the horizon: it reached a settlement of every issue by then
    (NaN where no ceasefire was reached, so the share is over worlds with one)."""
    has_ceasefire = result.first_ceasefire_month > 0
    return np.where(has_ceasefire, result.first_settlement_month > 0, np.nan)


def share_by_month(first_month: np.ndarray, horizon: int) -> np.ndarray:
    """Share of worlds whose ``first_month`` (0 = never) is at or before each month 1..``horizon``."""
    counts = np.bincount(first_month, minlength=horizon + 1)[1:]
    return np.cumsum(counts)[:horizon] / first_month.size


def ceasefire_by_month(result: RunResult) -> np.ndarray:
    """Share of worlds with a first ceasefire by each month 1..T (the cumulative incidence)."""
    return share_by_month(result.first_ceasefire_month, result.horizon)


def durable(result: RunResult) -> np.ndarray:
    """Per world: a first ceasefire was reached and held at least ``durable_months`` months."""
    start, end = result.first_ceasefire_month, result.first_ceasefire_end
    length = np.where(end > 0, end - start, result.horizon - start + 1)
    return (start > 0) & (length >= result.durable_months)


STATISTICS = {
    "share": "share of worlds where it holds (a fraction in [0, 1], with a 95% Wilson interval in _low and _high)",
    "mean": "mean over the worlds where it is defined",
    "median": "median over the worlds where it is defined",
    "first month reached by half": "the first month by which half of the worlds have it (empty if never)",
}
"""The statistics an output may use over worlds, with what each means."""


@dataclass(frozen=True)
class Output:
    """One outcome of a run, declared once.

    ``per_world(result, key)`` returns one value per world (bool for a share, NaN where undefined);
    ``keys(result, months)`` lists the keys the output is reported for: report months, actors or
    issues (``[None]`` for a single column). A column is named ``name``, then the key, then the
    statistic unless ``name`` already says it (``p_`` for shares, ``median_`` for a median month).
    """

    name: str
    description: str
    unit: str
    statistics: tuple[str, ...]
    per_world: Callable[[RunResult, Any], np.ndarray]
    keys: Callable[[RunResult, Iterable[int]], list] = lambda result, months: [None]
    key_format: str = "{}"

    def column(self, key, statistic: str) -> str:
        parts = [self.name] + ([self.key_format.format(key)] if key is not None else [])
        if not (statistic == "share" and self.name.startswith("p_")) and statistic != "first month reached by half":
            parts.append(statistic)
        return "_".join(parts)

    def columns(self, result: RunResult, months: Iterable[int]) -> dict[str, float | None]:
        """This output's columns for one run, reported at ``months`` where it is per month."""
        row: dict[str, float | None] = {}
        for key in self.keys(result, months):
            values = self.per_world(result, key)
            for statistic in self.statistics:
                name = self.column(key, statistic)
                if statistic == "share":
                    low, high = wilson_interval(int(values.sum()), values.size)
                    row[name], row[f"{name}_low"], row[f"{name}_high"] = float(values.mean()), float(low), float(high)
                elif statistic == "first month reached by half":
                    reached = np.flatnonzero(share_by_month(values, result.horizon) >= 0.5)
                    row[name] = int(reached[0] + 1) if reached.size else None
                else:
                    row[name] = _spread(values)[statistic]
        return row

    def definition(self) -> dict:
        return {"description": self.description, "unit": self.unit,
                "statistics": {s: STATISTICS[s] for s in self.statistics}}


def _months(result: RunResult, months: Iterable[int]) -> list[int]:
    return list(months)


def _actors(result: RunResult, months: Iterable[int]) -> list[str]:
    return result.table.keys("casualties_at_horizon")


def _all_actors(result: RunResult, months: Iterable[int]) -> list[str]:
    return result.table.keys("payoff")


def _issues(result: RunResult, months: Iterable[int]) -> list[str]:
    return list(result.issue_names)


OUTPUTS: tuple[Output, ...] = (
    Output("p_ceasefire", "a first general ceasefire has been reached by the month", "fraction",
           ("share",), lambda r, month: reached_by(r, month), keys=_months, key_format="{}m"),
    Output("p_settlement", "an agreement settling every issue has been reached by the month (a ceasefire "
           "that leaves issues open does not count until they are settled)", "fraction",
           ("share",), lambda r, month: settled_by(r, month), keys=_months, key_format="{}m"),
    Output("settled_share", "share of the worlds with a ceasefire by the horizon that reached a settlement of "
           "every issue by then", "fraction", ("mean",), lambda r, _: settled_share(r)),
    Output("median_months_to_ceasefire", "months from the start to the first general ceasefire", "months",
           ("first month reached by half",), lambda r, _: r.first_ceasefire_month),
    Output("p_durable", "a first ceasefire was reached and held at least the scenario's durable_months",
           "fraction", ("share",), lambda r, _: durable(r)),
    Output("terms", "terms of the first ceasefire on the issue, in worlds that reached one", 
           "position (0 = Ukraine's, 1 = Russia's)", ("mean",),
           lambda r, issue: r.terms(issue), keys=_issues),
    Output("casualties", "the actor's cumulative killed and wounded at the horizon", "people",
           ("median", "mean"), lambda r, actor: r.table[f"casualties_at_horizon/{actor}"], keys=_actors),
    Output("occupied_km2_at_horizon", "area of Ukraine occupied by Russia at the horizon", "km²",
           ("median", "mean"), lambda r, _: r.table["occupied_km2_at_horizon"]),
    Output("payoff", "the actor's payoff: mean discounted monthly utility of the terms in force (the front while "
           "fighting) less its costs of war, the horizon's state held thereafter (docs/model.md [9])",
           "utility per month (1 = the actor's ideal on every issue at no cost)", ("mean",),
           lambda r, actor: r.payoff(actor), keys=_all_actors),
)
"""Every outcome reported in a table, in column order. Adding an output is adding one entry here."""


def outcome_columns(result: RunResult, months: Iterable[int]) -> dict[str, float | None]:
    """One tidy row of every declared output for a run (per-month outputs at ``months``)."""
    row: dict[str, float | None] = {}
    for output in OUTPUTS:
        row.update(output.columns(result, months))
    return row


def output_definitions() -> dict[str, dict]:
    """What each output means, its unit and statistics: written beside every table."""
    return {output.name: output.definition() for output in OUTPUTS}


UNITS = ("probabilities and shares are fractions in [0, 1]; casualties in people; areas in km²; "
         "payoffs in utility per month (1 = the actor's ideal on every issue at no cost)")
"""How every machine-readable output states its units (text reports print percentages)."""


def mean_ci(values: np.ndarray) -> tuple[float, float, float]:
    """Mean over worlds and its 95% normal interval (the Monte Carlo error of the mean; NaN for one
    world). Of per-world paired differences, it is the paired difference and its interval."""
    values = np.asarray(values, dtype=float)
    mean = float(values.mean())
    half = Z95 * float(values.std(ddof=1)) / np.sqrt(values.size) if values.size > 1 else float("nan")
    return mean, mean - half, mean + half


def mean_interval(values: np.ndarray) -> dict[str, Any]:
    """:func:`mean_ci` as a dictionary, with the 5th and 95th percentiles (the spread of outcomes
    across worlds)."""
    mean, low, high = mean_ci(values)
    p05, p95 = np.percentile(values, [5, 95])
    return {"mean": mean, "ci95": [low, high], "p05": float(p05), "p95": float(p95)}


def effective_worlds(result: RunResult) -> float:
    """How many independent worlds the run's probabilities rest on: its worlds, or, for a run that
    started from worlds replayed through a record, ``1 / (1/N + 1/ESS)``: the forward runs' Monte
    Carlo variance plus that of the importance weights (the two terms of the variance of a
    resampled estimate; Chopin 2004), so the interval also counts how few replayed worlds the start
    rests on."""
    made = (result.provenance or {}).get("conditioning")
    if not made:
        return float(result.worlds)
    return 1.0 / (1.0 / result.worlds + 1.0 / made["effective_sample_size"])


def summarise(result: RunResult) -> dict:
    """The forecast as a JSON-ready dictionary (the stable keys are listed in docs/guide.md, results.json)."""
    n, horizon = result.worlds, result.horizon
    by_month = ceasefire_by_month(result)
    n_effective = effective_worlds(result)
    ci = (wilson_interval(np.round(by_month * n), n) if n_effective == n
          else wilson_interval(by_month * n_effective, n_effective))
    outcomes = outcome_columns(result, result.report_months)
    in_force = result.in_ceasefire_count / n
    is_durable = durable(result)
    observable = (result.first_ceasefire_month > 0) & (
        result.first_ceasefire_month <= horizon - result.durable_months + 1)
    has_deal = result.first_ceasefire_month > 0
    terms = {issue: _spread(result.terms(issue)[has_deal]) for issue in result.issue_names}
    deal_kinds = np.asarray(result.table["territory_deal"])[has_deal]
    territory_deals = ({name: float(np.mean(deal_kinds == code)) for code, name in enumerate(TERRITORY_DEALS) if code}
                       if has_deal.any() else {})
    partial = {}
    for deal in result.table.keys("partial_first_month"):
        first = result.table[f"partial_first_month/{deal}"]
        agreed = np.array([np.mean((first > 0) & (first <= m)) for m in result.report_months])
        partial[deal] = {
            "p_agreed_by": {str(m): float(p) for m, p in zip(result.report_months, agreed, strict=True)},
            "p_in_force_at_horizon": float(result.table[f"partial_in_force_at_horizon/{deal}"].mean()),
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
        "median_months_to_ceasefire": outcomes["median_months_to_ceasefire"],
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
        "p_settlement_by_month": [float(p) for p in share_by_month(result.first_settlement_month, horizon)],
        "durable_months": result.durable_months,
        "p_durable": outcomes["p_durable"],
        "ci95_durable": [outcomes["p_durable_low"], outcomes["p_durable_high"]],
        "p_holds_given_observable_ceasefire": (float(is_durable[observable].mean())
                                               if observable.any() else None),
        "terms_of_first_ceasefire": terms,
        "territory_deal_of_first_ceasefire": territory_deals,
        "ideal_points": {a: [float(v) for v in sums.sum(axis=0) / n] for a, sums in result.ideal_sums.items()},
        "issues": list(result.issue_names),
        "actors": dict(result.actor_names),
        "partial_deals": partial,
        "acceptance_rate_by_month": decisions,
        "casualties_at_horizon": {a: _spread(result.table[f"casualties_at_horizon/{a}"]) for a in _actors(result, ())},
        "occupied_km2_at_horizon": _spread(result.table["occupied_km2_at_horizon"]),
        "victory_belief_by_month": {a: [float(v) for v in sums.sum(axis=0) / n]
                                    for a, sums in result.victory_belief_sums.items()},
        "payoff_by_actor": {a: mean_interval(result.payoff(a)) for a in _all_actors(result, ())},
        "outcomes": outcomes,
        "outcome_definitions": output_definitions(),
        "units": UNITS,
        "provenance": result.provenance,
        "seconds": round(result.seconds, 3),
    }
