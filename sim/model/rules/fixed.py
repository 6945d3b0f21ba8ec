"""Set levers to fixed levels, every month."""

from __future__ import annotations

from typing import Annotated, Literal

import numpy as np

from sim.scenario.rules import KIND, Imposed, RuleSpec

from .base import Outcome, Rule, change, register


class FixedRule(RuleSpec):
    """Set levers to fixed levels (overrides ``levers:``)."""

    kind: Annotated[Literal["fixed"], KIND]
    set: Imposed


@register
class Fixed(Rule):
    """Set levers to fixed levels, every month."""

    spec_class = FixedRule
    characteristics = {"conditional": False, "uses_deadline": False, "stochastic": False, "memory": False}
    makes_use_of = frozenset()

    def __init__(self, setup):
        super().__init__(setup)
        self.values = self.levels("set")

    def apply(self, levels, ctx):
        return Outcome(change(levels, np.ones(self.n, dtype=bool), self.values, {}))
