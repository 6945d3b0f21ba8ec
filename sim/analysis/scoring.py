"""Scoring the model's forecasts of dated binary questions, beside other forecasters'.

For each question (:mod:`sim.scenario.questions`) the model's probability is the share of its
scenario's worlds in which the event happens by the question's date (questions sharing a scenario
share one run), with a Wilson 95% interval. A resolved question is scored with the **Brier score**
``(p - o)^2`` and the **log score** ``-ln p(o)`` (lower is better for both; Gneiting & Raftery 2007
on proper scoring rules). A Monte Carlo probability of exactly 0 or 1 is moved half a world inward
(``0.5 / N``) before the log score, so one unanimous run does not score infinity. Totals are taken
over the resolved questions for the model and for each forecaster on the questions it answered,
with Murphy's (1973) decomposition of the Brier score into reliability, resolution and uncertainty
over ten equal bins of the forecast.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from sim.engine import load_scenario
from sim.engine.outputs import effective_worlds, wilson_interval
from sim.engine.run import RunResult, run_scenario
from sim.scenario import LoadedScenario
from sim.scenario.questions import LoadedQuestions, Question, month_of

BINS = 10
"""Equal-width bins of the forecast for Murphy's decomposition and the reliability diagram."""
BASE_RATE = "base rate (in-sample)"
NO_CHANGE = "no change"


def brier(p: np.ndarray | float, outcome: np.ndarray | bool) -> np.ndarray:
    """Brier score ``(p - o)^2`` of probability forecasts ``p`` of binary outcomes (0 best, 1 worst)."""
    return (np.asarray(p, dtype=float) - np.asarray(outcome, dtype=float)) ** 2


def log_score(p: np.ndarray | float, outcome: np.ndarray | bool) -> np.ndarray:
    """Log score ``-ln p(o)`` in nats (0 best): the negative log of the probability given to what happened."""
    p, o = np.asarray(p, dtype=float), np.asarray(outcome, dtype=bool)
    with np.errstate(divide="ignore"):
        return -np.log(np.where(o, p, 1.0 - p))


def forecast_bins(p: np.ndarray, bins: int = BINS) -> np.ndarray:
    """Each forecast's bin among ``bins`` equal bins of [0, 1] (1.0 falls in the last)."""
    return np.minimum((np.asarray(p, dtype=float) * bins).astype(int), bins - 1)


def murphy(p: np.ndarray, outcome: np.ndarray, bins: int = BINS) -> dict[str, float]:
    """Murphy's decomposition: ``brier = reliability - resolution + uncertainty + within``.

    Forecasts are grouped in ``bins`` equal bins of [0, 1]; ``reliability`` is the weighted mean
    squared gap between each bin's mean forecast and its observed frequency (0 for a calibrated
    forecaster), ``resolution`` the weighted spread of the bins' frequencies around the base rate,
    ``uncertainty`` the base rate's variance, and ``within`` the spread of forecasts inside bins
    (0 when each bin holds one forecast value), so the identity is exact.
    """
    p, o = np.asarray(p, dtype=float), np.asarray(outcome, dtype=float)
    n = p.size
    base = o.mean()
    index = forecast_bins(p, bins)
    reliability = resolution = within = 0.0
    for b in np.unique(index):
        members = index == b
        f, freq, count = p[members].mean(), o[members].mean(), members.sum()
        reliability += count * (f - freq) ** 2 / n
        resolution += count * (freq - base) ** 2 / n
        within += (np.sum((p[members] - f) ** 2) + 2 * np.sum((p[members] - f) * (f - o[members]))) / n
    return {"reliability": float(reliability), "resolution": float(resolution),
            "uncertainty": float(base * (1 - base)), "within": float(within)}


def event_probability(result: RunResult, question: Question, month: int) -> tuple[int, int]:
    """(worlds in which the question's event happens by ``month``, worlds)."""
    if question.event == "ceasefire_in_force":
        return int(result.in_ceasefire_count[month - 1]), result.worlds
    if question.event.startswith("occupied_km2_above:"):
        # The month-by-month front is kept for the first PATH_WORLDS worlds of a run: those count.
        occupied = result.occupied_km2[:, month - 1]
        return int(np.sum(occupied > float(question.event.split(":", 1)[1]))), int(occupied.size)
    if question.event == "ceasefire":
        first = result.first_ceasefire_month
    elif question.event == "settlement":
        first = result.first_settlement_month
    else:
        first = result.table[f"partial_first_month/{question.event.split(':', 1)[1]}"]
    hits = int(np.sum((first > 0) & (first <= month)))
    return hits, result.worlds


@dataclass
class ScoredQuestion:
    """One question with the model's probability: ``hits`` of ``worlds`` worlds by scenario month ``month``."""

    question: Question
    month: int                  # the scenario month the date falls in
    hits: int
    worlds: int
    p: float
    p_low: float
    p_high: float

    @property
    def resolved(self) -> bool:
        return self.question.outcome is not None

    @property
    def p_scored(self) -> float:
        """The probability the log score uses: a unanimous run moved half a world inward."""
        half = 0.5 / self.worlds
        return float(np.clip(self.p, half, 1.0 - half))


@dataclass
class Scores:
    """Every question of a file, scored; :meth:`totals` and :meth:`as_json` give the summaries."""

    questions: list[ScoredQuestion]
    worlds: int
    runs: dict[str, float] = field(default_factory=dict)   # scenario file -> seconds

    def totals(self) -> dict[str, dict]:
        """Over the resolved questions: the model, and each forecaster on the questions it answered."""
        resolved = [s for s in self.questions if s.resolved]
        out = {}
        if resolved:
            out["model"] = _total([s.p for s in resolved], [s.p_scored for s in resolved],
                                  [bool(s.question.outcome) for s in resolved])
        if resolved:
            outcomes = [bool(s.question.outcome) for s in resolved]
            # Two forecasts with no model in them: the resolved questions' own share of yes (in-sample by
            # construction), and "no change": none of the events has happened at the origin, so none will.
            rate = float(np.mean(outcomes))
            out[BASE_RATE] = _total([rate] * len(resolved), [rate] * len(resolved), outcomes)
            out[NO_CHANGE] = _total([0.0] * len(resolved), [0.0] * len(resolved), outcomes)
        names = sorted({name for s in resolved for name in s.question.forecasters})
        for name in names:
            answered = [s for s in resolved if name in s.question.forecasters]
            forecasts = [s.question.forecasters[name] for s in answered]
            out[name] = _total(forecasts, forecasts, [bool(s.question.outcome) for s in answered])
        return out

    def as_json(self) -> dict:
        rows = []
        for s in self.questions:
            q = s.question
            row = {"id": q.id, "text": q.text, "event": q.event, "by": q.by.isoformat(), "month": s.month,
                   "p": s.p, "p_low": s.p_low, "p_high": s.p_high, "outcome": q.outcome,
                   "brier": None, "log_score": None, "forecasters": {}}
            if s.resolved:
                row["brier"] = float(brier(s.p, q.outcome))
                row["log_score"] = float(log_score(s.p_scored, q.outcome))
            for name, value in q.forecasters.items():
                row["forecasters"][name] = {"p": value,
                                            "brier": float(brier(value, q.outcome)) if s.resolved else None,
                                            "log_score": float(log_score(value, q.outcome)) if s.resolved else None}
            rows.append(row)
        return {"questions": rows, "totals": self.totals(), "worlds": self.worlds}


def _total(p: list[float], p_for_log: list[float], outcome: list[bool]) -> dict:
    p_array, o = np.array(p, dtype=float), np.array(outcome)
    logs = log_score(np.array(p_for_log, dtype=float), o)
    return {"n": len(p), "brier": float(brier(p_array, o).mean()),
            "log_score": float(logs.mean()) if np.all(np.isfinite(logs)) else None,
            **murphy(p_array, o)}


def score(loaded: LoadedQuestions, worlds: int | None = None) -> Scores:
    """The model's probability of every question, each scenario run once (its own seed), and the scores.

    Raises:
        ScenarioError: naming the question's file and line where its date lies outside its scenario's
            months or its partial deal is not one of the scenario's.
    """
    scenarios: dict[Path, LoadedScenario] = {}
    checked = []
    for i, (question, path) in enumerate(zip(loaded.spec.questions, loaded.scenarios, strict=True)):
        if path not in scenarios:
            scenarios[path] = load_scenario(path)
        scenario = scenarios[path].scenario
        month = month_of(scenario.start, question.by)
        if not 1 <= month <= scenario.horizon_months:
            raise loaded.error(i, "by", f"{question.by.isoformat()} lies outside {path.name}'s months "
                                        f"({scenario.start} and {scenario.horizon_months} months on); "
                                        "forecast it from a scenario that covers it.")
        if question.event.startswith("partial:") and question.event.split(":", 1)[1] not in scenario.partial_deals:
            raise loaded.error(i, "event", f"'{question.event.split(':', 1)[1]}' is not a partial deal of "
                                           f"{path.name} (deals: {', '.join(scenario.partial_deals) or 'none'}).")
        checked.append((question, path, month))
    results = {path: run_scenario(one, worlds=worlds) for path, one in scenarios.items()}   # one run per scenario
    seconds = {str(path): result.seconds for path, result in results.items()}
    scored = []
    for question, path, month in checked:
        hits, n = event_probability(results[path], question, month)
        # A run that started from the record rests on fewer independent worlds (its effective sample size).
        n_effective = n * effective_worlds(results[path]) / results[path].worlds
        (low, high), = wilson_interval(np.array([hits if n_effective == n else hits / n * n_effective]), n_effective)
        scored.append(ScoredQuestion(question, month, hits, n, hits / n, float(low), float(high)))
    return Scores(scored, worlds or 0, seconds)
