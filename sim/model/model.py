"""The negotiation model: the Mesa model that drives the months of every world at once.

The worlds' facts and state live in :mod:`.state` (``model.facts``, ``model.state``), arrays over
worlds; the actors (:mod:`.agents`) and the war (:mod:`.war`) take them as arguments. This module
only orders a month's steps and records them. One month (:meth:`NegotiationModel.step`):

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
from typing import Protocol

import numpy as np

from sim.core import round as protocol
from sim.core.bargaining import is_zero
from sim.core.issues import all_issues
from sim.core.round import ProposalPath
from sim.scenario.schema import Scenario

from ._mesa import mesa
from .agents import Actor, actor_class
from .rules import Context
from .state import Facts, PartialDealState, PartialDecision, RoundRecord, WorldState
from .streams import ParameterDraws, WorldStreams
from .variables import state_variables
from .war import WarState

__all__ = ["Intervention", "NegotiationModel", "RoundRecord"]


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
        if streams is None:
            streams = WorldStreams(seed, first_world, n_worlds or scenario.worlds, self.horizon)
        self.streams = streams
        self.n_worlds = streams.n_worlds
        self.interventions = list(interventions)
        # Parameters are drawn in the order set-up, war, actors, partial deals (worlds.parquet's columns).
        self.draw = ParameterDraws(scenario, streams, overrides)
        self.facts = Facts(scenario, self.n_worlds, self.draw)
        war = WarState(scenario, self.n_worlds, self.draw)
        for actor_id, spec in scenario.actors.items():
            actor_class(spec)(self, actor_id, spec, self.facts, self.draw)
        self.actors: dict[str, Actor] = {a.actor_id: a for a in self.agents}
        belligerents = [a for a in self.agents if a.role == "belligerent"]
        self.attacker = next(a for a in belligerents if a.side == "attacker")
        self.defender = next(a for a in belligerents if a.side == "defender")
        self.mediators = [self.actors[m] for m in scenario.negotiation.mediators]
        self.state = WorldState(scenario, self.facts, war, self._partial_deal_states(), keep_rounds)
        # The actors as they enter the round under way (None between rounds): nothing in a round changes
        # what a Party holds, so each is built once a month, not for every proposal and vote.
        self._round_parties: list[protocol.Party] | None = None

    # -- set-up helpers ----------------------------------------------------------------------
    def _partial_deal_states(self) -> dict[str, PartialDealState]:
        n, draw = self.n_worlds, self.draw
        return {name: PartialDealState(
            spec=deal,
            value={p: draw(f"partial_deals.{name}.value.{p}", deal.value[p]) if p in deal.value else 0.0
                   for p in deal.parties},
            goodwill={p: draw(f"partial_deals.{name}.goodwill.{p}", deal.goodwill[p]) if p in deal.goodwill else 0.0
                      for p in deal.parties},
            hazard=draw(f"partial_deals.{name}.breakdown_hazard", deal.breakdown_hazard),
            in_force=np.zeros(n, dtype=bool), first_month=np.zeros(n, dtype=np.int32),
            renewal_penalty=draw(f"partial_deals.{name}.renewal_penalty", deal.renewal_penalty),
            agreements=np.zeros(n, dtype=np.int32), breakdowns=np.zeros(n, dtype=np.int32))
            for name, deal in self.spec.partial_deals.items()}

    @property
    def month(self) -> int:
        """The month last simulated (0 before the first)."""
        return self.state.month

    # -- state helpers -----------------------------------------------------------------------
    def package_terms(self, name: str) -> tuple[np.ndarray, np.ndarray]:
        """A named package as terms (N, K) and a settled mask (K,); unsettled issues stay as they are."""
        package = self.spec.packages[name]
        x = self.state.status_quo().copy()
        settled = np.zeros(self.facts.n_issues, dtype=bool)
        for issue, value in package.terms.items():
            k = self.facts.issue_index[issue]
            settled[k] = True
            x[:, k] = self.state.war.front if value == "front" else value
        return x, settled

    def parties(self) -> list[protocol.Party]:
        """Every actor as it enters this month's round, in the scenario's order."""
        if self._round_parties is not None:
            return self._round_parties
        return [actor.party(self.state) for actor in self.agents]

    def proposal_path(self) -> ProposalPath:
        """The mediator's search path this month (see :class:`~sim.core.round.ProposalPath`)."""
        parties = self.parties()
        bounds = protocol.proposal_bounds(parties, self.state.war.front, self.n_worlds, self.facts.n_issues)
        by_id = {party.actor_id: party for party in parties}
        return ProposalPath(by_id[self.attacker.actor_id], by_id[self.defender.actor_id], *bounds)

    def mediator_proposal(self, leverage: np.ndarray, settled: np.ndarray | None = None,
                          outside: dict[str, np.ndarray] | None = None,
                          where: np.ndarray | None = None, talks: str = "nash") -> tuple[np.ndarray, np.ndarray]:
        """The mediator's package (N, K) and whether the box is empty in some issue (N,).

        ``settled`` (K,) is what it settles (default: every issue); a ceasefire keeps the line of
        contact frozen at the front. ``outside`` is each party's surplus of an agreement in force.
        ``where`` (N,) bool: the worlds where it will be put. The search runs only there unless the
        model keeps its rounds (the teaching view shows, in every world, what would be proposed).
        ``talks`` names the kind of talks ("nash": toward a first agreement, "settlement": from a
        ceasefire); with ``search_start: warm`` the mediator's last package of the same kind in a
        world, where it was put, is a start of this month's search there; with ``continue`` the only
        start there (``draft_sweeps`` passes from it), the cold search where it has none."""
        rules = self.spec.negotiation
        pinned = None if settled is None or settled.all() else self.facts.frozen
        state = self.state
        draft = state.drafts.setdefault(talks, np.full((self.n_worlds, self.facts.n_issues), np.nan)) \
            if rules.search_start != "cold" else None
        terms, zone_empty = protocol.mediator_proposal(
            self.parties(), self.proposal_path(), state.war.front, state.status_quo(), leverage,
            search=rules.search, objective=rules.objective, grid=rules.proposal_grid, levels=rules.search_levels,
            sweeps=rules.search_sweeps, settled=settled, pinned=pinned, outside=outside, bias=rules.mediator_bias,
            mediator_ideal=np.nan_to_num(self.leading_mediator_ideal()) if rules.mediator_bias else None,
            where=None if self.state.keep_rounds else where,
            draft=draft, draft_sweeps=rules.draft_sweeps if rules.search_start == "continue" else None,
            toward_sweeps=rules.toward_sweeps, draft_grid_sweeps=rules.draft_grid_sweeps)
        if draft is not None:   # remembered only where it was put, so the teaching view keeps the same drafts
            put = np.ones(self.n_worlds, dtype=bool) if where is None else where
            draft[put] = terms[put]
        return terms, zone_empty

    def agreement_surplus(self, parties: list[protocol.Party]) -> dict[str, np.ndarray]:
        """Each party's surplus over fighting of the agreement in force (0 where none is)."""
        surplus = {p.actor_id: np.zeros(self.n_worlds) for p in parties}
        terms = self.state.terms_in_force()
        for mask in np.unique(self.state.ceasefire_settled[self.state.in_ceasefire], axis=0):
            here = self.state.in_ceasefire & all_issues(self.state.ceasefire_settled == mask)
            for party in parties:
                value = party.assess(terms, mask, self.state.war.front).surplus
                surplus[party.actor_id] = np.where(here, value, surplus[party.actor_id])
        return surplus

    # -- the monthly cycle -------------------------------------------------------------------
    def step(self) -> None:
        state = self.state
        state.begin_month()
        t = state.month
        context = Context(env=state_variables(state, self.actors, self.spec), month=t, stalled=state.stalled,
                          base_levels={a.actor_id: a.base_levels for a in self.agents},
                          aid_share={a.actor_id: a.spec.support.aid_share for a in self.agents},
                          uniform=lambda name: self.streams.monthly_uniform(name)[:, t - 1])
        self.agents.do("choose_levers", context, state)
        for intervention in self.interventions:
            intervention.after_pressure(self, t)
        state.war.step({a.actor_id: a.levers for a in self.agents}, state.relief_agreed(), state.in_ceasefire, t,
                       self.streams)
        self.negotiation_round(t)
        self.agents.do("update_beliefs", state)
        self.record(t)

    def run(self) -> NegotiationModel:
        """Run every month up to the horizon; returns the model for chaining."""
        while self.month < self.horizon:
            self.step()
        return self

    def _breakdowns(self, t: int) -> tuple[np.ndarray, dict[str, np.ndarray]]:
        """Ceasefires in force may break, by accident or by decision. Each belligerent breaches with its
        monthly hazard (security guarantees deter the attacker in proportion to the defender's
        guarantee effect; terms that shift future power toward it tempt it); and each reneges where
        fighting on is now worth more to it than the terms in force (:func:`~sim.core.round.reneges`).
        Returns where a ceasefire broke, and where each belligerent broke it by decision."""
        reneged: dict[str, np.ndarray] = {}
        if not self.state.in_ceasefire.any():
            return np.zeros(self.n_worlds, dtype=bool), reneged
        g = self.facts.issue_role.get("guarantees")
        shift = protocol.power_shift(self.state.ceasefire_terms, self.facts.power_issues) if self.facts.power_issues else None
        hazard_hold = protocol.ceasefire_survival(
            self.attacker.breach_hazard, self.defender.breach_hazard, self.defender.guarantee_effect,
            None if g is None else self.state.ceasefire_terms[:, g], self.n_worlds,
            open_issues=~all_issues(self.state.ceasefire_settled), resume_hazard=self.facts.resume_hazard,
            agreed_power_shift=shift, power_shift_effect=self.defender.power_shift_effect)
        broken = self.state.in_ceasefire & (self.streams.monthly_uniform("breakdown")[:, t - 1] > hazard_hold)
        terms = self.state.terms_in_force()
        for actor in (self.attacker, self.defender):
            shock = self.streams.monthly_normal(f"renege:{actor.actor_id}")[:, t - 1]
            reneged[actor.actor_id] = self.state.in_ceasefire & protocol.reneges(
                actor.utility(terms), actor.war_value, actor.renege_cost, actor.noise_sd, shock)
            broken |= reneged[actor.actor_id]
        self.state.breakdowns += broken
        first_broken = broken & (self.state.first_ceasefire_end == 0) & (self.state.first_ceasefire_month > 0)
        self.state.first_ceasefire_end[first_broken] = t
        self.state.in_ceasefire &= ~broken
        self.state.ceasefire_settled[broken] = False
        return broken, reneged

    def _mediation(self, t: int) -> tuple[np.ndarray, np.ndarray]:
        """Which worlds have an engaged mediator this month, and its leverage on the parties."""
        active = np.zeros(self.n_worlds, dtype=bool)
        leverage = np.zeros(self.n_worlds)
        # The leading mediator (the most leverage) is the one whose ideal a biased proposal leans to.
        leader = np.full(self.n_worlds, -1)
        for number, mediator in enumerate(self.mediators):
            engagement = mediator.levers["engagement"]
            engaged = self.streams.monthly_uniform(f"mediator:{mediator.actor_id}")[:, t - 1] < engagement
            active |= engaged
            own = np.where(engaged, engagement * mediator.mediation_leverage, 0.0)
            leader[engaged & ((own > leverage) | (leader < 0))] = number
            leverage = np.maximum(leverage, own)
        self.state.mediator_leader = leader
        return active, leverage

    def leading_mediator_ideal(self) -> np.ndarray:
        """The ideal (N, K) of this month's leading mediator in each world (NaN where none is engaged):
        where a biased mediator leans its package. Built only when asked (an unbiased one never does)."""
        ideal = np.full((self.n_worlds, self.facts.n_issues), np.nan)
        for number, mediator in enumerate(self.mediators):
            leads = self.state.mediator_leader == number
            ideal[leads] = np.broadcast_to(mediator.ideal, ideal.shape)[leads]
        return ideal

    def negotiation_round(self, t: int) -> None:
        """Breakdowns, the general proposal and its acceptance, then the partial deals."""
        for actor in self.agents:   # the value of fighting on, which deals in force and on offer face
            actor.prepare_round(self.state)
        self._round_parties = self.parties()
        try:
            self._round(t)
        finally:
            self._round_parties = None

    def _round(self, t: int) -> None:
        """The round of :meth:`negotiation_round`, with every actor's Party built once for it."""
        broken, reneged = self._breakdowns(t)
        active, leverage = self._mediation(t)
        # Worlds in a ceasefire that leaves issues open negotiate toward a settlement after this round.
        open_talks = active & self.state.in_ceasefire & ~all_issues(self.state.ceasefire_settled)
        proposing = active & ~self.state.in_ceasefire
        name = self.facts.schedule_by_month.get(t)
        for intervention in self.interventions:
            name = intervention.scheduled_package(self, t, name)
        zone_empty = None
        if name is not None:  # a documented package was put on the table: proposed in every world
            terms, settled = self.package_terms(name)
            proposing = ~self.state.in_ceasefire
        else:
            name = "nash"
            settled = self.facts.ceasefire_mask if self.spec.negotiation.agreement == "ceasefire" else self.facts.all_settled
            terms, zone_empty = self.mediator_proposal(leverage, settled, where=proposing)
        record = self._put_to_vote(t, name, "accept", terms, settled, proposing, leverage, zone_empty)
        record.broken, record.reneged = broken, reneged
        agreed, terms = record.agreed, record.terms
        assert agreed is not None   # a vote decides in every world
        for party_id in self.actors:  # in the scenario's order
            counts = self.state.decision_counts.setdefault(party_id, np.zeros((self.horizon, 2)))
            asked, accepted = record.answers(party_id)
            counts[t - 1] = (asked.sum(), accepted.sum())
        self.state.failed_rounds += proposing & ~agreed
        self.state.in_ceasefire |= agreed
        self.state.ceasefire_terms[agreed] = terms[agreed]
        self.state.ceasefire_settled[agreed] = settled
        first = agreed & (self.state.first_ceasefire_month == 0)
        self.state.first_ceasefire_month[first] = t
        self.state.first_terms[first] = terms[first]
        if "territory" in self.facts.issue_role:
            territory = terms[first, self.facts.issue_role["territory"]]
            self.state.first_territory_deal[first] = self.state.war.territory_deal(territory, first)
        if settled.all():
            self.state.first_settlement_month[agreed & (self.state.first_settlement_month == 0)] = t
        if open_talks.any():
            record.settlement = self._settlement_talks(t, open_talks, leverage)
        self.state.last_round = record
        if self.state.keep_rounds:
            self.state.rounds.append(record)
        record.partial = self._partial_deals(t, active, leverage)
        for intervention in self.interventions:
            intervention.after_round(self, t, record)

    def _settlement_talks(self, t: int, talks: np.ndarray, leverage: np.ndarray) -> RoundRecord:
        """Worlds in a ceasefire with open issues: the mediator proposes a settlement of every issue,
        which each party compares with the ceasefire in force (not with fighting on)."""
        outside = self.agreement_surplus(self.parties())
        terms, zone_empty = self.mediator_proposal(leverage, outside=outside, where=talks, talks="settlement")
        record = self._put_to_vote(t, "settlement", "settle", terms, self.facts.all_settled, talks, leverage, zone_empty,
                                   outside)
        agreed = record.agreed
        self.state.ceasefire_terms[agreed] = record.terms[agreed]
        self.state.ceasefire_settled[agreed] = True
        self.state.first_settlement_month[agreed & (self.state.first_settlement_month == 0)] = t
        return record

    def _put_to_vote(self, t: int, name: str, stream: str, terms: np.ndarray, settled: np.ndarray,
                     proposing: np.ndarray, leverage: np.ndarray, zone_empty: np.ndarray | None,
                     outside: dict[str, np.ndarray] | None = None) -> RoundRecord:
        """Put package ``terms`` to every party where ``proposing``, with this month's shocks from the
        ``stream`` family (one per kind of vote, so each has its own common random numbers)."""
        parties = self.parties()
        shocks = {p.actor_id: self.streams.monthly_normal(f"{stream}:{p.actor_id}")[:, t - 1] for p in parties}
        result = protocol.vote(parties, terms, settled, self.state.war.front, self.state.status_quo(), shocks, leverage,
                               proposing, supporter_veto=self.spec.negotiation.supporter_veto, outside=outside)
        return RoundRecord(t, name, result.terms, settled, proposing, result.assessments, result.veto,
                           agreed=result.agreed, zone_empty=zone_empty, noise=result.noise,
                           front=self.state.war.front.copy(), leverage=leverage,
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
        for name, deal in self.state.partial.items():
            spec = deal.spec
            in_force = deal.in_force
            broken = in_force & (self.streams.monthly_uniform(f"partial_break:{name}")[:, t - 1] < deal.hazard)
            in_force &= ~broken
            deal.breakdowns += broken
            possible = np.ones(self.n_worlds, dtype=bool) if spec.during_ceasefire else ~self.state.in_ceasefire
            offered = active & possible & ~in_force
            if spec.one_off and not spec.repeats:
                offered &= deal.first_month == 0
            if spec.offered_months is not None:
                offered &= t in spec.offered_months
            if name in forced:
                offered = possible & ~in_force
            shocks = {p: self.streams.monthly_normal(f"partial:{name}:{p}")[:, t - 1] for p in spec.parties}
            value = deal.value
            if not is_zero(deal.renewal_penalty):   # a deal once broken renews less readily
                value = {p: v - deal.renewal_penalty * deal.breakdowns for p, v in deal.value.items()}
            answers = protocol.partial_deal_answers(
                value, deal.goodwill, {p: self.actors[p].noise_sd for p in spec.parties}, shocks, leverage)
            accepted = offered.copy()
            for party in spec.parties:
                accepted &= answers[party]
            decisions[name] = PartialDecision(offered, broken, answers)
            deal.agreements += accepted
            deal.first_month[accepted & (deal.first_month == 0)] = t
            deal.in_force = (in_force | accepted) & (not spec.one_off)
            self.state.history[f"partial_{name}"][:, t - 1] = accepted | deal.in_force
        return decisions

    def record(self, t: int) -> None:
        self.state.months_without_progress = np.where(self.state.in_ceasefire, 0, self.state.months_without_progress + 1)
        h = self.state.history
        h["in_ceasefire"][:, t - 1] = self.state.in_ceasefire
        h["occupied_km2"][:, t - 1] = self.state.war.occupied_km2
        h["strain"][:, t - 1] = self.state.war.strain
        for actor, total in self.state.war.cumulative_casualties.items():
            h[f"casualties_{actor}"][:, t - 1] = total
        position = self.state.terms_in_force()
        for actor in self.agents:
            if actor.role == "belligerent":
                h[f"victory_belief_{actor.actor_id}"][:, t - 1] = actor.victory_belief
            # Payoff [9]: the mean discounted monthly payoff, the last month's state held thereafter.
            flow, d = actor.month_payoff(self.state, position), actor.patience
            self.state.payoff[actor.actor_id] = self.state.payoff[actor.actor_id] + (1.0 - d) * d ** (t - 1) * flow
            if t == self.horizon:
                self.state.payoff[actor.actor_id] = self.state.payoff[actor.actor_id] + d ** t * flow
