"""What would have made peace possible in one world: the smallest change that brings a ceasefire.

World ``w`` of a run has its own drawn parameters and meets its own shocks. The search runs copies
of that world side by side (every copy meets world ``w``'s shocks exactly; only the parameters it
tries differ) and looks for the smallest change, in the world's drawn parameters (within their
priors) and in the actors' levers (from 0 to 2, twice the 2022-24 average), that gives a first
ceasefire by a month the user names:

1. every parameter alone, on a grid over its range; the successful move closest to the world's own
   value is then refined on a fine grid between the two;
2. if no parameter alone succeeds, pairs of the parameters that came closest (the earliest first
   ceasefire any of their values gave), on a coarser grid of both.

A change's size is its distance from the world's value as a share of the parameter's range, summed
over the parameters changed; fewer parameters come first. The change found is checked by running
the world once more with it.
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass, field

import numpy as np

from sim.engine.build import build_model
from sim.engine.posterior import Posterior
from sim.model.streams import RepeatedWorld
from sim.scenario import LEVERS, Prior, Scenario
from sim.scenario.levers import LEVER_TABLE
from sim.scenario.paths import scalar_paths


@dataclass
class Change:
    """One parameter moved: from the world's value to the new one."""

    path: str
    before: float
    after: float
    low: float
    high: float

    @property
    def share(self) -> float:
        """The move as a share of the parameter's range."""
        return abs(self.after - self.before) / (self.high - self.low)


@dataclass
class Counterfactual:
    """The search's answer for one world."""

    world: int
    by: int
    base_month: int                  # the world's first ceasefire month as it is (0: none by the horizon)
    changes: list[Change] | None     # None: nothing tried gives a ceasefire by ``by``
    month: int = 0                   # the first ceasefire month with the changes
    copies: int = 0                  # copies of the world simulated
    searched: list[str] = field(default_factory=list)


def _candidates(scenario: Scenario, drawn: dict[str, np.ndarray]) -> list[tuple[str, float, float]]:
    """(path, low, high) of every parameter drawn from a prior, and of every actor's levers (each over its
    range in :data:`~sim.scenario.levers.LEVER_TABLE`)."""
    priors = scalar_paths(scenario)
    out = [(p, priors[p].low, priors[p].high) for p in drawn
           if isinstance(priors.get(p), Prior) and not priors[p].is_point and not p.split(".")[-2:-1] == ["levers"]]
    out += [(f"actors.{a}.levers.{lever.name}", *lever.sweep_range) for a in scenario.actors for lever in LEVER_TABLE]
    return out


class _World:
    """Copies of one world, run for a number of months with chosen parameter values."""

    def __init__(self, scenario: Scenario, world: int, seed: int, posterior: Posterior | None):
        self.scenario, self.world, self.seed, self.posterior = scenario, world, seed, posterior
        self.copies = 0
        probe = self._model(1, {})
        self.values = {path: float(np.broadcast_to(v, (1,))[0]) for path, v in probe.draw.drawn.items()}
        for actor in probe.agents:
            for lever in LEVERS:
                self.values.setdefault(f"actors.{actor.actor_id}.levers.{lever}",
                                       float(np.broadcast_to(actor.base_levels[lever], (1,))[0]))

    def _model(self, copies: int, overrides: dict[str, np.ndarray]):
        streams = RepeatedWorld(self.seed, self.world, copies, self.scenario.horizon_months)
        return build_model(self.scenario, seed=self.seed, streams=streams, overrides=overrides,
                           posterior=self.posterior)

    def first_months(self, trials: list[dict[str, float]], months: int) -> np.ndarray:
        """Each trial's first ceasefire month (0: none within ``months``)."""
        if not trials:
            return np.zeros(0, dtype=int)
        paths = sorted({p for trial in trials for p in trial})
        overrides = {p: np.array([trial.get(p, self.values[p]) for trial in trials]) for p in paths}
        model = self._model(len(trials), overrides)
        for _ in range(months):
            model.step()
        self.copies += len(trials)
        return np.asarray(model.state.first_ceasefire_month).copy()


def counterfactual(scenario: Scenario, world: int, by: int, seed: int | None = None, grid: int = 9,
                   pair_grid: int = 5, pairs_of: int = 12, posterior: Posterior | None = None) -> Counterfactual:
    """The smallest change of world ``world``'s parameters that gives a first ceasefire by month ``by``."""
    seed = scenario.seed if seed is None else seed
    horizon = scenario.horizon_months
    runner = _World(scenario, world, seed, posterior)
    base_month = int(runner.first_months([{}], horizon)[0])
    candidates = [c for c in _candidates(scenario, runner.values) if c[0] in runner.values and c[2] > c[1]]
    found = Counterfactual(world, by, base_month, None, searched=[c[0] for c in candidates])
    if 0 < base_month <= by:
        found.changes, found.month = [], base_month
        found.copies = runner.copies
        return found

    ranges = {p: (lo, hi) for p, lo, hi in candidates}

    def changes_of(trial: dict[str, float]) -> list[Change]:
        return [Change(p, runner.values[p], v, *ranges[p]) for p, v in trial.items()]

    def size(trial: dict[str, float]) -> float:
        return sum(c.share for c in changes_of(trial))

    # 1. One parameter at a time, to the horizon (the earliest month each reaches ranks it for step 2).
    singles = [{p: float(v)} for p, lo, hi in candidates for v in np.linspace(lo, hi, grid)
               if not np.isclose(v, runner.values[p])]
    months = runner.first_months(singles, horizon)
    success = [t for t, m in zip(singles, months, strict=True) if 0 < m <= by]
    if success:
        best = min(success, key=size)
        (path, value), = best.items()
        fine = [{path: float(v)} for v in np.linspace(runner.values[path], value, 33)[1:]]
        fine_months = runner.first_months(fine, by)
        best = min([t for t, m in zip(fine, fine_months, strict=True) if 0 < m <= by] + [best], key=size)
    else:
        earliest: dict[str, int] = {}
        for trial, m in zip(singles, months, strict=True):
            (path,) = trial
            if m > 0:
                earliest[path] = min(earliest.get(path, horizon + 1), int(m))
        ranked = sorted(earliest, key=lambda p: earliest[p])[:pairs_of]
        pairs = [{a: float(x), b: float(y)} for a, b in itertools.combinations(ranked, 2)
                 for x in np.linspace(*ranges[a], pair_grid) for y in np.linspace(*ranges[b], pair_grid)]
        pair_months = runner.first_months(pairs, by)
        success = [t for t, m in zip(pairs, pair_months, strict=True) if 0 < m <= by]
        best = min(success, key=size) if success else None
    if best is None:
        found.copies = runner.copies
        return found
    check = int(runner.first_months([best], by)[0])
    assert 0 < check <= by, "the change found must give the ceasefire when the world is run again"
    found.changes, found.month, found.copies = sorted(changes_of(best), key=lambda c: -c.share), check, runner.copies
    return found
