"""The values of the state variables that strategy conditions read (names: :mod:`sim.scenario.variables`)."""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np

from sim.scenario.levers import LEVERS
from sim.scenario.schema import Scenario

from .agents import Actor
from .state import WorldState


def state_variables(state: WorldState, actors: Mapping[str, Actor], scenario: Scenario) -> dict[str, np.ndarray | float]:
    """Values of every state variable for the month being simulated (``state.month``), computed
    from the state the month before (arrays over worlds, or scalars)."""
    n, war = state.facts.n_worlds, state.war
    record = state.last_round
    no = np.zeros(n, dtype=bool)
    env: dict[str, np.ndarray | float] = {
        "month": float(state.month),
        "months_without_progress": state.months_without_progress.astype(float),
        "failed_rounds": state.failed_rounds.astype(float),
        "in_ceasefire": state.in_ceasefire.copy(),
        "proposal_made": record.proposed if record is not None else no,
        "ceasefire_breakdowns": state.breakdowns.astype(float),
        "economic_strain": war.strain,
        "occupied_km2": war.occupied_km2,
        "advance_km2": war.advance,
        "front": war.front,
        "aid_level": war.aid,
        "intelligence_level": war.intelligence,
        "sanctions_level": war.sanctions,
    }
    for actor_id, actor in actors.items():
        if record is not None and actor_id in record.assessments:
            asked, accepted = record.answers(actor_id)
            env[f"rejected_{actor_id}"] = asked & ~accepted
            env[f"accepted_{actor_id}"] = accepted
        else:
            env[f"rejected_{actor_id}"] = env[f"accepted_{actor_id}"] = no
        env[f"threat_pending_{actor_id}"] = state.threat_pending.get(actor_id, no)
        for lever in LEVERS:
            env[f"{actor_id}_{lever}"] = actor.levers.get(lever, 0.0) if actor.levers else 0.0
        if actor.role == "belligerent":
            env[f"victory_belief_{actor_id}"] = actor.victory_belief
    for package in [*scenario.packages, "nash"]:
        env[f"proposed_{package}"] = (record.proposed & (record.package == package)
                                      if record is not None else no)
    for deal, deal_state in state.partial.items():
        env[f"{deal}_in_force"] = deal_state.in_force
    return env
