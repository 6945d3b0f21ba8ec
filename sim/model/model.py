"""The negotiation model: a Mesa model whose every state variable is an array over worlds.

One month (:meth:`NegotiationModel.step`):

1. pressure decisions: each actor's strategy sets its levers;
2. war and economy: the front, casualties, Russia's economic strain;
3. negotiation round: ceasefires in force may break down; an engaged mediator proposes a package
   (a documented one if the scenario schedules it, else the Nash bargaining point); every veto
   player accepts or rejects; partial deals are offered, accepted and broken;
4. belief updates: belligerents learn from the month's fighting;
5. data collection.

With ``n_worlds=1`` this is a step-by-step account of one world; with 100,000 the same code is the
Monte Carlo.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Protocol

import mesa
import numpy as np

from sim.core import round as protocol
from sim.core.round import Assessment, ProposalPath
from sim.scenario.params import Prior
from sim.scenario.schema import PartialDeal, Scenario
from sim.scenario.variables import state_variable_names, variable_types

from .agents import Actor, actor_class
from .rules import Context, Outcome
from .streams import WorldStreams
from .variables import state_variables
from .war import WarState


@dataclass
class RoundRecord:
    """What happened in one month's negotiation round (for explaining a run)."""

    month: int
    package: str
    terms: np.ndarray                 # (N, K)
    settled: np.ndarray               # (K,)
    proposed: np.ndarray              # (N,) an engaged mediator made the proposal
    assessments: dict[str, Assessment] = field(default_factory=dict)
    veto: dict[str, np.ndarray] = field(default_factory=dict)
    agreed: np.ndarray | None = None
    zone_empty: np.ndarray | None = None
    noise: dict[str, np.ndarray] = field(default_factory=dict)
    front: np.ndarray | None = None   # the front when the round was held (for red lines)
    leverage: np.ndarray | None = None  # the engaged mediator's leverage on the parties
    offers: dict[str, list] = field(default_factory=dict)   # each actor's offer bounds then
    partial: dict[str, PartialDecision] = field(default_factory=dict)
    broken: np.ndarray | None = None
    reneged: dict[str, np.ndarray] = field(default_factory=dict)   # belligerent -> (N,) broke the ceasefire by decision
    put_forward: np.ndarray | None = None   # (N, K) the package as proposed, before any supporter refused terms
    refused: dict[str, np.ndarray] = field(default_factory=dict)   # supporter -> (N,) refused its terms
    settlement: RoundRecord | None = None   # talks toward a settlement in worlds whose ceasefire left issues open

    @property
    def settles_all(self) -> bool:
        """The package settles every issue (a settlement), not only some (a ceasefire with open issues)."""
        return bool(self.settled.all())


@dataclass
class PartialDealState:
    """A smaller deal's parameters (drawn per world) and its state in every world."""

    spec: PartialDeal
    value: dict[str, np.ndarray | float]      # per party: net monthly value of the deal itself
    goodwill: dict[str, np.ndarray | float]   # per party: value of pleasing an engaged mediator
    hazard: np.ndarray | float                # monthly chance it breaks down
    in_force: np.ndarray                      # (N,) bool
    first_month: np.ndarray                   # (N,) int, 0 = never agreed


@dataclass
class PartialDecision:
    """One month of a smaller deal: where it was offered, each party's answer, where it broke."""

    offered: np.ndarray
    broken: np.ndarray
    answers: dict[str, np.ndarray] = field(default_factory=dict)


class Intervention(Protocol):
    """A way to hold a model to outside facts (the backtest replays the documented record with one).

    The model calls these at fixed points of each month; each may change the model's state there.
    """

    def scheduled_package(self, model: NegotiationModel, month: int, scheduled: str | None) -> str | None:
        """The package to put on the table this month, given the one ``scheduled`` so far (or None:
        the mediator proposes)."""

    def after_pressure(self, model: NegotiationModel, month: int) -> None:
        """After every actor has set its levers (documented actions can be forced here)."""

    def forced_partial_offers(self, model: NegotiationModel, month: int) -> set[str]:
        """Partial deals put on the table this month whatever the mediators do."""

    def after_round(self, model: NegotiationModel, month: int, record: RoundRecord) -> None:
        """After the month's round (decisions can be scored and documented outcomes imposed)."""


class NegotiationModel(mesa.Model):
    """Run a scenario over ``n_worlds`` independent worlds.

    Args:
        scenario: a validated :class:`~sim.scenario.schema.Scenario`.
        n_worlds: number of worlds in this run (default: the scenario's ``worlds``).
        seed: the random seed (default: the scenario's ``seed``).
        first_world: index of this run's first world, a multiple of 1,000; lets a large run be split
            into chunks that reproduce the unsplit run exactly.
        keep_rounds: keep a :class:`RoundRecord` for every month (for the teaching view).
        streams: ready-made random streams (several runs side by side); replaces the arguments above.
        overrides: parameter values per world by dotted path (sweeps, a calibrated posterior).
        interventions: objects following the :class:`Intervention` protocol (the backtest's replay).

    Build models through :mod:`sim.engine`, the one place that does (it resolves posteriors,
    overrides, streams and checkpoints the same way for every command).
    """

    def __init__(self, scenario: Scenario, n_worlds: int | None = None, seed: int | None = None,
                 first_world: int = 0, keep_rounds: bool = False, streams: WorldStreams | None = None,
                 overrides: dict[str, np.ndarray] | None = None,
                 interventions: Sequence[Intervention] = ()):
        seed = scenario.seed if seed is None else seed
        # Mesa's own generator is not used for the dynamics: every draw comes from the world-keyed
        # streams below. It is seeded anyway so that any Mesa feature that shuffles is reproducible.
        super().__init__(rng=seed)
        self.seed = seed
        self.spec = scenario
        self.horizon = scenario.horizon_months
        self.month = 0
        if streams is None:
            streams = WorldStreams(seed, first_world, n_worlds or scenario.worlds, self.horizon)
        self.streams = streams
        self.n_worlds = streams.n_worlds
        self.overrides = dict(overrides or {})
        self.drawn: dict[str, np.ndarray] = {}   # every parameter drawn per world, by path
        self.interventions = list(interventions)
        self.issue_names = list(scenario.issues)
        self.issue_index = {name: i for i, name in enumerate(self.issue_names)}
        self.issue_role = {issue.role: i for i, issue in enumerate(scenario.issues.values()) if issue.role}
        # Terms that shift future power toward the attacker (the commitment problem of Powell 2006).
        self.power_issues = tuple(self.issue_role[r] for r in ("army_limits", "arms_after_deal") if r in self.issue_role)
        self.n_issues = len(self.issue_names)
        # The no-agreement position per issue: (K,) when every one is a point, (N, K) when one is a prior.
        status_quo = [0.0 if issue.status_quo == "front" else self.draw(f"issues.{name}.status_quo", issue.status_quo)
                      for name, issue in scenario.issues.items()]
        self._status_quo = np.stack(np.broadcast_arrays(*status_quo), axis=-1).astype(float)
        self.territory_scale = scenario.battlefield.territory_scale_km2
        self.planning_horizon = self.draw("negotiation.planning_horizon_months",
                                          scenario.negotiation.planning_horizon_months)
        self.resume_hazard = self.draw("negotiation.resume_hazard", scenario.negotiation.resume_hazard)
        # What the parties expect: the chance an open ceasefire collapses within their horizon.
        self.resume_risk = 1.0 - (1.0 - self.resume_hazard) ** self.planning_horizon

        self.variable_names = state_variable_names(scenario)
        self.variable_types = variable_types(scenario)
        self.in_ceasefire = np.zeros(self.n_worlds, dtype=bool)
        self.months_without_progress = np.zeros(self.n_worlds, dtype=np.int32)
        self.failed_rounds = np.zeros(self.n_worlds, dtype=np.int32)
        self.breakdowns = np.zeros(self.n_worlds, dtype=np.int32)
        self.last_round: RoundRecord | None = None
        no = np.zeros(self.n_worlds, dtype=bool)
        # Stalling and pending threats decided in one month are read by the rules the next month.
        self.stalled: dict[str, np.ndarray] = {a: no for a in scenario.actors}
        self.stalled_next: dict[str, np.ndarray] = {a: no.copy() for a in scenario.actors}
        self.threat_pending: dict[str, np.ndarray] = {}
        self.threat_pending_next: dict[str, np.ndarray] = {}
        self.ceasefire_terms = np.full((self.n_worlds, self.n_issues), np.nan)
        self.mediator_ideal = np.full((self.n_worlds, self.n_issues), np.nan)   # the leading mediator's, this month
        self.ceasefire_settled = np.zeros((self.n_worlds, self.n_issues), dtype=bool)  # issues the agreement settles
        # Issues a supporter or mediator controls: no victory on the battlefield can settle them.
        self.third_party_issues = np.zeros(self.n_issues, dtype=bool)
        for spec in scenario.actors.values():
            if spec.role != "belligerent":
                for issue in spec.controls:
                    self.third_party_issues[self.issue_index[issue]] = True
        self.war = WarState(self)
        for actor_id, spec in scenario.actors.items():
            actor_class(actor_id, spec)(self, actor_id, spec)
        self.actors: dict[str, Actor] = {a.actor_id: a for a in self.agents}
        belligerents = [a for a in self.agents if a.role == "belligerent"]
        self.attacker = next(a for a in belligerents if a.side == "attacker")
        self.defender = next(a for a in belligerents if a.side == "defender")
        self.mediators = [self.actors[m] for m in scenario.negotiation.mediators]
        self.schedule_by_month = {item.month: item.package for item in scenario.negotiation.scheduled}
        self._all_settled = np.ones(self.n_issues, dtype=bool)
        self._ceasefire_mask = np.zeros(self.n_issues, dtype=bool)   # what a mediator's ceasefire settles
        for issue in scenario.negotiation.ceasefire_settles:
            self._ceasefire_mask[self.issue_index[issue]] = True
        self._frozen = np.zeros(self.n_issues, dtype=bool)           # a ceasefire freezes the line of contact
        if "territory" in self.issue_role:
            self._ceasefire_mask[self.issue_role["territory"]] = True
            self._frozen[self.issue_role["territory"]] = True
        self._init_partial_deals()
        self._init_history(keep_rounds)

    # -- set-up helpers ----------------------------------------------------------------------
    def draw(self, path: str, prior: Prior) -> np.ndarray | float:
        """A parameter for every world: the point value, or a draw from its prior (one per world).
        A sweep may override it with a value per world (``overrides``, keyed by the same path)."""
        if path in self.overrides:
            value = self.overrides[path]
        elif prior.is_point:
            return prior.low
        else:
            value = prior.from_uniform(self.streams.uniform(f"param:{path}"))
        self.drawn[path] = value
        return value

    def _init_partial_deals(self) -> None:
        self.partial: dict[str, PartialDealState] = {}
        for name, deal in self.spec.partial_deals.items():
            self.partial[name] = PartialDealState(
                spec=deal,
                value={p: self.draw(f"partial_deals.{name}.value.{p}", deal.value[p])
                       if p in deal.value else 0.0 for p in deal.parties},
                goodwill={p: self.draw(f"partial_deals.{name}.goodwill.{p}", deal.goodwill[p])
                          if p in deal.goodwill else 0.0 for p in deal.parties},
                hazard=self.draw(f"partial_deals.{name}.breakdown_hazard", deal.breakdown_hazard),
                in_force=np.zeros(self.n_worlds, dtype=bool),
                first_month=np.zeros(self.n_worlds, dtype=np.int32))

    def _init_history(self, keep_rounds: bool) -> None:
        n, t = self.n_worlds, self.horizon
        self.first_ceasefire_month = np.zeros(n, dtype=np.int32)   # 0: none yet
        self.first_ceasefire_end = np.zeros(n, dtype=np.int32)     # 0: has not broken down
        self.first_terms = np.full((n, self.n_issues), np.nan)
        self.first_settlement_month = np.zeros(n, dtype=np.int32)   # 0: no settlement of every issue yet
        self.history = {
            "in_ceasefire": np.zeros((n, t), dtype=bool),
            "occupied_km2": np.zeros((n, t), dtype=np.float32),
            "strain": np.zeros((n, t), dtype=np.float32),
            **{f"casualties_{a}": np.zeros((n, t), dtype=np.float32) for a in self.war.casualty_rate},
            **{f"partial_{d}": np.zeros((n, t), dtype=bool) for d in self.partial},
            **{f"victory_belief_{a.actor_id}": np.zeros((n, t), dtype=np.float32)
               for a in self.agents if a.role == "belligerent"},
        }
        self.payoff = {a.actor_id: np.zeros(n) for a in self.agents}   # discounted so far, see record()
        self.decision_counts: dict[str, np.ndarray] = {}
        self.keep_rounds = keep_rounds
        self.rounds: list[RoundRecord] = []

    # -- state helpers -----------------------------------------------------------------------
    def status_quo(self, front: np.ndarray | None = None) -> np.ndarray:
        """The no-agreement position, shape (N, K): the front on territory, fixed values elsewhere."""
        x = np.broadcast_to(self._status_quo, (self.n_worlds, self.n_issues)).copy()
        territory = self.issue_role.get("territory")
        if territory is not None:
            x[:, territory] = self.war.front if front is None else front
        return x

    def terms_in_force(self) -> np.ndarray:
        """The position in force (N, K): a ceasefire's terms where one holds, else the status quo."""
        return np.where(self.in_ceasefire[:, None], self.ceasefire_terms, self.status_quo())

    def package_terms(self, name: str) -> tuple[np.ndarray, np.ndarray]:
        """A named package as terms (N, K) and a settled mask (K,); unsettled issues stay as they are."""
        package = self.spec.packages[name]
        x = self.status_quo()
        settled = np.zeros(self.n_issues, dtype=bool)
        for issue, value in package.terms.items():
            k = self.issue_index[issue]
            settled[k] = True
            x[:, k] = self.war.front if value == "front" else value
        return x, settled

    def parties(self) -> list[protocol.Party]:
        """Every actor as it enters this month's round, in the scenario's order."""
        return [actor.party() for actor in self.agents]

    def proposal_path(self) -> ProposalPath:
        """The mediator's search path this month (see :class:`~sim.core.round.ProposalPath`)."""
        bounds = protocol.proposal_bounds(self.parties(), self.war.front, self.n_worlds, self.n_issues)
        return ProposalPath(self.attacker.party(), self.defender.party(), *bounds)

    def mediator_proposal(self, leverage: np.ndarray, settled: np.ndarray | None = None,
                          outside: dict[str, np.ndarray] | None = None,
                          where: np.ndarray | None = None) -> tuple[np.ndarray, np.ndarray]:
        """The mediator's package (N, K) and whether the box is empty in some issue (N,).

        ``settled`` (K,) is what it settles (default: every issue); a ceasefire keeps the line of
        contact frozen at the front. ``outside`` is each party's surplus of an agreement in force.
        ``where`` (N,) bool: the worlds where it will be put. The search runs only there unless the
        model keeps its rounds (the teaching view shows, in every world, what would be proposed)."""
        rules = self.spec.negotiation
        pinned = None if settled is None or settled.all() else self._frozen
        return protocol.mediator_proposal(self.parties(), self.proposal_path(), self.war.front, self.status_quo(),
                                          leverage, search=rules.search, objective=rules.objective,
                                          grid=rules.proposal_grid, levels=rules.search_levels,
                                          sweeps=rules.search_sweeps, settled=settled, pinned=pinned,
                                          outside=outside, bias=rules.mediator_bias,
                                          mediator_ideal=np.nan_to_num(self.mediator_ideal),
                                          where=None if self.keep_rounds else where)

    def agreement_surplus(self, parties: list[protocol.Party]) -> dict[str, np.ndarray]:
        """Each party's surplus over fighting of the agreement in force (0 where none is)."""
        surplus = {p.actor_id: np.zeros(self.n_worlds) for p in parties}
        terms = self.terms_in_force()
        for mask in np.unique(self.ceasefire_settled[self.in_ceasefire], axis=0):
            here = self.in_ceasefire & (self.ceasefire_settled == mask).all(axis=1)
            for party in parties:
                value = party.assess(terms, mask, self.war.front).surplus
                surplus[party.actor_id] = np.where(here, value, surplus[party.actor_id])
        return surplus

    # -- the monthly cycle -------------------------------------------------------------------
    def step(self) -> None:
        self.month += 1
        self.stalled, self.threat_pending = self.stalled_next, self.threat_pending_next
        self.stalled_next = {a: np.zeros(self.n_worlds, dtype=bool) for a in self.actors}
        self.threat_pending_next = {}
        for actor in self.agents:
            actor.extra_cost = np.zeros(self.n_worlds)
        t = self.month
        context = Context(env=state_variables(self), month=t, stalled=self.stalled,
                          base_levels={a.actor_id: a.base_levels for a in self.agents},
                          aid_share={a.actor_id: a.spec.support.aid_share for a in self.agents},
                          uniform=lambda name: self.streams.monthly_uniform(name)[:, t - 1])
        self.agents.do("choose_levers", context)
        for intervention in self.interventions:
            intervention.after_pressure(self, t)
        self.war.step(self, t)
        self.negotiation_round(t)
        self.agents.do("update_beliefs")
        self.record(t)

    def apply_rule_effects(self, actor_id: str, outcome: Outcome) -> None:
        """Carry out what one rule of ``actor_id`` decided for others, at once and in order."""
        for target, cost in outcome.costs:
            self.actors[target].extra_cost = self.actors[target].extra_cost + cost
        for target, pending in outcome.threats_pending.items():
            now = self.threat_pending_next.setdefault(target, np.zeros(self.n_worlds, dtype=bool))
            now |= pending
        if outcome.stalled is not None:
            self.stalled_next[actor_id] |= outcome.stalled
        for target, shifts in outcome.lobbied.items():
            lobbied = self.actors[target].lobbied
            for lever, shift in shifts.items():
                lobbied[lever] = lobbied.get(lever, 0.0) + shift

    def run(self) -> NegotiationModel:
        """Run every month up to the horizon; returns the model for chaining."""
        while self.month < self.horizon:
            self.step()
        return self

    def _breakdowns(self, t: int) -> None:
        """Ceasefires in force may break, by accident or by decision. Each belligerent breaches with its
        monthly hazard (security guarantees deter the attacker in proportion to the defender's
        guarantee effect; terms that shift future power toward it tempt it); and each reneges where
        fighting on is now worth more to it than the terms in force (:func:`~sim.core.round.reneges`)."""
        self._broken_now = np.zeros(self.n_worlds, dtype=bool)
        self.reneged = {}
        if not self.in_ceasefire.any():
            return
        g = self.issue_role.get("guarantees")
        shift = protocol.power_shift(self.ceasefire_terms, self.power_issues) if self.power_issues else None
        hazard_hold = protocol.ceasefire_survival(
            self.attacker.breach_hazard, self.defender.breach_hazard, self.defender.guarantee_effect,
            None if g is None else self.ceasefire_terms[:, g], self.n_worlds,
            open_issues=~self.ceasefire_settled.all(axis=1), resume_hazard=self.resume_hazard,
            agreed_power_shift=shift, power_shift_effect=self.defender.power_shift_effect)
        broken = self.in_ceasefire & (self.streams.monthly_uniform("breakdown")[:, t - 1] > hazard_hold)
        terms = self.terms_in_force()
        for actor in (self.attacker, self.defender):
            shock = self.streams.monthly_normal(f"renege:{actor.actor_id}")[:, t - 1]
            self.reneged[actor.actor_id] = self.in_ceasefire & protocol.reneges(
                actor.utility(terms), actor.war_value, actor.renege_cost, actor.noise_sd, shock)
            broken |= self.reneged[actor.actor_id]
        self.breakdowns += broken
        self._broken_now = broken
        first_broken = broken & (self.first_ceasefire_end == 0) & (self.first_ceasefire_month > 0)
        self.first_ceasefire_end[first_broken] = t
        self.in_ceasefire &= ~broken
        self.ceasefire_settled[broken] = False

    def _mediation(self, t: int) -> tuple[np.ndarray, np.ndarray]:
        """Which worlds have an engaged mediator this month, and its leverage on the parties."""
        active = np.zeros(self.n_worlds, dtype=bool)
        leverage = np.zeros(self.n_worlds)
        # The leading mediator (the most leverage) is the one whose ideal a biased proposal leans to.
        self.mediator_ideal = np.full((self.n_worlds, self.n_issues), np.nan)
        for mediator in self.mediators:
            engagement = mediator.levers["engagement"]
            engaged = self.streams.monthly_uniform(f"mediator:{mediator.actor_id}")[:, t - 1] < engagement
            active |= engaged
            own = np.where(engaged, engagement * mediator.mediation_leverage, 0.0)
            leads = engaged & ((own > leverage) | np.isnan(self.mediator_ideal[:, 0]))
            self.mediator_ideal[leads] = np.broadcast_to(mediator.ideal, self.mediator_ideal.shape)[leads]
            leverage = np.maximum(leverage, own)
        return active, leverage

    def negotiation_round(self, t: int) -> None:
        """Breakdowns, the general proposal and its acceptance, then the partial deals."""
        for actor in self.agents:   # the value of fighting on, which deals in force and on offer face
            actor.prepare_round()
        self._breakdowns(t)
        active, leverage = self._mediation(t)
        # Worlds in a ceasefire that leaves issues open negotiate toward a settlement after this round.
        open_talks = active & self.in_ceasefire & ~self.ceasefire_settled.all(axis=1)
        proposing = active & ~self.in_ceasefire
        name = self.schedule_by_month.get(t)
        for intervention in self.interventions:
            name = intervention.scheduled_package(self, t, name)
        zone_empty = None
        if name is not None:  # a documented package was put on the table: proposed in every world
            terms, settled = self.package_terms(name)
            proposing = ~self.in_ceasefire
        else:
            name = "nash"
            settled = self._ceasefire_mask if self.spec.negotiation.agreement == "ceasefire" else self._all_settled
            terms, zone_empty = self.mediator_proposal(leverage, settled, where=proposing)
        record = self._put_to_vote(t, name, "accept", terms, settled, proposing, leverage, zone_empty)
        record.broken = self._broken_now
        record.reneged = self.reneged
        agreed, terms = record.agreed, record.terms
        for party_id in self.actors:  # in the scenario's order
            counts = self.decision_counts.setdefault(party_id, np.zeros((self.horizon, 2)))
            asked = proposing & record.veto[party_id]
            counts[t - 1] = (asked.sum(), (asked & record.assessments[party_id].accept).sum())
        self.failed_rounds += proposing & ~agreed
        self.in_ceasefire |= agreed
        self.ceasefire_terms[agreed] = terms[agreed]
        self.ceasefire_settled[agreed] = settled
        first = agreed & (self.first_ceasefire_month == 0)
        self.first_ceasefire_month[first] = t
        self.first_terms[first] = terms[first]
        if settled.all():
            self.first_settlement_month[agreed & (self.first_settlement_month == 0)] = t
        if open_talks.any():
            record.settlement = self._settlement_talks(t, open_talks, leverage)
        self.last_round = record
        if self.keep_rounds:
            self.rounds.append(record)
        record.partial = self._partial_deals(t, active, leverage)
        for intervention in self.interventions:
            intervention.after_round(self, t, record)

    def _settlement_talks(self, t: int, talks: np.ndarray, leverage: np.ndarray) -> RoundRecord:
        """Worlds in a ceasefire with open issues: the mediator proposes a settlement of every issue,
        which each party compares with the ceasefire in force (not with fighting on)."""
        outside = self.agreement_surplus(self.parties())
        terms, zone_empty = self.mediator_proposal(leverage, outside=outside, where=talks)
        record = self._put_to_vote(t, "settlement", "settle", terms, self._all_settled, talks, leverage, zone_empty,
                                   outside)
        agreed = record.agreed
        self.ceasefire_terms[agreed] = record.terms[agreed]
        self.ceasefire_settled[agreed] = True
        self.first_settlement_month[agreed & (self.first_settlement_month == 0)] = t
        return record

    def _put_to_vote(self, t: int, name: str, stream: str, terms: np.ndarray, settled: np.ndarray,
                     proposing: np.ndarray, leverage: np.ndarray, zone_empty: np.ndarray | None,
                     outside: dict[str, np.ndarray] | None = None) -> RoundRecord:
        """Put package ``terms`` to every party where ``proposing``, with this month's shocks from the
        ``stream`` family (one per kind of vote, so each has its own common random numbers)."""
        parties = self.parties()
        shocks = {p.actor_id: self.streams.monthly_normal(f"{stream}:{p.actor_id}")[:, t - 1] for p in parties}
        result = protocol.vote(parties, terms, settled, self.war.front, self.status_quo(), shocks, leverage,
                               proposing, supporter_veto=self.spec.negotiation.supporter_veto, outside=outside)
        return RoundRecord(t, name, result.terms, settled, proposing, result.assessments, result.veto,
                           agreed=result.agreed, zone_empty=zone_empty, noise=result.noise,
                           front=self.war.front.copy(), leverage=leverage,
                           offers={p.actor_id: p.offers for p in parties}, put_forward=terms,
                           refused=result.refused)

    def _partial_deals(self, t: int, active: np.ndarray, leverage: np.ndarray) -> dict[str, PartialDecision]:
        """Smaller deals: offered while the war goes on, accepted by all their parties, then they may
        break down (a one-off deal, such as a prisoner exchange, is done once agreed). Returns, per
        deal, who was offered it, each party's answer and whether it broke down."""
        decisions = {}
        forced: set[str] = set()
        for intervention in self.interventions:
            forced |= intervention.forced_partial_offers(self, t)
        for name, deal in self.partial.items():
            spec = deal.spec
            in_force = deal.in_force
            broken = in_force & (self.streams.monthly_uniform(f"partial_break:{name}")[:, t - 1] < deal.hazard)
            in_force &= ~broken
            offered = active & ~self.in_ceasefire & ~in_force
            if spec.one_off:
                offered &= deal.first_month == 0
            if spec.offered_months is not None:
                offered &= t in spec.offered_months
            if name in forced:
                offered = ~self.in_ceasefire & ~in_force
            shocks = {p: self.streams.monthly_normal(f"partial:{name}:{p}")[:, t - 1] for p in spec.parties}
            answers = protocol.partial_deal_answers(
                deal.value, deal.goodwill, {p: self.actors[p].noise_sd for p in spec.parties}, shocks, leverage)
            accepted = offered.copy()
            for party in spec.parties:
                accepted &= answers[party]
            decisions[name] = PartialDecision(offered, broken, answers)
            deal.first_month[accepted & (deal.first_month == 0)] = t
            deal.in_force = (in_force | accepted) & (not spec.one_off)
            self.history[f"partial_{name}"][:, t - 1] = accepted | deal.in_force
        return decisions

    def record(self, t: int) -> None:
        self.months_without_progress = np.where(self.in_ceasefire, 0, self.months_without_progress + 1)
        h = self.history
        h["in_ceasefire"][:, t - 1] = self.in_ceasefire
        h["occupied_km2"][:, t - 1] = self.war.occupied_km2
        h["strain"][:, t - 1] = self.war.strain
        for actor, total in self.war.cumulative_casualties.items():
            h[f"casualties_{actor}"][:, t - 1] = total
        position = self.terms_in_force()
        for actor in self.agents:
            if actor.role == "belligerent":
                h[f"victory_belief_{actor.actor_id}"][:, t - 1] = actor.victory_belief
            # Payoff [9]: the mean discounted monthly payoff, the last month's state held thereafter.
            flow, d = actor.month_payoff(self.in_ceasefire, position), actor.patience
            self.payoff[actor.actor_id] = self.payoff[actor.actor_id] + (1.0 - d) * d ** (t - 1) * flow
            if t == self.horizon:
                self.payoff[actor.actor_id] = self.payoff[actor.actor_id] + d ** t * flow
