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

from collections.abc import Callable, Sequence

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
    others = [np.asarray(m, dtype=float) for j, m in enumerate(mixed) if j != player]
    for weights in reversed(others):  # contract the last axis each time, over its support only, so
        support = np.flatnonzero(weights)  # profiles never played may be unknown (NaN)
        table = np.take(table, support, axis=-1) @ weights[support]
    return table


def expected_payoffs(payoffs: np.ndarray, mixed: Sequence[np.ndarray]) -> np.ndarray:
    """Each player's expected payoff under the mixed profile, shape ``(n,)``."""
    return np.array([deviation_payoffs(payoffs, mixed, i) @ np.asarray(mixed[i], dtype=float)
                     for i in range(len(mixed))])


def regrets(payoffs: np.ndarray, mixed: Sequence[np.ndarray]) -> np.ndarray:
    """How much each player could gain by its best unilateral deviation from ``mixed``; shape ``(n,)``,
    never negative. A profile is a Nash equilibrium exactly when every regret is 0. Only the profiles
    ``mixed`` can reach by one player's deviation need be known (the others may be NaN)."""
    out = []
    for i in range(len(mixed)):
        values = deviation_payoffs(payoffs, mixed, i)
        own = np.asarray(mixed[i], dtype=float)
        support = np.flatnonzero(own)
        out.append(max(0.0, float(values.max() - values[support] @ own[support])))
    return np.array(out)


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


def unilateral_deviations(profile: Sequence[int], shape: Sequence[int]) -> list[tuple[int, ...]]:
    """``profile`` and every profile one player can reach from it by changing its own strategy."""
    return [tuple(profile)] + [d for _, d in _deviators(tuple(profile), shape)]


def best_response_search(shape: Sequence[int], starts: Sequence[Sequence[int]],
                         evaluate: Callable[[list[tuple[int, ...]]], dict[tuple[int, ...], np.ndarray]],
                         tolerance: float = 0.0) -> list[tuple[int, ...]]:
    """Pure equilibria found by best-response dynamics, evaluating only the profiles needed.

    From each start, every unilateral deviation is evaluated; a profile none of whose deviations
    gains more than ``tolerance`` is a pure equilibrium (confirmed on its whole neighbourhood), and
    otherwise the search moves to the deviation with the largest gain. Each round asks ``evaluate``
    for the new profiles of all open paths at once (a batch the caller can run in parallel);
    ``evaluate`` returns each profile's payoff vector (one entry per player). A profile already
    visited ends its path, so the search stops even where best responses cycle.

    Returns the equilibria found, in lexicographic order. It finds every pure equilibrium that
    best-response dynamics reach from the starts, not necessarily all of them.

    References
    ----------
    Jordan, P. R., Vorobeychik, Y. and Wellman, M. P. (2008). Searching for approximate equilibria in
    empirical games. *AAMAS* 2008, 1063-1070.
    """
    known: dict[tuple[int, ...], np.ndarray] = {}
    frontier = list(dict.fromkeys(tuple(int(k) for k in s) for s in starts))
    visited, equilibria = set(frontier), set()
    while frontier:
        missing = list(dict.fromkeys(d for p in frontier for d in unilateral_deviations(p, shape) if d not in known))
        if missing:
            known.update(evaluate(missing))
        following = []
        for profile in frontier:
            gains = [(known[d][i] - known[profile][i], d) for i, d in _deviators(profile, shape)]
            gain, move = max(gains, key=lambda g: g[0], default=(0.0, profile))
            if gain <= tolerance:
                equilibria.add(profile)
            elif move not in visited:
                visited.add(move)
                following.append(move)
        frontier = following
    return sorted(equilibria)


def _deviators(profile: tuple[int, ...], shape: Sequence[int]) -> list[tuple[int, tuple[int, ...]]]:
    return [(player, (*profile[:player], k, *profile[player + 1:]))
            for player, count in enumerate(shape) for k in range(count) if k != profile[player]]
