"""The strategy library: small rules that move an actor's levers, month by month, per world.

Each rule declares its ``characteristics`` (as strategies do in the Axelrod library) and keeps its
own state as arrays over worlds (a latch, a rung, a credibility). Rules act on the state of the
month before, so the order in which actors decide does not matter.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, ClassVar

import numpy as np

from sim.scenario import strategy_specs as specs

from .base import Strategy
from .expressions import compile_expression

if TYPE_CHECKING:
    from sim.model.agents import Actor

Levels = dict[str, np.ndarray]


class Rule(Strategy):
    """A rule built from its scenario spec; ``path`` is its key path, used to name random streams."""

    spec_class: ClassVar[type] = object

    def __init__(self, spec, actor: Actor, path: str):
        self.spec = spec
        self.actor = actor
        self.model = actor.model
        self.path = path
        self.n = self.model.n_worlds
        self.condition = (compile_expression(spec.when, self.model.variable_names)
                          if getattr(spec, "when", None) else None)

    def draw(self, name: str, prior) -> np.ndarray | float:
        return self.model.draw(f"{self.path}.{name}", prior)

    def levels(self, attr: str) -> dict[str, np.ndarray | float]:
        return {lever: self.draw(f"{attr}.{lever}", prior) for lever, prior in getattr(self.spec, attr).items()}

    def holds(self, env: dict) -> np.ndarray:
        return np.broadcast_to(np.asarray(self.condition.evaluate(env), dtype=bool), (self.n,))

    def uniform(self, name: str) -> np.ndarray:
        """This month's U[0, 1) draw per world for this rule."""
        return self.model.streams.monthly_uniform(f"{self.path}:{name}")[:, self.model.month - 1]

    def apply(self, levels: Levels, env: dict) -> Levels:
        raise NotImplementedError


def change(levels: Levels, mask: np.ndarray, set_: dict, add: dict) -> Levels:
    """Levels with ``set_`` imposed and ``add`` added where ``mask`` is true."""
    out = dict(levels)
    for lever, value in set_.items():
        out[lever] = np.where(mask, value, out[lever])
    for lever, delta in add.items():
        out[lever] = out[lever] + np.where(mask, delta, 0.0)
    return out


class Fixed(Rule):
    """Set levers to fixed levels, every month."""

    name = "fixed"
    characteristics = {"conditional": False, "uses_deadline": False, "stochastic": False,
                       "memory": False}

    def __init__(self, spec, actor, path):
        super().__init__(spec, actor, path)
        self.values = self.levels("set")

    def apply(self, levels, env):
        return change(levels, np.ones(self.n, dtype=bool), self.values, {})


class Conditional(Rule):
    """If a condition held last month, set or shift levers (``while``), or ratchet a shift up."""

    name = "conditional"
    characteristics = {"conditional": True, "uses_deadline": False, "stochastic": False, "memory": True}

    def __init__(self, spec, actor, path):
        super().__init__(spec, actor, path)
        self.set_values, self.add_values = self.levels("set"), self.levels("add")
        self.months_since = np.full(self.n, 10**6)
        self.latched = np.zeros(self.n, dtype=bool)
        self.accumulated = {lever: np.zeros(self.n) for lever in self.add_values}

    def apply(self, levels, env):
        now = self.holds(env)
        if self.spec.mode == "while":
            self.months_since = np.where(now, 0, self.months_since + 1)
            return change(levels, self.months_since <= self.spec.hold, self.set_values, self.add_values)
        self.latched |= now
        for lever, delta in self.add_values.items():
            self.accumulated[lever] = self.accumulated[lever] + np.where(now, delta, 0.0)
        out = change(levels, self.latched, self.set_values, {})
        for lever, total in self.accumulated.items():
            out[lever] = out[lever] + total
        return out


class Deadline(Rule):
    """After N months without a ceasefire, change levers for good; a target's stalling buys time."""

    name = "deadline"
    characteristics = {"conditional": False, "uses_deadline": True, "stochastic": False, "memory": True}

    def __init__(self, spec, actor, path):
        super().__init__(spec, actor, path)
        self.set_values, self.add_values = self.levels("set"), self.levels("add")
        self.extension = np.zeros(self.n)
        self.passed = np.zeros(self.n, dtype=bool)

    def apply(self, levels, env):
        if self.spec.target:
            self.extension = self.extension + (self.model.stalled[self.spec.target] & ~self.passed)
        self.passed |= env["months_without_progress"] >= self.spec.months + self.extension
        return change(levels, self.passed, self.set_values, self.add_values)


class Frustration(Rule):
    """Walk away with a monthly probability min(1, h x failed rounds); once gone, gone."""

    name = "frustration"
    characteristics = {"conditional": True, "uses_deadline": False, "stochastic": True, "memory": True}

    def __init__(self, spec, actor, path):
        super().__init__(spec, actor, path)
        self.hazard = self.draw("hazard_per_failed_round", spec.hazard_per_failed_round)
        self.set_values = self.levels("set")
        self.gone = np.zeros(self.n, dtype=bool)

    def apply(self, levels, env):
        p = np.minimum(1.0, self.hazard * env["failed_rounds"])
        self.gone |= self.uniform("walk") < p
        return change(levels, self.gone, self.set_values, {})


class Ladder(Rule):
    """Climb one rung for each month the condition holds; the lever takes the rung's level."""

    name = "ladder"
    characteristics = {"conditional": True, "uses_deadline": False, "stochastic": False, "memory": True}

    def __init__(self, spec, actor, path):
        super().__init__(spec, actor, path)
        self.rungs = np.asarray(spec.rungs, dtype=float)
        self.rung = np.full(self.n, -1)

    def apply(self, levels, env):
        self.rung = np.minimum(self.rung + self.holds(env), self.rungs.size - 1)
        out = dict(levels)
        climbed = self.rung >= 0
        out[self.spec.lever] = np.where(climbed, self.rungs[np.maximum(self.rung, 0)], levels[self.spec.lever])
        return out


class Threat(Rule):
    """A threat with credibility: believed in proportion to its record, costly to carry out."""

    name = "threat"
    characteristics = {"conditional": True, "uses_deadline": False, "stochastic": True, "memory": True,
                       "credibility": True}

    def __init__(self, spec, actor, path):
        super().__init__(spec, actor, path)
        self.set_values, self.add_values = self.levels("set"), self.levels("add")
        self.follow_through = self.draw("follow_through", spec.follow_through)
        self.credibility = np.broadcast_to(self.draw("credibility", spec.credibility), (self.n,)).astype(float)
        self.decay = self.draw("decay", spec.decay)
        self.anticipated_cost = self.draw("anticipated_cost", spec.anticipated_cost)
        self.executor_cost = self.draw("executor_cost", spec.executor_cost)
        self.executed = np.zeros(self.n, dtype=bool)

    def apply(self, levels, env):
        target = self.model.actors[self.spec.target]
        due = self.holds(env) & ~self.executed & ~self.model.stalled[self.spec.target]
        carried_out = due & (self.uniform("follow_through") < self.follow_through)
        self.executed |= carried_out
        self.credibility = np.where(carried_out, 1.0,
                                    np.where(due, self.credibility * self.decay, self.credibility))
        # Before it is carried out the threat works only through the target's expectations.
        target.extra_cost = target.extra_cost + np.where(self.executed, 0.0,
                                                         self.credibility * self.anticipated_cost)
        self.actor.extra_cost = self.actor.extra_cost + np.where(self.executed, self.executor_cost, 0.0)
        pending = self.model.threat_pending_next.setdefault(self.spec.target, np.zeros(self.n, dtype=bool))
        pending |= ~self.executed & (self.credibility > 0.05)
        return change(levels, self.executed, self.set_values, self.add_values)


class Substitute(Rule):
    """Cover another actor's cut in aid, ramping up at most ``rate`` a month, up to ``ceiling``."""

    name = "substitute"
    characteristics = {"conditional": True, "uses_deadline": False, "stochastic": False, "memory": True}

    def __init__(self, spec, actor, path):
        super().__init__(spec, actor, path)
        self.rate = self.draw("rate", spec.rate)
        self.ceiling = self.draw("ceiling", spec.ceiling)
        self.extra = {lever: np.zeros(self.n) for lever in spec.levers}

    def apply(self, levels, env):
        other = self.model.actors[self.spec.for_actor]
        share_ratio = other.spec.support.aid_share / max(self.actor.spec.support.aid_share, 1e-9)
        out = dict(levels)
        for lever in self.spec.levers:
            base = other.strategy.levels[lever]
            gap = np.maximum(0.0, base - env[f"{self.spec.for_actor}_{lever}"])
            wanted = gap * (1.0 if lever == "intelligence" else share_ratio)
            step = np.clip(wanted - self.extra[lever], -self.rate, self.rate)
            self.extra[lever] = self.extra[lever] + step
            out[lever] = np.minimum(levels[lever] + self.extra[lever],
                                    np.maximum(levels[lever], self.ceiling))
        return out


class Stall(Rule):
    """Offer talks when pressure looms, so that deadlines and threats against this actor slip."""

    name = "stall"
    characteristics = {"conditional": True, "uses_deadline": False, "stochastic": True, "memory": False}

    def __init__(self, spec, actor, path):
        super().__init__(spec, actor, path)
        self.success = self.draw("success", spec.success)

    def apply(self, levels, env):
        stalled = self.holds(env) & (self.uniform("success") < self.success)
        self.model.stalled_next[self.actor.actor_id] |= stalled
        return levels


class Lobby(Rule):
    """Persuade another actor to raise its levers (from next month on), at most three times."""

    name = "lobby"
    characteristics = {"conditional": True, "uses_deadline": False, "stochastic": True, "memory": True}
    max_successes = 3

    def __init__(self, spec, actor, path):
        super().__init__(spec, actor, path)
        self.add_values = self.levels("add")
        self.success = self.draw("success", spec.success)
        self.successes = np.zeros(self.n, dtype=int)

    def apply(self, levels, env):
        won = (self.holds(env) & (self.uniform("success") < self.success)
               & (self.successes < self.max_successes))
        self.successes += won
        target = self.model.actors[self.spec.target]
        for lever, delta in self.add_values.items():
            target.lobbied[lever] = target.lobbied.get(lever, 0.0) + np.where(won, delta, 0.0)
        return levels


RULES: dict[str, type[Rule]] = {cls.name: cls for cls in
                                (Fixed, Conditional, Deadline, Frustration, Ladder, Threat, Substitute,
                                 Stall, Lobby)}
"""Rule classes by the ``kind`` a scenario file gives."""

SPECS = {"fixed": specs.FixedRule, "conditional": specs.ConditionalRule, "deadline": specs.DeadlineRule,
         "frustration": specs.FrustrationRule, "ladder": specs.LadderRule, "threat": specs.ThreatRule,
         "substitute": specs.SubstituteRule, "stall": specs.StallRule, "lobby": specs.LobbyRule}


def build_rules(actor: Actor) -> list[Rule]:
    """The rules of ``actor``'s ``strategy:`` list, in order."""
    return [RULES[rule.kind](rule, actor, f"actors.{actor.actor_id}.strategy.{i}")
            for i, rule in enumerate(actor.spec.strategy)]
