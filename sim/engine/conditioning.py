"""Forecasts that start from the record: the worlds consistent with what happened before the start.

A scenario with ``condition_on:`` (:class:`~sim.scenario.schema.ConditionOn`) names an events file.
The record's own scenario (the *origin*, e.g. the baseline of spring 2025) is replayed through the
record (:func:`sim.engine.replay.replay`: the documented actions forced, the documented decisions
scored and then imposed) up to the month before this scenario's start. Each replayed world gets the
weight of the record in it, the product over the documented decisions and outcomes of the model's
probability of what was documented (the likelihood the backtest reports); a documented range (the
occupied area at a date) enters as an indicator, the implausibility cut of history matching with no
tolerance beyond the documented range (Craig et al. 1997; Vernon et al. 2010).

Each world of the forecast then starts from one replayed world, drawn with probability
proportional to its weight: sequential importance sampling with one resampling step, the bootstrap
particle filter of Gordon, Salmond and Smith (1993). The drawn world hands over

* its parameters, wherever this scenario left a parameter as the origin has it (a parameter this
  scenario changes keeps its change, as with a calibrated posterior), and
* its state at the start (:data:`STATE_HANDOVER`: the occupied area, the Donbas still held, the
  economy's strain, every actor's belief in victory), which replace this scenario's judgement
  priors for them.

The effective sample size of the weights, ``(sum w)^2 / sum w^2`` (Kong, Liu and Wong 1994), says how
many independent worlds the forecast rests on; :data:`FEW_WORLDS` is the floor below which a run
warns. Why not pyabc or another ABC-SMC library: the record's likelihood is available world by
world (the replay computes each documented decision's probability), so likelihood weights are
exact where ABC would approximate them with a distance and a tolerance, and the forecast needs the
replayed worlds' *states*, which an ABC library would not keep.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import numpy as np
from scipy.special import logsumexp

from sim.fileio import portable_path
from sim.model.model import NegotiationModel
from sim.scenario import LoadedScenario, ScenarioError
from sim.scenario.evidence import load_events
from sim.scenario.params import Prior
from sim.scenario.paths import scalar_paths
from sim.scenario.questions import month_of

from .loading import load_scenario
from .replay import record_months, replay

FEW_WORLDS = 200
"""An effective sample size below this many worlds is reported with a warning (judgement: the
Monte Carlo error of a probability near one half is then above 3.5 points)."""


@dataclass(frozen=True)
class StateHandover:
    """One piece of a replayed world's state that a conditioned forecast starts from: the parameter
    path of this scenario it replaces (``{actor}`` for each actor) and how to read it off the model."""

    path: str
    what: str
    read: Callable[[NegotiationModel, str], np.ndarray]


STATE_HANDOVER = (
    StateHandover("battlefield.start_occupied_km2", "the area Russia occupies, km2",
                  lambda model, actor: model.state.war.occupied_km2),
    StateHandover("battlefield.donbas.held_km2", "the area of the Donbas Ukraine still holds, km2",
                  lambda model, actor: model.state.war.donbas_held_km2),
    StateHandover("economy.strain_start", "the strain on Russia's war economy, 0 to 1",
                  lambda model, actor: model.state.war.strain),
    StateHandover("actors.{actor}.beliefs.victory", "each actor's belief that it would win by fighting on",
                  lambda model, actor: model.actors[actor].victory_belief),
)
"""The state a conditioned forecast takes over from the record, declared once."""


def months_between(start: str, later: str) -> int:
    """Calendar months from ``start`` to ``later`` (both "YYYY-MM"): the month ``later`` begins is
    month ``1 + this`` of a run that starts at ``start`` (:func:`~sim.scenario.questions.month_of`)."""
    return month_of(start, dt.date.fromisoformat(f"{later}-01")) - 1


@dataclass
class ConditionedStart:
    """Replayed worlds to start from: ``values`` (M, P) of the named parameter paths (the handed-over
    state first, ``meta["states_carried"]`` columns, then the parameters carried), and each world's
    normalised ``weights`` (M,). Used like a calibrated posterior (``build_model(start=...)``)."""

    names: list[str]
    values: np.ndarray
    weights: np.ndarray
    meta: dict

    @property
    def effective_sample_size(self) -> float:
        return float(1.0 / np.sum(self.weights ** 2))

    def overrides(self, scenario, streams) -> dict[str, np.ndarray]:
        """Per-world starting values: world w takes the replayed world at ``u_w`` on the weights'
        cumulative sum (its own stream, so chunking and the number of processes change nothing)."""
        cumulative = np.cumsum(self.weights)
        rows = np.minimum(np.searchsorted(cumulative / cumulative[-1], streams.uniform("condition:member"),
                                          side="right"), len(self.weights) - 1)
        return {name: self.values[rows, j] for j, name in enumerate(self.names)}

    def summary(self) -> dict:
        """What made the start, for results.json: the record, the origin, the replay and its weights."""
        return {**self.meta, "effective_sample_size": round(self.effective_sample_size, 1),
                "parameters_carried": len(self.names) - self.meta["states_carried"]}


def _same_prior(a, b) -> bool:
    if isinstance(a, Prior) and isinstance(b, Prior):
        return [a.low, a.high, a.mode] == [b.low, b.high, b.mode]
    return False


def _digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


_MADE: dict[tuple, ConditionedStart] = {}


def conditioned_start(loaded: LoadedScenario, seed: int | None = None, posterior=None,
                      progress: Callable[[int, int], None] | None = None) -> ConditionedStart:
    """The replayed worlds a scenario with ``condition_on:`` starts from (made once per process for
    the same scenario, seed and posterior). Errors name the scenario file, line and key."""
    scenario = loaded.scenario
    spec = scenario.condition_on
    if spec is None:
        raise ValueError(f"scenario {scenario.name!r} has no condition_on")
    seed = scenario.seed if seed is None else seed

    def fail(message: str) -> ScenarioError:
        file, line = loaded.source.locate("condition_on.record")
        return ScenarioError(message, path=file or loaded.path, line=line, key="condition_on.record")

    record_path = (loaded.path.parent / spec.record).resolve()
    if not record_path.is_file():
        raise fail(f"the record {spec.record!r} is not a file (looked for {record_path}); expected an events "
                   "file like scenarios/evidence/events.yaml")
    key = (loaded.sha256, _digest(record_path), seed, spec.worlds, getattr(posterior, "sha256", None))
    if key in _MADE:
        return _MADE[key]
    record, origin_path = load_events(record_path)
    origin = load_scenario(origin_path)
    months = months_between(origin.scenario.start, scenario.start)
    covered = record_months(record)
    if months < covered:
        raise fail(f"the record runs {covered} months from {origin.scenario.start} (its scenario, {origin_path.name}); "
                   f"this scenario starts {scenario.start}, {months} months on: expected a start at least "
                   f"{covered} months after {origin.scenario.start}")
    if months > origin.scenario.horizon_months:
        raise fail(f"this scenario starts {months} months after the record's scenario ({origin.scenario.start}), "
                   f"beyond its horizon of {origin.scenario.horizon_months} months")
    replayed = replay(origin.scenario, record, worlds=spec.worlds, seed=seed, posterior=posterior,
                      progress=progress, months=months)
    model = replayed.model
    scored = [d for d in replayed.decisions if not d.contested]
    with np.errstate(divide="ignore"):
        log_weights = np.sum([np.log(d.probability) for d in scored], axis=0)
    if not np.isfinite(log_weights).any():
        raise fail(f"none of the {spec.worlds:,} worlds replayed through the record is consistent with it "
                   "(every world has probability 0 of some documented decision or outcome); replay more worlds "
                   "(condition_on.worlds) or check the record")
    weights = np.exp(log_weights - logsumexp(log_weights))

    here = scalar_paths(scenario)
    there = scalar_paths(origin.scenario)
    n = model.n_worlds
    names, columns = [], []
    handed = set()
    for state in STATE_HANDOVER:
        paths = ([state.path.format(actor=a) for a in scenario.actors] if "{actor}" in state.path else [state.path])
        for path in paths:
            actor = path.split(".")[1] if "{actor}" in state.path else ""
            if path in here and (not actor or actor in model.actors):
                names.append(path)
                columns.append(np.broadcast_to(np.asarray(state.read(model, actor), dtype=float), (n,)))
                handed.add(path)
    for path, value in model.draw.drawn.items():
        if path not in handed and _same_prior(here.get(path), there.get(path)):
            names.append(path)
            columns.append(np.broadcast_to(np.asarray(value, dtype=float), (n,)))
    start = ConditionedStart(names, np.column_stack(columns), weights, {
        "record": portable_path(record_path), "record_sha256": _digest(record_path),
        "origin": portable_path(origin.path), "origin_sha256": origin.sha256,
        "months_replayed": months, "worlds_replayed": spec.worlds, "seed": seed,
        "decisions_weighed": len(scored), "states_carried": len(handed),
        "worlds_consistent": int(np.isfinite(log_weights).sum()),
        "log_likelihood": float(logsumexp(log_weights) - np.log(n))})
    _MADE[key] = start
    return start


def warning(start: ConditionedStart) -> str | None:
    """A sentence for the user when the forecast rests on few effective worlds."""
    ess = start.effective_sample_size
    if ess >= FEW_WORLDS:
        return None
    return (f"the forecast rests on an effective {ess:.0f} of {start.meta['worlds_replayed']:,} replayed worlds "
            f"(below {FEW_WORLDS}): replay more worlds (condition_on.worlds) for a steadier start")
