"""Offer talks when pressure looms, so that deadlines and threats against this actor slip."""

from __future__ import annotations

from typing import Annotated, Literal

from sim.scenario.rules import KIND, RuleSpec, Success, When

from .base import Outcome, Rule, register


class StallRule(RuleSpec):
    """Propose talks when pressure looms: in a month the condition holds, with probability
    ``success`` the deadlines and threats aimed at this actor slip by a month (seed 001: the Istanbul
    proposal blocked Europe's sanctions)."""

    kind: Annotated[Literal["stall"], KIND]
    when: When
    success: Success


@register
class Stall(Rule):
    """Offer talks when pressure looms, so that deadlines and threats against this actor slip."""

    spec_class = StallRule
    characteristics = {"conditional": True, "uses_deadline": False, "stochastic": True, "memory": False}
    makes_use_of = frozenset({"uniform"})

    def __init__(self, setup):
        super().__init__(setup)
        self.success = self.draw("success", self.spec.success)

    def apply(self, levels, ctx):
        stalled = self.holds(ctx) & (self.uniform(ctx, "success") < self.success)
        return Outcome(dict(levels), stalled=stalled)
