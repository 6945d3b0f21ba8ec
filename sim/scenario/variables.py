"""The state variables strategy conditions can read, by name.

Each is a number per world describing the state at the start of the month in which the strategy
acts (that is, the outcome of the month before). ``negsim variables SCENARIO`` lists them; the
model computes their values (:mod:`sim.model.variables`) under exactly these names.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from .levers import LEVERS

if TYPE_CHECKING:
    from .schema import Scenario

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


def variable_types(scenario: Scenario) -> dict[str, str]:
    """Every variable's type for the condition checker: true/false or a number."""
    from .conditions import BOOL, NUMBER

    flags = ("rejected_", "accepted_", "threat_pending_", "proposed_")
    return {name: BOOL if name in ("in_ceasefire", "proposal_made") or name.startswith(flags)
            or name.endswith("_in_force") else NUMBER
            for name in state_variable_names(scenario)}
