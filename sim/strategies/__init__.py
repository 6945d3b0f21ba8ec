"""Pressure strategies: how an actor sets its levers each month.

The core ships :class:`FixedLevels`; richer strategies (conditional rules, deadlines, ladders) plug in
through the same :class:`Strategy` interface.
"""

from .base import LEVERS, FixedLevels, Strategy

__all__ = ["LEVERS", "FixedLevels", "Strategy"]
