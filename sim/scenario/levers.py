"""The pressure levers and their channels: the one table every other module reads.

Each lever is a level per world, 0 = none; 1 is the actor's 2022-24 average where that applies.
``relief_offer`` and ``troop_offer`` are offers on the [0, 1] issue scale rather than pressure.

Each lever works through one **channel** (``docs/model.md`` [5]): the state it moves and the actor's
parameter that scales it. The war's pressure (:mod:`sim.model.war`), the mediator's engagement and
the offers (:mod:`sim.model.agents`), :func:`lever_without_channel`, the ranges sweeps, the classroom
page and the counterfactual search use, and the lesson each lever links to, all come from
:data:`LEVER_TABLE`. Adding a lever is one entry here plus its effect parameter in the schema.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Literal

PRESSURE_RANGE = (0.0, 2.0)
"""Search and slider range of pressure levels (1 = the actor's 2022-24 average). Judgement: up to twice
the documented average; the schema accepts up to 10 when a scenario says so."""

UNIT_RANGE = (0.0, 1.0)
"""Range of levers that are probabilities or positions on the issue scale."""


@dataclass(frozen=True)
class Channel:
    """What a kind of lever moves, and how the actors' levels combine into it.

    Attributes:
        moves: the state it moves, in words (and the :class:`~sim.model.war.WarState` field, if any).
        scaled_by: the actor's ``support`` parameter that scales its level (None: not scaled).
        combine: how the actors' scaled levels combine: ``sum`` over actors, ``max`` (the best
            provider counts), or ``own`` (each actor's level acts alone: a mediator's engagement,
            a belligerent's strikes, an actor's offer on the terms it controls).
        issue_role: for offers, the role of the issue whose terms the offer bounds.
        caps: for offers, the terms may be at most the level (True), or at least 1 - level (False).
    """

    moves: str
    scaled_by: str | None = None
    combine: Literal["sum", "max", "own"] = "own"
    issue_role: str | None = None
    caps: bool = True


CHANNELS: dict[str, Channel] = {
    "aid": Channel("the defender's external aid (WarState.aid; its shortfall, the aid gap)",
                   scaled_by="aid_share", combine="sum"),
    "intelligence": Channel("intelligence reaching the defender (WarState.intelligence): the best provider's "
                            "quality times level", scaled_by="intelligence_quality", combine="max"),
    "sanctions": Channel("sanctions on the attacker (WarState.sanctions), hence its economic strain",
                         scaled_by="sanctions_share", combine="sum"),
    "mediation": Channel("the monthly chance the actor mediates, and its leverage then"),
    "strikes": Channel("strikes beyond the front: the attacker's escalation (WarState.escalation), the "
                       "defender's deep strikes (WarState.deep_strikes)"),
    "relief_cap": Channel("the most sanctions relief a package may give", issue_role="sanctions_relief"),
    "guarantee_floor": Channel("how far toward troops the guarantees may go (terms down to 1 - offer)",
                               issue_role="guarantees", caps=False),
}
"""Every channel by name."""


@dataclass(frozen=True)
class Lever:
    """One lever: what it is, its channel, the range sweeps and controls use, and its lesson.

    ``weight`` is its weight in its channel: an actor's contribution to a channel is its scaling
    parameter times the weighted sum of its levers there (the defender's aid is the mean of arms and
    financial aid, each weighing one half, [5]). ``lesson`` is a file of ``docs/teaching`` and its
    title, or None (then ``no_lesson`` says why).
    """

    name: str
    description: str
    channel: str
    sweep_range: tuple[float, float]
    default: float
    lesson: tuple[str, str] | None
    no_lesson: str = ""
    weight: float = 1.0

    @property
    def is_offer(self) -> bool:
        """An offer on the [0, 1] issue scale (capped at 1), not a pressure level."""
        return CHANNELS[self.channel].issue_role is not None


_OUTSIDE = ("04-outside-options.md", "Lesson 4: outside options and pressure")
_THREATS = ("06-what-should-washington-do.md", "Lesson 6: equilibria and credible threats")

LEVER_TABLE: tuple[Lever, ...] = (
    Lever("sanctions", "sanctions pressure on the attacker (1 = this actor's 2022-24 average)",
          "sanctions", PRESSURE_RANGE, 0.0, _OUTSIDE),
    Lever("arms", "arms deliveries to the defender (1 = 2022-24 average)", "aid", PRESSURE_RANGE, 0.0, _OUTSIDE,
          weight=0.5),
    Lever("intelligence", "intelligence sharing with the defender (1 = 2022-24 average)", "intelligence",
          PRESSURE_RANGE, 0.0, _OUTSIDE),
    Lever("financial_aid", "financial aid to the defender (1 = 2022-24 average)", "aid", PRESSURE_RANGE, 0.0,
          _OUTSIDE, weight=0.5),
    Lever("engagement", "monthly probability of engaging as a mediator, 0-1", "mediation", UNIT_RANGE, 0.0,
          ("05-mediation-credibility.md", "Lesson 5: mediation and credibility")),
    Lever("escalation", "strikes beyond the front line (Russia's air campaign, Ukraine's deep strikes)",
          "strikes", PRESSURE_RANGE, 0.0, _THREATS),
    Lever("relief_offer", "most sanctions relief this actor will agree to, on the issue scale 0-1",
          "relief_cap", UNIT_RANGE, 1.0, _THREATS),
    Lever("troop_offer", "how far this actor goes on guarantees and troops (terms down to 1 - offer), 0-1",
          "guarantee_floor", UNIT_RANGE, 1.0, ("03-commitment-problem.md", "Lesson 3: the commitment problem and guarantees")),
)
"""Every lever, in the order reports list them."""

LEVER: dict[str, Lever] = {lever.name: lever for lever in LEVER_TABLE}
"""Every lever by name."""

LEVERS: tuple[str, ...] = tuple(LEVER)
"""Every lever's name, in the order reports list them."""

LEVER_DESCRIPTIONS: dict[str, str] = {lever.name: lever.description for lever in LEVER_TABLE}

OFFER_LEVERS: tuple[str, ...] = tuple(lever.name for lever in LEVER_TABLE if lever.is_offer)
"""Levers that are offers on the [0, 1] issue scale (so capped at 1), not pressure levels."""

LeverName = Literal[LEVERS]  # type: ignore[valid-type]
"""A lever name, checked by the schema."""


def levers_of(channel: str) -> tuple[str, ...]:
    """The levers that work through ``channel``, in table order."""
    return tuple(lever.name for lever in LEVER_TABLE if lever.channel == channel)


def offer_channel(lever: str) -> Channel:
    """The channel of an offer lever: the role of the issue it bounds, and how."""
    return CHANNELS[LEVER[lever].channel]


def lever_without_channel(lever: str, actor_id: str, scenario: Any) -> str | None:
    """Why ``lever`` of ``actor_id`` cannot move anything in ``scenario`` (a validated
    :class:`~sim.scenario.schema.Scenario`), or None when it has a channel into the model.

    Aid and sanctions act through the actor's share of them, intelligence through its quality,
    engagement through mediation, escalation through a belligerent's strikes, the offers through the
    terms the actor controls. Intelligence counts only from the best provider (the maximum over actors
    of quality x level), so an actor's lever matters where it exceeds the others' (Europe's, once the
    US cuts its own).
    """
    actor = scenario.actors[actor_id]   # the schema imports this table, so it is not imported here
    channel = CHANNELS[LEVER[lever].channel]
    if channel.scaled_by is not None:
        return None if getattr(actor.support, channel.scaled_by) > 0 else f"its support.{channel.scaled_by} is 0"
    if channel.issue_role is not None:
        roles = {issue.role: name for name, issue in scenario.issues.items() if issue.role}
        words = {"sanctions_relief": "sanctions relief", "guarantees": "the guarantees"}[channel.issue_role]
        return None if roles.get(channel.issue_role) in actor.controls else f"it does not control {words}"
    if LEVER[lever].channel == "mediation":
        return None if actor_id in scenario.negotiation.mediators else "it is not in negotiation.mediators"
    return None if actor.role == "belligerent" else "only a belligerent strikes beyond the front"
