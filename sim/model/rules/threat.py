"""A threat with credibility: believed in proportion to its record, costly to carry out."""

from __future__ import annotations

from typing import Annotated, ClassVar, Literal

import numpy as np
from pydantic import Field

from sim.scenario.params import NonNegative, Probability, point
from sim.scenario.rules import KIND, Imposed, RuleSpec, Shift, TargetActor, When

from .base import Outcome, Rule, change, register


class ThreatRule(RuleSpec):
    """A threat against ``target``: when ``when`` holds, carry it out with probability
    ``follow_through``. Until then the target expects ``anticipated_cost`` a month times its belief
    that the threat is real (``credibility``); each time the threat is due and not carried out that
    belief is multiplied by ``decay``. Carrying it out costs the threatener ``executor_cost`` a month."""

    actor_fields: ClassVar[tuple[str, ...]] = ("target",)
    other_actor_fields: ClassVar[tuple[str, ...]] = ("target",)

    kind: Annotated[Literal["threat"], KIND]
    target: TargetActor
    when: When
    set: Imposed = Field(default_factory=dict)
    add: Shift = Field(default_factory=dict)
    follow_through: Probability = Field(description="Chance the threat is carried out when its condition holds.")
    credibility: Probability = Field(description="The target's initial belief that the threat is real.")
    decay: Probability = Field(default_factory=lambda: point(0.5),
                               description="Factor on that belief each time the threat is due and not carried out.")
    anticipated_cost: NonNegative = Field(description="What the target expects the threat to cost it a month "
                                                      "(utility), times its belief that it is real.")
    executor_cost: NonNegative = Field(default_factory=lambda: point(0.0),
                                       description="What carrying the threat out costs the threatener a month "
                                                   "(utility).")


@register
class Threat(Rule):
    """A threat with credibility: believed in proportion to its record, costly to carry out."""

    spec_class = ThreatRule
    characteristics = {"conditional": True, "uses_deadline": False, "stochastic": True, "memory": True}
    makes_use_of = frozenset({"stalled", "uniform"})

    def __init__(self, setup):
        super().__init__(setup)
        spec = self.spec
        self.set_values, self.add_values = self.levels("set"), self.levels("add")
        self.follow_through = self.draw("follow_through", spec.follow_through)
        self.credibility = np.broadcast_to(self.draw("credibility", spec.credibility), (self.n,)).astype(float)
        self.decay = self.draw("decay", spec.decay)
        self.anticipated_cost = self.draw("anticipated_cost", spec.anticipated_cost)
        self.executor_cost = self.draw("executor_cost", spec.executor_cost)
        self.executed = np.zeros(self.n, dtype=bool)

    def apply(self, levels, ctx):
        target = self.spec.target
        due = self.holds(ctx) & ~self.executed & ~ctx.stalled[target]
        carried_out = due & (self.uniform(ctx, "follow_through") < self.follow_through)
        self.executed |= carried_out
        self.credibility = np.where(carried_out, 1.0,
                                    np.where(due, self.credibility * self.decay, self.credibility))
        # Before it is carried out the threat works only through the target's expectations.
        costs = [(target, np.where(self.executed, 0.0, self.credibility * self.anticipated_cost)),
                 (self.actor_id, np.where(self.executed, self.executor_cost, 0.0))]
        pending = ~self.executed & (self.credibility > 0.05)
        return Outcome(change(levels, self.executed, self.set_values, self.add_values), costs=costs,
                       threats_pending={target: pending})
