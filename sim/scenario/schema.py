"""The scenario schema: what a scenario file may say, with types, ranges and defaults.

Every number that is a judgement rather than a documented fact can be written as a prior range,
``{low: 0.1, high: 0.3}`` (uniform) or ``{low: 0.1, high: 0.3, mode: 0.2}`` (triangular), instead of a
point; the model then samples it once per world. All issue positions are on [0, 1], where 0 is
Ukraine's stated position and 1 is Russia's (see ``docs/model.md``).
"""

from __future__ import annotations

from functools import cache
from typing import Annotated, Any, Literal, Union

from pydantic import Field, create_model, model_validator

from .levers import LEVER, LEVERS
from .params import (
    POSITION,
    AreaKm2,
    AtLeastOne,
    Discount,
    EscalationLevel,
    GridPoints,
    GridPointsPerIssue,
    Growth,
    LearningRate,
    LeverLevel,
    Month,
    Months,
    MonthsPrior,
    NonNegative,
    Param,
    Passes,
    PlainPosition,
    PlainShare,
    Position,
    PositiveShare,
    Prior,
    Probability,
    RampWidth,
    RelativePosition,
    Seed,
    Share,
    Strict,
    Unit,
    WorldCount,
    point,
)
from .rules import RuleSpec

__all__ = ["Param", "Prior", "Scenario", "Strict", "Unit", "build_schema", "point"]


class Issue(Strict):
    """One negotiated issue on [0, 1]: 0 is Ukraine's stated position, 1 is Russia's."""

    description: str
    status_quo: Position | Literal["front"] = Field(
        description="The position if nothing is agreed (a point, or a prior range when it is a judgement); "
                    "'front' means the current line of contact.")
    anchors: dict[PlainPosition, str] = Field(default_factory=dict,
                                      description="Documented meaning of points on the scale.")
    role: Literal["territory", "guarantees", "sanctions_relief", "army_limits", "arms_after_deal"] | None = Field(
        None, description="Issues the war dynamics read: the line of control, the security guarantees "
                          "that ease the commitment problem, sanctions relief, and the terms that shift "
                          "future power toward the attacker (limits on the defender's army, an arms "
                          "embargo after the deal).")


class Escalation(Strict):
    """How a demand measured from the Donbas follows gains: once the Donbas is taken by force, in a share
    of worlds the actor raises its demand to a new line (war aims grow with success: Goemans 2000,
    Reiter 2009)."""

    below: PlainPosition = Field(description="The raised demand: terms below this point on the territory scale "
                                             "cross the line (1 = Ukraine leaves all four regions).")
    probability: Probability = Field(description="Share of worlds in which the actor raises its demand once the "
                                                 "Donbas is taken; drawn once per world.")


class RedLine(Strict):
    """A settled term an actor will not accept (hard), or will accept only at a domestic cost (audience)."""

    issue: str
    above: RelativePosition | None = None
    below: RelativePosition | None = None
    relative_to: Literal["front", "donbas"] | None = Field(
        None, description="Measure 'above'/'below' from the current front, or from the line Ukraine would hold "
                          "after leaving the rest of Donetsk and Luhansk (the front plus Ukraine's remaining "
                          "Donbas area: 'donbas', which needs battlefield.donbas). Territory only.")
    kind: Literal["hard", "audience"] = "hard"
    cost: NonNegative = Field(default_factory=lambda: point(0.0),
                              description="Audience cost in utility units when an 'audience' line is crossed.")
    ramp: RampWidth | None = Field(
        None, description="An audience cost that grows with the distance to the commitment (Fearon 1994; "
                          "Tomz 2007): it rises linearly from 0 at the line to the full cost this far beyond "
                          "it on the issue scale. Absent: the full cost as soon as the line is crossed (a step).")
    valued_at_war: bool = Field(
        False, description="For an audience line measured from the Donbas: the actor values the place, not only "
                           "its public commitment, so what fighting on is expected to take of the Donbas over the "
                           "planning horizon counts in its value of war as the same cost the line puts on a deal "
                           "(a rising side that expects to gain does not freeze: Powell 2006). Default: only a "
                           "deal short of the demand costs anything.")
    escalation: Escalation | None = Field(
        None, description="For a line measured from the Donbas ('relative_to: donbas', 'below'): the demand it "
                          "becomes once the Donbas is taken, in a share of worlds. Absent: the demand, once met, "
                          "stays met.")
    why: str = ""

    @property
    def bound(self) -> float:
        """The line's bound: ``above`` or ``below``, whichever it has (exactly one, checked at load)."""
        bound = self.above if self.above is not None else self.below
        if bound is None:
            raise ValueError("a red line needs exactly one of 'above' or 'below'")
        return bound

    @model_validator(mode="after")
    def _one_bound(self) -> RedLine:
        if (self.above is None) == (self.below is None):
            raise ValueError("a red line needs exactly one of 'above' or 'below'")
        bound = self.bound
        if self.relative_to is None and not POSITION.contains(bound):
            raise ValueError(f"an absolute red line needs {POSITION.describe()}, found {bound!r}")
        return self


class CostOfWar(Strict):
    """Monthly cost of the war going on, in utility units (a utility of 1 = an actor's whole ideal)."""

    base: NonNegative = Field(default_factory=lambda: point(0.0))
    per_10k_casualties: NonNegative = Field(default_factory=lambda: point(0.0))
    economic_strain: NonNegative = Field(default_factory=lambda: point(0.0))
    aid_gap: NonNegative = Field(default_factory=lambda: point(0.0))
    strikes: NonNegative = Field(default_factory=lambda: point(0.0))


class Beliefs(Strict):
    """A belligerent's prior belief that fighting on leads to its decisive victory (Fearon's optimism)."""

    victory: Probability = Field(default_factory=lambda: point(0.0))
    learning_rate: LearningRate = Field(default_factory=lambda: point(1.0),
                                 description="How much one month of fighting is taken to reveal, (0, 1].")
    refusal_signal: NonNegative = Field(
        default_factory=lambda: point(0.0),
        description="How much the other belligerent's refusal of a package lowers this one's log-odds of its "
                    "decisive victory: a side that refuses shows it expects to do well by fighting on (Filson & "
                    "Werner 2002). 0: refusals reveal nothing.")


class Commitment(Strict):
    """The commitment problem as this actor sees it."""

    breach_fear: Probability = Field(default_factory=lambda: point(0.0),
                               description="Perceived chance the other side breaks a deal (0-1).")
    guarantee_effect: Share = Field(default_factory=lambda: point(0.0),
                                    description="Share of that fear removed by full security guarantees.")
    sucker_loss: NonNegative = Field(default_factory=lambda: point(0.0),
                               description="Extra loss if the other side breaks the deal (utility).")
    breach_hazard: Probability = Field(default_factory=lambda: point(0.0),
                                 description="True monthly probability this actor breaks a ceasefire.")
    renege_cost: NonNegative = Field(
        default_factory=lambda: point(0.0),
        description="Cost of openly breaking a ceasefire in force (utility): this actor reneges when its value "
                    "of fighting on exceeds the terms in force by more than this, after its decision noise.")
    power_shift_effect: NonNegative = Field(
        default_factory=lambda: point(0.0),
        description="How much terms that shift future power against this actor (limits on the defender's "
                    "army, an arms embargo after the deal) raise its fear of breach, per unit of shift; "
                    "a shift in its favour lowers the fear in the same proportion. For the defender it also "
                    "scales the attacker's true breach hazard (the defender's fear taken to be right).")


def _lever_field(lever: str) -> tuple[Any, Any]:
    spec = LEVER[lever]
    return (Share if spec.is_offer else LeverLevel,
            Field(default_factory=lambda: point(spec.default), description=spec.description))


Levers = create_model("Levers", __base__=Strict, __module__=__name__,  # type: ignore[call-overload]
                      __doc__="Pressure levels an actor sets (generated from the one lever list, "
                              ":data:`sim.scenario.levers.LEVER_TABLE`).",
                      **{lever: _lever_field(lever) for lever in LEVERS})


class Support(Strict):
    """What a supporter's levers are worth: shares of the documented support and sanctions."""

    aid_share: Unit = Field(0.0, description="Share of Ukraine's external military and financial aid.")
    sanctions_share: Unit = Field(0.0, description="Share of the sanctions pressure on Russia.")
    intelligence_quality: Unit = Field(0.0, description="How much of US-level intelligence this actor's "
                                                        "lever at 1 provides.")


class ActorSpec(Strict):
    """One party to the negotiation (a Mesa agent in the model)."""

    name: str
    role: Literal["belligerent", "supporter", "mediator"]
    side: Literal["attacker", "defender"] | None = None
    ideal: dict[str, Position]
    salience: dict[str, NonNegative]
    patience: Discount = Field(default_factory=lambda: point(0.97),
                            description="Monthly discount factor in (0, 1).")
    red_lines: list[RedLine] = Field(default_factory=list)
    cost_of_war: CostOfWar = Field(default_factory=CostOfWar)
    beliefs: Beliefs = Field(default_factory=Beliefs)
    commitment: Commitment = Field(default_factory=Commitment)
    levers: Levers = Field(default_factory=Levers)
    strategy: list[RuleSpec] = Field(default_factory=list,
                                         description="Rules applied in order each month on top of "
                                                     "the levers.")
    support: Support = Field(default_factory=Support)
    controls: list[str] = Field(default_factory=list,
                                description="Issues that cannot move from the status quo without this "
                                            "actor's consent.")
    bargaining_power: NonNegative = Field(default_factory=lambda: point(1.0))
    acceptance_noise: NonNegative = Field(default_factory=lambda: point(0.01),
                                    description="Std. dev. of the random-utility shock on its decision.")
    blame_cost: NonNegative = Field(default_factory=lambda: point(0.0),
                              description="Cost of rejecting a fully engaged mediator's proposal.")
    mediation_leverage: NonNegative = Field(default_factory=lambda: point(0.0),
                                      description="How much this actor's mediation makes rejecting costly "
                                                  "(multiplies the others' blame cost).")

    @model_validator(mode="after")
    def _belligerent_has_side(self) -> ActorSpec:
        if self.role == "belligerent" and self.side is None:
            raise ValueError("a belligerent needs 'side: attacker' or 'side: defender'")
        return self


class Donbas(Strict):
    """The Donbas sector of the front: the part of Donetsk and Luhansk oblasts Ukraine still holds."""

    held_km2: NonNegative = Field(description="Area of Donetsk and Luhansk Ukraine holds at the start, km2.")
    share_of_advance: Probability = Field(
        description="Share of each month's advance that falls in the Donbas while Ukraine holds some of it "
                    "(the rest of the line takes the remainder, and all of it once the Donbas is taken).")


class Battlefield(Strict):
    """Monthly war dynamics, anchored on documented advance and casualty rates."""

    start_occupied_km2: NonNegative
    territory_scale_km2: AreaKm2
    advance_km2_per_month: NonNegative
    advance_volatility: NonNegative
    advance_trend: Growth = Field(default_factory=lambda: point(0.0))
    arms_effect: NonNegative = Field(default_factory=lambda: point(0.0))
    intelligence_effect: NonNegative = Field(default_factory=lambda: point(0.0))
    escalation_effect: NonNegative = Field(default_factory=lambda: point(0.0))
    baseline_escalation: EscalationLevel = Field(
        0.0, description="The attacker's escalation under which the documented advance was measured.")
    baseline_aid: PositiveShare = Field(
        description="Aid level under which the documented advance was measured.")
    baseline_intelligence: Unit = 1.0
    true_advance_shift: Param = Field(
        default_factory=lambda: point(0.0),
        description="The true balance of power in a world, which the belligerents learn about: the log of how much "
                    "faster (positive) or slower than the documented rate the attacker truly advances there. A prior "
                    "range draws one per world; where it lies toward the attacker's breakthrough (log of "
                    "breakthrough_factor) its belief in victory rises as it fights, where it lies below, the belief "
                    "falls (Slantchev 2003). 0: the documented rate is the truth everywhere.")
    breakthrough_factor: AtLeastOne = Field(description="How much faster the front moves if the believer's "
                                                   "decisive-victory hypothesis is true (>1).")
    casualties_per_month: dict[str, NonNegative]
    casualty_response: dict[str, NonNegative] = Field(
        default_factory=dict,
        description="Per belligerent: elasticity of its monthly casualties to the month's balance of pressure "
                    "(log units of the attacker's advance: positive when aid is cut or the attacker escalates). "
                    "The attacker's casualties scale by exp(-e * balance), the defender's by exp(+e * balance).")
    retaliation: NonNegative = Field(
        default_factory=lambda: point(0.0),
        description="The attacker's extra escalation per unit of the defender's deep strikes (escalation risk).")
    casualty_volatility: NonNegative = Field(default_factory=lambda: point(0.2))
    ceasefire_casualty_share: Unit = 0.05
    donbas: Donbas | None = Field(
        None, description="The front by place: Ukraine's remaining Donbas area and the share of the advance that "
                          "falls there. Absent: the front is one area, wherever it is taken.")

    @model_validator(mode="after")
    def _starts_within_the_claim(self) -> Battlefield:
        # The front is an area of the claim: a start beyond it would be capped silently.
        if self.start_occupied_km2.high > self.territory_scale_km2:
            raise ValueError(f"start_occupied_km2 (up to {self.start_occupied_km2.high:,.0f}) exceeds "
                             f"territory_scale_km2 ({self.territory_scale_km2:,.0f}), the area it is a share of")
        return self


class Economy(Strict):
    """Russia's economic strain index on [0, 1] and how sanctions move it."""

    strain_start: Probability
    sanctions_effect: NonNegative
    adjustment_rate: Share
    volatility: NonNegative = Field(default_factory=lambda: point(0.0))
    baseline_sanctions: Unit
    deep_strike_effect: NonNegative = Field(
        default_factory=lambda: point(0.0),
        description="Rise of the strain the economy tends to per unit of the defender's deep strikes "
                    "(refineries, ports, revenue).")


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
    goodwill: dict[str, NonNegative] = Field(default_factory=dict,
                                       description="Value of pleasing a fully engaged mediator.")
    breakdown_hazard: Probability = Field(default_factory=lambda: point(0.0))
    one_off: bool = False
    repeats: bool = Field(False, description="A one-off deal (an exchange) may be agreed again in later months: "
                                             "a count process, each agreement done when made. Default: agreed once.")
    renewal_penalty: NonNegative = Field(
        default_factory=lambda: point(0.0),
        description="Each breakdown lowers every party's value of agreeing the deal again by this much (utility "
                    "units per breakdown): a truce once broken renews less readily. 0: breakdowns leave no mark.")
    during_ceasefire: bool = Field(False, description="Also offered while a general ceasefire holds (an exchange "
                                                      "of prisoners is not made moot by a ceasefire, a truce is).")
    offered_months: list[Month] | None = Field(None, description="Offered only in these months "
                                                               "(default: whenever a mediator is engaged).")
    source: str = ""


class ScheduledProposal(Strict):
    month: Month
    package: str


class Negotiation(Strict):
    """How the monthly round works."""

    mediators: list[str] = Field(min_length=1)
    planning_horizon_months: MonthsPrior
    proposal_grid: GridPoints = Field(
        9, description="Points of the belligerents' contract curve the mediator's search starts from.")
    search: Literal["box", "curve"] = Field(
        "box", description="Where the mediator searches: the whole box of terms no veto player has ruled "
                           "out, or only the belligerents' contract curve (the earlier protocol).")
    objective: Literal["nash", "acceptance"] = Field(
        "nash", description="What the mediator maximises: the asymmetric Nash product of the veto players' "
                            "surpluses, or the chance every veto player accepts.")
    mediator_bias: PlainShare = Field(
        0.0, description="Share of the way the mediator moves its proposal from the package its objective "
                         "picks toward its own ideal (the leading engaged mediator's), within the box; 0 = unbiased.")
    search_levels: GridPointsPerIssue = 5
    search_sweeps: Passes = 3
    supporter_veto: Literal["terms", "package"] = Field(
        "terms", description="What a supporter's refusal blocks: only the terms it controls (the package is "
                             "re-formed without them) or the whole package (for teaching).")
    agreement: Literal["settlement", "ceasefire"] = Field(
        "settlement", description="What the mediator proposes while the war goes on: a settlement of every issue, "
                                  "or a ceasefire that freezes the line of contact and settles only ceasefire_settles "
                                  "(the other issues stay open and are negotiated during the ceasefire).")
    ceasefire_settles: list[str] = Field(
        default_factory=list, description="Issues a mediator's ceasefire settles besides freezing the line of contact.")
    resume_hazard: Probability = Field(
        default_factory=lambda: point(0.0),
        description="Monthly chance that a ceasefire which leaves issues open collapses because the talks on them "
                    "fail (besides either side's breach hazard).")
    scheduled: list[ScheduledProposal] = Field(default_factory=list)


class Variant(Strict):
    """A named structural variant of the scenario: the same file with a few values set differently
    (how the negotiation is encoded, not what anyone wants), run side by side on common random numbers."""

    description: str = ""
    why: str = ""
    set: dict[str, Any] = Field(min_length=1, description="Values to set, by dotted key path (as --set takes them).")


class ConditionOn(Strict):
    """Start from the worlds consistent with the documented record up to this scenario's start.

    The record's own scenario (its ``scenario:``, the origin) is replayed through the record
    (:mod:`sim.engine.replay`) in ``worlds`` worlds, each weighted by the probability of the
    documented decisions and outcomes in it; each world of this scenario then starts from one of
    them, drawn by weight: their parameters where this scenario left them as the origin has them,
    and their state at the start (:data:`sim.engine.conditioning.STATE_HANDOVER`)."""

    record: str = Field(description="An events file (as scenarios/evidence/events.yaml), relative to this file.")
    worlds: int = Field(20_000, ge=1_000, le=1_000_000,
                        description="Worlds replayed through the record (1,000 to 1,000,000).")


class Scenario(Strict):
    """A whole scenario file after ``extends:`` has been resolved."""

    name: str
    description: str = ""
    seed: Seed
    start: str = Field(pattern=r"^(19[5-9]\d|20\d\d|2100)-(0[1-9]|1[0-2])$",
                       description="First simulated month, YYYY-MM (1950-01 to 2100-12).")
    horizon_months: Months
    worlds: WorldCount = 10_000
    report_months: list[Month] = Field(default_factory=lambda: [6, 12, 24])
    durable_months: Months = 12
    issues: dict[str, Issue] = Field(min_length=1)
    actors: dict[str, ActorSpec] = Field(min_length=2)
    battlefield: Battlefield
    economy: Economy
    negotiation: Negotiation
    packages: dict[str, Package] = Field(default_factory=dict)
    partial_deals: dict[str, PartialDeal] = Field(default_factory=dict)
    variants: dict[str, Variant] = Field(default_factory=dict)
    condition_on: ConditionOn | None = Field(None, description="Start from the worlds consistent with a "
                                             "documented record up to the start (sim.engine.conditioning).")


@cache
def build_schema(rule_specs: tuple[type[RuleSpec], ...], module: str = __name__) -> type[Scenario]:
    """The :class:`Scenario` schema whose actors' ``strategy:`` lists accept exactly ``rule_specs``.

    The rule kinds are declared by the model layer (one file per kind, registered once); this layer
    knows only their spec classes, so the union is built here from what it is given. ``module`` is
    where the built classes are published, so that they pickle (sweeps send them to workers).
    """
    if not rule_specs:
        raise ValueError("build_schema needs at least one rule spec")
    union: Any = rule_specs[0] if len(rule_specs) == 1 else Annotated[
        Union[rule_specs], Field(discriminator="kind")]  # noqa: UP007 (a tuple of classes)
    actor = create_model("CheckedActor", __base__=ActorSpec, __module__=module, __doc__=ActorSpec.__doc__,
                         strategy=(list[union], Field(default_factory=list, description=ActorSpec.model_fields[
                             "strategy"].description)))
    return create_model("CheckedScenario", __base__=Scenario, __module__=module, __doc__=Scenario.__doc__,
                        actors=(dict[str, actor], Field(min_length=2)))
