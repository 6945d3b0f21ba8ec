"""The values of the state variables that strategy conditions read (names: :mod:`sim.scenario.variables`)."""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from sim.scenario.levers import LEVERS

if TYPE_CHECKING:
    from .model import NegotiationModel


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
        env[f"{deal}_in_force"] = state.in_force
    return env
