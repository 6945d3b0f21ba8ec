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
