"""The scenario schema: what a scenario file may say, with types, ranges and defaults.

Every number that is a judgement rather than a documented fact can be written as a prior range,
``{low: 0.1, high: 0.3}`` (uniform) or ``{low: 0.1, high: 0.3, mode: 0.2}`` (triangular), instead of a
point; the model then samples it once per world. All issue positions are on [0, 1], where 0 is
Ukraine's stated position and 1 is Russia's (see ``docs/model.md``).
"""

from __future__ import annotations

from typing import Literal

from pydantic import Field, model_validator

from .schema_base import Param, Prior, Strict, Unit, point
from .strategy_specs import StrategyRule

__all__ = ["Param", "Prior", "Scenario", "Strict", "Unit", "point"]


class Issue(Strict):
    """One negotiated issue on [0, 1]: 0 is Ukraine's stated position, 1 is Russia's."""

    description: str
    status_quo: Unit | Literal["front"] = Field(
        description="The position if nothing is agreed; 'front' means the current line of contact.")
    anchors: dict[float, str] = Field(default_factory=dict,
                                      description="Documented meaning of points on the scale.")
    role: Literal["territory", "guarantees", "sanctions_relief"] | None = Field(
        None, description="Issues the war dynamics read: the line of control, the security guarantees "
                          "that ease the commitment problem, and sanctions relief.")


class RedLine(Strict):
    """A settled term an actor will not accept (hard), or will accept only at a domestic cost (audience)."""

    issue: str
    above: float | None = None
    below: float | None = None
    relative_to: Literal["front"] | None = Field(
        None, description="Measure 'above'/'below' from the current front (territory only).")
    kind: Literal["hard", "audience"] = "hard"
    cost: Param = Field(default_factory=lambda: point(0.0),
                        description="Audience cost in utility units when an 'audience' line is crossed.")
    why: str = ""

    @model_validator(mode="after")
    def _one_bound(self) -> RedLine:
        if (self.above is None) == (self.below is None):
            raise ValueError("a red line needs exactly one of 'above' or 'below'")
        return self


class CostOfWar(Strict):
    """Monthly cost of the war going on, in utility units (a utility of 1 = an actor's whole ideal)."""

    base: Param = Field(default_factory=lambda: point(0.0))
    per_10k_casualties: Param = Field(default_factory=lambda: point(0.0))
    economic_strain: Param = Field(default_factory=lambda: point(0.0))
    aid_gap: Param = Field(default_factory=lambda: point(0.0))
    strikes: Param = Field(default_factory=lambda: point(0.0))


class Beliefs(Strict):
    """A belligerent's prior belief that fighting on leads to its decisive victory (Fearon's optimism)."""

    victory: Param = Field(default_factory=lambda: point(0.0))
    learning_rate: Param = Field(default_factory=lambda: point(1.0),
                                 description="How much one month of fighting is taken to reveal, (0, 1].")


class Commitment(Strict):
    """The commitment problem as this actor sees it."""

    breach_fear: Param = Field(default_factory=lambda: point(0.0),
                               description="Perceived chance the other side breaks a deal (0-1).")
    guarantee_effect: Param = Field(default_factory=lambda: point(0.0),
                                    description="Share of that fear removed by full security guarantees.")
    sucker_loss: Param = Field(default_factory=lambda: point(0.0),
                               description="Extra loss if the other side breaks the deal (utility).")
    breach_hazard: Param = Field(default_factory=lambda: point(0.0),
                                 description="True monthly probability this actor breaks a ceasefire.")


class Levers(Strict):
    """Pressure levels an actor sets: 0 is none, 1 the actor's 2022-24 average where that applies."""

    sanctions: Param = Field(default_factory=lambda: point(0.0))
    arms: Param = Field(default_factory=lambda: point(0.0))
    intelligence: Param = Field(default_factory=lambda: point(0.0))
    financial_aid: Param = Field(default_factory=lambda: point(0.0))
    engagement: Param = Field(default_factory=lambda: point(0.0))
    escalation: Param = Field(default_factory=lambda: point(0.0),
                              description="Strikes beyond the front line (Russia's air campaign, "
                                          "Ukraine's deep strikes).")
    relief_offer: Param = Field(default_factory=lambda: point(1.0),
                                description="Most sanctions relief this actor will agree to, if it "
                                            "controls sanctions_relief.")
    troop_offer: Param = Field(default_factory=lambda: point(1.0),
                               description="How far this actor will go on guarantees and troops, if "
                                           "it controls guarantees (terms down to 1 - troop_offer).")


class Support(Strict):
    """What a supporter's levers are worth: shares of the documented support and sanctions."""

    aid_share: Unit = Field(0.0, description="Share of Ukraine's external military and financial aid.")
    sanctions_share: Unit = Field(0.0, description="Share of the sanctions pressure on Russia.")
    intelligence_quality: Unit = Field(0.0, description="How much of US-level intelligence this actor's "
                                                        "lever at 1 provides.")


class Actor(Strict):
    """One party to the negotiation (a Mesa agent in the model)."""

    name: str
    role: Literal["belligerent", "supporter", "mediator"]
    side: Literal["attacker", "defender"] | None = None
    ideal: dict[str, Param]
    salience: dict[str, Param]
    patience: Param = Field(default_factory=lambda: point(0.97),
                            description="Monthly discount factor in (0, 1).")
    red_lines: list[RedLine] = Field(default_factory=list)
    cost_of_war: CostOfWar = Field(default_factory=CostOfWar)
    beliefs: Beliefs = Field(default_factory=Beliefs)
    commitment: Commitment = Field(default_factory=Commitment)
    levers: Levers = Field(default_factory=Levers)
    strategy: list[StrategyRule] = Field(default_factory=list,
                                         description="Rules applied in order each month on top of "
                                                     "the levers.")
    support: Support = Field(default_factory=Support)
    controls: list[str] = Field(default_factory=list,
                                description="Issues that cannot move from the status quo without this "
                                            "actor's consent.")
    bargaining_power: Param = Field(default_factory=lambda: point(1.0))
    acceptance_noise: Param = Field(default_factory=lambda: point(0.01),
                                    description="Std. dev. of the random-utility shock on its decision.")
    blame_cost: Param = Field(default_factory=lambda: point(0.0),
                              description="Cost of rejecting a fully engaged mediator's proposal.")
    mediation_leverage: Param = Field(default_factory=lambda: point(0.0),
                                      description="How much this actor's mediation makes rejecting costly "
                                                  "(multiplies the others' blame cost).")

    @model_validator(mode="after")
    def _belligerent_has_side(self) -> Actor:
        if self.role == "belligerent" and self.side is None:
            raise ValueError("a belligerent needs 'side: attacker' or 'side: defender'")
        return self


class Battlefield(Strict):
    """Monthly war dynamics, anchored on documented advance and casualty rates."""

    start_occupied_km2: Param
    territory_scale_km2: float = Field(gt=0)
    advance_km2_per_month: Param
    advance_volatility: Param
    advance_trend: Param = Field(default_factory=lambda: point(0.0))
    arms_effect: Param = Field(default_factory=lambda: point(0.0))
    intelligence_effect: Param = Field(default_factory=lambda: point(0.0))
    escalation_effect: Param = Field(default_factory=lambda: point(0.0))
    baseline_aid: Unit = Field(description="Aid level under which the documented advance was measured.")
    baseline_intelligence: Unit = 1.0
    breakthrough_factor: Param = Field(description="How much faster the front moves if the believer's "
                                                   "decisive-victory hypothesis is true (>1).")
    casualties_per_month: dict[str, Param]
    casualty_volatility: Param = Field(default_factory=lambda: point(0.2))
    ceasefire_casualty_share: Unit = 0.05


class Economy(Strict):
    """Russia's economic strain index on [0, 1] and how sanctions move it."""

    strain_start: Param
    sanctions_effect: Param
    adjustment_rate: Param
    volatility: Param = Field(default_factory=lambda: point(0.0))
    baseline_sanctions: Unit


class Package(Strict):
    """A documented or hypothetical general proposal: terms on some issues; the rest stay unsettled."""

    description: str = ""
    terms: dict[str, Unit | Literal["front"]]
    source: str = ""


class PartialDeal(Strict):
    """A smaller agreement (prisoner exchange, energy or naval truce) with its own acceptance."""

    description: str = ""
    parties: list[str]
    value: dict[str, Param] = Field(description="Net value to each party of the deal itself, per month.")
    goodwill: dict[str, Param] = Field(default_factory=dict,
                                       description="Value of pleasing a fully engaged mediator.")
    breakdown_hazard: Param = Field(default_factory=lambda: point(0.0))
    one_off: bool = False
    offered_months: list[int] | None = Field(None, description="Offered only in these months "
                                                               "(default: whenever a mediator is engaged).")
    source: str = ""


class ScheduledProposal(Strict):
    month: int = Field(ge=1)
    package: str


class Negotiation(Strict):
    """How the monthly round works."""

    mediators: list[str] = Field(min_length=1)
    planning_horizon_months: Param
    proposal_grid: int = Field(9, ge=3, le=101)
    scheduled: list[ScheduledProposal] = Field(default_factory=list)


class Scenario(Strict):
    """A whole scenario file after ``extends:`` has been resolved."""

    name: str
    description: str = ""
    seed: int = Field(ge=0)
    start: str = Field(pattern=r"^\d{4}-\d{2}$", description="First simulated month, YYYY-MM.")
    horizon_months: int = Field(ge=1, le=240)
    worlds: int = Field(10_000, ge=1, le=10_000_000)
    report_months: list[int] = Field(default_factory=lambda: [6, 12, 24])
    durable_months: int = Field(12, ge=1)
    issues: dict[str, Issue] = Field(min_length=1)
    actors: dict[str, Actor] = Field(min_length=2)
    battlefield: Battlefield
    economy: Economy
    negotiation: Negotiation
    packages: dict[str, Package] = Field(default_factory=dict)
    partial_deals: dict[str, PartialDeal] = Field(default_factory=dict)
