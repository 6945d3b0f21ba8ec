"""The mediator's search written with numpy over worlds: the oracle the compiled search is tested against.

As stumpy keeps its naive references in its tests, these functions state the search of
:mod:`sim.core.bargaining` (its constants are imported from there) for any score, slowly and
plainly; the model runs the compiled search (:mod:`sim.core.compiled_search`), which
``test_compiled_search.py`` checks gives these packages bit for bit.

* :func:`search_box` searches the whole box of terms no veto player has ruled out, by coordinate
  ascent over a grid on each issue from the best of several starts (including the belligerents'
  contract curve).
* :func:`search_path` searches a one-dimensional path (the contract curve).
* :func:`mediator_score` is the mediator's objective for packages, from each veto player's surplus
  (:meth:`~sim.core.round.Party.assess`).
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
from scipy.special import log_ndtr

from sim.core.bargaining import INFEASIBLE, NOISE_FLOOR, REFINE_OFFSETS, TOWARD_FRACTIONS
from sim.core.round import Party


def nash_score(surpluses: list[np.ndarray], powers: list[np.ndarray | float],
               vetoes: list[np.ndarray | bool], miss: str = "worst") -> np.ndarray:
    """Asymmetric Nash objective over the veto players, ranking every feasible point first.

    Returns ``sum_i a_i log S_i`` over the players holding a veto where all their surpluses are
    positive, and below every such point elsewhere: ``-1e9 + min_i S_i`` (the worst-off player's
    surplus, ``miss="worst"``) or ``-1e9 + sum_i min(S_i, 0)`` (the total shortfall,
    ``miss="shortfall"``, which a search that moves one issue at a time can climb: the worst-off
    player's surplus has kinks where two players tie).
    """
    shape = np.broadcast_shapes(*(np.shape(s) for s in surpluses))
    feasible = np.ones(shape, dtype=bool)
    worst = np.full(shape, np.inf) if miss == "worst" else np.zeros(shape)
    score = np.zeros(shape)
    log_surplus = np.empty(shape)
    for surplus, power, veto in zip(surpluses, powers, vetoes, strict=True):
        positive = surplus > 0
        everywhere = np.ndim(veto) == 0 and bool(veto)
        if not everywhere:
            veto = np.broadcast_to(veto, shape)
        feasible &= positive if everywhere else ~veto | positive
        if miss == "worst":
            worst = np.minimum(worst, surplus) if everywhere else np.where(veto, np.minimum(worst, surplus), worst)
        else:
            shortfall = np.minimum(surplus, 0.0)
            worst = worst + (shortfall if everywhere else np.where(veto, shortfall, 0.0))
        # log S where the player counts (log 1 = 0 elsewhere, so the term adds exactly nothing there).
        counted = positive if everywhere else veto & positive
        log_surplus.fill(0.0)
        np.log(surplus, out=log_surplus, where=counted)
        score += power * log_surplus
    return np.where(feasible, score, INFEASIBLE + worst)


Surpluses = Callable[[np.ndarray], tuple[list[np.ndarray], list[np.ndarray | float], list[np.ndarray | bool]]]


Score = Callable[[np.ndarray], np.ndarray]


def _keep_better(score: Score, candidates: np.ndarray, best: np.ndarray,
                 best_score: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Score ``candidates`` (G, N, ...) and, per world, keep the best of them where it beats the incumbent."""
    scores = score(candidates)
    worlds = np.arange(scores.shape[1])
    index = np.argmax(scores, axis=0)
    better = scores[index, worlds] > best_score
    chosen = np.where(better.reshape(better.shape + (1,) * (best.ndim - 1)), candidates[index, worlds], best)
    return chosen, np.where(better, scores[index, worlds], best_score)


def search_path(score: Score, n_worlds: int, grid: int = 9, refine: int = 2) -> np.ndarray:
    """Find, per world, the path parameter ``lam`` in [0, 1] that maximises ``score``.

    Args:
        score: maps ``lam`` of shape (G, N) to scores (G, N); higher is better.
        n_worlds: N.
        grid: points in the coarse grid (>= 3).
        refine: rounds of local refinement; each narrows the resolution fourfold.

    Returns:
        ``lam`` per world, shape (N,).
    """
    lam = np.broadcast_to(np.linspace(0.0, 1.0, grid)[:, None], (grid, n_worlds))
    best, best_score = _keep_better(score, lam, lam[0], np.full(n_worlds, -np.inf))
    step = 1.0 / (grid - 1)
    offsets = np.array(REFINE_OFFSETS)[:, None]
    for _ in range(refine):
        # Probe between the best point and its neighbours; keep whichever scores highest.
        best, best_score = _keep_better(score, np.clip(best + offsets * step, 0.0, 1.0), best, best_score)
        step /= 4.0
    return best


def nash_on_path(surpluses: Surpluses, n_worlds: int, grid: int = 9, refine: int = 2) -> np.ndarray:
    """:func:`search_path` for the Nash objective: ``surpluses`` maps ``lam`` (G, N) to the players'
    surpluses (each (G, N)), their bargaining weights and whether each holds a veto there."""
    return search_path(lambda lam: nash_score(*surpluses(lam)), n_worlds, grid, refine)


def search_box(score: Score, starts: np.ndarray, low: np.ndarray, high: np.ndarray, levels: int = 5,
               sweeps: int = 3, toward: np.ndarray | None = None, first_sweep: int = 0,
               toward_sweeps: int | None = None, grid_sweeps: int | None = None) -> np.ndarray:
    """Maximise ``score`` over the box ``[low, high]`` (N, K) per world, by coordinate ascent.

    Args:
        score: maps packages (G, N, K) to scores (G, N); higher is better.
        starts: candidate starting packages (S, N, K), e.g. points of the contract curve.
        low, high: the box per world (N, K); where ``low > high`` on an issue the term is held at
            ``high`` (there is no zone there, and the search reports the closest miss).
        levels: grid points per issue tried in every sweep (>= 2; the bounds are always among them).
        sweeps: passes over all issues; after the first, each pass also tries steps of half the
            previous size around the incumbent, so the result is resolved to about
            ``(high - low) / ((levels - 1) * 2 ** sweeps)`` on every issue.
        toward: points (P, N, K), e.g. the players' ideal points; after each pass the search also
            tries moving part of the way toward each, which finds the narrow diagonal zones of
            agreement between two ideals that moves along one issue at a time miss.
        first_sweep: the number of the first sweep (a search that goes on from a draft starts at 1):
            sweep ``s`` steps by ``(high - low) / ((levels - 1) * 2 ** s)``.
        toward_sweeps: how many sweeps, counted from the first, try the moves toward ``toward``
            (default: every sweep).
        grid_sweeps: how many sweeps, counted from the first, try each issue's grid (default: every
            sweep); the others try the local steps only.

    Returns:
        The best package found per world, shape (N, K). Worlds are independent: the result for a
        world does not depend on which other worlds are searched with it.
    """
    n_worlds, n_issues = low.shape
    clip = lambda x: np.minimum(np.maximum(x, low), high)  # noqa: E731
    starts = clip(starts)
    best, best_score = _keep_better(score, starts, starts[0], np.full(n_worlds, -np.inf))
    grid = np.linspace(0.0, 1.0, levels)[:, None]
    width = np.maximum(high - low, 0.0)
    step = width / (levels - 1) / 2.0 ** first_sweep
    # An issue with no room in any world (a hard line pins it) has every candidate equal to the
    # incumbent: trying them could change nothing, so they are not scored.
    movable = [k for k in range(n_issues) if np.any(width[:, k] > 0)]
    for sweep in range(first_sweep, first_sweep + sweeps):
        if sweep > first_sweep:
            step = step / 2.0
        for k in movable:
            values = []
            if grid_sweeps is None or sweep - first_sweep < grid_sweeps:
                values.append(low[:, k] + grid * width[:, k])          # the issue's grid, bounds included
            if sweep > 0:
                values.append(best[:, k] + np.array([-1.0, 1.0])[:, None] * step[:, k])   # local refinement
            values = np.concatenate(values)
            candidates = np.broadcast_to(best, (values.shape[0], n_worlds, n_issues)).copy()
            candidates[:, :, k] = values
            best, best_score = _keep_better(score, clip(candidates), best, best_score)
        if toward is not None and (toward_sweeps is None or sweep - first_sweep < toward_sweeps):
            fractions = np.array(TOWARD_FRACTIONS)[:, None, None, None]
            candidates = clip((best + fractions * (toward[None] - best)).reshape(-1, n_worlds, n_issues))
            best, best_score = _keep_better(score, candidates, best, best_score)
    return best


def mediator_score(players: list[Party], x: np.ndarray, settled: np.ndarray, front: np.ndarray,
                   status_quo: np.ndarray, leverage: np.ndarray, objective: str = "nash",
                   miss: str = "worst", outside: dict[str, np.ndarray] | None = None) -> np.ndarray:
    """The mediator's objective for packages ``x`` (G, N, K), shape (G, N); every package all veto
    players accept ranks above every package one of them rejects (then the closest miss counts, as
    ``miss`` says: see :func:`nash_score`). Surpluses are measured from
    fighting on, or from ``outside``: each player's surplus of the agreement in force."""
    outside = outside or {}
    assessed = [p.assess(x, settled, front, leverage=leverage, outside=outside.get(p.actor_id, 0.0)).surplus
                for p in players]
    vetoes = [p.has_veto(x, settled, status_quo) for p in players]
    if objective == "acceptance":
        # log P(all accept) = sum of log Phi(S_i / sd_i) over veto players; a tiny sd floor keeps a
        # noiseless party's answer a (steep) function of its surplus.
        shape = np.broadcast_shapes(*(np.shape(a) for a in assessed))
        total = np.zeros(shape)
        for surplus, party, veto in zip(assessed, players, vetoes, strict=True):
            sd = np.maximum(party.noise_sd, NOISE_FLOOR)
            total = total + np.where(veto, log_ndtr(surplus / sd), 0.0)
        return total
    return nash_score(assessed, [p.bargaining_power for p in players], vetoes, miss=miss)
