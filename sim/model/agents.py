"""The actors: Mesa agents whose state and decisions are numpy arrays over worlds.

Each actor holds, per world, an ideal point and saliences on every issue, red lines, patience, the
cost it bears while the war goes on, its beliefs and its pressure levers. It answers one question
each month: *is this package worth more to me than fighting on?* (:meth:`Actor.assess`).
"""

from __future__ import annotations

from dataclasses import replace
from typing import ClassVar

import numpy as np

from sim.core.bargaining import is_zero
from sim.core.redlines import CompiledLine, RedLines
from sim.core.round import Assessment, Party
from sim.core.utility import PerWorld, normalise_weights, spatial_utility, war_value
from sim.scenario.levers import LEVERS, OFFER_LEVERS, offer_channel
from sim.scenario.schema import ActorSpec

from ._mesa import mesa
from .rules import RULES, Context, Rule, Setup
from .state import Facts, WorldState
from .streams import ParameterDraws
from .war import WarState

__all__ = ["Actor", "Assessment", "Belligerent", "Mediator", "Supporter", "actor_class"]


class Actor(mesa.Agent):
    """A party to the negotiation.

    Class attributes declare what kind of party it is: ``role`` is ``belligerent``, ``supporter`` or
    ``mediator``; ``side`` is ``attacker`` or ``defender`` for belligerents (from the scenario).

    An actor keeps its own parameters (drawn per world at set-up), levers, beliefs and this month's
    value of fighting on; what it shares with the others (the war, the agreement in force, threats
    against it) it reads from the :class:`~sim.model.state.WorldState` it is given. It never reads
    the Mesa model.
    """

    role: ClassVar[str] = "supporter"
    side: str | None = None

    def __init__(self, model: mesa.Model, actor_id: str, spec: ActorSpec, facts: Facts, draw_path: ParameterDraws):
        super().__init__(model)
        self.actor_id = actor_id
        self.spec = spec
        self.name = spec.name
        if spec.side is not None:
            self.side = spec.side

        def draw(path: str, prior) -> np.ndarray | float:
            return draw_path(f"actors.{actor_id}.{path}", prior)

        n, issues = facts.n_worlds, facts.issue_names
        self.n_worlds = n
        self.ideal = np.stack([np.broadcast_to(draw(f"ideal.{k}", spec.ideal[k]), (n,))
                               for k in issues], axis=-1)
        salience = np.stack([np.broadcast_to(draw(f"salience.{k}", spec.salience[k]), (n,))
                             if k in spec.salience else np.zeros(n) for k in issues], axis=-1)
        self.weights = normalise_weights(salience)
        self.patience = draw("patience", spec.patience)
        self.cost = {name: draw(f"cost_of_war.{name}", prior)
                     for name, prior in spec.cost_of_war}
        self.victory_belief = np.broadcast_to(draw("beliefs.victory", spec.beliefs.victory), (n,)).copy()
        self.learning_rate = draw("beliefs.learning_rate", spec.beliefs.learning_rate)
        self.refusal_signal = draw("beliefs.refusal_signal", spec.beliefs.refusal_signal)
        self.opponent = next((other for other in facts.belligerents if other != actor_id), None)
        self.breach_fear = draw("commitment.breach_fear", spec.commitment.breach_fear)
        self.guarantee_effect = draw("commitment.guarantee_effect", spec.commitment.guarantee_effect)
        self.sucker_loss = draw("commitment.sucker_loss", spec.commitment.sucker_loss)
        self.breach_hazard = draw("commitment.breach_hazard", spec.commitment.breach_hazard)
        self.renege_cost = draw("commitment.renege_cost", spec.commitment.renege_cost)
        self.power_shift_effect = draw("commitment.power_shift_effect", spec.commitment.power_shift_effect)
        self.bargaining_power = draw("bargaining_power", spec.bargaining_power)
        self.noise_sd = draw("acceptance_noise", spec.acceptance_noise)
        self.blame_cost = draw("blame_cost", spec.blame_cost)
        self.mediation_leverage = draw("mediation_leverage", spec.mediation_leverage)
        self.base_levels: dict[str, np.ndarray | float] = {
            lever: draw(f"levers.{lever}", getattr(spec.levers, lever)) for lever in LEVERS}
        self.levers: dict[str, np.ndarray | float] = dict(self.base_levels)  # until month 1 decides
        self.red_lines = RedLines([
            CompiledLine(issue=facts.issue_index[line.issue],
                         bound=line.bound,
                         upper=line.above is not None, relative_to_front=line.relative_to is not None,
                         hard=line.kind == "hard", cost=draw(f"red_lines.{i}.cost", line.cost),
                         ramp=0.0 if line.ramp is None else line.ramp)
            for i, line in enumerate(spec.red_lines)], len(issues))
        # Lines measured from the Donbas point move with Ukraine's remaining Donbas area, month by month;
        # one with an escalation becomes its raised demand, in the worlds drawn to raise it, once the
        # Donbas is taken.
        self.donbas_lines = tuple(i for i, line in enumerate(spec.red_lines) if line.relative_to == "donbas")
        self.valued_lines = tuple(i for i in self.donbas_lines if spec.red_lines[i].valued_at_war)
        self.escalations: dict[int, tuple[float, np.ndarray]] = {}
        for i in self.donbas_lines:
            escalation = spec.red_lines[i].escalation
            if escalation is not None:
                p = draw(f"red_lines.{i}.escalation.probability", escalation.probability)
                raises = draw_path.streams.uniform(f"escalates:actors.{actor_id}.red_lines.{i}") < p
                self.escalations[i] = (escalation.below, np.broadcast_to(raises, (n,)))
        self.controls = {facts.issue_index[k] for k in spec.controls}
        self.rules: list[Rule] = [
            RULES[rule.kind](Setup(rule, actor_id, f"actors.{actor_id}.strategy.{i}", n, draw_path,
                                   facts.variable_types))
            for i, rule in enumerate(spec.strategy)]
        self.war_value = np.zeros(n)
        self.monthly_cost = np.zeros(n)
        self._victory_utility: np.ndarray | None = None

    # -- the monthly cycle -------------------------------------------------------------------
    def choose_levers(self, ctx: Context, state: WorldState) -> None:
        """Pressure decisions: the scenario's levers, shifted by lobbying won, then each strategy
        rule in order; each rule's effects on others are carried out in ``state`` as it decides."""
        n = self.n_worlds
        levels = {lever: _fresh(value, n) for lever, value in self.base_levels.items()}
        for lever, shift in state.lobbied[self.actor_id].items():
            levels[lever] = levels[lever] + shift
        for rule in self.rules:
            outcome = rule.apply(levels, ctx)
            state.apply_rule_effects(self.actor_id, outcome)
            levels = outcome.levels
        self.levers = {lever: np.maximum(value, 0.0) for lever, value in levels.items()}

    FIGHTING_COSTS: ClassVar[tuple[str, ...]] = ("base", "aid_gap", "strikes")
    """Costs that stop with a ceasefire; casualties (fewer), strain and threats go on."""

    def cost_components(self, state: WorldState, fighting: bool = True) -> dict[str, PerWorld]:
        """This month's costs by kind, utility units: of the war going on (``fighting``: the casualties
        fighting would cost, also where a ceasefire holds), or as they were (casualties as suffered)."""
        war = state.war
        casualties = (war.casualties_if_fighting if fighting else war.casualties).get(self.actor_id, 0.0)
        # Strikes hurt the side struck: Russia's air campaign Ukraine, Ukraine's deep strikes Russia.
        struck_by = {"defender": war.escalation, "attacker": war.deep_strikes}.get(self.side or "", 0.0)
        return {"base": self.cost["base"], "casualties": self.cost["per_10k_casualties"] * casualties / 1e4,
                "economic_strain": self.cost["economic_strain"] * war.strain,
                "aid_gap": self.cost["aid_gap"] * war.aid_gap, "strikes": self.cost["strikes"] * struck_by,
                "threats": state.threat_cost[self.actor_id]}

    def own_monthly_cost(self, state: WorldState) -> PerWorld:
        """This month's cost of the war going on, utility units (before any ceasefire)."""
        return sum(self.cost_components(state).values(), 0.0)

    def month_payoff(self, state: WorldState, position: np.ndarray) -> np.ndarray:
        """This month's payoff (N,), utility units: the utility of ``position`` (N, K), the terms in
        force, less the month's costs (those of fighting only where there is no ceasefire)."""
        cost: PerWorld = 0.0
        for kind, value in self.cost_components(state, fighting=False).items():
            cost = cost + (np.where(state.in_ceasefire, 0.0, value) if kind in self.FIGHTING_COSTS else value)
        return self.utility(position) - cost

    def expected_advance(self, war: WarState) -> np.ndarray:
        """Monthly advance (km²) this actor expects if the war goes on."""
        return war.expected_advance

    def prepare_round(self, state: WorldState) -> None:
        """Compute this month's value of fighting on, which every package is compared with."""
        facts = state.facts
        self.monthly_cost = np.broadcast_to(self.own_monthly_cost(state), (facts.n_worlds,))
        horizon = facts.planning_horizon
        status_quo_now = state.status_quo()
        war = state.war
        expected = self.expected_advance(war)
        later_front = np.minimum(war.front + horizon * expected / facts.territory_scale, 1.0)
        status_quo_later = state.status_quo(front=later_front)
        u_now, u_later = self.utility(status_quo_now), self.utility(status_quo_later)
        if self.valued_lines:   # the Donbas fighting is expected to take counts in the value of war
            held_later = np.maximum(0.0, war.donbas_held_km2 - war.donbas_share * horizon * expected)
            u_now = u_now - self.place_cost(war, war.donbas_held_km2, status_quo_now, war.front)
            u_later = u_later - self.place_cost(war, held_later, status_quo_later, later_front)
        self.war_value = war_value(
            u_war_now=u_now, monthly_cost=self.monthly_cost,
            u_stalemate=u_later,
            u_victory=self.victory_utility(facts, status_quo_now),
            p_victory=self.victory_belief, patience=self.patience, horizon=horizon)

    def victory_utility(self, facts: Facts, status_quo: np.ndarray) -> np.ndarray:
        """The utility (N,) of its decisive victory (:meth:`victory_terms`) with the status quo
        ``status_quo`` (N, K). The terms of a victory take the status quo only on the issues a third
        party controls, which stays where it started unless a third party controls the territory;
        so, as its ideal points and weights are fixed for the run, the number is computed once."""
        territory = facts.issue_role.get("territory")
        if territory is not None and facts.third_party_issues[territory]:   # victory terms move with the front
            return self.utility(self.victory_terms(facts, status_quo))
        if self._victory_utility is None:
            self._victory_utility = self.utility(self.victory_terms(facts, status_quo))
        return self._victory_utility

    def victory_terms(self, facts: Facts, status_quo: np.ndarray) -> np.ndarray:
        """What a decisive victory would give it (N, K): its ideal on every issue force can settle,
        the status quo on those a third party controls (sanctions relief, guarantees)."""
        return np.where(facts.third_party_issues, status_quo, self.ideal)

    def update_beliefs(self, state: WorldState) -> None:
        """Learn from this month's fighting (belligerents only; see :class:`Belligerent`)."""

    # -- evaluating a package ----------------------------------------------------------------
    def utility(self, x: np.ndarray) -> np.ndarray:
        return spatial_utility(x, self.ideal, self.weights)

    def offer_lines(self, facts: Facts) -> list[tuple[int, np.ndarray | float, bool]]:
        """Bounds this actor's current offers put on terms it controls: (issue, bound, is_upper).

        Each offer lever bounds the issue of its channel (:data:`~sim.scenario.levers.CHANNELS`):
        ``relief_offer`` caps sanctions relief; ``troop_offer`` is how far it goes on guarantees
        and troops (terms down to ``1 - troop_offer``)."""
        lines = []
        for lever in OFFER_LEVERS:
            channel = offer_channel(lever)
            issue = facts.issue_role.get(channel.issue_role or "")
            if issue is not None and issue in self.controls:
                lines.append((issue, self.levers[lever] if channel.caps else 1.0 - self.levers[lever], channel.caps))
        return lines

    def place_cost(self, war: WarState, held_km2: np.ndarray, position: np.ndarray, front: np.ndarray) -> np.ndarray:
        """What the lines on a valued place (``valued_at_war``) cost at ``position`` (N, K), the line of
        contact at ``front``, with Ukraine holding ``held_km2`` of the Donbas: the same cost a deal
        leaving Ukraine that much would carry."""
        lines = [replace(self.red_lines.lines[i], bound=self.red_lines.lines[i].bound + held_km2 / war.scale_km2)
                 for i in self.valued_lines]
        return RedLines(lines, self.red_lines.n_issues).audience_cost(position, np.ones(position.shape[-1], bool), front)

    def red_lines_now(self, war: WarState) -> RedLines:
        """Its red lines this month: a line measured from the Donbas point (``relative_to: donbas``) is
        measured from the front plus Ukraine's remaining Donbas area, so land taken elsewhere does not
        meet a demand for the Donbas; with an ``escalation``, once the Donbas is taken the demand is the
        raised one in the worlds drawn to raise it."""
        if not self.donbas_lines:
            return self.red_lines
        lines = list(self.red_lines.lines)
        for i in self.donbas_lines:
            bound = lines[i].bound + war.donbas_left
            if i in self.escalations:   # the raised demand, an absolute point, measured from the front
                raised, raises = self.escalations[i]
                bound = np.where(raises & (war.donbas_held_km2 <= 0.0), raised - war.front, bound)
            lines[i] = replace(lines[i], bound=bound)
        return RedLines(lines, self.red_lines.n_issues)

    def party(self, state: WorldState) -> Party:
        """This actor as it enters this month's round (see :mod:`sim.core.round`)."""
        facts = state.facts
        return Party(actor_id=self.actor_id, belligerent=self.role == "belligerent", ideal=self.ideal,
                     weights=self.weights, war_value=self.war_value, breach_fear=self.breach_fear,
                     guarantee_effect=self.guarantee_effect, sucker_loss=self.sucker_loss,
                     red_lines=self.red_lines_now(state.war), offers=self.offer_lines(facts),
                     controls=frozenset(self.controls),
                     blame_cost=self.blame_cost, noise_sd=self.noise_sd,
                     bargaining_power=self.bargaining_power,
                     guarantees=facts.issue_role.get("guarantees"), resume_risk=facts.resume_risk,
                     power_issues=facts.power_issues, power_shift_effect=self.power_shift_effect,
                     power_sign={"defender": 1.0, "attacker": -1.0}.get(self.side or "", 0.0))

    def assess(self, state: WorldState, x: np.ndarray, settled: np.ndarray, noise: np.ndarray | None = None,
               leverage: np.ndarray | float = 0.0) -> Assessment:
        """Evaluate package ``x`` (..., N, K) at the current front (see :meth:`Party.assess`)."""
        return self.party(state).assess(x, settled, state.war.front, noise=noise, leverage=leverage)

    def has_veto(self, state: WorldState, x: np.ndarray, settled: np.ndarray) -> np.ndarray | bool:
        """Whether its answer counts for package ``x`` (see :meth:`Party.has_veto`)."""
        return self.party(state).has_veto(x, settled, state.status_quo())


class Belligerent(Actor):
    """A party that fights: it must accept any ceasefire, and it learns from the battlefield."""

    role = "belligerent"

    def expected_advance(self, war: WarState) -> np.ndarray:
        # Under its hopeful hypothesis the front moves faster (attacker) or slower (defender).
        factor = war.breakthrough_factor if self.side == "attacker" else 1.0 / war.breakthrough_factor
        v = self.victory_belief
        return war.expected_advance * ((1.0 - v) + v * factor)

    def update_beliefs(self, state: WorldState) -> None:
        """Bayes' rule on the hypothesis "fighting on brings my decisive victory", from the battlefield
        and, with ``refusal_signal``, from the other side's refusals.

        Under the hypothesis, the median monthly advance is the expected one times the breakthrough
        factor (attacker) or divided by it (defender); otherwise it is the expected one. The
        observed log advance has standard deviation ``advance_volatility``. ``learning_rate`` in
        (0, 1] tempers the likelihood ratio (how much a month of fighting is taken to reveal). The
        observed advance is that of the world's true balance of power (``true_advance_shift``), so a
        belief rises where the truth lies toward the believer's hypothesis and falls where it does not:
        fighting reveals the balance and beliefs converge on it (Slantchev 2003).
        Months under a ceasefire reveal nothing.
        """
        war = state.war
        fighting = ~state.in_ceasefire
        shift = np.log(war.breakthrough_factor) * (1.0 if self.side == "attacker" else -1.0)
        residual = war.log_advance_residual  # log(observed) - log(expected median)
        sigma2 = war.advance_volatility ** 2
        log_lr = ((residual ** 2) - (residual - shift) ** 2) / (2.0 * sigma2)
        log_lr *= self.learning_rate
        v = np.clip(self.victory_belief, 1e-12, 1 - 1e-12)
        log_odds = np.log(v) - np.log1p(-v) + np.where(fighting, log_lr, 0.0)
        refused = self.opponent_refused(state)
        if refused is not None:
            log_odds = log_odds - self.refusal_signal * refused
        self.victory_belief = np.where(self.victory_belief > 0, 1.0 / (1.0 + np.exp(-log_odds)), 0.0)

    def opponent_refused(self, state: WorldState) -> np.ndarray | None:
        """Where the other belligerent refused this month's package (N,) bool, if refusals signal
        anything to this one (``beliefs.refusal_signal`` not 0); else None."""
        record = state.last_round
        if (is_zero(self.refusal_signal) or self.opponent is None or record is None
                or self.opponent not in record.assessments):
            return None
        asked, accepted = record.answers(self.opponent)
        return asked & ~accepted


class Supporter(Actor):
    """A party that supplies or sanctions: it controls some terms (sanctions relief, guarantees)."""

    role = "supporter"


class Mediator(Supporter):
    """A third party that only proposes (for example Turkey); added by YAML, no code needed."""

    role = "mediator"


def _fresh(value: np.ndarray | float, n: int) -> np.ndarray:
    """A new float array (n,) holding ``value`` (a number, or one per world): what
    ``np.broadcast_to(value, (n,)).astype(float)`` gives, without its Python-level cost (a month asks
    for it once per lever and actor)."""
    out = np.empty(n)
    out[...] = value
    return out


def actor_class(spec: ActorSpec) -> type[Actor]:
    """The class for an actor, by its role (its side comes from the scenario)."""
    return {"belligerent": Belligerent, "mediator": Mediator}.get(spec.role, Supporter)
