"""Spatial utilities, the value of fighting on and the value of a deal (no Mesa here).

All functions work element-wise on numpy arrays, so the same call serves one world or 100,000.
Shapes: ``K`` issues, ``N`` worlds, optional leading grid axis ``G``. Positions are on [0, 1].
Equations are written out in ``docs/model.md``; the numbers in brackets below refer to it.
"""

from __future__ import annotations

import functools

import numpy as np

PerWorld = np.ndarray | float
"""A number per world (N,), or one number for every world."""


def normalise_weights(salience: np.ndarray) -> np.ndarray:
    """Scale saliences (..., K) so they sum to 1 over issues (the last axis)."""
    total = salience.sum(axis=-1, keepdims=True)
    return salience / np.where(total > 0, total, 1.0)


def spatial_utility(x: np.ndarray, ideal: np.ndarray, weights: np.ndarray) -> np.ndarray:
    """Weighted quadratic spatial utility [1]: ``1 - sum_k w_k (x_k - ideal_k)^2``.

    Args:
        x: positions, shape (..., N, K) or (K,), each in [0, 1].
        ideal: the actor's ideal points, broadcastable to ``x``.
        weights: saliences normalised to sum to 1 over issues, broadcastable to ``x``.

    Returns:
        Utility in [0, 1] (1 at the ideal point), shape ``x.shape[:-1]``.
    """
    if _compiled_applies(x, ideal, weights):
        utility = np.empty(len(x))
        _compiled_sum()(x, ideal, weights, utility)
        return utility
    gap = np.subtract(x, ideal)
    np.square(gap, out=gap)
    # einsum reduces over the short issue axis much faster than np.sum(axis=-1). Weights of the gap's
    # own shape (the usual case) go in as they are: broadcast_to would return the same strides, at a
    # few microseconds of Python a call.
    if np.shape(weights) != gap.shape:
        weights = np.broadcast_to(weights, gap.shape)
    return 1.0 - np.einsum("...k,...k->...", gap, weights)


COMPILED_FROM_WORLDS = 256
"""From this many worlds (rows of packages), :func:`spatial_utility` adds its sums in compiled code
(:func:`sim.core.compiled_search.utilities_by_world`: the same numbers as einsum, in half the time);
below it, as for one world in the teaching view, numpy does (no compiler to load)."""


@functools.cache
def _compiled_sum():
    """:func:`sim.core.compiled_search.utilities_by_world`, imported on first use: numba is loaded
    only by what runs a model, where the arrays are this large."""
    from .compiled_search import utilities_by_world

    return utilities_by_world


def _compiled_applies(x, ideal, weights) -> bool:
    """Whether the compiled sum gives einsum's very numbers here: packages (N, K) of doubles with
    ideal points and weights of the same shape, the weights C-contiguous (einsum's order over
    contiguous rows; other strides take another of its loops)."""
    return (isinstance(x, np.ndarray) and x.ndim == 2 and x.shape[0] >= COMPILED_FROM_WORLDS
            and isinstance(ideal, np.ndarray) and isinstance(weights, np.ndarray)
            and ideal.shape == x.shape == weights.shape and weights.flags.c_contiguous
            and x.dtype == ideal.dtype == weights.dtype == np.float64)


def contract_curve(lam: np.ndarray, ideal_a: np.ndarray, weights_a: np.ndarray,
                   ideal_b: np.ndarray, weights_b: np.ndarray) -> np.ndarray:
    """Points on the two-party contract curve of quadratic utilities [4].

    The Pareto set of two separable quadratic utilities is ``x_k(lam) = (lam w_ak a_k +
    (1 - lam) w_bk b_k) / (lam w_ak + (1 - lam) w_bk)`` for ``lam`` in [0, 1]: at ``lam = 0`` it is
    b's ideal, at ``lam = 1`` a's. An issue neither side cares about is placed midway.

    Args:
        lam: weight on party a, shape (G, N) or (G, 1); values in [0, 1].
        ideal_a, weights_a, ideal_b, weights_b: shape (N, K) or (K,).

    Returns:
        Positions, shape (G, N, K).
    """
    lam = np.asarray(lam, dtype=float)[..., None]
    # Written as b + lam (a - b) for speed; the tiny term places an issue nobody weighs midway.
    tiny = 1e-12
    numerator = weights_b * ideal_b + tiny * 0.5 * (ideal_a + ideal_b) + lam * (
        weights_a * ideal_a - weights_b * ideal_b)
    denominator = weights_b + tiny + lam * (weights_a - weights_b)
    return numerator / denominator


def war_value(u_war_now: np.ndarray, monthly_cost: np.ndarray, u_stalemate: np.ndarray,
              u_victory: np.ndarray, p_victory: np.ndarray, patience: PerWorld,
              horizon: PerWorld) -> np.ndarray:
    """Value of fighting on [2], in the same per-month utility units as a deal.

    ``V = (1 - d^H) (u_now - c) + d^H [v u_victory + (1 - v) (u_stalemate - c)]``: H months of war
    at the current position with monthly cost c; then, with the actor's belief v, its decisive
    victory (the war ends, no more cost) or else the war goes on at the front it expects then, and
    so do its costs. This is Fearon's ``p - c`` written as a discounted stream; the costs do not stop
    at the planning horizon, so a short horizon does not make war look cheap.
    """
    tail = patience ** horizon
    return (1.0 - tail) * (u_war_now - monthly_cost) + tail * (
        p_victory * u_victory + (1.0 - p_victory) * (u_stalemate - monthly_cost))


def deal_value(u_deal: np.ndarray, v_war: np.ndarray, breach_prob: np.ndarray,
               sucker_loss: PerWorld) -> np.ndarray:
    """Expected value of accepting a deal under the commitment problem [3].

    With probability ``breach_prob`` the other side breaks the deal; the actor is then back at war
    and worse off by ``sucker_loss``: ``(1 - q) u_deal + q (V_war - s)``.
    """
    return (1.0 - breach_prob) * u_deal + breach_prob * (v_war - sucker_loss)
