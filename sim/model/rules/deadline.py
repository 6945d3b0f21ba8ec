"""After N months without a ceasefire, change levers for good; a target's stalling buys time."""

from __future__ import annotations

from typing import Annotated, ClassVar, Literal

import numpy as np
from pydantic import Field

from sim.scenario.params import Months
from sim.scenario.rules import KIND, Imposed, RuleSpec, Shift

from .base import Outcome, Rule, change, register


class DeadlineRule(RuleSpec):
    """After ``months`` months without a ceasefire, set or shift levers for good (an ultimatum, or
    walking away). Each month ``target`` stalls successfully pushes the deadline back a month."""

    actor_fields: ClassVar[tuple[str, ...]] = ("target",)
    other_actor_fields: ClassVar[tuple[str, ...]] = ("target",)

    kind: Annotated[Literal["deadline"], KIND]
    months: Months = Field(description="Months without a ceasefire after which the change is made, for good.")
    set: Imposed = Field(default_factory=dict)
    add: Shift = Field(default_factory=dict)
    target: str | None = Field(None, description="The actor whose successful stalling pushes the deadline back "
                                                 "a month each time (default: none can).")


@register
class Deadline(Rule):
    """After N months without a ceasefire, change levers for good; a target's stalling buys time."""

    spec_class = DeadlineRule
    characteristics = {"conditional": False, "uses_deadline": True, "stochastic": False, "memory": True}
    makes_use_of = frozenset({"env", "stalled"})

    def __init__(self, setup):
        super().__init__(setup)
        self.set_values, self.add_values = self.levels("set"), self.levels("add")
        self.extension = np.zeros(self.n)
        self.passed = np.zeros(self.n, dtype=bool)

    def own_variables(self):
        return frozenset({"months_without_progress"})

    def apply(self, levels, ctx):
        if self.spec.target:
            self.extension = self.extension + (ctx.stalled[self.spec.target] & ~self.passed)
        self.passed |= ctx.env["months_without_progress"] >= self.spec.months + self.extension
        return Outcome(change(levels, self.passed, self.set_values, self.add_values))
