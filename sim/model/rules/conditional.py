"""If a condition held last month, set or shift levers (``while``), or ratchet a shift up."""

from __future__ import annotations

from typing import Annotated, Literal

import numpy as np
from pydantic import Field

from sim.scenario.params import MonthsFromZero
from sim.scenario.rules import KIND, Imposed, RuleSpec, Shift, When

from .base import Outcome, Rule, change, register


class ConditionalRule(RuleSpec):
    """If a condition holds, set or shift levers.

    ``mode: while`` applies the change in months the condition held last month (and ``hold`` months
    after); ``mode: ratchet`` adds the shift once for every month the condition holds, and keeps it.
    """

    kind: Annotated[Literal["conditional"], KIND]
    when: When
    set: Imposed = Field(default_factory=dict)
    add: Shift = Field(default_factory=dict)
    mode: Literal["while", "ratchet"] = Field("while", description="'while': the change holds in months the "
                                              "condition held last month; 'ratchet': the shift is added once "
                                              "for every such month, and kept.")
    hold: MonthsFromZero = Field(0, description="Months the change outlasts the condition ('while' only).")


@register
class Conditional(Rule):
    """If a condition held last month, set or shift levers (``while``), or ratchet a shift up."""

    spec_class = ConditionalRule
    characteristics = {"conditional": True, "uses_deadline": False, "stochastic": False, "memory": True}
    makes_use_of = frozenset()

    def __init__(self, setup):
        super().__init__(setup)
        self.set_values, self.add_values = self.levels("set"), self.levels("add")
        self.months_since = np.full(self.n, 10**6)
        self.latched = np.zeros(self.n, dtype=bool)
        self.accumulated = {lever: np.zeros(self.n) for lever in self.add_values}

    def apply(self, levels, ctx):
        now = self.holds(ctx)
        if self.spec.mode == "while":
            self.months_since = np.where(now, 0, self.months_since + 1)
            return Outcome(change(levels, self.months_since <= self.spec.hold, self.set_values, self.add_values))
        self.latched |= now
        for lever, delta in self.add_values.items():
            self.accumulated[lever] = self.accumulated[lever] + np.where(now, delta, 0.0)
        out = change(levels, self.latched, self.set_values, {})
        for lever, total in self.accumulated.items():
            out[lever] = out[lever] + total
        return Outcome(out)
