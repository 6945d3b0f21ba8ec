"""The strategy interface and the simplest strategy, fixed lever levels."""

from __future__ import annotations

from typing import TYPE_CHECKING, ClassVar

import numpy as np

if TYPE_CHECKING:
    from sim.model.agents import Actor

LEVERS = ("sanctions", "arms", "intelligence", "financial_aid", "engagement", "escalation",
          "relief_offer", "troop_offer")
"""Every lever an actor has: a level per world (0 = none)."""


class Strategy:
    """Something that moves an actor's levers. Subclasses declare what they are like, as in Axelrod.

    Attributes:
        name: short name used in scenario files (the rule's ``kind``).
        characteristics: declared properties, e.g. ``{"conditional": False, "uses_deadline": False}``.
    """

    name: ClassVar[str] = "strategy"
    characteristics: ClassVar[dict[str, bool]] = {}


class FixedLevels(Strategy):
    """The levels an actor's ``levers:`` set: where every month starts before its rules act."""

    name = "levers"
    characteristics = {"conditional": False, "uses_deadline": False, "stochastic": False, "memory": False}

    def __init__(self, levels: dict[str, np.ndarray | float]):
        self.levels = dict(levels)

    def levers(self, actor: Actor) -> dict[str, np.ndarray | float]:
        """Lever levels (scalars or arrays over worlds) before the actor's rules act."""
        return self.levels
