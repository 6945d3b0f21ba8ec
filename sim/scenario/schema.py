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

    description: str = Field(description="What the scale measures, from 0 (Ukraine's position) to 1 (Russia's).")
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

    issue: str = Field(description="The issue the line is on.")
    above: RelativePosition | None = Field(None, description="Terms above this point cross the line (one of "
                                           "'above' or 'below').")
    below: RelativePosition | None = Field(None, description="Terms below this point cross the line.")
    relative_to: Literal["front", "donbas"] | None = Field(
        None, description="Measure 'above'/'below' from the current front, or from the line Ukraine would hold "
                          "after leaving the rest of Donetsk and Luhansk (the front plus Ukraine's remaining "
                          "Donbas area: 'donbas', which needs battlefield.donbas). Territory only.")
    kind: Literal["hard", "audience"] = Field("hard", description="'hard': never accepted (the mediator "
                                              "does not propose it); 'audience': accepted at a domestic cost.")
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
    why: str = Field("", description="The documented position behind the line, with its seed and passage.")

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

    base: NonNegative = Field(default_factory=lambda: point(0.0),
                              description="Cost of every month of war, whatever happens in it.")
    per_10k_casualties: NonNegative = Field(default_factory=lambda: point(0.0),
                                            description="Cost per 10,000 of this actor's killed and wounded "
                                                        "in the month.")
    economic_strain: NonNegative = Field(default_factory=lambda: point(0.0),
                                         description="Cost per unit of Russia's economic strain (0 to 1) in the month.")
    aid_gap: NonNegative = Field(default_factory=lambda: point(0.0),
                                 description="Cost per unit of the defender's aid below its documented level "
                                             "(battlefield.baseline_aid).")
    strikes: NonNegative = Field(default_factory=lambda: point(0.0),
                                 description="Cost per unit of the strikes this actor suffers (the attacker's "
                                             "escalation for the defender, the defender's deep strikes for the "
                                             "attacker).")


class Beliefs(Strict):
    """A belligerent's prior belief that fighting on leads to its decisive victory (Fearon's optimism)."""

    victory: Probability = Field(default_factory=lambda: point(0.0),
                                 description="Prior probability that fighting on ends in this side's decisive "
                                             "victory (its ideal on every issue force can settle); updated each "
                                             "month from the front (Bayes' rule) and from refusals.")
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

    name: str = Field(description="The actor's display name.")
    role: Literal["belligerent", "supporter", "mediator"] = Field(
        description="A belligerent fights and must accept a deal; a supporter backs a side and vetoes the "
                    "terms it controls; a mediator proposes packages (and may also support).")
    side: Literal["attacker", "defender"] | None = Field(
        None, description="A belligerent's side: the attacker advances, the defender is supplied by the "
                          "supporters.")
    ideal: dict[str, Position] = Field(description="The actor's preferred position on each issue, 0 (Ukraine's "
                                                   "stated position) to 1 (Russia's).")
    salience: dict[str, NonNegative] = Field(description="How much each issue matters to the actor: the weight "
                                                         "of its squared distance from the ideal (normalised to "
                                                         "sum to 1).")
    patience: Discount = Field(default_factory=lambda: point(0.97),
                            description="Monthly discount factor in (0, 1).")
    red_lines: list[RedLine] = Field(default_factory=list, description="Terms the actor will not accept, or "
                                     "accepts only at an audience cost.")
    cost_of_war: CostOfWar = Field(default_factory=CostOfWar, description="What a month of war costs it.")
    beliefs: Beliefs = Field(default_factory=Beliefs, description="What it believes fighting on will bring.")
    commitment: Commitment = Field(default_factory=Commitment, description="The commitment problem as it sees "
                                   "it: fear that a deal is broken, and its own hazard of breaking one.")
    levers: Levers = Field(default_factory=Levers, description="Its pressure levels before its strategy rules "
                           "act (sanctions, arms, aid, engagement, offers).")
    strategy: list[RuleSpec] = Field(default_factory=list,
                                         description="Rules applied in order each month on top of "
                                                     "the levers.")
    support: Support = Field(default_factory=Support, description="A supporter's shares of the documented "
                             "aid, sanctions and intelligence, which scale what its levers do.")
    controls: list[str] = Field(default_factory=list,
                                description="Issues that cannot move from the status quo without this "
                                            "actor's consent.")
    bargaining_power: NonNegative = Field(default_factory=lambda: point(1.0),
                                          description="Its exponent in the mediator's asymmetric Nash product "
                                                      "(a larger power pulls the proposal toward its ideal).")
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

    start_occupied_km2: NonNegative = Field(description="Area Russia occupies at the start, km2.")
    territory_scale_km2: AreaKm2 = Field(description="The area Russia claims, km2: the territory issue's 1 "
                                                     "(the line of control is the occupied share of it).")
    advance_km2_per_month: NonNegative = Field(description="The attacker's documented mean monthly advance, km2, "
                                                           "under the baseline pressure.")
    advance_volatility: NonNegative = Field(description="Standard deviation of the log of a month's advance "
                                                        "(luck on the front).")
    advance_trend: Growth = Field(default_factory=lambda: point(0.0),
                                  description="Monthly growth rate of the mean advance (0.01 = 1% faster each month).")
    arms_effect: NonNegative = Field(default_factory=lambda: point(0.0),
                                     description="Log change of the mean advance per unit of the defender's aid "
                                                 "below its baseline (arms cut: the attacker advances faster).")
    intelligence_effect: NonNegative = Field(default_factory=lambda: point(0.0),
                                             description="Log change of the mean advance per unit of intelligence "
                                                         "below its baseline.")
    escalation_effect: NonNegative = Field(default_factory=lambda: point(0.0),
                                           description="Log change of the mean advance per unit of the attacker's "
                                                       "escalation above its baseline.")
    baseline_escalation: EscalationLevel = Field(
        0.0, description="The attacker's escalation under which the documented advance was measured.")
    baseline_aid: PositiveShare = Field(
        description="Aid level under which the documented advance was measured.")
    baseline_intelligence: Unit = Field(1.0, description="Intelligence level under which the documented advance "
                                                         "was measured.")
    true_advance_shift: Param = Field(
        default_factory=lambda: point(0.0),
        description="The true balance of power in a world, which the belligerents learn about: the log of how much "
                    "faster (positive) or slower than the documented rate the attacker truly advances there. A prior "
                    "range draws one per world; where it lies toward the attacker's breakthrough (log of "
                    "breakthrough_factor) its belief in victory rises as it fights, where it lies below, the belief "
                    "falls (Slantchev 2003). 0: the documented rate is the truth everywhere.")
    breakthrough_factor: AtLeastOne = Field(description="How much faster the front moves if the believer's "
                                                   "decisive-victory hypothesis is true (>1).")
    casualties_per_month: dict[str, NonNegative] = Field(description="Per belligerent: documented killed and "
                                                                     "wounded a month while fighting.")
    casualty_response: dict[str, NonNegative] = Field(
        default_factory=dict,
        description="Per belligerent: elasticity of its monthly casualties to the month's balance of pressure "
                    "(log units of the attacker's advance: positive when aid is cut or the attacker escalates). "
                    "The attacker's casualties scale by exp(-e * balance), the defender's by exp(+e * balance).")
    retaliation: NonNegative = Field(
        default_factory=lambda: point(0.0),
        description="The attacker's extra escalation per unit of the defender's deep strikes (escalation risk).")
    casualty_volatility: NonNegative = Field(default_factory=lambda: point(0.2),
                                             description="Standard deviation of the log of a month's casualties.")
    ceasefire_casualty_share: Unit = Field(0.05, description="Share of the fighting casualties still suffered "
                                                             "in a month of ceasefire (violations, mines).")
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

    strain_start: Probability = Field(description="The strain on Russia's war economy at the start, 0 (none) to 1.")
    sanctions_effect: NonNegative = Field(description="Rise of the strain the economy tends to per unit of "
                                                      "sanctions above their baseline.")
    adjustment_rate: Share = Field(description="Share of the gap to that level the strain closes each month.")
    volatility: NonNegative = Field(default_factory=lambda: point(0.0),
                                    description="Standard deviation of the strain's monthly shock.")
    baseline_sanctions: Unit = Field(description="The sanctions level under which strain_start was measured.")
    deep_strike_effect: NonNegative = Field(
        default_factory=lambda: point(0.0),
        description="Rise of the strain the economy tends to per unit of the defender's deep strikes "
                    "(refineries, ports, revenue).")


class Package(Strict):
    """A documented or hypothetical general proposal: terms on some issues; the rest stay unsettled."""

    description: str = Field("", description="What the plan is, in a sentence.")
    terms: dict[str, Unit | Literal["front"]] = Field(description="Its terms by issue (0 to 1, or 'front': the "
                                                                  "line of contact when proposed).")
    source: str = Field("", description="The seed and passage that document it.")


class PartialDeal(Strict):
    """A smaller agreement (prisoner exchange, energy or naval truce) with its own acceptance."""

    description: str = Field("", description="What the deal is, in a sentence.")
    parties: list[str] = Field(description="The actors who must accept it.")
    value: dict[str, Param] = Field(description="Net value to each party of the deal itself, per month.")
    goodwill: dict[str, NonNegative] = Field(default_factory=dict,
                                       description="Value of pleasing a fully engaged mediator.")
    breakdown_hazard: Probability = Field(default_factory=lambda: point(0.0),
                                          description="Monthly chance that the deal, once in force, breaks down.")
    one_off: bool = Field(False, description="Done when agreed (an exchange), rather than kept in force (a truce).")
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
    source: str = Field("", description="The seed and passage that document it.")


class ScheduledProposal(Strict):
    """A documented package put to the parties in a given month, instead of the mediator's search."""

    month: Month = Field(description="The scenario month it is proposed in (1 = the start).")
    package: str = Field(description="The name of a package under packages:.")


class Negotiation(Strict):
    """How the monthly round works."""

    mediators: list[str] = Field(min_length=1, description="The actors who mediate, in order of precedence "
                                                           "(the first engaged one proposes).")
    planning_horizon_months: MonthsPrior = Field(description="How many months ahead the actors weigh fighting "
                                                             "on against a deal (their value of war).")
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
    search_levels: GridPointsPerIssue = Field(5, description="Points per issue the box search tries on each sweep.")
    search_sweeps: Passes = Field(5, description="Passes of the box search over the issues when it starts afresh "
                                                 "(each halves its step).")
    search_start: Literal["cold", "warm", "continue"] = Field(
        "continue", description="Where each month's box search starts: afresh (the contract curve and the status quo); "
                            "also from the mediator's last proposal in that world (warm: the draft carried "
                            "forward); or, where it has one, from that draft alone for draft_sweeps passes "
                            "(continue: the search goes on from where it stopped last month).")
    draft_sweeps: Passes = Field(
        4, description="With search_start: continue, the passes of the box search in a world that goes on from "
                       "its draft (numbered from the second pass: local steps of half the first pass's and finer).")
    draft_grid_sweeps: Passes = Field(
        2, description="With search_start: continue, how many passes of a search that goes on from its draft, "
                       "counted from its first, try each issue's grid of points (8, the most passes a search makes: "
                       "every pass). The other passes try a local step either side of the package only.")
    toward_sweeps: Passes = Field(
        1, description="How many of each box search's passes, counted from its first, end with moves part of the way "
                       "toward each veto player's ideal (8, the most passes a search makes: every pass). The other "
                       "passes move one issue at a time only.")
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
    scheduled: list[ScheduledProposal] = Field(default_factory=list, description="Documented packages proposed "
                                               "in given months.")


class Variant(Strict):
    """A named structural variant of the scenario: the same file with a few values set differently
    (how the negotiation is encoded, not what anyone wants), run side by side on common random numbers."""

    description: str = Field("", description="What the variant encodes differently, in a sentence.")
    why: str = Field("", description="Why it is a credible alternative (the literature or the record).")
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

    name: str = Field(description="The scenario's title, shown in reports, figures and the classroom page.")
    description: str = Field("", description="What the scenario asks and what it changes from the scenario it "
                                             "extends, in a few sentences (shown by negsim validate and the page).")
    seed: Seed = Field(description="The random seed: the same scenario and seed give the same numbers, whatever "
                                   "the number of processes or the chunk size (--seed overrides it).")
    start: str = Field(pattern=r"^(19[5-9]\d|20\d\d|2100)-(0[1-9]|1[0-2])$",
                       description="First simulated month, YYYY-MM (1950-01 to 2100-12).")
    horizon_months: Months = Field(description="How many months each world runs, counting the start month "
                                               "(month 1); forecasts are given up to this month.")
    worlds: WorldCount = Field(10_000, description="Worlds simulated when --worlds is not given (10,000 give "
                                                   "about +-1 percentage point on a probability).")
    report_months: list[Month] = Field(default_factory=lambda: [6, 12, 24],
                                       description="Months at which reports, sweeps and comparisons give "
                                                   "P(ceasefire by month m).")
    durable_months: Months = Field(12, description="A first ceasefire that holds at least this many months "
                                                   "counts as durable (the p_durable output).")
    issues: dict[str, Issue] = Field(min_length=1, description="The negotiated issues by name, each a scale "
                                                               "from Ukraine's position (0) to Russia's (1).")
    actors: dict[str, ActorSpec] = Field(min_length=2, description="The actors by name (two belligerents, "
                                                                   "an attacker and a defender, and any "
                                                                   "supporters and mediators).")
    battlefield: Battlefield = Field(description="The war: the occupied area and its advance, the effects of "
                                                 "arms, intelligence and escalation, casualties.")
    economy: Economy = Field(description="The strain on Russia's war economy and how sanctions move it.")
    negotiation: Negotiation = Field(description="Who mediates, how far ahead the actors look, the mediator's "
                                                 "search and the documented packages put on given months.")
    packages: dict[str, Package] = Field(default_factory=dict, description="Documented peace plans by name, "
                                         "each as terms on the issues, for negotiation.scheduled.")
    partial_deals: dict[str, PartialDeal] = Field(default_factory=dict, description="Limited agreements "
                                                  "negotiated beside the ceasefire (energy or naval truces, "
                                                  "prisoner exchanges), by name.")
    variants: dict[str, Variant] = Field(default_factory=dict, description="Structural variants by name: other "
                                         "encodings of a modelling choice, run beside the scenario by "
                                         "negsim run --variants on common random numbers.")
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
                        actors=(dict[str, actor], Field(min_length=2,
                                                        description=Scenario.model_fields["actors"].description)))
