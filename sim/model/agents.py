"""The actors: Mesa agents whose state and decisions are numpy arrays over worlds.

Each actor holds, per world, an ideal point and saliences on every issue, red lines, patience, the
cost it bears while the war goes on, its beliefs and its pressure levers. It answers one question
each month: *is this package worth more to me than fighting on?* (:meth:`Actor.assess`).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, ClassVar

import mesa
import numpy as np

from sim.core.redlines import CompiledLine, RedLines
from sim.core.round import Assessment, Party
from sim.core.utility import normalise_weights, spatial_utility, war_value
from sim.scenario.levers import LEVERS
from sim.scenario.schema import Actor as ActorSpec

from .rules import RULES, Context, Rule, Setup

if TYPE_CHECKING:
    from .model import NegotiationModel

__all__ = ["Actor", "Assessment", "Belligerent", "Europe", "Mediator", "Russia", "Supporter", "Ukraine",
           "UnitedStates", "actor_class"]


class Actor(mesa.Agent):
    """A party to the negotiation.

    Class attributes declare what kind of party it is: ``role`` is ``belligerent``, ``supporter`` or
    ``mediator``; ``side`` is ``attacker`` or ``defender`` for belligerents.
    """

    role: ClassVar[str] = "supporter"
    side: ClassVar[str | None] = None

    def __init__(self, model: NegotiationModel, actor_id: str, spec: ActorSpec):
        super().__init__(model)
        self.actor_id = actor_id
        self.spec = spec
        self.name = spec.name
        if spec.side is not None:
            self.side = spec.side

        def draw(path: str, prior) -> np.ndarray | float:
            return model.draw(f"actors.{actor_id}.{path}", prior)

        n, issues = model.n_worlds, model.issue_names
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
            CompiledLine(issue=model.issue_index[line.issue],
                         bound=line.above if line.above is not None else line.below,
                         upper=line.above is not None, relative_to_front=line.relative_to == "front",
                         hard=line.kind == "hard", cost=draw(f"red_lines.{i}.cost", line.cost))
            for i, line in enumerate(spec.red_lines)], len(issues))
        self.controls = {model.issue_index[k] for k in spec.controls}
        self.rules: list[Rule] = [
            RULES[rule.kind](Setup(rule, actor_id, f"actors.{actor_id}.strategy.{i}", n, model.draw,
                                   model.variable_types))
            for i, rule in enumerate(spec.strategy)]
        self.lobbied: dict[str, np.ndarray] = {}   # lever shifts won by others' lobbying
        self.extra_cost = np.zeros(n)              # this month's cost from threats, utility units
        self.war_value = np.zeros(n)
        self.monthly_cost = np.zeros(n)

    # -- the monthly cycle -------------------------------------------------------------------
    def choose_levers(self, ctx: Context) -> None:
        """Pressure decisions: the scenario's levers, shifted by lobbying won, then each strategy
        rule in order; the model applies each rule's effects on others as it decides."""
        n = self.model.n_worlds
        levels = {lever: np.broadcast_to(value, (n,)).astype(float) for lever, value in self.base_levels.items()}
        for lever, shift in self.lobbied.items():
            levels[lever] = levels[lever] + shift
        for rule in self.rules:
            outcome = rule.apply(levels, ctx)
            self.model.apply_rule_effects(self.actor_id, outcome)
            levels = outcome.levels
        self.levers = {lever: np.maximum(value, 0.0) for lever, value in levels.items()}

    FIGHTING_COSTS: ClassVar[tuple[str, ...]] = ("base", "aid_gap", "strikes")
    """Costs that stop with a ceasefire; casualties (fewer), strain and threats go on."""

    def cost_components(self, fighting: bool = True) -> dict[str, np.ndarray]:
        """This month's costs by kind, utility units: of the war going on (``fighting``: the casualties
        fighting would cost, also where a ceasefire holds), or as they were (casualties as suffered)."""
        war = self.model.war
        casualties = (war.casualties_if_fighting if fighting else war.casualties).get(self.actor_id, 0.0)
        # Strikes hurt the side struck: Russia's air campaign Ukraine, Ukraine's deep strikes Russia.
        struck_by = {"defender": war.escalation, "attacker": war.deep_strikes}.get(self.side, 0.0)
        return {"base": self.cost["base"], "casualties": self.cost["per_10k_casualties"] * casualties / 1e4,
                "economic_strain": self.cost["economic_strain"] * war.strain,
                "aid_gap": self.cost["aid_gap"] * war.aid_gap, "strikes": self.cost["strikes"] * struck_by,
                "threats": self.extra_cost}

    def own_monthly_cost(self) -> np.ndarray:
        """This month's cost of the war going on, utility units (before any ceasefire)."""
        return sum(self.cost_components().values())

    def month_payoff(self, in_ceasefire: np.ndarray, position: np.ndarray) -> np.ndarray:
        """This month's payoff (N,), utility units: the utility of ``position`` (N, K), the terms in
        force, less the month's costs (those of fighting only where there is no ceasefire)."""
        cost = 0.0
        for kind, value in self.cost_components(fighting=False).items():
            cost = cost + (np.where(in_ceasefire, 0.0, value) if kind in self.FIGHTING_COSTS else value)
        return self.utility(position) - cost

    def expected_advance(self) -> np.ndarray:
        """Monthly advance (km²) this actor expects if the war goes on."""
        return self.model.war.expected_advance

    def prepare_round(self) -> None:
        """Compute this month's value of fighting on, which every package is compared with."""
        model = self.model
        self.monthly_cost = np.broadcast_to(self.own_monthly_cost(), (model.n_worlds,))
        horizon = model.planning_horizon
        status_quo_now = model.status_quo()
        later_front = model.war.front + horizon * self.expected_advance() / model.territory_scale
        status_quo_later = model.status_quo(front=np.minimum(later_front, 1.0))
        self.war_value = war_value(
            u_war_now=self.utility(status_quo_now), monthly_cost=self.monthly_cost,
            u_stalemate=self.utility(status_quo_later), u_victory=self.utility(self.victory_terms(status_quo_now)),
            p_victory=self.victory_belief, patience=self.patience, horizon=horizon)

    def victory_terms(self, status_quo: np.ndarray) -> np.ndarray:
        """What a decisive victory would give it (N, K): its ideal on every issue force can settle,
        the status quo on those a third party controls (sanctions relief, guarantees)."""
        return np.where(self.model.third_party_issues, status_quo, self.ideal)

    def update_beliefs(self) -> None:
        """Learn from this month's fighting (belligerents only; see :class:`Belligerent`)."""

    # -- evaluating a package ----------------------------------------------------------------
    def utility(self, x: np.ndarray) -> np.ndarray:
        return spatial_utility(x, self.ideal, self.weights)

    def offer_lines(self) -> list[tuple[int, np.ndarray | float, bool]]:
        """Bounds this actor's current offers put on terms it controls: (issue, bound, is_upper).

        ``relief_offer`` caps sanctions relief; ``troop_offer`` is how far it goes on guarantees
        and troops (terms down to ``1 - troop_offer``)."""
        lines = []
        relief = self.model.issue_role.get("sanctions_relief")
        guarantees = self.model.issue_role.get("guarantees")
        if relief in self.controls:
            lines.append((relief, self.levers["relief_offer"], True))
        if guarantees in self.controls:
            lines.append((guarantees, 1.0 - self.levers["troop_offer"], False))
        return lines

    def party(self) -> Party:
        """This actor as it enters this month's round (see :mod:`sim.core.round`)."""
        return Party(actor_id=self.actor_id, belligerent=self.role == "belligerent", ideal=self.ideal,
                     weights=self.weights, war_value=self.war_value, breach_fear=self.breach_fear,
                     guarantee_effect=self.guarantee_effect, sucker_loss=self.sucker_loss,
                     red_lines=self.red_lines, offers=self.offer_lines(), controls=frozenset(self.controls),
                     blame_cost=self.blame_cost, noise_sd=self.noise_sd,
                     bargaining_power=self.bargaining_power,
                     guarantees=self.model.issue_role.get("guarantees"), resume_risk=self.model.resume_risk,
                     power_issues=self.model.power_issues, power_shift_effect=self.power_shift_effect,
                     power_sign={"defender": 1.0, "attacker": -1.0}.get(self.side, 0.0))

    def assess(self, x: np.ndarray, settled: np.ndarray, noise: np.ndarray | None = None,
               leverage: np.ndarray | float = 0.0) -> Assessment:
        """Evaluate package ``x`` (..., N, K) at the current front (see :meth:`Party.assess`)."""
        return self.party().assess(x, settled, self.model.war.front, noise=noise, leverage=leverage)

    def has_veto(self, x: np.ndarray, settled: np.ndarray) -> np.ndarray | bool:
        """Whether its answer counts for package ``x`` (see :meth:`Party.has_veto`)."""
        return self.party().has_veto(x, settled, self.model.status_quo())


class Belligerent(Actor):
    """A party that fights: it must accept any ceasefire, and it learns from the battlefield."""

    role = "belligerent"

    def expected_advance(self) -> np.ndarray:
        # Under its hopeful hypothesis the front moves faster (attacker) or slower (defender).
        war = self.model.war
        factor = war.breakthrough_factor if self.side == "attacker" else 1.0 / war.breakthrough_factor
        v = self.victory_belief
        return war.expected_advance * ((1.0 - v) + v * factor)

    def update_beliefs(self) -> None:
        """Bayes' rule on the hypothesis "fighting on brings my decisive victory".

        Under the hypothesis, the median monthly advance is the expected one times the breakthrough
        factor (attacker) or divided by it (defender); otherwise it is the expected one. The
        observed log advance has standard deviation ``advance_volatility``. ``learning_rate`` in
        (0, 1] tempers the likelihood ratio (how much a month of fighting is taken to reveal).
        Months under a ceasefire reveal nothing.
        """
        war = self.model.war
        fighting = ~self.model.in_ceasefire
        shift = np.log(war.breakthrough_factor) * (1.0 if self.side == "attacker" else -1.0)
        residual = war.log_advance_residual  # log(observed) - log(expected median)
        sigma2 = war.advance_volatility ** 2
        log_lr = ((residual ** 2) - (residual - shift) ** 2) / (2.0 * sigma2)
        log_lr *= self.learning_rate
        v = np.clip(self.victory_belief, 1e-12, 1 - 1e-12)
        log_odds = np.log(v) - np.log1p(-v) + np.where(fighting, log_lr, 0.0)
        self.victory_belief = np.where(self.victory_belief > 0, 1.0 / (1.0 + np.exp(-log_odds)), 0.0)


class Supporter(Actor):
    """A party that supplies or sanctions: it controls some terms (sanctions relief, guarantees)."""

    role = "supporter"


class Mediator(Supporter):
    """A third party that only proposes (for example Turkey); added by YAML, no code needed."""

    role = "mediator"


class Russia(Belligerent):
    """The attacker."""

    side = "attacker"


class Ukraine(Belligerent):
    """The defender."""

    side = "defender"


class UnitedStates(Supporter):
    """The United States: supporter and mediator."""


class Europe(Supporter):
    """Europe: supporter, sanctioner, provider of guarantees."""


NAMED_ACTORS: dict[str, type[Actor]] = {"russia": Russia, "ukraine": Ukraine, "us": UnitedStates,
                                         "europe": Europe}


def actor_class(actor_id: str, spec: ActorSpec) -> type[Actor]:
    """The class for an actor: a named one if the id is known and the role fits, else by role."""
    named = NAMED_ACTORS.get(actor_id)
    if named is not None and named.role == spec.role and (named.side is None or named.side == spec.side):
        return named
    if spec.role == "belligerent":
        return Belligerent
    return Mediator if spec.role == "mediator" else Supporter
