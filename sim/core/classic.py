"""The classic bargaining games, each with its closed form (for teaching and as test anchors).

No Mesa here. References are those of ``../shared/modeling-references.md``; every function states
its formula. Shares are of a pie of size 1 unless said otherwise.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
from scipy.optimize import brentq


# -- Rubinstein (1982): alternating offers ------------------------------------------------------
def rubinstein(delta_1: float, delta_2: float) -> tuple[float, float]:
    """Infinite-horizon alternating offers, player 1 proposing first (Rubinstein 1982).

    ``x1 = (1 - d2) / (1 - d1 d2)``, ``x2 = 1 - x1``; with a common ``d``, ``x1 = 1 / (1 + d)``.

    Args:
        delta_1, delta_2: per-round discount factors in [0, 1), not both 1.
    """
    if not (0 <= delta_1 < 1 or 0 <= delta_2 < 1) or min(delta_1, delta_2) < 0 or max(delta_1, delta_2) > 1:
        raise ValueError("discount factors must lie in [0, 1] and not both equal 1")
    x1 = (1.0 - delta_2) / (1.0 - delta_1 * delta_2)
    return x1, 1.0 - x1


def rubinstein_continuous_limit(rate_1: float, rate_2: float) -> float:
    """Player 1's share as offers become frequent: with ``d_i = exp(-r_i D)``, ``D -> 0``,
    ``x1 -> r2 / (r1 + r2)``: the more patient (lower rate) side gets more."""
    return rate_2 / (rate_1 + rate_2)


def rubinstein_finite(delta_1: float, delta_2: float, rounds: int) -> float:
    """Player 1's share when player 1 proposes first and the game ends after ``rounds`` offers.

    Backward induction: the last proposer takes everything; earlier, a proposer offers the
    responder exactly what the responder would get proposing next round, discounted. With a common
    ``d`` this is Stahl's ``x_T = (1 - (-d)^T) / (1 + d)``.
    """
    if rounds < 1:
        raise ValueError("rounds must be at least 1")
    share_of_proposer = 1.0  # at the last round
    for k in range(rounds - 1, 0, -1):
        # The proposer at round k is player 1 if k is odd; the responder discounts by its own factor.
        responder_delta = delta_2 if k % 2 == 1 else delta_1
        share_of_proposer = 1.0 - responder_delta * share_of_proposer
    return share_of_proposer


def stahl(delta: float, rounds: int) -> float:
    """Stahl's closed form for a common discount factor: ``(1 - (-d)^T) / (1 + d)``."""
    return (1.0 - (-delta) ** rounds) / (1.0 + delta)


def rubinstein_breakdown(p_breakdown: float, outside_1: float = 0.0, outside_2: float = 0.0) -> float:
    """Alternating offers with a chance ``p`` that talks break down after each rejection, leaving
    outside options ``b1, b2`` (Binmore, Rubinstein & Wolinsky 1986). Player 1 proposes first:

    ``x1 = [1 + (1 - p) b1 - b2] / (2 - p)``, which tends to the Nash solution
    ``b1 + (1 - b1 - b2)/2`` as ``p -> 0``.
    """
    if not 0 < p_breakdown <= 1:
        raise ValueError("p_breakdown must lie in (0, 1]")
    return (1.0 + (1.0 - p_breakdown) * outside_1 - outside_2) / (2.0 - p_breakdown)


# -- Axiomatic solutions -----------------------------------------------------------------------
def nash_split(d1: float = 0.0, d2: float = 0.0, alpha: float = 0.5) -> tuple[float, float]:
    """Nash bargaining over a unit pie with disagreement payoffs ``d1, d2`` and bargaining power
    ``alpha`` for player 1: maximise ``(u1 - d1)^a (u2 - d2)^(1 - a)``, giving
    ``x1 = d1 + a (1 - d1 - d2)``."""
    if d1 + d2 > 1:
        raise ValueError("no agreement beats disagreement: d1 + d2 > 1")
    x1 = d1 + alpha * (1.0 - d1 - d2)
    return x1, 1.0 - x1


def nash_on_frontier(frontier: Callable[[float], float], u1_max: float, d1: float = 0.0, d2: float = 0.0,
                     alpha: float = 0.5) -> tuple[float, float]:
    """Nash bargaining point on a concave frontier ``u2 = f(u1)``, ``u1`` in [d1, u1_max].

    Solves the first-order condition of ``a log(u1 - d1) + (1 - a) log(f(u1) - d2)``,
    ``a/(u1 - d1) + (1 - a) f'(u1)/(f(u1) - d2) = 0``, by Brent's method (``f'`` by central
    differences), which is accurate to about 1e-12 where a direct search on the flat product is not.
    """
    if frontier(d1) <= d2:
        raise ValueError("no point of the frontier beats the disagreement point")
    top = u1_max if frontier(u1_max) > d2 else brentq(lambda u: frontier(u) - d2, d1, u1_max, xtol=1e-15)
    span = top - d1
    h = 1e-6 * max(1.0, abs(top))

    def condition(u1: float) -> float:
        slope = (frontier(u1 + h) - frontier(u1 - h)) / (2 * h)
        return alpha / (u1 - d1) + (1 - alpha) * slope / (frontier(u1) - d2)

    low, high = d1 + 1e-12 * span, top - 1e-12 * span
    if condition(high) > 0:  # the product still rises at the frontier's end: a corner
        return float(top), float(frontier(top))
    u1 = brentq(condition, low, high, xtol=1e-15, rtol=4 * np.finfo(float).eps)
    return float(u1), float(frontier(u1))


def kalai_smorodinsky(frontier: Callable[[float], float], u1_max: float, d1: float = 0.0,
                      d2: float = 0.0) -> tuple[float, float]:
    """Kalai-Smorodinsky point: where the frontier meets the line from the disagreement point to
    the ideal point, ``(u1 - d1)/(u1* - d1) = (u2 - d2)/(u2* - d2)`` (Kalai & Smorodinsky 1975).
    ``u2* = f(d1)`` is player 2's best payoff given player 1 gets at least ``d1``."""
    u2_max = frontier(d1)

    def gap(u1: float) -> float:
        return (u1 - d1) / (u1_max - d1) - (frontier(u1) - d2) / (u2_max - d2)

    u1 = brentq(gap, d1, u1_max, xtol=1e-15, rtol=4 * np.finfo(float).eps)
    return float(u1), float(frontier(u1))


# -- Legislative bargaining --------------------------------------------------------------------
@dataclass(frozen=True)
class BaronFerejohnSplit:
    """Stationary shares of the Baron-Ferejohn closed-rule game."""

    proposer: float
    partner: float
    partners: int


def baron_ferejohn(n: int, delta: float) -> BaronFerejohnSplit:
    """Closed-rule Baron-Ferejohn (1989) bargaining: ``n`` (odd) members, majority rule, equal
    recognition probability, discount ``d``. The proposer keeps ``1 - d (n - 1) / (2n)`` and buys
    ``(n - 1)/2`` partners at their continuation value ``d / n`` each; the rest get nothing."""
    if n < 3 or n % 2 == 0:
        raise ValueError("n must be an odd number of at least 3")
    return BaronFerejohnSplit(1.0 - delta * (n - 1) / (2 * n), delta / n, (n - 1) // 2)


# -- War as bargaining (Fearon 1995) -------------------------------------------------------------
def fearon_range(p: float, cost_1: float, cost_2: float) -> tuple[float, float]:
    """Fearon's bargaining range for side 1's share ``x``: both prefer any ``x`` in
    ``[p - c1, p + c2]`` to war, where ``p`` is side 1's chance of winning (or expected share)."""
    return p - cost_1, p + cost_2


@dataclass(frozen=True)
class ScreeningOffer:
    """Fearon's screening offer under private information, and its risk of war."""

    offer: float       # side 1's share in its take-it-or-leave-it demand
    p_war: float       # probability side 2 rejects


def fearon_private_information(p: float, cost_1: float, cost_2_max: float) -> ScreeningOffer:
    """Side 1 makes a take-it-or-leave-it demand without knowing side 2's cost ``c2 ~ U[0, cbar]``
    (Fearon 1995, private information).

    Side 2 accepts ``x`` when ``1 - x >= 1 - p - c2``, i.e. with probability ``1 - (x - p)/cbar``.
    Maximising ``x P(accept) + (p - c1) P(war)`` gives ``x* = p + (cbar - c1)/2`` and
    ``P(war) = (cbar - c1) / (2 cbar)`` when ``c1 < cbar``. When ``c1 >= cbar`` war is too costly
    to risk: side 1 demands ``x* = p``, which every type accepts, and ``P(war) = 0``.
    """
    if cost_2_max <= 0:
        return ScreeningOffer(p, 0.0)
    if cost_1 >= cost_2_max:
        return ScreeningOffer(p, 0.0)
    return ScreeningOffer(p + (cost_2_max - cost_1) / 2.0, (cost_2_max - cost_1) / (2.0 * cost_2_max))


# -- War of attrition ---------------------------------------------------------------------------
@dataclass(frozen=True)
class AttritionEquilibrium:
    """The symmetric war of attrition's stationary equilibrium."""

    quit_rate: float       # hazard of conceding per unit time, c / V
    mean_duration: float   # mean time until one side quits: V / (2c) for two independent exponentials
    mean_quit_time: float  # each side's mean planned quitting time, V / c
    expected_payoff: float  # zero: the prize is dissipated in expectation


def war_of_attrition(value: float, cost: float) -> AttritionEquilibrium:
    """Symmetric war of attrition (Maynard Smith 1974; Bishop & Cannings 1978): prize ``V``, cost
    ``c`` per unit time. In the mixed equilibrium each side's quitting time is exponential with mean
    ``V/c``; the contest lasts until the first quits, on average ``V/(2c)``; expected payoff 0."""
    if value <= 0 or cost <= 0:
        raise ValueError("value and cost must be positive")
    rate = cost / value
    return AttritionEquilibrium(rate, 1.0 / (2.0 * rate), 1.0 / rate, 0.0)


# -- Threats and subgame perfection --------------------------------------------------------------
@dataclass(frozen=True)
class ThreatOutcome:
    """The subgame-perfect play of a threat game."""

    credible: bool          # carrying the threat out is the threatener's best reply once defied
    complies: bool          # the target complies, foreseeing the threatener's reply
    threatener: float       # the threatener's payoff on the path of play
    target: float           # the target's payoff on the path of play


def threat_game(threatener: dict[str, float], target: dict[str, float]) -> ThreatOutcome:
    """A threat game solved by backward induction (Selten 1965, 1978).

    The target moves first: ``comply`` or ``defy``. If defied, the threatener chooses to ``carry_out``
    the threat or ``back_down``. Each argument maps the three outcomes ``comply``, ``carry_out`` and
    ``back_down`` to that player's payoff. Once defied, the threatener carries out the threat only if
    ``threatener['carry_out'] > threatener['back_down']`` (the threat is credible); the target
    complies only if complying beats what defiance will bring. "Comply, with the threat never tested"
    can be a Nash equilibrium when the threat is not credible, but it is not subgame perfect: the
    threat is empty, and the target, seeing it, defies.
    """
    credible = threatener["carry_out"] > threatener["back_down"]
    reply = "carry_out" if credible else "back_down"
    complies = target["comply"] > target[reply]
    outcome = "comply" if complies else reply
    return ThreatOutcome(credible, complies, threatener[outcome], target[outcome])


# -- Small strategic-form games ------------------------------------------------------------------
def nash_equilibria(payoffs_row: np.ndarray, payoffs_column: np.ndarray) -> list[tuple[np.ndarray, np.ndarray]]:
    """All Nash equilibria (pure and mixed) of a two-player game, by support enumeration (nashpy)."""
    import nashpy

    game = nashpy.Game(np.asarray(payoffs_row, float), np.asarray(payoffs_column, float))
    return [(np.asarray(a), np.asarray(b)) for a, b in game.support_enumeration()]
