"""Cover another actor's cut in aid, ramping up at most ``rate`` a month, up to ``ceiling``."""

from __future__ import annotations

import typing
from typing import Annotated, ClassVar, Literal

import numpy as np
from pydantic import Field

from sim.scenario.params import LeverLevel, NonNegative
from sim.scenario.rules import KIND, RuleSpec

from .base import Outcome, Rule, register

SubstitutableLever = Literal["arms", "financial_aid", "intelligence"]
"""The levers another actor's cut can be covered on."""


class SubstituteRule(RuleSpec):
    """Make up for another actor's cut in aid: raise own levers toward covering the gap, at most
    ``rate`` a month and up to ``ceiling``. Intelligence is limited by this actor's
    ``support.intelligence_quality`` (seed 000: US intelligence cannot be replaced quickly)."""

    actor_fields: ClassVar[tuple[str, ...]] = ("for_actor",)
    other_actor_fields: ClassVar[tuple[str, ...]] = ("for_actor",)

    kind: Annotated[Literal["substitute"], KIND]
    for_actor: str = Field(description="The actor whose cut in aid this one makes up for.")
    levers: list[SubstitutableLever] = Field(default_factory=lambda: list(typing.get_args(SubstitutableLever)),
                                             description="The levers it raises (default: every aid lever).")
    rate: NonNegative = Field(description="Most a lever rises in a month (lever levels a month).")
    ceiling: LeverLevel = Field(description="Highest level it raises a lever to.")


@register
class Substitute(Rule):
    """Cover another actor's cut in aid, ramping up at most ``rate`` a month, up to ``ceiling``."""

    spec_class = SubstituteRule
    characteristics = {"conditional": False, "uses_deadline": False, "stochastic": False, "memory": True}
    makes_use_of = frozenset({"env", "base_levels", "aid_share"})

    def __init__(self, setup):
        super().__init__(setup)
        self.rate = self.draw("rate", self.spec.rate)
        self.ceiling = self.draw("ceiling", self.spec.ceiling)
        self.extra = {lever: np.zeros(self.n) for lever in self.spec.levers}

    def own_variables(self):
        return frozenset(f"{self.spec.for_actor}_{lever}" for lever in self.spec.levers)

    def apply(self, levels, ctx):
        other = self.spec.for_actor
        share_ratio = ctx.aid_share[other] / max(ctx.aid_share[self.actor_id], 1e-9)
        out = dict(levels)
        for lever in self.spec.levers:
            base = ctx.base_levels[other][lever]
            gap = np.maximum(0.0, base - ctx.env[f"{other}_{lever}"])
            wanted = gap * (1.0 if lever == "intelligence" else share_ratio)
            step = np.clip(wanted - self.extra[lever], -self.rate, self.rate)
            self.extra[lever] = self.extra[lever] + step
            out[lever] = np.minimum(levels[lever] + self.extra[lever],
                                    np.maximum(levels[lever], self.ceiling))
        return Outcome(out)
