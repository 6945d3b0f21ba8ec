"""Climb one rung for each month the condition holds; the lever takes the rung's level."""

from __future__ import annotations

from typing import Annotated, Literal

import numpy as np
from pydantic import Field

from sim.scenario.levers import LeverName
from sim.scenario.params import PlainLeverLevel
from sim.scenario.rules import KIND, RuleSpec, When

from .base import Outcome, Rule, register


class LadderRule(RuleSpec):
    """Climb one rung of an escalation ladder for every month the condition holds; never descend."""

    kind: Annotated[Literal["ladder"], KIND]
    when: When
    lever: LeverName = Field(description="The lever the ladder sets.")
    rungs: list[PlainLeverLevel] = Field(min_length=1, max_length=100,
                                         description="The lever's level on each rung, from the first; the "
                                                     "ladder stays on the last.")


@register
class Ladder(Rule):
    """Climb one rung for each month the condition holds; the lever takes the rung's level."""

    spec_class = LadderRule
    characteristics = {"conditional": True, "uses_deadline": False, "stochastic": False, "memory": True}
    makes_use_of = frozenset()

    def __init__(self, setup):
        super().__init__(setup)
        self.rungs = np.asarray(self.spec.rungs, dtype=float)
        self.rung = np.full(self.n, -1)

    def apply(self, levels, ctx):
        self.rung = np.minimum(self.rung + self.holds(ctx), self.rungs.size - 1)
        out = dict(levels)
        climbed = self.rung >= 0
        out[self.spec.lever] = np.where(climbed, self.rungs[np.maximum(self.rung, 0)], levels[self.spec.lever])
        return Outcome(out)
