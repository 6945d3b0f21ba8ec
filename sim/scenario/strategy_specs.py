"""What a scenario file may say about an actor's strategy (the behaviour is in ``sim.strategies``).

An actor's ``strategy:`` is a list of rules applied in order each month on top of its ``levers:``.
Each rule names its ``kind``. Conditions (``when:``) are expressions in the safe language of
:mod:`sim.strategies.expressions` over the state variables listed by ``negsim variables``.
"""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import Field

from .schema_base import Param, Strict, point

LeverName = Literal["sanctions", "arms", "intelligence", "financial_aid", "engagement", "escalation",
                    "relief_offer", "troop_offer"]
Levels = dict[LeverName, Param]


class FixedRule(Strict):
    """Set levers to fixed levels (overrides ``levers:``)."""

    kind: Literal["fixed"]
    set: Levels
    note: str = ""


class ConditionalRule(Strict):
    """If a condition holds, set or shift levers.

    ``mode: while`` applies the change in months the condition held last month (and ``hold`` months
    after); ``mode: ratchet`` adds the shift once for every month the condition holds, and keeps it.
    """

    kind: Literal["conditional"]
    when: str
    set: Levels = Field(default_factory=dict)
    add: Levels = Field(default_factory=dict)
    mode: Literal["while", "ratchet"] = "while"
    hold: int = Field(0, ge=0, description="Months the change outlasts the condition ('while' only).")
    note: str = ""


class DeadlineRule(Strict):
    """After ``months`` months without a ceasefire, set or shift levers for good (an ultimatum, or
    walking away). Each month ``target`` stalls successfully pushes the deadline back a month."""

    kind: Literal["deadline"]
    months: int = Field(ge=1)
    set: Levels = Field(default_factory=dict)
    add: Levels = Field(default_factory=dict)
    target: str | None = None
    note: str = ""


class FrustrationRule(Strict):
    """Walk away with a monthly probability that grows with failed rounds: ``min(1, h * failed)``."""

    kind: Literal["frustration"]
    hazard_per_failed_round: Param
    set: Levels = Field(default_factory=lambda: {"engagement": point(0.0)})
    note: str = ""


class LadderRule(Strict):
    """Climb one rung of an escalation ladder for every month the condition holds; never descend."""

    kind: Literal["ladder"]
    when: str
    lever: LeverName
    rungs: list[float] = Field(min_length=1)
    note: str = ""


class ThreatRule(Strict):
    """A threat against ``target``: when ``when`` holds, carry it out with probability
    ``follow_through``. Until then the target expects ``anticipated_cost`` a month times its belief
    that the threat is real (``credibility``); each time the threat is due and not carried out that
    belief is multiplied by ``decay``. Carrying it out costs the threatener ``executor_cost`` a month."""

    kind: Literal["threat"]
    target: str
    when: str
    set: Levels = Field(default_factory=dict)
    add: Levels = Field(default_factory=dict)
    follow_through: Param
    credibility: Param
    decay: Param = Field(default_factory=lambda: point(0.5))
    anticipated_cost: Param
    executor_cost: Param = Field(default_factory=lambda: point(0.0))
    note: str = ""


class SubstituteRule(Strict):
    """Make up for another actor's cut in aid: raise own levers toward covering the gap, at most
    ``rate`` a month and up to ``ceiling``. Intelligence is limited by this actor's
    ``support.intelligence_quality`` (seed 000: US intelligence cannot be replaced quickly)."""

    kind: Literal["substitute"]
    for_actor: str
    levers: list[Literal["arms", "financial_aid", "intelligence"]] = Field(
        default_factory=lambda: ["arms", "financial_aid", "intelligence"])
    rate: Param
    ceiling: Param
    note: str = ""


class StallRule(Strict):
    """Propose talks when pressure looms: in a month the condition holds, with probability
    ``success`` the deadlines and threats aimed at this actor slip by a month (seed 001: the Istanbul
    proposal blocked Europe's sanctions)."""

    kind: Literal["stall"]
    when: str
    success: Param
    note: str = ""


class LobbyRule(Strict):
    """Lobby another actor: in a month the condition holds, with probability ``success``, shift the
    target's levers by ``add`` from the next month on (seed 001: Zelenskyy and the European leaders)."""

    kind: Literal["lobby"]
    target: str
    when: str
    add: Levels
    success: Param
    note: str = ""


StrategyRule = Annotated[
    FixedRule | ConditionalRule | DeadlineRule | FrustrationRule | LadderRule | ThreatRule
    | SubstituteRule | StallRule | LobbyRule,
    Field(discriminator="kind"),
]
