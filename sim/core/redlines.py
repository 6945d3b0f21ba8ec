"""Red lines as numbers: bounds on settled terms, hard (veto) or audience (a domestic cost).

A red line says "I will not sign a deal whose term on issue k is above (or below) b". For the
territory issue ``b`` can be measured from the current front, so "no withdrawal from land we hold"
is ``above: 0, relative_to: front``; a bound that moves with the war in other ways (Ukraine's
remaining Donbas area) is a per-world ``bound`` measured from the front. Only settled terms are
checked: a ceasefire that leaves NATO membership open does not cross a line about NATO.

An audience line costs its whole ``cost`` once crossed (a step), or, with a ``ramp`` width, a cost
that grows linearly with the distance beyond the line up to the whole cost at ``ramp`` (the audience
cost of backing down grows with how far a leader backs down: Fearon 1994, Tomz 2007).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np


@dataclass(frozen=True)
class CompiledLine:
    """One red line on issue index ``issue``: a bound, its direction, kind and audience cost."""

    issue: int
    bound: np.ndarray | float  # per world where it moves with the war (measured from the front then)
    upper: bool  # True: the term may not exceed bound; False: it may not fall below it
    relative_to_front: bool
    hard: bool
    cost: np.ndarray | float  # audience cost, utility units, per world
    ramp: float = 0.0         # > 0: the audience cost grows linearly to its whole value this far beyond the line


class RedLines:
    """An actor's red lines, compiled against the scenario's issue order."""

    def __init__(self, lines: list[CompiledLine], n_issues: int):
        self.lines = lines
        self.n_issues = n_issues

    def _bound(self, line: CompiledLine, front: np.ndarray) -> np.ndarray | float:
        return line.bound + front if line.relative_to_front else line.bound

    def crossed(self, line: CompiledLine, x: np.ndarray, settled: np.ndarray,
                front: np.ndarray) -> np.ndarray:
        """Whether ``x`` (..., N, K) crosses ``line``; tolerance 1e-9 so a term on the line is fine."""
        if not settled[line.issue]:
            return np.zeros(x.shape[:-1], dtype=bool)
        return self._beyond(line, x, front) > 0.0

    def _beyond(self, line: CompiledLine, x: np.ndarray, front: np.ndarray) -> np.ndarray:
        """How far ``x`` lies beyond the line (positive where it crosses; tolerance 1e-9)."""
        value = x[..., line.issue]
        bound = self._bound(line, front)
        return value - (bound + 1e-9) if line.upper else (bound - 1e-9) - value

    def hard_violation(self, x: np.ndarray, settled: np.ndarray, front: np.ndarray) -> np.ndarray:
        """True where any hard line is crossed, shape ``x.shape[:-1]``."""
        out = np.zeros(x.shape[:-1], dtype=bool)
        for line in self.lines:
            if line.hard:
                out |= self.crossed(line, x, settled, front)
        return out

    def audience_cost(self, x: np.ndarray, settled: np.ndarray, front: np.ndarray) -> np.ndarray:
        """Sum of the audience costs of the audience lines ``x`` crosses."""
        if all(line.hard for line in self.lines):
            return np.zeros(())
        out = np.zeros(x.shape[:-1])
        for line in self.lines:
            if line.hard or not settled[line.issue]:
                continue
            beyond = self._beyond(line, x, front)
            cost = line.cost if line.ramp == 0.0 else line.cost * np.minimum(1.0, beyond / line.ramp)
            out = out + np.where(beyond > 0.0, cost, 0.0)
        return out

    def bounds(self, front: np.ndarray, issues: set[int] | None = None) -> tuple[np.ndarray, np.ndarray]:
        """Lowest and highest acceptable term per issue from the hard lines, shape (N, K) each.

        Args:
            front: the current front on the territory scale, shape (N,).
            issues: only lines on these issue indices (None: all).
        """
        n = np.shape(front)[0]
        low = np.zeros((n, self.n_issues))
        high = np.ones((n, self.n_issues))
        for line in self.lines:
            if not line.hard or (issues is not None and line.issue not in issues):
                continue
            bound = self._bound(line, front)
            if line.upper:
                high[:, line.issue] = np.minimum(high[:, line.issue], bound)
            else:
                low[:, line.issue] = np.maximum(low[:, line.issue], bound)
        return low, high
