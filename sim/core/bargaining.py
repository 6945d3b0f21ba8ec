"""The mediator's proposal: the asymmetric Nash bargaining point on the (bounded) contract curve.

No Mesa here. ``nash_on_path`` searches a one-dimensional path of packages for the point that
maximises ``a log S_a + b log S_b`` (surpluses over fighting on), vectorised over worlds; when no
point gives both sides a positive surplus (no zone of possible agreement), it returns the point that
comes closest, ``argmax min(S_a, S_b)``, which the parties will then reject.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np

_INFEASIBLE = -1e9


def nash_score(surpluses: list[np.ndarray], powers: list[np.ndarray | float],
               vetoes: list[np.ndarray | bool]) -> np.ndarray:
    """Asymmetric Nash objective over the veto players, ranking every feasible point first.

    Returns ``sum_i a_i log S_i`` over the players holding a veto where all their surpluses are
    positive, and ``-1e9 + min_i S_i`` (the closest miss) elsewhere.
    """
    shape = np.broadcast_shapes(*(np.shape(s) for s in surpluses))
    feasible = np.ones(shape, dtype=bool)
    worst = np.full(shape, np.inf)
    score = np.zeros(shape)
    for surplus, power, veto in zip(surpluses, powers, vetoes, strict=True):
        veto = np.broadcast_to(veto, shape)
        feasible &= ~veto | (surplus > 0)
        worst = np.where(veto, np.minimum(worst, surplus), worst)
        with np.errstate(divide="ignore", invalid="ignore"):
            score = score + np.where(veto & (surplus > 0), power * np.log(np.where(surplus > 0, surplus, 1.0)), 0.0)
    return np.where(feasible, score, _INFEASIBLE + worst)


Surpluses = Callable[[np.ndarray], tuple[list[np.ndarray], list[np.ndarray | float], list[np.ndarray | bool]]]


def nash_on_path(surpluses: Surpluses, n_worlds: int, grid: int = 9, refine: int = 2) -> np.ndarray:
    """Find, per world, the path parameter ``lam`` in [0, 1] that maximises :func:`nash_score`.

    Args:
        surpluses: maps ``lam`` of shape (G, N) to the players' surpluses (each (G, N)), their
            bargaining weights (positive) and whether each holds a veto at that point.
        n_worlds: N.
        grid: points in the coarse grid (>= 3).
        refine: rounds of local refinement; each narrows the resolution fourfold.

    Returns:
        ``lam`` per world, shape (N,).
    """
    lam = np.broadcast_to(np.linspace(0.0, 1.0, grid)[:, None], (grid, n_worlds))
    scores = nash_score(*surpluses(lam))
    index = np.argmax(scores, axis=0)
    worlds = np.arange(n_worlds)
    best, best_score = lam[index, worlds], scores[index, worlds]
    step = 1.0 / (grid - 1)
    offsets = np.array([-0.5, -0.25, 0.25, 0.5])[:, None]
    for _ in range(refine):
        # Probe between the best point and its neighbours; keep whichever scores highest.
        candidates = np.clip(best + offsets * step, 0.0, 1.0)
        scores = nash_score(*surpluses(candidates))
        index = np.argmax(scores, axis=0)
        better = scores[index, worlds] > best_score
        best = np.where(better, candidates[index, worlds], best)
        best_score = np.where(better, scores[index, worlds], best_score)
        step /= 4.0
    return best
