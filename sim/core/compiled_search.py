"""The mediator's search, compiled: the contract-curve and box searches of :mod:`sim.core.bargaining`
for the mediator's objective, fused into one pass of machine code
(numba) over blocks of worlds.

Why compiled: the search scores about 200 candidate packages per world and month, each needing every
veto player's surplus. With numpy over all worlds that is about a thousand array calls a month and
tens of kilobytes of temporaries per world, streamed through memory. Here all worlds of a block of
:data:`BLOCK` take the same candidate steps in lockstep (the candidates differ per world, their
sequence does not), so every loop runs over worlds innermost on contiguous arrays that stay in the
second-level cache, and the compiler vectorises it. A candidate that moves one issue of the
incumbent (most of the box search's) is scored from what the incumbent owes to the other issues,
memorised once per issue and pass (:func:`_memorise`), in the same order, so the same numbers.

What keeps a loop vectorised (found with a profile of the machine code, docs/design.md): every
array element is read before a conditional expression picks between values (a read inside a branch
cannot be speculated, so the loop stays scalar and branchy); a row indexed by a runtime number is
taken before the loop, not inside it; unsigned loop bounds; ``error_model="numpy"`` (no zero check in
a division). The logarithms, needed only where a package is feasible (a few percent of the worlds),
run over a list of those worlds. Slices are filled and copied by plain loops (:func:`_fill`,
:func:`_copy`), a percent or two. The kernels that allocate nothing skip numba's reference counts
(:data:`LEAF_OPTIONS`): each row view would otherwise cost two atomic operations per loop and block.

Why it gives the numpy numbers exactly (``tests/core/test_compiled_search.py`` checks it bit for bit
against the numpy search kept in the tests as the oracle, ``tests/core/reference_search.py``):

* every expression is written in the order numpy evaluates it, with no fused multiply-add and no
  fast-math reassociation (numba's defaults);
* the weighted sum over issues of the spatial utility adds the terms in the order of numpy's
  ``einsum`` inner loop for contiguous float64 with a zero output stride (two lanes, unrolled by
  eight; :func:`_utilities`);
* ties and the incumbent follow ``_keep_better``: the first best candidate of a group replaces the
  incumbent only if strictly better, and a group with a NaN score changes nothing;
* the acceptance objective calls SciPy's own ``log_ndtr`` (through its Cython C API).

The kernels are cached on disk (``cache=True``), so only the first run on a machine compiles them
(about 30 s); this module is imported only when a search runs, so commands that build no model
never load numba.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, replace
from typing import Any

import numpy as np
from llvmlite import ir
from numba import config, njit, types
from numba.extending import get_cython_function_address, intrinsic
from scipy.special import log_ndtr

from .bargaining import INFEASIBLE, NOISE_FLOOR, REFINE_OFFSETS, TOWARD_FRACTIONS, is_zero


def _leaf_options() -> dict[str, Any]:
    """numba's switch for compiling without reference counts, if this numba has it (it is private)."""
    try:
        from numba.core.cpu import CPUTargetOptions
    except ImportError:      # a numba that keeps its options elsewhere: compile with the counts
        return {}
    return {"_nrt": False} if hasattr(CPUTargetOptions, "_nrt") else {}


LEAF_OPTIONS = _leaf_options()
"""What the kernels that allocate nothing are compiled with besides the rest's options: without numba's
reference counts, where this numba has its (private) switch for them. Each row view a loop takes
otherwise costs an atomic increment and decrement, paid per loop and block, not per world: 1.15 to
1.19 times on the kernel, the same packages (``benchmarks/search.py --against``; docs/design.md).
A numba without the switch compiles the same functions with the counts: slower, the same numbers.
The functions that allocate (:func:`_search`, :func:`_new_memo`, :func:`_fold_orders`) keep them."""

_leaf = njit(cache=True, error_model="numpy", **LEAF_OPTIONS)


BLOCK = 1024
"""Worlds searched in lockstep. Each step of the search is a short loop over the block's worlds, and
every such loop pays a fixed cost (numba cannot prove its arrays distinct, so the vectorised loop
first checks their overlap at run time); a block of 1,024 spreads that cost while the block's working
arrays (about 1 MB for four players and eight issues) stay in the second-level cache. Measured by
``python benchmarks/search.py`` (one core; docs/design.md): 128 worlds 10.7 us a searched world,
1,024 worlds 7.9 us; with the loops vectorised (issue 31, fourth round) 512 worlds 5.7 us, 1,024
5.4, 2,048 5.2, 4,096 5.4, and larger blocks gained nothing on a whole run's searches. Which worlds
share a block changes no number: worlds are independent."""

PLAYER_NUMBERS: tuple[tuple[str, Callable], ...] = (
    ("war", lambda p, leverage, outside: p.war_value),
    ("fear", lambda p, leverage, outside: p.breach_fear),
    ("guarantee_effect", lambda p, leverage, outside: p.guarantee_effect),
    ("sucker", lambda p, leverage, outside: p.sucker_loss),
    ("resume", lambda p, leverage, outside: p.resume_risk),
    ("power_shift_effect", lambda p, leverage, outside: p.power_shift_effect),
    ("blame", lambda p, leverage, outside: p.blame_cost * leverage),
    ("outside", lambda p, leverage, outside: outside.get(p.actor_id, 0.0)),
    ("power", lambda p, leverage, outside: p.bargaining_power),
    ("noise_sd", lambda p, leverage, outside: np.maximum(p.noise_sd, NOISE_FLOOR)),
)
"""The rows of ``PlayerArrays.numbers``, declared once: each row's name and how :func:`pack_players`
computes it from a :class:`~sim.core.round.Party` (the same numpy expression as its surplus), the
mediator's leverage and the surpluses of an agreement in force. The kernel names its rows below."""

PLAYER_FLAGS: tuple[tuple[str, Callable], ...] = (
    ("belligerent", lambda p, settled: p.belligerent),
    # The deal is worth its terms: no breach fear and no open issue that could fail.
    ("fearless", lambda p, settled: is_zero(p.breach_fear) and (bool(settled.all()) or is_zero(p.resume_risk))),
    ("guarantees", lambda p, settled: -1 if p.guarantees is None else p.guarantees),
    ("power_on", lambda p, settled: bool(p.power_issues and p.power_sign and not is_zero(p.power_shift_effect))),
    ("resume_on", lambda p, settled: not bool(settled.all())),
    ("n_power", lambda p, settled: len(p.power_issues)),
    ("n_lines", lambda p, settled: len(audience_lines(p, settled))),
)
"""The columns of ``PlayerArrays.flags``, declared once: name and how :func:`pack_players` sets it."""

_ROW = {name: i for i, (name, _) in enumerate(PLAYER_NUMBERS)}
_FLAG = {name: i for i, (name, _) in enumerate(PLAYER_FLAGS)}
# The kernel's names for them (module constants, which numba compiles in).
WAR, FEAR, GUARANTEE_EFFECT, SUCKER = _ROW["war"], _ROW["fear"], _ROW["guarantee_effect"], _ROW["sucker"]
RESUME, POWER_SHIFT_EFFECT, BLAME, OUTSIDE = _ROW["resume"], _ROW["power_shift_effect"], _ROW["blame"], _ROW["outside"]
POWER, NOISE_SD = _ROW["power"], _ROW["noise_sd"]
BELLIGERENT, FEARLESS, GUARANTEES, POWER_ON = _FLAG["belligerent"], _FLAG["fearless"], _FLAG["guarantees"], _FLAG["power_on"]
RESUME_ON, N_POWER, N_LINES = _FLAG["resume_on"], _FLAG["n_power"], _FLAG["n_lines"]

# Rows of the search's ``work`` array, one value per world of the block.
UTILITY, LANE1, AUDIENCE, BREACH, SHIFT = 0, 1, 2, 3, 4        # one player's surplus terms (_surpluses)
TOTAL, WORST, FEASIBLE = 5, 6, 7                               # the objective's sums over players (_scores)
SCORE, BEST_SCORE, TOP_SCORE, NAN, LAM, BEST_LAM, TOP_LAM, IMPROVED = 8, 9, 10, 11, 12, 13, 14, 15
STEP_SIZE = 16                                                 # then one row per issue: the box search's steps
WORK_ROWS = STEP_SIZE                                          # rows besides the step sizes

NASH, ACCEPTANCE = 0, 1
"""Objective codes: the asymmetric Nash product, or the chance every veto player accepts."""

_TINY = 1e-12          # as in sim.core.utility.contract_curve
_REFINE_OFFSETS = REFINE_OFFSETS        # tuples of the specification, as numba constants
_TOWARD_FRACTIONS = TOWARD_FRACTIONS
_INFEASIBLE = INFEASIBLE


def _cache_somewhere() -> None:
    """Make sure numba has a folder to cache the kernels in. It writes beside this source, or, when
    the installed package cannot be written, in the user's cache folder (``~/.cache/numba``); with
    neither (a read-only install run by a user without a writable home) it would refuse to define a
    cached kernel. Then the kernels are cached in the temporary folder, one per user."""
    def probe():
        return 0

    try:
        njit(cache=True)(probe)
    except RuntimeError:     # numba: "cannot cache function ...: no locator available"
        import os
        import tempfile
        config.CACHE_DIR = os.path.join(  # type: ignore[attr-defined]
            tempfile.gettempdir(), f"negsim-numba-{getattr(os, 'getuid', lambda: 0)()}")


_cache_somewhere()


@dataclass
class PlayerArrays:
    """The mediator's veto players for one round, as flat arrays (P players, K issues, N worlds last).

    ``numbers`` (P, rows, N): per-world numbers, one row per entry of :data:`PLAYER_NUMBERS` (``blame``
    is the blame cost times the mediator's leverage, ``outside`` the surplus of the agreement in
    force, ``noise_sd`` the decision noise floored as the acceptance objective uses it).
    ``flags`` (P, columns) int, one column per entry of :data:`PLAYER_FLAGS`: belligerent; fearless;
    the guarantees issue or -1; whether power shifts count; whether open issues add the resume risk;
    how many power issues and audience lines there are.
    ``power_sign`` (P,), ``power_issues`` (P, K) int. ``ideal``, ``weights`` (P, K, N).
    ``controls`` (P, K) bool: settled issues the player controls (its veto switches on when one of
    them leaves the status quo). Audience lines on settled issues, in order: ``line_issue`` (P, L)
    int, ``line_upper`` (P, L) bool, ``line_threshold`` (P, L, N) (the bound with its 1e-9
    tolerance), ``line_cost`` (P, L, N) and ``line_ramp`` (P, L): 0 for a step, else the distance over
    which the cost rises to its whole value.
    """

    numbers: np.ndarray
    flags: np.ndarray
    power_sign: np.ndarray
    power_issues: np.ndarray
    ideal: np.ndarray
    weights: np.ndarray
    controls: np.ndarray
    line_issue: np.ndarray
    line_upper: np.ndarray
    line_threshold: np.ndarray
    line_cost: np.ndarray
    line_ramp: np.ndarray

    def take(self, chosen: np.ndarray) -> PlayerArrays:
        """These players in the packed worlds ``chosen`` (indices into the last axis) only, in C order
        as the kernel is compiled for (numpy leaves a selection along the last axis in another)."""
        def select(array: np.ndarray) -> np.ndarray:
            return np.take(array, chosen, axis=-1)   # C order, and a tenth of the time of array[..., chosen]

        return replace(self, numbers=select(self.numbers), ideal=select(self.ideal), weights=select(self.weights),
                       line_threshold=select(self.line_threshold), line_cost=select(self.line_cost))

    def arguments(self) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray, np.ndarray, np.ndarray, np.ndarray,
                                 np.ndarray, np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
        """The arrays in the order the kernel takes them."""
        return (self.numbers, self.flags, self.power_sign, self.power_issues, self.ideal, self.weights, self.controls,
                self.line_issue, self.line_upper, self.line_threshold, self.line_cost, self.line_ramp)


def audience_lines(party, settled: np.ndarray) -> list:
    """A player's audience lines (soft red lines) on settled issues, in order: the ones the search scores."""
    return [line for line in party.red_lines.lines if not line.hard and settled[line.issue]]


def pack_players(players: list, settled: np.ndarray, front: np.ndarray, leverage: np.ndarray | float,
                 outside: dict[str, np.ndarray], n_worlds: int, n_issues: int,
                 worlds: np.ndarray | None = None) -> PlayerArrays:
    """Flatten the veto players (:class:`~sim.core.round.Party`, those that bargain) for the kernel,
    each number computed as :data:`PLAYER_NUMBERS` and :data:`PLAYER_FLAGS` declare, in the worlds
    ``worlds`` (indices into the ``n_worlds``; default all): the per-world arrays' last axis."""
    n_players = len(players)
    chosen = slice(None) if worlds is None else worlds

    # A number the same in every world is written as it is (assignment broadcasts it): selecting the
    # packed worlds of a broadcast copy cost a third of the packing, for the same doubles.
    def per_world(value):
        if np.ndim(value) == 0:
            return value
        return (value if np.shape(value) == (n_worlds,) else np.broadcast_to(value, (n_worlds,)))[chosen]

    def per_issue(value):
        if np.ndim(value) == 1:
            return np.asarray(value)[:, None]
        by_world = np.broadcast_to(value, (n_worlds, n_issues))
        # np.take gathers rows in half the time of fancy indexing (the same numbers).
        return (by_world if worlds is None else np.take(by_world, worlds, axis=0)).T
    packed = n_worlds if worlds is None else len(worlds)     # the packed arrays' last axis
    numbers = np.empty((n_players, len(PLAYER_NUMBERS), packed))
    flags = np.zeros((n_players, len(PLAYER_FLAGS)), dtype=np.int64)
    power_sign = np.zeros(n_players)
    power_issues = np.zeros((n_players, max(n_issues, 1)), dtype=np.int64)
    ideal = np.empty((n_players, n_issues, packed))
    weights = np.empty((n_players, n_issues, packed))
    controls = np.zeros((n_players, n_issues), dtype=np.bool_)
    audience = [audience_lines(p, settled) for p in players]
    n_lines = max([len(lines) for lines in audience] + [1])
    line_issue = np.zeros((n_players, n_lines), dtype=np.int64)
    line_upper = np.zeros((n_players, n_lines), dtype=np.bool_)
    line_threshold = np.zeros((n_players, n_lines, packed))
    line_cost = np.zeros((n_players, n_lines, packed))
    line_ramp = np.zeros((n_players, n_lines))
    for i, p in enumerate(players):
        for row, (_, number) in enumerate(PLAYER_NUMBERS):
            numbers[i, row] = per_world(number(p, leverage, outside))
        for column, (_, flag) in enumerate(PLAYER_FLAGS):
            flags[i, column] = flag(p, settled)
        power_sign[i] = p.power_sign
        power_issues[i, :len(p.power_issues)] = p.power_issues
        ideal[i] = per_issue(p.ideal)
        weights[i] = per_issue(p.weights)
        for k in p.controls:
            controls[i, k] = settled[k]
        for j, line in enumerate(audience[i]):
            bound = line.bound + front if line.relative_to_front else line.bound
            line_issue[i, j] = line.issue
            line_upper[i, j] = line.upper
            line_threshold[i, j] = per_world(bound + 1e-9 if line.upper else bound - 1e-9)
            line_cost[i, j] = per_world(line.cost)
            line_ramp[i, j] = line.ramp
    return PlayerArrays(numbers, flags, power_sign, power_issues, ideal, weights, controls, line_issue,
                        line_upper, line_threshold, line_cost, line_ramp)


def _log_ndtr_address() -> int:
    """Address of SciPy's ``log_ndtr`` for doubles, ``double f(double, int skip_dispatch)``."""
    return get_cython_function_address("scipy.special.cython_special", "__pyx_fuse_1log_ndtr")


if getattr(config, "DISABLE_JIT", False):   # the kernels interpreted (NUMBA_DISABLE_JIT=1): call SciPy's log_ndtr directly
    def _call_log_ndtr(address, x):
        """SciPy's ``log_ndtr`` of ``x`` (``address`` is unused when interpreted)."""
        return float(log_ndtr(x))
else:
    @intrinsic
    def _call_log_ndtr(typingctx, address, x):
        """Call the C function at ``address`` (a runtime integer, so the kernel stays cacheable)."""
        signature = types.float64(types.int64, types.float64)

        def codegen(context, builder, sig, args):
            double, flag = ir.DoubleType(), ir.IntType(32)
            function = builder.inttoptr(args[0], ir.FunctionType(double, [double, flag]).as_pointer())
            return builder.call(function, [args[1], ir.Constant(flag, 0)])

        return signature, codegen


@_leaf
def _fill(a, b, row, value):
    """``row[a:b] = value`` as a plain loop over worlds (numba's general slice assignment: 1.01-1.02
    times slower over a run's searches, measured by ``benchmarks/search.py --against``)."""
    for n in range(a, b):
        row[n] = value


@_leaf
def _copy(a, b, source, target):
    """``target[:, a:b] = source[:, a:b]`` for (rows, N) arrays, as plain loops (see :func:`_fill`)."""
    for k in range(source.shape[0]):
        row, out = source[k], target[k]
        for n in range(a, b):
            out[n] = row[n]


@_leaf
def _utilities(i, a, b, x, ideal, weights, lane0, lane1):
    """Player ``i``'s spatial utility of packages ``x`` (K, N) in worlds ``a:b``, into ``lane0``.

    ``1 - sum_k w_k (x_k - ideal_k)^2``, the sum taken in the order of numpy's einsum inner loop:
    two lanes (even and odd issues), eight issues at a time as ``t0 + (t2 + (t4 + (t6 + lane)))``,
    then two at a time, then the lanes added.
    """
    n_issues = x.shape[0]
    _fill(a, b, lane0, 0.0)
    _fill(a, b, lane1, 0.0)
    k = 0
    # Rows as one-dimensional views, so that the loops over worlds compile to vector instructions.
    while n_issues - k >= 8:
        x0, x1, x2, x3, x4, x5, x6, x7 = x[k], x[k + 1], x[k + 2], x[k + 3], x[k + 4], x[k + 5], x[k + 6], x[k + 7]
        i0, i1, i2, i3 = ideal[i, k], ideal[i, k + 1], ideal[i, k + 2], ideal[i, k + 3]
        i4, i5, i6, i7 = ideal[i, k + 4], ideal[i, k + 5], ideal[i, k + 6], ideal[i, k + 7]
        w0, w1, w2, w3 = weights[i, k], weights[i, k + 1], weights[i, k + 2], weights[i, k + 3]
        w4, w5, w6, w7 = weights[i, k + 4], weights[i, k + 5], weights[i, k + 6], weights[i, k + 7]
        for n in range(a, b):
            g0, g2, g4, g6 = x0[n] - i0[n], x2[n] - i2[n], x4[n] - i4[n], x6[n] - i6[n]
            lane0[n] = g0 * g0 * w0[n] + (g2 * g2 * w2[n] + (g4 * g4 * w4[n] + (g6 * g6 * w6[n] + lane0[n])))
        for n in range(a, b):
            g1, g3, g5, g7 = x1[n] - i1[n], x3[n] - i3[n], x5[n] - i5[n], x7[n] - i7[n]
            lane1[n] = g1 * g1 * w1[n] + (g3 * g3 * w3[n] + (g5 * g5 * w5[n] + (g7 * g7 * w7[n] + lane1[n])))
        k += 8
    while k < n_issues:
        _add_term(a, b, x[k], ideal[i, k], weights[i, k], lane0)
        if k + 1 < n_issues:
            _add_term(a, b, x[k + 1], ideal[i, k + 1], weights[i, k + 1], lane1)
        k += 2
    for n in range(a, b):
        lane0[n] = 1.0 - (lane0[n] + lane1[n])


@njit(cache=True, error_model="numpy")
def utilities_by_world(x, ideal, weights, out):
    """The spatial utility ``1 - sum_k w_k (x_k - ideal_k)^2`` of packages ``x`` (N, K), one row per
    world, into ``out`` (N,): for :func:`sim.core.utility.spatial_utility` over many worlds.

    Each world's sum is added in the order of :func:`_utilities` (numpy's einsum over contiguous
    rows: two lanes, eight issues at a time, then two at a time), so the number is einsum's; one pass
    over the three arrays, without the gap's temporary (the einsum call took twice as long).
    ``weights`` must be contiguous along the issues, as einsum's order assumes."""
    n_worlds, n_issues = x.shape
    for n in range(n_worlds):
        lane0, lane1 = 0.0, 0.0
        k = 0
        while n_issues - k >= 8:
            g0, g1, g2, g3 = x[n, k] - ideal[n, k], x[n, k + 1] - ideal[n, k + 1], x[n, k + 2] - ideal[n, k + 2], \
                x[n, k + 3] - ideal[n, k + 3]
            g4, g5, g6, g7 = x[n, k + 4] - ideal[n, k + 4], x[n, k + 5] - ideal[n, k + 5], x[n, k + 6] - ideal[n, k + 6], \
                x[n, k + 7] - ideal[n, k + 7]
            w = weights[n]
            lane0 = g0 * g0 * w[k] + (g2 * g2 * w[k + 2] + (g4 * g4 * w[k + 4] + (g6 * g6 * w[k + 6] + lane0)))
            lane1 = g1 * g1 * w[k + 1] + (g3 * g3 * w[k + 3] + (g5 * g5 * w[k + 5] + (g7 * g7 * w[k + 7] + lane1)))
            k += 8
        while k < n_issues:
            gap = x[n, k] - ideal[n, k]
            lane0 = gap * gap * weights[n, k] + lane0
            if k + 1 < n_issues:
                gap = x[n, k + 1] - ideal[n, k + 1]
                lane1 = gap * gap * weights[n, k + 1] + lane1
            k += 2
        out[n] = 1.0 - (lane0 + lane1)


@_leaf
def _add_term(a, b, x, ideal, weights, lane):
    for n in range(a, b):
        gap = x[n] - ideal[n]
        lane[n] = gap * gap * weights[n] + lane[n]


@_leaf
def _audience(i, a, b, x, audience, flags, line_issue, line_upper, line_threshold, line_cost, line_ramp):
    """Player ``i``'s audience costs of packages ``x`` (K, N) in worlds ``a:b``, into ``audience``
    (:meth:`RedLines.audience_cost`: its audience lines in order, each adding its cost beyond its line)."""
    _fill(a, b, audience, 0.0)
    for j in range(flags[i, N_LINES]):
        terms, threshold, cost = x[line_issue[i, j]], line_threshold[i, j], line_cost[i, j]
        ramp = line_ramp[i, j]
        if ramp > 0.0:   # the cost grows with the distance beyond the line (RedLines.audience_cost)
            if line_upper[i, j]:
                for n in range(a, b):
                    beyond, before = terms[n] - threshold[n], audience[n]
                    added = before + cost[n] * min(1.0, beyond / ramp)
                    audience[n] = added if beyond > 0.0 else before
            else:
                for n in range(a, b):
                    beyond, before = threshold[n] - terms[n], audience[n]
                    added = before + cost[n] * min(1.0, beyond / ramp)
                    audience[n] = added if beyond > 0.0 else before
        elif line_upper[i, j]:
            for n in range(a, b):
                before = audience[n]
                added = before + cost[n]
                audience[n] = added if terms[n] > threshold[n] else before
        else:
            for n in range(a, b):
                before = audience[n]
                added = before + cost[n]
                audience[n] = added if terms[n] < threshold[n] else before


@_leaf
def _breach(i, a, b, x, breach, shift, numbers, flags, power_sign, power_issues):
    """Player ``i``'s perceived chance the deal fails, for packages ``x`` (K, N) in worlds ``a:b``,
    into ``breach`` (:meth:`Party.breach_probability`: its breach fear, eased by the guarantees agreed,
    moved by shifts of future power, and the chance the talks on open issues fail)."""
    # Rows taken before the loops: an index read inside a loop is read again on every world.
    fear = numbers[i, FEAR]
    guarantees = flags[i, GUARANTEES]
    if guarantees < 0:
        for n in range(a, b):
            breach[n] = fear[n] * 1.0
    else:
        effect, agreed = numbers[i, GUARANTEE_EFFECT], x[guarantees]
        for n in range(a, b):
            breach[n] = fear[n] * (1.0 - effect[n] * (1.0 - agreed[n]))
    if flags[i, POWER_ON]:
        n_power = flags[i, N_POWER]
        first = x[power_issues[i, 0]]
        for n in range(a, b):
            shift[n] = first[n]
        for j in range(1, n_power):
            term = x[power_issues[i, j]]
            for n in range(a, b):
                shift[n] = shift[n] + term[n]
        sign, effect = power_sign[i], numbers[i, POWER_SHIFT_EFFECT]
        for n in range(a, b):
            moved = breach[n] * (1.0 + sign * effect[n] * (shift[n] / n_power))
            breach[n] = min(max(moved, 0.0), 1.0)
    if flags[i, RESUME_ON]:
        resume = numbers[i, RESUME]
        for n in range(a, b):
            breach[n] = 1.0 - (1.0 - breach[n]) * (1.0 - resume[n])


@njit(cache=True, error_model="numpy")
def _fold_orders(n_issues):
    """The order in which :func:`_utilities` adds the issues' terms into its two lanes.

    Returns ``order`` (2, K): each lane's issues in the order they are added (-1 past its end),
    ``lane_of`` (K,), ``position`` (K,): where each issue is added, and ``lane_length`` (2,). Each
    lane is the fold ``acc = term + acc`` from 0 over its order: in blocks of eight issues the even
    (odd) ones from the last to the first, then the remaining ones two at a time."""
    order = np.full((2, max(n_issues, 1)), -1, dtype=np.int64)
    lane_of = np.zeros(max(n_issues, 1), dtype=np.int64)
    position = np.zeros(max(n_issues, 1), dtype=np.int64)
    lane_length = np.zeros(2, dtype=np.int64)

    def add(issue):
        lane = issue % 2
        order[lane, lane_length[lane]] = issue
        lane_of[issue], position[issue] = lane, lane_length[lane]
        lane_length[lane] += 1

    k = 0
    while n_issues - k >= 8:
        for offset in (6, 4, 2, 0):
            add(k + offset)
            add(k + offset + 1)
        k += 8
    while k < n_issues:
        add(k)
        if k + 1 < n_issues:
            add(k + 1)
        k += 2
    return order, lane_of, position, lane_length


@njit(cache=True, error_model="numpy")
def _new_memo(n_players, n_issues, n_worlds):
    """Room for what :func:`_memorise` keeps (in its order), with the utility's fold orders."""
    return (np.empty((n_players, n_issues, n_worlds)), np.empty((n_players, n_worlds)), np.empty((n_players, n_worlds)),
            np.empty((n_players, n_worlds)), np.empty((n_players, n_worlds))) + _fold_orders(n_issues)


ALL_CHANGED = -1
"""For :func:`_memorise`: the incumbent may differ from the memorised one on every issue."""


@_leaf
def _memorise(a, b, moved, changed, x, memo, work, numbers, flags, power_sign, power_issues, ideal, weights,
              line_issue, line_upper, line_threshold, line_cost, line_ramp):
    """Keep what every player's surplus of the incumbent ``x`` (K, N) owes to issues other than
    ``moved``, in worlds ``a:b``: each issue's utility term, the fold of ``moved``'s lane up to it and
    the other lane whole, the audience costs and the chance of breach. Candidates that differ from
    the incumbent on ``moved`` only are then scored from these (:func:`_surpluses`).

    ``changed``: the one issue on which ``x`` may differ from the incumbent memorised last (the
    issue the last group moved), or :data:`ALL_CHANGED`. Only what reads that issue is computed
    again: the same numbers as computing everything, since the rest reads the same terms."""
    terms, prefix, other, audience, breach, order, lane_of, position, lane_length = memo
    lane = lane_of[moved]
    for i in range(numbers.shape[0]):
        if changed == ALL_CHANGED:
            for k in range(x.shape[0]):
                _term(a, b, x[k], ideal[i, k], weights[i, k], terms[i, k])
            audience_reads, breach_reads = True, True
        else:
            _term(a, b, x[changed], ideal[i, changed], weights[i, changed], terms[i, changed])
            audience_reads, breach_reads = _depends_on(i, changed, flags, power_issues, line_issue)
        _fold(a, b, terms[i], order[lane], 0, position[moved], prefix[i])
        _fold(a, b, terms[i], order[1 - lane], 0, lane_length[1 - lane], other[i])
        if audience_reads:
            _audience(i, a, b, x, audience[i], flags, line_issue, line_upper, line_threshold, line_cost, line_ramp)
        if breach_reads and not flags[i, FEARLESS]:
            _breach(i, a, b, x, breach[i], work[SHIFT], numbers, flags, power_sign, power_issues)


@_leaf
def _term(a, b, x, ideal, weights, term):
    for n in range(a, b):
        gap = x[n] - ideal[n]
        term[n] = gap * gap * weights[n]


@_leaf
def _fold(a, b, terms, order, first, last, acc):
    """``acc = terms[order[q]] + acc`` for q in ``first:last``, from 0 when ``first`` is 0."""
    if first == 0:
        _fill(a, b, acc, 0.0)
    for q in range(first, last):
        term = terms[order[q]]
        for n in range(a, b):
            acc[n] = term[n] + acc[n]


@_leaf
def _utilities_moved(i, a, b, moved, x, memo, ideal, weights, utility):
    """Player ``i``'s spatial utility of packages ``x`` that differ from the memorised incumbent on
    issue ``moved`` only: the same additions in the same order as :func:`_utilities`, so the same
    number, with the other issues' terms and partial sums taken from ``memo``."""
    terms, prefix, other, _, _, order, lane_of, position, lane_length = memo
    lane = lane_of[moved]
    xk, ik, wk, before = x[moved], ideal[i, moved], weights[i, moved], prefix[i]
    for n in range(a, b):
        gap = xk[n] - ik[n]
        utility[n] = gap * gap * wk[n] + before[n]
    _fold(a, b, terms[i], order[lane], position[moved] + 1, lane_length[lane], utility)
    rest = other[i]
    if lane == 0:
        for n in range(a, b):
            utility[n] = 1.0 - (utility[n] + rest[n])
    else:
        for n in range(a, b):
            utility[n] = 1.0 - (rest[n] + utility[n])


@_leaf
def _depends_on(i, moved, flags, power_issues, line_issue):
    """Whether player ``i``'s audience costs, and its chance of breach, read issue ``moved``."""
    audience = False
    for j in range(flags[i, N_LINES]):
        audience = audience or line_issue[i, j] == moved
    breach = moved == flags[i, GUARANTEES]
    if flags[i, POWER_ON]:
        for j in range(flags[i, N_POWER]):
            breach = breach or power_issues[i, j] == moved
    return audience, breach


@_leaf
def _surpluses(i, a, b, x, surplus, work, numbers, flags, power_sign, power_issues, ideal, weights, line_issue,
               line_upper, line_threshold, line_cost, line_ramp, moved, memo):
    """Player ``i``'s surplus of packages ``x`` (K, N) in worlds ``a:b``, into ``surplus`` (N,)
    (:meth:`Party.assess`: the value of the deal after the commitment problem, less audience costs,
    plus the blame avoided, less the value of fighting on and of the agreement in force).

    With ``moved`` >= 0, ``x`` is the incumbent :func:`_memorise` kept in ``memo`` except on that
    issue: what does not read it is taken from ``memo`` (the same numbers, a fraction of the work).
    Each step is its own loop over worlds, so that each compiles to vector instructions.
    """
    utility, audience, breach = work[UTILITY], work[AUDIENCE], work[BREACH]
    if moved < 0:
        _utilities(i, a, b, x, ideal, weights, utility, work[LANE1])
        audience_moves, breach_moves = True, True
    else:
        _utilities_moved(i, a, b, moved, x, memo, ideal, weights, utility)
        audience_moves, breach_moves = _depends_on(i, moved, flags, power_issues, line_issue)
        if not audience_moves:
            audience = memo[3][i]
        if not breach_moves:
            breach = memo[4][i]
    if audience_moves:
        _audience(i, a, b, x, audience, flags, line_issue, line_upper, line_threshold, line_cost, line_ramp)
    blame, war, outside = numbers[i, BLAME], numbers[i, WAR], numbers[i, OUTSIDE]
    if flags[i, FEARLESS]:      # the deal is worth its terms
        for n in range(a, b):
            surplus[n] = utility[n] - audience[n] + blame[n] - war[n] - outside[n]
    else:
        if breach_moves:
            _breach(i, a, b, x, breach, work[SHIFT], numbers, flags, power_sign, power_issues)
        sucker = numbers[i, SUCKER]
        for n in range(a, b):
            value = (1.0 - breach[n]) * utility[n] + breach[n] * (war[n] - sucker[n])
            surplus[n] = value - audience[n] + blame[n] - war[n] - outside[n]


@_leaf
def _scores(a, b, x, status_quo, objective, shortfall, log_ndtr, score, work, surpluses, vetoes, numbers, flags,
            power_sign, power_issues, ideal, weights, controls, line_issue, line_upper, line_threshold, line_cost, line_ramp,
            moved, memo, where):
    """The mediator's objective (sim.core.bargaining) for packages ``x`` (K, N) in worlds ``a:b``,
    into ``score``: ``miss="shortfall"`` where ``shortfall``, else ``"worst"``. Each player's surplus,
    then (branch-free) what it does to feasibility and the miss; then the logarithms, only where the
    package is feasible (elsewhere the score is the miss, and the Nash sum would be discarded).

    A belligerent always has a veto, so its row of ``vetoes`` is not written (nor read); another
    player's is 1 where a settled term it controls leaves the status quo. ``where``: room for the
    list of feasible worlds (at least ``b - a`` long), allocated by the caller so that this kernel
    allocates nothing."""
    n_players, n_issues = numbers.shape[0], x.shape[0]
    total, worst, feasible = work[TOTAL], work[WORST], work[FEASIBLE]
    _fill(a, b, feasible, 1.0)
    _fill(a, b, worst, 0.0 if shortfall else np.inf)
    for i in range(n_players):
        belligerent = flags[i, BELLIGERENT] != 0
        veto = vetoes[i]
        if not belligerent:
            _fill(a, b, veto, 0.0)
            for k in range(n_issues):
                if controls[i, k]:
                    terms, kept = x[k], status_quo[k]
                    for n in range(a, b):
                        before = veto[n]
                        veto[n] = 1.0 if abs(terms[n] - kept[n]) > 1e-9 else before
        surplus = surpluses[i]
        _surpluses(i, a, b, x, surplus, work, numbers, flags, power_sign, power_issues, ideal, weights,
                   line_issue, line_upper, line_threshold, line_cost, line_ramp, moved, memo)
        if objective == ACCEPTANCE:
            continue
        # Feasibility and the miss, player by player in order (as the sums over players run).
        # Every load before its select, so that the loops compile to vector instructions (a load
        # inside a branch cannot be speculated, and keeps a loop scalar).
        if belligerent and shortfall:
            for n in range(a, b):
                gain, was, missed = surplus[n], feasible[n], worst[n]
                feasible[n] = 0.0 if not gain > 0 else was
                worst[n] = missed + min(gain, 0.0)
        elif belligerent:
            for n in range(a, b):
                gain, was, missed = surplus[n], feasible[n], worst[n]
                feasible[n] = 0.0 if not gain > 0 else was
                worst[n] = min(missed, gain)
        else:
            for n in range(a, b):
                gain, was, missed, asked = surplus[n], feasible[n], worst[n], veto[n] != 0.0
                feasible[n] = 0.0 if asked and not gain > 0 else was
                if shortfall:
                    worst[n] = missed + min(gain, 0.0) if asked else missed
                else:
                    worst[n] = min(missed, gain) if asked else missed
    _fill(a, b, total, 0.0)
    if objective == ACCEPTANCE:
        for i in range(n_players):
            belligerent = flags[i, BELLIGERENT] != 0
            for n in range(a, b):
                if belligerent or vetoes[i, n]:
                    total[n] = total[n] + _call_log_ndtr(log_ndtr, surpluses[i, n] / numbers[i, NOISE_SD, n])
        for n in range(a, b):            # the acceptance objective, not the default
            score[n] = total[n]
        return
    # The logarithms, only where feasible (listed first, branch-free: which worlds are is
    # unpredictable); a player without a veto adds power x log 1 = 0, which changes nothing.
    m = 0
    for n in range(a, b):
        where[m] = n
        m += feasible[n] != 0.0
    for i in range(n_players):
        power, gain, veto = numbers[i, POWER], surpluses[i], vetoes[i]
        if flags[i, BELLIGERENT]:
            for q in range(m):
                n = where[q]
                total[n] = total[n] + power[n] * np.log(gain[n])
        else:
            for q in range(m):
                n = where[q]
                if veto[n] != 0.0:
                    total[n] = total[n] + power[n] * np.log(gain[n])
    for n in range(a, b):
        nash, missed = total[n], _INFEASIBLE + worst[n]
        score[n] = nash if feasible[n] != 0.0 else missed


@_leaf
def _curve(a, b, lam, x, low, high, curve):
    """Packages on the belligerents' contract curve at ``lam`` (N,), clipped to the box, into ``x``
    (:class:`ProposalPath` and :func:`~sim.core.utility.contract_curve`)."""
    for k in range(x.shape[0]):
        for n in range(a, b):
            ia, wa, ib, wb = curve[0, k, n], curve[1, k, n], curve[2, k, n], curve[3, k, n]
            numerator = wb * ib + _TINY * 0.5 * (ia + ib) + lam[n] * (wa * ia - wb * ib)
            denominator = wb + _TINY + lam[n] * (wa - wb)
            x[k, n] = min(max(numerator / denominator, low[k, n]), high[k, n])


@_leaf
def _offer(a, b, first, candidate, score, top, top_score, nan, improved):
    """One candidate of a group: the group's first best so far is kept in ``top`` (branch-free
    loops over worlds: which world improves is unpredictable)."""
    for n in range(a, b):
        value, kept, was_nan = score[n], top_score[n], nan[n]
        nan[n] = 1.0 if value != value else was_nan
        better = first or value > kept
        improved[n] = 1.0 if better else 0.0
        top_score[n] = value if better else kept
    for k in range(candidate.shape[0]):
        row, kept_row = candidate[k], top[k]
        for n in range(a, b):
            value, kept = row[n], kept_row[n]
            kept_row[n] = value if improved[n] else kept


@_leaf
def _settle(a, b, top, top_score, nan, best, best_score, improved):
    """The end of a group: its best replaces the incumbent where strictly better (and no score was NaN)."""
    for n in range(a, b):
        value, kept = top_score[n], best_score[n]
        better = nan[n] == 0.0 and value > kept
        improved[n] = 1.0 if better else 0.0
        best_score[n] = value if better else kept
        nan[n] = 0.0
    for k in range(best.shape[0]):
        row, kept_row = top[k], best[k]
        for n in range(a, b):
            value, kept = row[n], kept_row[n]
            kept_row[n] = value if improved[n] else kept


@_leaf
def _search_block(a, b, curve_only, lam_grid, level_grid, sweeps, low, high, status_quo, curve, objective, log_ndtr,
                  work, surpluses, vetoes, best, candidate, top, numbers, flags, power_sign, power_issues, ideal,
                  weights, controls, line_issue, line_upper, line_threshold, line_cost, line_ramp, memo, extra,
                  first_sweep, starts_only, toward_sweeps, grid_sweeps, where):
    """Search worlds ``a:b`` in lockstep; the packages are left in ``best`` (K, N). With ``starts_only``
    the box search starts from the ``extra`` starts alone (no contract curve, no status quo); its
    sweeps are numbered from ``first_sweep`` (sweep ``s`` steps by the first sweep's step over ``2 ** s``);
    the first ``grid_sweeps`` of them (at least one) try each issue's level grid, later ones the local
    steps only; the first ``toward_sweeps`` end with the moves toward the players' ideals."""
    n_issues = best.shape[0]
    score, best_score, top_score, nan = work[SCORE], work[BEST_SCORE], work[TOP_SCORE], work[NAN]
    improved = work[IMPROVED]
    _fill(a, b, nan, 0.0)

    def scores(x, shortfall, moved=-1):
        _scores(a, b, x, status_quo, objective, shortfall, log_ndtr, score, work, surpluses, vetoes, numbers, flags,
                power_sign, power_issues, ideal, weights, controls, line_issue, line_upper, line_threshold, line_cost, line_ramp,
                moved, memo, where)

    # The contract curve: a grid of lam, then two rounds of refinement around the best (the curve of sim.core.bargaining).
    # lam is a one-row "package", so the groups use the same bookkeeping as the box's.
    lam, best_lam, top_lam = work[LAM:LAM + 1], work[BEST_LAM:BEST_LAM + 1], work[TOP_LAM:TOP_LAM + 1]
    if not starts_only:   # the contract curve and its grid start the box search
        _fill(a, b, best_lam[0], lam_grid[0])
        _fill(a, b, best_score, -np.inf)
        for g in range(lam_grid.shape[0]):
            _fill(a, b, lam[0], lam_grid[g])
            _curve(a, b, lam[0], candidate, low, high, curve)
            scores(candidate, False)
            _offer(a, b, g == 0, lam, score, top_lam, top_score, nan, improved)
        _settle(a, b, top_lam, top_score, nan, best_lam, best_score, improved)
        step = 1.0 / (lam_grid.shape[0] - 1)
        for _ in range(2):
            for g in range(len(_REFINE_OFFSETS)):
                for n in range(a, b):
                    lam[0, n] = min(max(best_lam[0, n] + _REFINE_OFFSETS[g] * step, 0.0), 1.0)
                _curve(a, b, lam[0], candidate, low, high, curve)
                scores(candidate, False)
                _offer(a, b, g == 0, lam, score, top_lam, top_score, nan, improved)
            _settle(a, b, top_lam, top_score, nan, best_lam, best_score, improved)
            step /= 4.0
        _curve(a, b, best_lam[0], best, low, high, curve)
        if curve_only:
            return
    # The box: the starts, then sweeps over the issues and moves toward the ideals.
    _fill(a, b, best_score, -np.inf)
    first_start = lam_grid.shape[0] + 2 if starts_only else 0
    for s in range(first_start, lam_grid.shape[0] + 2 + extra.shape[0]):
        if s == 0:
            _copy(a, b, best, candidate)
        elif s <= lam_grid.shape[0]:
            _fill(a, b, lam[0], lam_grid[s - 1])
            _curve(a, b, lam[0], candidate, low, high, curve)
        elif s == lam_grid.shape[0] + 1:
            for k in range(n_issues):
                for n in range(a, b):
                    candidate[k, n] = min(max(status_quo[k, n], low[k, n]), high[k, n])
        else:
            start = extra[s - lam_grid.shape[0] - 2]
            for k in range(n_issues):
                for n in range(a, b):
                    candidate[k, n] = min(max(start[k, n], low[k, n]), high[k, n])
        scores(candidate, True)
        _offer(a, b, s == first_start, candidate, score, top, top_score, nan, improved)
    _settle(a, b, top, top_score, nan, best, best_score, improved)
    levels = level_grid.shape[0]
    # An issue with no room in any world of the block is skipped: its candidates all equal the incumbent.
    step_size = work[STEP_SIZE:STEP_SIZE + n_issues]
    first_step = 2.0 ** first_sweep     # sweep s steps by the first sweep's step over 2 ** s (exact)
    for k in range(n_issues):
        for n in range(a, b):
            step_size[k, n] = max(high[k, n] - low[k, n], 0.0) / (levels - 1) / first_step
    changed = ALL_CHANGED     # the starts may differ from what was memorised on every issue
    for sweep in range(first_sweep, first_sweep + sweeps):
        if sweep > first_sweep:
            for k in range(n_issues):
                step = step_size[k]
                for n in range(a, b):
                    step[n] = step[n] / 2.0
        for k in range(n_issues):
            movable = False
            for n in range(a, b):
                movable = movable or high[k, n] - low[k, n] > 0.0
            if not movable:
                continue
            _copy(a, b, best, candidate)
            # Every candidate of the group is the incumbent with issue k moved: what does not read
            # issue k is computed once for the group (the same numbers, a fraction of the work),
            # and of that only what reads the issue the last group moved.
            _memorise(a, b, k, changed, best, memo, work, numbers, flags, power_sign, power_issues, ideal, weights,
                      line_issue, line_upper, line_threshold, line_cost, line_ramp)
            changed = k
            grid_from = 0 if sweep - first_sweep < grid_sweeps else levels   # the level grid, or the steps only
            for v in range(grid_from, levels + (2 if sweep > 0 else 0)):
                for n in range(a, b):
                    if v < levels:
                        value = low[k, n] + level_grid[v] * max(high[k, n] - low[k, n], 0.0)
                    else:
                        value = best[k, n] + (-1.0 if v == levels else 1.0) * step_size[k, n]
                    candidate[k, n] = min(max(value, low[k, n]), high[k, n])
                scores(candidate, True, k)
                # The group's candidates differ from the incumbent on issue k alone, so its best
                # does too: only that row is kept and settled (the same packages, an eighth of the copying).
                _offer(a, b, v == grid_from, candidate[k:k + 1], score, top[k:k + 1], top_score, nan, improved)
            _settle(a, b, top[k:k + 1], top_score, nan, best[k:k + 1], best_score, improved)
        if sweep - first_sweep < toward_sweeps:
            for f in range(len(_TOWARD_FRACTIONS)):
                fraction = _TOWARD_FRACTIONS[f]
                for i in range(ideal.shape[0]):
                    for k in range(n_issues):
                        for n in range(a, b):
                            moved = best[k, n] + fraction * (ideal[i, k, n] - best[k, n])
                            candidate[k, n] = min(max(moved, low[k, n]), high[k, n])
                    scores(candidate, True)
                    _offer(a, b, f == 0 and i == 0, candidate, score, top, top_score, nan, improved)
            _settle(a, b, top, top_score, nan, best, best_score, improved)
            changed = ALL_CHANGED     # a move toward an ideal moves every issue


@njit(cache=True, error_model="numpy")
def _search(curve_only, lam_grid, level_grid, sweeps, low, high, status_quo, curve, objective, log_ndtr, best,
            numbers, flags, power_sign, power_issues, ideal, weights, controls, line_issue, line_upper,
            line_threshold, line_cost, line_ramp, block, extra, first_sweep, starts_only, toward_sweeps, grid_sweeps):
    n_issues, n_worlds = best.shape
    # Rows of `work`, one value per world (named above): a player's surplus terms, the objective's sums,
    # the search's bookkeeping, then K step sizes.
    work = np.empty((WORK_ROWS + n_issues, n_worlds))
    surpluses, vetoes = np.empty((numbers.shape[0], n_worlds)), np.empty((numbers.shape[0], n_worlds))
    candidate, top = np.empty((n_issues, n_worlds)), np.empty((n_issues, n_worlds))
    n_players = numbers.shape[0]
    # What _memorise keeps of the incumbent for the candidates that move one issue.
    memo = _new_memo(n_players, n_issues, n_worlds)
    where = np.empty(n_worlds, dtype=np.int64)
    for a in range(0, n_worlds, block):
        # Unsigned bounds: loops over worlds then index without wraparound checks, and vectorise.
        _search_block(np.uint64(a), np.uint64(min(a + block, n_worlds)), curve_only, lam_grid, level_grid, sweeps,
                      low, high, status_quo, curve, objective, log_ndtr, work, surpluses, vetoes, best, candidate,
                      top, numbers, flags, power_sign, power_issues, ideal, weights, controls, line_issue,
                      line_upper, line_threshold, line_cost, line_ramp, memo, extra, first_sweep, starts_only,
                      toward_sweeps, grid_sweeps, where)


def warm_up() -> None:
    """Load the compiled search (from numba's disk cache, or compile it) by searching one tiny world,
    with argument types exactly those of a real search, and the random streams' kernels. A
    forkserver calls it once before it forks the workers of a parallel run, so they do not each spend
    a second loading it."""
    n_worlds, n_issues, n_players = 1, 2, 2
    players = PlayerArrays(np.ones((n_players, len(PLAYER_NUMBERS), n_worlds)),
                           np.zeros((n_players, len(PLAYER_FLAGS)), dtype=np.int64),
                           np.zeros(n_players), np.zeros((n_players, n_issues), dtype=np.int64),
                           np.full((n_players, n_issues, n_worlds), 0.5), np.full((n_players, n_issues, n_worlds), 0.5),
                           np.zeros((n_players, n_issues), dtype=np.bool_), np.zeros((n_players, 1), dtype=np.int64),
                           np.zeros((n_players, 1), dtype=np.bool_), np.zeros((n_players, 1, n_worlds)),
                           np.zeros((n_players, 1, n_worlds)), np.zeros((n_players, 1)))
    box = np.zeros((n_worlds, n_issues)), np.ones((n_worlds, n_issues))
    search_packages(np.arange(n_worlds), players, np.full((4, n_issues, n_worlds), 0.5), *box, box[0],
                    curve_only=False, objective="nash", grid=3, levels=2, sweeps=1, out=box[0].copy())
    from .random_streams import NORMAL, UNIFORM, block_prefix, draw_stream  # the random streams, compiled beside

    pool, constant = block_prefix(0, 0)
    blocks = np.array([pool], dtype=np.int64), np.array([constant], dtype=np.int64)
    for kind in (NORMAL, UNIFORM):   # in the layouts the model draws into: worlds by months, and one per world
        draw_stream(*blocks, 0, np.array([1]), kind, np.empty((1, 2), order="F"))
        draw_stream(*blocks, 0, np.array([1]), kind, np.empty(1)[:, None])


def packages_scored(n_searched: int, movable_per_block: list[int], n_players: int, *, curve_only: bool, grid: int,
                    levels: int, sweeps: int, extra_starts: int = 0, first_sweep: int = 0,
                    starts_only: bool = False, toward_sweeps: int | None = None,
                    grid_sweeps: int | None = None) -> int:
    """How many (world, package) scores :func:`search_packages` computes: ``n_searched`` worlds in
    blocks of :data:`BLOCK`, with ``movable_per_block`` issues that have room in some world of each
    block, ``extra_starts`` starts besides the curve's and the status quo (alone with ``starts_only``),
    sweeps numbered from ``first_sweep``, the level grid in the first ``grid_sweeps`` and moves toward
    the ideals in the first ``toward_sweeps`` (default all; for benchmarks: each score assesses every
    one of the ``n_players`` veto players)."""
    per_world = 0 if starts_only else grid + 2 * len(_REFINE_OFFSETS)          # the contract curve
    if curve_only:
        return n_searched * per_world
    starts = extra_starts + (0 if starts_only else grid + 2)
    total = 0
    for block, movable in enumerate(movable_per_block):
        worlds = min(BLOCK, n_searched - block * BLOCK)
        gridded = _passes(sweeps, grid_sweeps)
        box = starts + _passes(sweeps, toward_sweeps) * len(_TOWARD_FRACTIONS) * n_players + sum(
            movable * ((levels if sweep - first_sweep < gridded else 0) + (2 if sweep else 0))
            for sweep in range(first_sweep, first_sweep + sweeps))
        total += worlds * (per_world + box)
    return total


def _passes(sweeps: int, asked: int | None) -> int:
    """How many of a search's ``sweeps``, counted from its first, do what ``asked`` passes do (None:
    every one): try the level grid, or end with the moves toward the ideals."""
    return int(sweeps if asked is None else min(asked, sweeps))


def search_packages(worlds: np.ndarray, players: PlayerArrays, curve: np.ndarray | None, low: np.ndarray,
                    high: np.ndarray, status_quo: np.ndarray, *, curve_only: bool, objective: str, grid: int,
                    levels: int, sweeps: int, out: np.ndarray, block: int = BLOCK,
                    extra_starts: np.ndarray | None = None, first_sweep: int = 0, starts_only: bool = False,
                    toward_sweeps: int | None = None, grid_sweeps: int | None = None) -> None:
    """Write into ``out[worlds]`` (N, K) the mediator's package in each world of ``worlds``.

    ``curve`` (4, K, N) holds the attacker's ideal points and weights, then the defender's, which
    define the contract curve (None with ``starts_only``, which does not search the curve); ``low``,
    ``high`` (N, K) the box. With ``curve_only`` the best point
    of the curve (``grid`` points, two refinements); otherwise the box search from it (``levels``
    points per issue, ``sweeps`` passes), as :mod:`sim.core.bargaining` specifies. ``players`` are
    packed for ``worlds`` only (:func:`pack_players` with ``worlds``). ``block``: worlds searched in
    lockstep (speed only; the packages are the same for any block). ``extra_starts`` (S, N, K), if
    given, adds S packages per world to the box search's starts, after the status quo (the model
    gives none; experiments/search_warm_start.py starts each world from last month's package).
    With ``starts_only`` the box search starts from the extra starts alone (no contract curve, no
    status quo: a search that goes on from a draft), and its sweeps are numbered from
    ``first_sweep`` (0 to 8): sweep ``s`` steps by ``(high - low) / ((levels - 1) 2 ** s)`` and, from
    sweep 1 on, also tries a step either side of the incumbent. Only the first ``grid_sweeps`` sweeps
    (default: every one; at least 1) try the level grid; the first ``toward_sweeps`` (default: every
    one) end with the moves toward each player's ideal.
    """
    if starts_only and (extra_starts is None or not len(extra_starts)):
        raise ValueError("a search from its starts alone needs at least one extra start")
    if curve is None and not starts_only:
        raise ValueError("a search that starts from the contract curve needs the curve")
    if grid < 2 or levels < 2:
        raise ValueError(f"the search needs grid >= 2 and levels >= 2, got grid={grid}, levels={levels}")
    if toward_sweeps is not None and toward_sweeps < 0:
        raise ValueError(f"toward_sweeps must be 0 or more (or None: every sweep), got {toward_sweeps}")
    if grid_sweeps is not None and grid_sweeps < 1:
        raise ValueError(f"grid_sweeps must be 1 or more (or None: every sweep), got {grid_sweeps}")
    code = {"nash": NASH, "acceptance": ACCEPTANCE}[objective]
    # (N, K) arrays of the worlds searched, issues first; np.take gathers in half the time of array[worlds].
    by_issue = lambda array: np.ascontiguousarray(np.take(array, worlds, axis=0).T, dtype=float)  # noqa: E731
    best = np.empty((low.shape[1], len(worlds)))
    _search(curve_only, np.linspace(0.0, 1.0, grid), np.linspace(0.0, 1.0, levels), sweeps, by_issue(low),
            by_issue(high), by_issue(status_quo),
            np.empty((4, low.shape[1], len(worlds))) if curve is None else np.take(curve, worlds, axis=-1), code,
            _log_ndtr_address() if code == ACCEPTANCE else 0, best, *players.arguments(), block=block,
            extra=np.empty((0, low.shape[1], len(worlds))) if extra_starts is None
            else np.ascontiguousarray(np.transpose(np.take(extra_starts, worlds, axis=1), (0, 2, 1)), dtype=float),
            first_sweep=int(first_sweep), starts_only=bool(starts_only),
            toward_sweeps=_passes(sweeps, toward_sweeps), grid_sweeps=_passes(sweeps, grid_sweeps))
    out[worlds] = best.T


def package_scores(worlds: np.ndarray, players: PlayerArrays, packages: np.ndarray, status_quo: np.ndarray, *,
                   objective: str = "nash") -> np.ndarray:
    """The mediator's objective (the box search's, missing packages ranked by total shortfall) for
    ``packages`` (len(worlds), K) in the worlds ``worlds``: above ``INFEASIBLE / 2`` exactly where
    every veto player's surplus is positive; ``players`` packed for ``worlds``. For benchmarks and tests."""
    n, n_issues = packages.shape
    arrays = players.arguments()
    n_players = arrays[0].shape[0]
    score = np.empty(n)
    memo = _new_memo(n_players, n_issues, n)
    _scores(np.uint64(0), np.uint64(n), np.ascontiguousarray(packages.T, dtype=float),
            np.ascontiguousarray(status_quo[worlds].T, dtype=float), {"nash": NASH, "acceptance": ACCEPTANCE}[objective],
            True, _log_ndtr_address() if objective == "acceptance" else 0, score, np.empty((WORK_ROWS + n_issues, n)),
            np.empty((n_players, n)), np.empty((n_players, n)), *arrays, moved=-1, memo=memo,
            where=np.empty(n, dtype=np.int64))
    return score


def is_cached() -> bool:
    """Whether numba's disk cache holds every kernel of this module and of :mod:`sim.core.random_streams`
    for this Python: an index file (``compiled_search.<kernel>-<line>.py312.nbi``) newer than its
    source for each, in the folder numba chose for the kernel (beside the source; in the user's cache
    folder, ``~/.cache/numba``, when the installed package cannot be written; or ``NUMBA_CACHE_DIR``).
    A stale or missing index means the next run compiles (about 25 s); the command line says so
    first (:func:`sim.cli.common.compile_search_once`)."""
    import sys
    from pathlib import Path

    from numba.core.registry import CPUDispatcher

    from . import random_streams

    tag = f"py{sys.version_info.major}{sys.version_info.minor}"

    def cached(module) -> bool:
        source = Path(module.__file__)
        built = source.stat().st_mtime
        # Functions inlined into their callers (numba's inline="always") are never cached on their own.
        kernels = {name: value for name, value in vars(module).items()
                   if isinstance(value, CPUDispatcher) and getattr(value._cache, "cache_path", None)}  # type: ignore[attr-defined]
        return all(any(index.stat().st_mtime >= built
                       for index in Path(kernel._cache.cache_path).glob(  # type: ignore[attr-defined]
                           f"{source.stem}.{name}-*.{tag}.nbi"))
                   for name, kernel in kernels.items())

    return cached(sys.modules[__name__]) and cached(random_streams)
