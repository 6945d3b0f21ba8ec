"""Walk away with a monthly probability min(1, h x failed rounds); once gone, gone."""

from __future__ import annotations

from typing import Annotated, Literal

import numpy as np
from pydantic import Field

from sim.scenario.params import Probability, point
from sim.scenario.rules import KIND, Imposed, RuleSpec

from .base import Outcome, Rule, change, register


class FrustrationRule(RuleSpec):
    """Walk away with a monthly probability that grows with failed rounds: ``min(1, h * failed)``."""

    kind: Annotated[Literal["frustration"], KIND]
    hazard_per_failed_round: Probability = Field(description="Monthly chance of walking away per failed round so "
                                                             "far: min(1, h x failed rounds).")
    set: Imposed = Field(default_factory=lambda: {"engagement": point(0.0)})


@register
class Frustration(Rule):
    """Walk away with a monthly probability min(1, h x failed rounds); once gone, gone."""

    spec_class = FrustrationRule
    characteristics = {"conditional": False, "uses_deadline": False, "stochastic": True, "memory": True}
    makes_use_of = frozenset({"env", "uniform"})

    def __init__(self, setup):
        super().__init__(setup)
        self.hazard = self.draw("hazard_per_failed_round", self.spec.hazard_per_failed_round)
        self.set_values = self.levels("set")
        self.gone = np.zeros(self.n, dtype=bool)

    def own_variables(self):
        return frozenset({"failed_rounds"})

    def apply(self, levels, ctx):
        p = np.minimum(1.0, self.hazard * ctx.env["failed_rounds"])
        self.gone |= self.uniform(ctx, "walk") < p
        return Outcome(change(levels, self.gone, self.set_values, {}))
