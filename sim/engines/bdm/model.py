"""Bueno de Mesquita's expected-utility model of group decisions, vectorised over worlds.

The formulation is that of Scholz, Calbert and Smith (2011), who reconstructed the model from Bueno
de Mesquita's publications and replicated his European Community example. Every array is
``(worlds, actors)``; one world is the published example, many worlds carry the uncertainty of
drawn inputs. Actor ``i`` has a capability ``c_i > 0``, a position ``x_i`` on one issue and a
salience ``s_i`` in [0, 1]; ``R`` is the span of the initial positions (fixed for the run), and
``q = 1`` the probability that the status quo holds.

Equations
---------
(1) Actor ``k``'s vote for position ``x_a`` over ``x_b``, with ``k``'s risk exponent ``r_k``:
    ``v_k(a, b) = c_k s_k [(|x_k - x_b| / R)^r_k - (|x_k - x_a| / R)^r_k]``.
(2) The probability that ``a`` prevails over ``b`` (0 when they hold the same position):
    ``P(a, b) = sum_k max(0, v_k(a, b)) / sum_k sum_a' sum_b' |v_k(a', b')|``.
(3) Utilities of ``a`` challenging ``b``, as actor ``p`` sees them (``p``'s exponent), with
    ``d = |x_a - x_b| / R``: success ``U_s = 2 - 4 (0.5 - 0.5 d)^r_p``, failure
    ``U_f = 2 - 4 (0.5 + 0.5 d)^r_p``, status quo ``U_q = 2 - 4 (0.5)^r_p``.
(4) The expected utility of ``a`` challenging ``b``: ``b`` resists with probability ``s_b``,
    ``EU(a, b) = s_b [P(a, b) U_s + (1 - P(a, b)) U_f] + (1 - s_b) U_s - q U_q``.
(5) Risk. With every exponent set to 1, actor ``i``'s exposure to challenges is
    ``D_i = sum_{j != i} EU_i(j, i)`` (seen by ``i``); its risk acceptance is
    ``A_i = (2 D_i - max D - min D) / (max D - min D)`` in [-1, 1], and its exponent
    ``r_i = (1 - A_i / 3) / (1 + A_i / 3)`` in [0.5, 2] (risk-averse actors have large ``r``).
(6) Offers. Actor ``i`` weighs each ``j`` at another position by ``e_ij = EU_i(i, j)`` and
    ``e_ji = EU_i(j, i)``, both as ``i`` sees them: a *confrontation* it expects to lose when
    ``e_ji > e_ij > 0`` (``i`` moves to ``x_j``); a *compromise* when ``e_ji > 0 > e_ij`` and
    ``e_ji > |e_ij|`` (``i`` moves to ``x_i + (x_j - x_i) |e_ij / e_ji|``); a *capitulation* when
    ``e_ji > 0 > e_ij`` and ``e_ji < |e_ij|`` (``i`` moves to ``x_j``).
(7) Each actor takes one offer: a confrontation if it has any, else a compromise, else a
    capitulation; within a kind, the one that moves it least, ties going to the first actor in
    order. Positions within :data:`SAME` of the span count as equal, and so do ranking keys. Risk
    exponents are recomputed at the start of each round and every actor moves at once.

Conventions (where the replication's code and the paper differ; ``convention`` chooses)
--------------------------------------------------------------------------------------------
* ``"paper"`` (default): (6) and (7) as written above.
* ``"scholz_code"``: among compromises, the offer minimising the weighted position
  ``(|e_ij| x_i + |e_ji| x_j) / (|e_ij| + |e_ji|)`` is taken (as the published replication code does),
  and no actor ever capitulates (the coded test compares ``e_ji`` with ``|e_ji|``, which cannot hold).
  On the European Community example the two agree for three rounds; from round 4 Belgium
  compromises with the Netherlands instead of France under the code's rule. The capitulation test
  alone changes nothing in the first ten rounds (no capitulation is ever the best offer there).

References
----------
Bueno de Mesquita, B. (1994). Political forecasting: an expected utility method. In Bueno de
Mesquita, B. and Stokman, F. N. (eds.), *European Community Decision Making*, Yale UP, 71-104.
Scholz, J. B., Calbert, G. J. and Smith, G. A. (2011). Unravelling Bueno de Mesquita's group
decision model. *Journal of Theoretical Politics* 23(4), 510-531.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

CONFRONTATION, COMPROMISE, CAPITULATION = 1, 2, 3
MOVES = {0: "stays", CONFRONTATION: "loses a confrontation to", COMPROMISE: "compromises with",
         CAPITULATION: "capitulates to"}
CONVENTIONS = ("paper", "scholz_code")
SAME = 1e-6
"""Positions closer than this share of the span count as one position, and offers whose ranking keys
differ by less than it (in position units over the span) as tied. Without it, decisions hinge on
rounding: in round 6 of the EC example Belgium (at 10 - 5e-8) weighs France (at 10) by expected
utilities of about 2.7e-9 that differ in the sixteenth digit, and whether it compromises or
capitulates depends on the order of floating-point operations."""


@dataclass
class Actors:
    """Capability (> 0), position and salience in [0, 1] of each actor, shape (worlds, actors)."""

    capability: np.ndarray
    position: np.ndarray
    salience: np.ndarray

    def __post_init__(self) -> None:
        arrays = [np.atleast_2d(np.asarray(a, dtype=float)) for a in (self.capability, self.position, self.salience)]
        self.capability, self.position, self.salience = np.broadcast_arrays(*arrays)
        if self.position.shape[1] < 2:
            raise ValueError("the model needs at least two actors")
        if np.any(self.capability <= 0) or np.any((self.salience < 0) | (self.salience > 1)):
            raise ValueError("capabilities must be positive and saliences within [0, 1]")


def weighted_mean(actors: Actors, position: np.ndarray | None = None) -> np.ndarray:
    """The capability-and-salience weighted mean position, ``sum c s x / sum c s``, shape (worlds,)."""
    x = actors.position if position is None else position
    weight = actors.capability * actors.salience
    return (weight * x).sum(axis=1) / weight.sum(axis=1)


def median_position(actors: Actors, position: np.ndarray | None = None) -> np.ndarray:
    """The position that wins pairwise votes (1) with every exponent 1, shape (worlds,).

    The candidates are the actors' positions in ascending order; each replaces the champion if it
    wins their vote. Where a position beats every other (a Condorcet winner, as in the EC example)
    it is the answer whatever the order.
    """
    x = actors.position if position is None else position
    weight = actors.capability * actors.salience
    span = _span(actors.position)
    candidates = np.sort(x, axis=1)
    champion = candidates[:, 0].copy()
    for k in range(1, x.shape[1]):
        challenger = candidates[:, k]
        votes = (weight * (np.abs(x - champion[:, None]) - np.abs(x - challenger[:, None]))).sum(axis=1) / span
        champion = np.where(votes > 0, challenger, champion)
    return champion


def _span(initial: np.ndarray) -> np.ndarray:
    span = initial.max(axis=1) - initial.min(axis=1)
    return np.where(span > 0, span, 1.0)


def _prevail(x: np.ndarray, weight: np.ndarray, risk: np.ndarray, span: np.ndarray) -> np.ndarray:
    """P[w, a, b]: the probability that a prevails over b, equations (1) and (2)."""
    distance = (np.abs(x[:, :, None] - x[:, None, :]) / span[:, None, None]) ** risk[:, :, None]  # [w, k, a]
    votes = weight[:, :, None, None] * (distance[:, :, None, :] - distance[:, :, :, None])       # [w, k, a, b]
    total = np.abs(votes).sum(axis=(1, 2, 3))
    p = np.maximum(votes, 0.0).sum(axis=1) / np.where(total > 0, total, 1.0)[:, None, None]
    return np.where(_same(x, span), 0.0, p)


def _same(x: np.ndarray, span: np.ndarray) -> np.ndarray:
    """[w, i, j]: actors i and j hold the same position (within :data:`SAME` of the span)."""
    return np.abs(x[:, :, None] - x[:, None, :]) <= SAME * span[:, None, None]


def expected_utilities(actors: Actors, x: np.ndarray, risk: np.ndarray, span: np.ndarray,
                       q: float = 1.0) -> tuple[np.ndarray, np.ndarray]:
    """Equations (3) and (4), each as actor ``i`` sees it, shape (worlds, i, j):
    ``challenge[w, i, j] = EU_i(i, j)`` and ``challenged[w, i, j] = EU_i(j, i)``."""
    p = _prevail(x, actors.capability * actors.salience, risk, span)
    d = np.abs(x[:, :, None] - x[:, None, :]) / span[:, None, None]
    r = risk[:, :, None]                                  # the perspective actor i's exponent
    success, failure = 2 - 4 * (0.5 - 0.5 * d) ** r, 2 - 4 * (0.5 + 0.5 * d) ** r
    status_quo = q * (2 - 4 * 0.5 ** r)
    s_j, s_i = actors.salience[:, None, :], actors.salience[:, :, None]
    p_t = np.swapaxes(p, 1, 2)
    challenge = s_j * (p * success + (1 - p) * failure) + (1 - s_j) * success - status_quo
    challenged = s_i * (p_t * success + (1 - p_t) * failure) + (1 - s_i) * success - status_quo
    return challenge, challenged


def risk_exponents(actors: Actors, x: np.ndarray, span: np.ndarray, q: float = 1.0) -> np.ndarray:
    """Equation (5): each actor's risk exponent in [0.5, 2], shape (worlds, actors)."""
    _, challenged = expected_utilities(actors, x, np.ones_like(x), span, q)
    n = x.shape[1]
    danger = (challenged * (1 - np.eye(n))).sum(axis=2)
    high, low = danger.max(axis=1, keepdims=True), danger.min(axis=1, keepdims=True)
    spread = np.where(high > low, high - low, 1.0)
    acceptance = np.where(high > low, (2 * danger - high - low) / spread, 0.0)
    return (1 - acceptance / 3) / (1 + acceptance / 3)


@dataclass
class Round:
    """One round: the risk exponents used, each actor's move and partner, and the new positions."""

    risk: np.ndarray        # (worlds, actors)
    move: np.ndarray        # (worlds, actors): 0 stays, 1 confrontation, 2 compromise, 3 capitulation
    partner: np.ndarray     # (worlds, actors): the actor whose offer was taken, -1 if none
    position: np.ndarray    # (worlds, actors) after the round


@dataclass
class Trajectory:
    """A run: the initial positions and every round."""

    actors: Actors
    rounds: list[Round] = field(default_factory=list)

    def positions(self) -> np.ndarray:
        """Positions by round, (rounds + 1, worlds, actors); index 0 is the start."""
        return np.stack([self.actors.position] + [r.position for r in self.rounds])

    def means(self) -> np.ndarray:
        """The weighted mean position by round, (rounds + 1, worlds)."""
        return np.stack([weighted_mean(self.actors, x) for x in self.positions()])


def step(actors: Actors, x: np.ndarray, span: np.ndarray, convention: str = "paper", q: float = 1.0) -> Round:
    """One round of equations (5) to (7) from positions ``x``."""
    if convention not in CONVENTIONS:
        raise ValueError(f"convention must be one of {CONVENTIONS}, found {convention!r}")
    risk = risk_exponents(actors, x, span, q)
    e_ij, e_ji = expected_utilities(actors, x, risk, span, q)
    target = np.broadcast_to(x[:, None, :], e_ij.shape)        # x_j for each (i, j)
    own = np.broadcast_to(x[:, :, None], e_ij.shape)           # x_i
    apart = ~_same(x, span)
    confrontation = apart & (e_ji > e_ij) & (e_ij > 0)
    opposed = apart & (e_ji > 0) & (e_ij < 0)
    compromise = opposed & (e_ji > np.abs(e_ij))
    capitulation = opposed & (e_ji < np.abs(e_ij)) & (convention == "paper")
    with np.errstate(divide="ignore", invalid="ignore"):
        compromise_at = own + (target - own) * np.abs(e_ij / e_ji)
        if convention == "paper":
            compromise_key = np.abs(compromise_at - own)
        else:
            compromise_key = (np.abs(e_ij) * own + np.abs(e_ji) * target) / (np.abs(e_ij) + np.abs(e_ji))
    move = np.zeros(x.shape, dtype=int)
    partner = np.full(x.shape, -1)
    new = x.copy()
    # The kinds in order of precedence; an actor that has taken an offer ignores later kinds.
    for kind, offered, at, key in ((CONFRONTATION, confrontation, target, np.abs(target - own)),
                                   (COMPROMISE, compromise, compromise_at, compromise_key),
                                   (CAPITULATION, capitulation, target, np.abs(target - own))):
        free = (move == 0) & offered.any(axis=2)
        masked = np.where(offered, key, np.inf)
        lowest = masked.min(axis=2, keepdims=True)
        best = np.argmax(masked <= lowest + SAME * span[:, None, None], axis=2)   # the first actor on ties
        chosen = np.take_along_axis(at, best[:, :, None], axis=2)[:, :, 0]
        new = np.where(free, chosen, new)
        partner = np.where(free, best, partner)
        move = np.where(free, kind, move)
    return Round(risk=risk, move=move, partner=partner, position=new)


def run(actors: Actors, rounds: int = 10, convention: str = "paper", q: float = 1.0) -> Trajectory:
    """Run ``rounds`` rounds from the actors' positions (every world at once)."""
    if rounds < 0:
        raise ValueError(f"rounds must be >= 0, found {rounds}")
    trajectory = Trajectory(actors)
    span = _span(actors.position)
    x = actors.position
    for _ in range(rounds):
        result = step(actors, x, span, convention, q)
        trajectory.rounds.append(result)
        x = result.position
    return trajectory
