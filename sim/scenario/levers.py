"""The pressure levers: the one list every other module reads.

Each lever is a level per world, 0 = none; 1 is the actor's 2022-24 average where that applies.
``relief_offer`` and ``troop_offer`` are offers on the [0, 1] issue scale rather than pressure.
"""

from __future__ import annotations

from typing import Literal

LEVERS: tuple[str, ...] = ("sanctions", "arms", "intelligence", "financial_aid", "engagement",
                           "escalation", "relief_offer", "troop_offer")
"""Every lever an actor has, in the order reports list them."""

LEVER_DESCRIPTIONS: dict[str, str] = {
    "sanctions": "sanctions pressure on the attacker (1 = this actor's 2022-24 average)",
    "arms": "arms deliveries to the defender (1 = 2022-24 average)",
    "intelligence": "intelligence sharing with the defender (1 = 2022-24 average)",
    "financial_aid": "financial aid to the defender (1 = 2022-24 average)",
    "engagement": "monthly probability of engaging as a mediator, 0-1",
    "escalation": "strikes beyond the front line (Russia's air campaign, Ukraine's deep strikes)",
    "relief_offer": "most sanctions relief this actor will agree to, on the issue scale 0-1",
    "troop_offer": "how far this actor goes on guarantees and troops (terms down to 1 - offer), 0-1",
}

LeverName = Literal[LEVERS]  # type: ignore[valid-type]
"""A lever name, checked by the schema."""

OFFER_LEVERS = ("relief_offer", "troop_offer")
"""Levers that are offers on the [0, 1] issue scale (so capped at 1), not pressure levels."""

assert set(LEVER_DESCRIPTIONS) == set(LEVERS)


def lever_without_channel(lever: str, actor_id: str, scenario) -> str | None:
    """Why ``lever`` of ``actor_id`` cannot move anything in ``scenario`` (a validated
    :class:`~sim.scenario.schema.Scenario`), or None when it has a channel into the model.

    Each lever works through one channel (``docs/model.md`` [5]): aid and sanctions through the
    actor's share of them, intelligence through its quality, engagement through mediation,
    escalation through a belligerent's strikes, the offers through the terms the actor controls.
    Intelligence counts only from the best provider (the maximum over actors of quality x level),
    so an actor's lever matters where it exceeds the others' (Europe's, once the US cuts its own).
    """
    actor = scenario.actors[actor_id]
    roles = {issue.role: name for name, issue in scenario.issues.items() if issue.role}
    channels = {
        "sanctions": (actor.support.sanctions_share > 0, "its support.sanctions_share is 0"),
        "arms": (actor.support.aid_share > 0, "its support.aid_share is 0"),
        "financial_aid": (actor.support.aid_share > 0, "its support.aid_share is 0"),
        "intelligence": (actor.support.intelligence_quality > 0, "its support.intelligence_quality is 0"),
        "engagement": (actor_id in scenario.negotiation.mediators, "it is not in negotiation.mediators"),
        "escalation": (actor.role == "belligerent", "only a belligerent strikes beyond the front"),
        "relief_offer": (roles.get("sanctions_relief") in actor.controls, "it does not control sanctions relief"),
        "troop_offer": (roles.get("guarantees") in actor.controls, "it does not control the guarantees"),
    }
    reaches, reason = channels[lever]
    return None if reaches else reason
