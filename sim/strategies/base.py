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
    """Sets an actor's levers each month. Subclasses declare what they are like, as in Axelrod.

    Attributes:
        name: short name used in scenario files.
        characteristics: declared properties, e.g. ``{"conditional": False, "uses_deadline": False}``.
    """

    name: ClassVar[str] = "strategy"
    characteristics: ClassVar[dict[str, bool]] = {}

    def levers(self, actor: Actor) -> dict[str, np.ndarray | float]:
        """Lever levels for this month, each in [0, 1] (scalar or shape (N,))."""
        raise NotImplementedError


class FixedLevels(Strategy):
    """Keep every lever at the level the scenario sets, month after month."""

    name = "fixed"
    characteristics = {"conditional": False, "uses_deadline": False, "stochastic": False}

    def __init__(self, levels: dict[str, np.ndarray | float]):
        self.levels = dict(levels)

    def levers(self, actor: Actor) -> dict[str, np.ndarray | float]:
        return self.levels
