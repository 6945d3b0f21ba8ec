"""The teaching views: one world month by month, and the bargain in one world and month.

Both follow world ``w`` of ``negsim run`` with the same seed (the engine's :func:`trace_world`); the
report renders what these compute (:mod:`sim.report.explain`, :mod:`sim.report.bargain`).
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from sim.engine.build import Trace, trace_world
from sim.engine.outputs import month_labels
from sim.engine.posterior import Posterior
from sim.scenario import ScenarioError
from sim.scenario.levers import LEVERS
from sim.scenario.schema import Scenario

GRID = 101
"""Grid points per issue of the acceptance-set pictures."""


def _month_state(model, index: int) -> dict:
    """What the explanation shows of one world after a month."""
    war = model.state.war
    return {
        "levers": {a.actor_id: {lever: float(np.broadcast_to(a.levers[lever], (model.n_worlds,))[index])
                                for lever in LEVERS} for a in model.agents},
        "advance": float(war.advance[index]), "occupied": float(war.occupied_km2[index]),
        "front": float(war.front[index]), "strain": float(war.strain[index]),
        "aid": float(war.aid[index]), "intelligence": float(war.intelligence[index]),
        "casualties": {a: float(c[index]) for a, c in war.casualties.items()},
        "victory": {a.actor_id: float(a.victory_belief[index]) for a in model.agents
                    if a.role == "belligerent"},
        "war_value": {a.actor_id: float(np.broadcast_to(a.war_value, (model.n_worlds,))[index])
                      for a in model.agents},
        "cost": {a.actor_id: float(np.broadcast_to(a.monthly_cost, (model.n_worlds,))[index])
                 for a in model.agents},
        "in_ceasefire": bool(model.state.in_ceasefire[index]),
    }


def explain_world(scenario: Scenario, world: int = 0, seed: int | None = None, months: int | None = None,
                  posterior: Posterior | None = None) -> Trace:
    """World ``world`` month by month, with what :func:`sim.report.explain.describe` needs."""
    return trace_world(scenario, world=world, seed=seed, months=months, posterior=posterior,
                       observe=_month_state)


@dataclass
class BargainView:
    """The acceptance sets of one world in one month, on a grid over one or two issues."""

    scenario: str
    month: int
    label: str
    issues: list[str]
    axes: list[np.ndarray]                # grid values per issue
    accept: dict[str, np.ndarray]         # actor -> bool array over the grid
    surplus: dict[str, np.ndarray]
    names: dict[str, str]
    proposal: np.ndarray                  # (K,) the package as finally judged by the belligerents
    curve: np.ndarray                     # (C, K) the clipped contract curve
    ideals: dict[str, np.ndarray]
    war_outcome: dict[str, float]         # belligerent -> issue value it expects from fighting (1-D)
    put_forward: np.ndarray | None = None  # (K,) the package as the mediator proposed it
    search: str = "box"                   # where the mediator searched: the whole box or the curve
    refused_by: list[str] = field(default_factory=list)   # supporters who refused to deliver their terms
    deciders: list[str] | None = None     # whose acceptance makes a deal (None: every actor drawn)

    @property
    def zone(self) -> np.ndarray:
        """Where every party whose acceptance makes the deal accepts: the belligerents, and the
        supporters too when their refusal blocks the whole package (``supporter_veto: package``)."""
        deciders = self.accept if self.deciders is None else [a for a in self.accept if a in self.deciders]
        return np.logical_and.reduce([self.accept[a] for a in deciders])


def bargain_view(scenario: Scenario, issues: list[str], month: int = 3, world: int = 0,
                 seed: int | None = None, posterior: Posterior | None = None) -> BargainView:
    """Run to ``month`` and map the acceptance sets of world ``world`` over ``issues`` (1 or 2)."""
    unknown = [i for i in issues if i not in scenario.issues]
    if unknown or not 1 <= len(issues) <= 2 or len(set(issues)) != len(issues):
        raise ScenarioError(f"choose one or two issues of {', '.join(scenario.issues)}; found {issues}")
    trace = trace_world(scenario, world=world, seed=seed, months=min(month, scenario.horizon_months),
                        posterior=posterior)
    model, index = trace.model, trace.index
    record = model.state.rounds[-1]
    ks = [model.facts.issue_index[i] for i in issues]
    # The grid includes the proposal and, on territory, the front: red lines often meet exactly there.
    territory = model.facts.issue_role.get("territory")
    axes = [np.unique(np.concatenate([np.linspace(0.0, 1.0, GRID), [record.terms[index, k]],
                                      [record.front[index]] if k == territory else []]))
            for k in ks]
    mesh = np.meshgrid(*axes, indexing="ij")
    points = mesh[0].size
    x = np.broadcast_to(record.terms[index], (points, model.facts.n_issues)).copy()
    for k, values in zip(ks, mesh, strict=True):
        x[:, k] = values.ravel()
    settled = record.settled.copy()
    settled[ks] = True
    # Evaluate the grid for this world: grid on the leading axis, in slices to bound memory.
    accept, surplus = {}, {}
    step = max(1, 200_000 // (model.n_worlds * model.facts.n_issues))
    for actor in model.agents:
        parts_veto, parts_ok, parts_surplus = [], [], []
        for start in range(0, points, step):
            x_all = np.broadcast_to(x[start:start + step, None, :],
                                    (min(step, points - start), model.n_worlds, model.facts.n_issues))
            veto = np.broadcast_to(actor.has_veto(model.state, x_all, settled), x_all.shape[:2])[:, index]
            a = actor.assess(model.state, x_all, settled, leverage=record.leverage)
            parts_veto.append(veto)
            parts_ok.append((~a.hard_violation & (a.surplus > 0))[:, index])
            parts_surplus.append(np.where(a.hard_violation[:, index], np.nan, a.surplus[:, index]))
        veto = np.concatenate(parts_veto)
        if actor.role != "belligerent" and not veto.any():
            continue
        accept[actor.actor_id] = (np.concatenate(parts_ok) | ~veto).reshape(mesh[0].shape)
        surplus[actor.actor_id] = np.concatenate(parts_surplus).reshape(mesh[0].shape)
    path = model.proposal_path()
    curve = path(np.linspace(0, 1, 201)[:, None] * np.ones((1, model.n_worlds)))[:, index, :]
    war_outcome = {}
    for actor in (model.attacker, model.defender):
        if model.facts.issue_role.get("territory") in ks:
            horizon = np.broadcast_to(model.facts.planning_horizon, (model.n_worlds,))[index]
            advance = actor.expected_advance(model.state.war)[index] * horizon / model.facts.territory_scale
            horizon_front = float(advance + model.state.war.front[index])
            war_outcome[actor.actor_id] = min(horizon_front, 1.0)
    return BargainView(scenario.name, record.month, month_labels(scenario.start, record.month)[-1],
                       issues, axes, accept, surplus, {a.actor_id: a.name for a in model.agents},
                       record.terms[index], curve, {a.actor_id: a.ideal[index] for a in model.agents},
                       war_outcome,
                       put_forward=None if record.put_forward is None else record.put_forward[index],
                       search=scenario.negotiation.search,
                       refused_by=[model.actors[a].name for a, r in record.refused.items() if r[index]],
                       deciders=[a.actor_id for a in model.agents if a.role == "belligerent"
                                 or scenario.negotiation.supporter_veto == "package"])


