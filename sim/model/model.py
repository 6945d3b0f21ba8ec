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

from dataclasses import dataclass, field
from typing import TYPE_CHECKING

import mesa
import numpy as np

from sim.core.bargaining import nash_on_path
from sim.core.utility import contract_curve
from sim.scenario.schema import Prior, Scenario

from sim.strategies.variables import state_variable_names, state_variables

from .agents import Actor, Assessment, actor_class
from .streams import WorldStreams
from .war import WarState

if TYPE_CHECKING:
    from sim.calibration.posterior import Posterior


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
    partial: dict[str, dict[str, np.ndarray]] = field(default_factory=dict)
    broken: np.ndarray | None = None


@dataclass
class ProposalPath:
    """Packages on the belligerents' contract curve, clipped to the box [low, high] (N, K) of terms
    no veto player has ruled out: call it with ``lam`` (G, N) to get packages (G, N, K)."""

    attacker: Actor
    defender: Actor
    low: np.ndarray
    high: np.ndarray

    def __call__(self, lam: np.ndarray) -> np.ndarray:
        a, d = self.attacker, self.defender
        curve = contract_curve(lam, a.ideal, a.weights, d.ideal, d.weights)
        return np.minimum(np.maximum(curve, self.low), self.high)

    def zone_empty(self) -> np.ndarray:
        """Per world: the hard lines leave no possible term on some issue (indivisibility)."""
        return np.any(self.low > self.high + 1e-12, axis=-1)


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
        overrides: parameter values per world by dotted path, for parameter sweeps.
        posterior: a calibrated ensemble; each world takes one of its parameter vectors.
    """

    def __init__(self, scenario: Scenario, n_worlds: int | None = None, seed: int | None = None,
                 first_world: int = 0, keep_rounds: bool = False, streams: WorldStreams | None = None,
                 overrides: dict[str, np.ndarray] | None = None, posterior: Posterior | None = None):
        seed = scenario.seed if seed is None else seed
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
        if posterior is not None:
            self.overrides.update(posterior.overrides(scenario, self.streams))
        self.issue_names = list(scenario.issues)
        self.issue_index = {name: i for i, name in enumerate(self.issue_names)}
        self.issue_role = {issue.role: i for i, issue in enumerate(scenario.issues.values()) if issue.role}
        self.n_issues = len(self.issue_names)
        self._status_quo = np.array([0.0 if issue.status_quo == "front" else issue.status_quo
                                     for issue in scenario.issues.values()])
        self.territory_scale = scenario.battlefield.territory_scale_km2
        self.planning_horizon = self.draw("negotiation.planning_horizon_months",
                                          scenario.negotiation.planning_horizon_months)

        self.variable_names = state_variable_names(scenario)
        self.in_ceasefire = np.zeros(self.n_worlds, dtype=bool)
        self.months_without_progress = np.zeros(self.n_worlds, dtype=np.int32)
        self.failed_rounds = np.zeros(self.n_worlds, dtype=np.int32)
        self.breakdowns = np.zeros(self.n_worlds, dtype=np.int32)
        self.last_round: RoundRecord | None = None
        no = np.zeros(self.n_worlds, dtype=bool)
        # Stalling and pending threats decided in one month are read by the rules the next month.
        self.stalled = {a: no for a in scenario.actors}
        self.stalled_next = {a: no.copy() for a in scenario.actors}
        self.threat_pending: dict[str, np.ndarray] = {}
        self.threat_pending_next: dict[str, np.ndarray] = {}
        self.ceasefire_terms = np.full((self.n_worlds, self.n_issues), np.nan)
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
        self.partial = {}
        for name, deal in self.spec.partial_deals.items():
            self.partial[name] = {
                "spec": deal,
                "value": {p: self.draw(f"partial_deals.{name}.value.{p}", deal.value[p])
                          if p in deal.value else 0.0 for p in deal.parties},
                "goodwill": {p: self.draw(f"partial_deals.{name}.goodwill.{p}", deal.goodwill[p])
                             if p in deal.goodwill else 0.0 for p in deal.parties},
                "hazard": self.draw(f"partial_deals.{name}.breakdown_hazard", deal.breakdown_hazard),
                "in_force": np.zeros(self.n_worlds, dtype=bool),
                "first_month": np.zeros(self.n_worlds, dtype=np.int32),
            }

    def _init_history(self, keep_rounds: bool) -> None:
        n, t = self.n_worlds, self.horizon
        self.first_ceasefire_month = np.zeros(n, dtype=np.int32)   # 0: none yet
        self.first_ceasefire_end = np.zeros(n, dtype=np.int32)     # 0: has not broken down
        self.first_terms = np.full((n, self.n_issues), np.nan)
        self.history = {
            "in_ceasefire": np.zeros((n, t), dtype=bool),
            "occupied_km2": np.zeros((n, t), dtype=np.float32),
            "strain": np.zeros((n, t), dtype=np.float32),
            **{f"casualties_{a}": np.zeros((n, t), dtype=np.float32) for a in self.war.casualty_rate},
            **{f"partial_{d}": np.zeros((n, t), dtype=bool) for d in self.partial},
        }
        self.decision_counts: dict[str, np.ndarray] = {}
        self.keep_rounds = keep_rounds
        self.rounds: list[RoundRecord] = []
        self.datacollector = mesa.DataCollector(model_reporters={
            "share_in_ceasefire": lambda m: float(m.in_ceasefire.mean()),
            "mean_occupied_km2": lambda m: float(m.war.occupied_km2.mean()),
            "mean_russian_strain": lambda m: float(m.war.strain.mean()),
        })

    # -- state helpers -----------------------------------------------------------------------
    def status_quo(self, front: np.ndarray | None = None) -> np.ndarray:
        """The no-agreement position, shape (N, K): the front on territory, fixed values elsewhere."""
        x = np.broadcast_to(self._status_quo, (self.n_worlds, self.n_issues)).copy()
        territory = self.issue_role.get("territory")
        if territory is not None:
            x[:, territory] = self.war.front if front is None else front
        return x

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

    def proposal_bounds(self) -> tuple[np.ndarray, np.ndarray]:
        """The box of terms no veto player has ruled out: belligerents' hard lines on every issue,
        other actors' hard lines on the issues they control. Where low > high there is no zone of
        possible agreement on that issue (an indivisible issue, in Fearon's terms)."""
        front = self.war.front
        low = np.zeros((self.n_worlds, self.n_issues))
        high = np.ones((self.n_worlds, self.n_issues))
        for actor in self.agents:
            if actor.role == "belligerent" or actor.controls:
                lo, hi = actor.hard_bounds(front)
                low, high = np.maximum(low, lo), np.minimum(high, hi)
        return low, high

    def proposal_path(self) -> ProposalPath:
        """The mediator's search path this month (see :class:`ProposalPath`)."""
        return ProposalPath(self.attacker, self.defender, *self.proposal_bounds())

    def nash_proposal(self, leverage: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """The mediator's package: the asymmetric Nash bargaining point of the veto players, searched
        on the belligerents' contract curve kept within the box of terms no veto player has ruled out.

        Returns the terms (N, K) and whether the box is empty in some issue (N,).
        """
        settled = self._all_settled
        on_path = self.proposal_path()

        def surpluses(lam: np.ndarray):
            x = on_path(lam)
            players = [actor for actor in self.agents if actor.role == "belligerent" or actor.controls]
            return ([actor.assess(x, settled, leverage=leverage).surplus for actor in players],
                    [actor.bargaining_power for actor in players],
                    [actor.has_veto(x, settled) for actor in players])

        lam = nash_on_path(surpluses, self.n_worlds, grid=self.spec.negotiation.proposal_grid)
        return on_path(lam[None, :])[0], on_path.zone_empty()

    # -- the monthly cycle -------------------------------------------------------------------
    def step(self) -> None:
        self.month += 1
        self.stalled, self.threat_pending = self.stalled_next, self.threat_pending_next
        self.stalled_next = {a: np.zeros(self.n_worlds, dtype=bool) for a in self.actors}
        self.threat_pending_next = {}
        for actor in self.agents:
            actor.extra_cost = np.zeros(self.n_worlds)
        self.agents.do("choose_levers", state_variables(self))
        self.after_pressure(self.month)
        self.war.step(self, self.month)
        self.negotiation_round(self.month)
        self.agents.do("update_beliefs")
        self.record(self.month)
        self.datacollector.collect(self)

    def after_pressure(self, month: int) -> None:
        """Hook after the pressure decisions (a replay of the record forces documented actions here)."""

    def forced_partial_offers(self, month: int) -> set[str]:
        """Partial deals put on the table this month whatever the mediators do (a replay's record)."""
        return set()

    def run(self) -> NegotiationModel:
        """Run every month up to the horizon; returns the model for chaining."""
        while self.month < self.horizon:
            self.step()
        return self

    def _breakdowns(self, t: int) -> None:
        """Ceasefires in force may break: each belligerent breaches with its monthly hazard; security
        guarantees in the terms deter the attacker in proportion to the defender's guarantee effect."""
        self._broken_now = np.zeros(self.n_worlds, dtype=bool)
        if not self.in_ceasefire.any():
            return
        hazard_hold = np.ones(self.n_worlds)
        g = self.issue_role.get("guarantees")
        for actor in (self.attacker, self.defender):
            h = actor.breach_hazard
            if actor is self.attacker and g is not None:
                strength = 1.0 - np.nan_to_num(self.ceasefire_terms[:, g], nan=1.0)
                h = h * (1.0 - self.defender.guarantee_effect * strength)
            hazard_hold = hazard_hold * (1.0 - h)
        broken = self.in_ceasefire & (self.streams.monthly_uniform("breakdown")[:, t - 1] > hazard_hold)
        self.breakdowns += broken
        self._broken_now = broken
        first_broken = broken & (self.first_ceasefire_end == 0) & (self.first_ceasefire_month > 0)
        self.first_ceasefire_end[first_broken] = t
        self.in_ceasefire &= ~broken

    def _mediation(self, t: int) -> tuple[np.ndarray, np.ndarray]:
        """Which worlds have an engaged mediator this month, and its leverage on the parties."""
        active = np.zeros(self.n_worlds, dtype=bool)
        leverage = np.zeros(self.n_worlds)
        for mediator in self.mediators:
            engagement = mediator.levers["engagement"]
            engaged = self.streams.monthly_uniform(f"mediator:{mediator.actor_id}")[:, t - 1] < engagement
            active |= engaged
            leverage = np.maximum(leverage, np.where(engaged, engagement * mediator.mediation_leverage, 0.0))
        return active, leverage

    def negotiation_round(self, t: int) -> None:
        """Breakdowns, the general proposal and its acceptance, then the partial deals."""
        self._breakdowns(t)
        for actor in self.agents:
            actor.prepare_round()
        active, leverage = self._mediation(t)
        proposing = active & ~self.in_ceasefire
        name = self.schedule_by_month.get(t)
        zone_empty = None
        if name is not None:  # a documented package was put on the table: proposed in every world
            terms, settled = self.package_terms(name)
            proposing = ~self.in_ceasefire
        else:
            name = "nash"
            terms, zone_empty = self.nash_proposal(leverage)
            settled = self._all_settled
        agreed = proposing.copy()
        record = RoundRecord(t, name, terms, settled, proposing, zone_empty=zone_empty,
                             broken=self._broken_now, front=self.war.front.copy(), leverage=leverage,
                             offers={a.actor_id: a.offer_lines() for a in self.agents})
        for actor in self.agents:
            noise = self.streams.monthly_normal(f"accept:{actor.actor_id}")[:, t - 1]
            assessment = actor.assess(terms, settled, noise=noise, leverage=leverage)
            veto = np.broadcast_to(actor.has_veto(terms, settled), (self.n_worlds,))
            agreed &= assessment.accept | ~veto
            record.assessments[actor.actor_id] = assessment
            record.veto[actor.actor_id] = veto
            record.noise[actor.actor_id] = actor.noise_sd * noise
            counts = self.decision_counts.setdefault(actor.actor_id, np.zeros((self.horizon, 2)))
            asked = proposing & veto
            counts[t - 1] = (asked.sum(), (asked & assessment.accept).sum())
        record.agreed = agreed
        self.failed_rounds += proposing & ~agreed
        self.in_ceasefire |= agreed
        self.ceasefire_terms[agreed] = terms[agreed]
        first = agreed & (self.first_ceasefire_month == 0)
        self.first_ceasefire_month[first] = t
        self.first_terms[first] = terms[first]
        self.last_round = record
        if self.keep_rounds:
            self.rounds.append(record)
        record.partial = self._partial_deals(t, active, leverage)

    def _partial_deals(self, t: int, active: np.ndarray, leverage: np.ndarray) -> dict:
        """Smaller deals: offered while the war goes on, accepted by all their parties, then they may
        break down (a one-off deal, such as a prisoner exchange, is done once agreed). Returns, per
        deal, who was offered it, each party's answer and whether it broke down."""
        decisions = {}
        forced = self.forced_partial_offers(t)
        for name, deal in self.partial.items():
            spec = deal["spec"]
            in_force = deal["in_force"]
            broken = in_force & (self.streams.monthly_uniform(f"partial_break:{name}")[:, t - 1] < deal["hazard"])
            in_force &= ~broken
            offered = active & ~self.in_ceasefire & ~in_force
            if spec.one_off:
                offered &= deal["first_month"] == 0
            if spec.offered_months is not None:
                offered &= t in spec.offered_months
            if name in forced:
                offered = ~self.in_ceasefire & ~in_force
            accepted = offered.copy()
            decisions[name] = {"offered": offered, "broken": broken}
            for party in spec.parties:
                actor = self.actors[party]
                z = self.streams.monthly_normal(f"partial:{name}:{party}")[:, t - 1]
                net = deal["value"][party] + deal["goodwill"][party] * leverage + actor.noise_sd * z
                decisions[name][party] = net > 0
                accepted &= net > 0
            deal["first_month"][accepted & (deal["first_month"] == 0)] = t
            deal["in_force"] = (in_force | accepted) & (not spec.one_off)
            self.history[f"partial_{name}"][:, t - 1] = accepted | deal["in_force"]
        return decisions

    def record(self, t: int) -> None:
        self.months_without_progress = np.where(self.in_ceasefire, 0, self.months_without_progress + 1)
        h = self.history
        h["in_ceasefire"][:, t - 1] = self.in_ceasefire
        h["occupied_km2"][:, t - 1] = self.war.occupied_km2
        h["strain"][:, t - 1] = self.war.strain
        for actor, total in self.war.cumulative_casualties.items():
            h[f"casualties_{actor}"][:, t - 1] = total
