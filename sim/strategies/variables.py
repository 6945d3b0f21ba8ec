"""The state variables strategy conditions can read, by name.

Each is a number per world describing the state at the start of the month in which the strategy
acts (that is, the outcome of the month before). ``negsim variables SCENARIO`` lists them.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from .base import LEVERS

if TYPE_CHECKING:
    from sim.model.model import NegotiationModel
    from sim.scenario.schema import Scenario

GLOBAL_VARIABLES = {
    "month": "the month about to be simulated (1 = the scenario's start)",
    "months_without_progress": "months of war since the start or since the last ceasefire ended",
    "failed_rounds": "general proposals made and not agreed so far",
    "in_ceasefire": "a general ceasefire is in force (true/false)",
    "proposal_made": "a general proposal was made last month",
    "ceasefire_breakdowns": "ceasefires that have broken down so far",
    "economic_strain": "the attacker's economic strain index, 0-1",
    "occupied_km2": "area under the attacker's control, km²",
    "advance_km2": "the attacker's advance last month, km²",
    "front": "the front on the territory scale, 0-1",
    "aid_level": "aid reaching the defender (1 = the 2022-24 average)",
    "intelligence_level": "intelligence reaching the defender (1 = US level)",
    "sanctions_level": "sanctions pressure on the attacker",
}


def state_variable_names(scenario: Scenario) -> dict[str, str]:
    """Every variable name a condition may use in ``scenario``, with a one-line meaning."""
    names = dict(GLOBAL_VARIABLES)
    for actor_id, actor in scenario.actors.items():
        names[f"rejected_{actor_id}"] = f"{actor.name} rejected last month's general proposal"
        names[f"accepted_{actor_id}"] = f"{actor.name} accepted last month's general proposal"
        names[f"threat_pending_{actor_id}"] = f"a threat against {actor.name} is pending (not yet carried out)"
        for lever in LEVERS:
            names[f"{actor_id}_{lever}"] = f"{actor.name}'s {lever.replace('_', ' ')} lever last month"
        if actor.role == "belligerent":
            names[f"victory_belief_{actor_id}"] = f"{actor.name}'s belief in its decisive victory"
    for package in [*scenario.packages, "nash"]:
        names[f"proposed_{package}"] = f"last month's general proposal was '{package}'"
    for deal in scenario.partial_deals:
        names[f"{deal}_in_force"] = f"the {deal.replace('_', ' ')} is in force"
    return names


def state_variables(model: NegotiationModel) -> dict[str, np.ndarray | float]:
    """Values of every state variable for the month being simulated (``model.month``), computed
    from the state the month before (arrays over worlds, or scalars)."""
    n, war = model.n_worlds, model.war
    record = model.last_round
    no = np.zeros(n, dtype=bool)
    env: dict[str, np.ndarray | float] = {
        "month": float(model.month),
        "months_without_progress": model.months_without_progress.astype(float),
        "failed_rounds": model.failed_rounds.astype(float),
        "in_ceasefire": model.in_ceasefire.copy(),
        "proposal_made": record.proposed if record is not None else no,
        "ceasefire_breakdowns": model.breakdowns.astype(float),
        "economic_strain": war.strain,
        "occupied_km2": war.occupied_km2,
        "advance_km2": war.advance,
        "front": war.front,
        "aid_level": war.aid,
        "intelligence_level": war.intelligence,
        "sanctions_level": war.sanctions,
    }
    for actor_id, actor in model.actors.items():
        if record is not None and actor_id in record.assessments:
            asked = record.proposed & np.broadcast_to(record.veto[actor_id], (n,))
            accept = record.assessments[actor_id].accept
            env[f"rejected_{actor_id}"] = asked & ~accept
            env[f"accepted_{actor_id}"] = asked & accept
        else:
            env[f"rejected_{actor_id}"] = env[f"accepted_{actor_id}"] = no
        env[f"threat_pending_{actor_id}"] = model.threat_pending.get(actor_id, no)
        for lever in LEVERS:
            env[f"{actor_id}_{lever}"] = actor.levers.get(lever, 0.0) if actor.levers else 0.0
        if actor.role == "belligerent":
            env[f"victory_belief_{actor_id}"] = actor.victory_belief
    for package in [*model.spec.packages, "nash"]:
        env[f"proposed_{package}"] = (record.proposed & (record.package == package)
                                      if record is not None else no)
    for deal, state in model.partial.items():
        env[f"{deal}_in_force"] = state["in_force"]
    return env
