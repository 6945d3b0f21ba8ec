"""Normal-form games from a payoff tensor: best responses, pure equilibria, regrets.

A game of ``n`` players with ``s_1, ..., s_n`` strategies is an array ``payoffs`` of shape
``(n, s_1, ..., s_n)``: ``payoffs[i][profile]`` is player ``i``'s payoff when each player ``j``
plays strategy ``profile[j]``. A mixed strategy of player ``j`` is a probability vector of length
``s_j``; a pure one is a unit vector.

The solvers for mixed equilibria are libraries (nashpy for two players, pygambit for more); what
is here is the arithmetic every analysis needs and that is easy to check by hand.

References
----------
Fudenberg, D. and Tirole, J. (1991). *Game Theory*, ch. 1 (Nash equilibrium, best responses).
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np


def shape_of(payoffs: np.ndarray) -> tuple[int, ...]:
    """The number of strategies of each player."""
    payoffs = np.asarray(payoffs)
    if payoffs.ndim < 2 or payoffs.shape[0] != payoffs.ndim - 1:
        raise ValueError(f"expected payoffs of shape (n, s_1, ..., s_n), found {payoffs.shape}")
    return payoffs.shape[1:]


def deviation_payoffs(payoffs: np.ndarray, mixed: Sequence[np.ndarray], player: int) -> np.ndarray:
    """Player ``player``'s expected payoff from each of its pure strategies when the others play
    ``mixed`` (its own entry is ignored); shape ``(s_player,)``."""
    table = np.moveaxis(np.asarray(payoffs[player], dtype=float), player, 0)
    others = [m for j, m in enumerate(mixed) if j != player]
    for weights in reversed(others):  # contract the last axis each time
        table = table @ np.asarray(weights, dtype=float)
    return table


def expected_payoffs(payoffs: np.ndarray, mixed: Sequence[np.ndarray]) -> np.ndarray:
    """Each player's expected payoff under the mixed profile, shape ``(n,)``."""
    return np.array([deviation_payoffs(payoffs, mixed, i) @ np.asarray(mixed[i], dtype=float)
                     for i in range(len(mixed))])


def regrets(payoffs: np.ndarray, mixed: Sequence[np.ndarray]) -> np.ndarray:
    """How much each player could gain by its best unilateral deviation from ``mixed``; shape ``(n,)``,
    never negative. A profile is a Nash equilibrium exactly when every regret is 0."""
    return np.array([max(0.0, float(deviation_payoffs(payoffs, mixed, i).max()
                                    - deviation_payoffs(payoffs, mixed, i) @ np.asarray(mixed[i], dtype=float)))
                     for i in range(len(mixed))])


def pure(profile: Sequence[int], shape: Sequence[int]) -> list[np.ndarray]:
    """A pure profile as unit vectors."""
    return [np.eye(s)[k] for k, s in zip(profile, shape, strict=True)]


def best_response_mask(payoffs: np.ndarray, player: int, tolerance: float = 0.0) -> np.ndarray:
    """Boolean array over all profiles: ``player``'s strategy in the profile is a best response to
    the others' strategies in it (within ``tolerance``)."""
    own = np.asarray(payoffs[player], dtype=float)
    return own >= own.max(axis=player, keepdims=True) - tolerance


def pure_equilibria(payoffs: np.ndarray, tolerance: float = 0.0) -> list[tuple[int, ...]]:
    """Every pure-strategy Nash equilibrium: profiles where each player's strategy is a best
    response to the others' (within ``tolerance``), in lexicographic order."""
    shape = shape_of(payoffs)
    every = np.ones(shape, dtype=bool)
    for player in range(len(shape)):
        every &= best_response_mask(payoffs, player, tolerance)
    return [tuple(int(k) for k in index) for index in np.argwhere(every)]


def strictly_dominated(payoffs: np.ndarray, player: int) -> list[int]:
    """Strategies of ``player`` strictly dominated by another of its pure strategies."""
    own = np.moveaxis(np.asarray(payoffs[player], dtype=float), player, 0)
    n = own.shape[0]
    return [a for a in range(n) if any(np.all(own[b] > own[a]) for b in range(n) if b != a)]
