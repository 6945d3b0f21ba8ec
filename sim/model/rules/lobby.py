"""Persuade another actor to raise its levers, at most three times."""

from __future__ import annotations

from typing import Annotated, ClassVar, Literal

import numpy as np

from sim.scenario.rules import KIND, RuleSpec, Shift, Success, TargetActor, When

from .base import Outcome, Rule, register


class LobbyRule(RuleSpec):
    """Lobby another actor: in a month the condition holds, with probability ``success``, shift the
    target's levers by ``add`` from then on (seed 001: Zelenskyy and the European leaders). The
    shift applies from the target's next decision: this month if the target decides after the
    lobbyist in the scenario's actor order, else next month."""

    actor_fields: ClassVar[tuple[str, ...]] = ("target",)
    other_actor_fields: ClassVar[tuple[str, ...]] = ("target",)

    kind: Annotated[Literal["lobby"], KIND]
    target: TargetActor
    when: When
    add: Shift
    success: Success


@register
class Lobby(Rule):
    """Persuade another actor to raise its levers, at most three times."""

    spec_class = LobbyRule
    characteristics = {"conditional": True, "uses_deadline": False, "stochastic": True, "memory": True}
    makes_use_of = frozenset({"uniform"})
    max_successes = 3

    def __init__(self, setup):
        super().__init__(setup)
        self.add_values = self.levels("add")
        self.success = self.draw("success", self.spec.success)
        self.successes = np.zeros(self.n, dtype=int)

    def apply(self, levels, ctx):
        won = (self.holds(ctx) & (self.uniform(ctx, "success") < self.success)
               & (self.successes < self.max_successes))
        self.successes += won
        shifts = {lever: np.where(won, delta, 0.0) for lever, delta in self.add_values.items()}
        return Outcome(dict(levels), lobbied={self.spec.target: shifts})
