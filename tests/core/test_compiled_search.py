"""The compiled search (sim.core.compiled_search) gives the numpy searches' packages bit for bit.

The reference below is the mediator's search written with numpy over worlds, as the model ran it
before the search was compiled: the curve search (``search_path``) and the box search
(``search_box``) of ``reference_search.py``, scoring packages with ``mediator_score``. The random
problems exercise every term of a surplus (breach fear eased by guarantees, shifts of future power,
open issues that may fail, audience lines fixed and relative to the front, blame, an agreement in
force), supporters whose veto switches on with their terms, both objectives and both searches.
"""

import os
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from sim.core.redlines import CompiledLine, RedLines
from sim.core.round import Party, ProposalPath, mediator_proposal, proposal_bounds

from .reference_search import mediator_score, search_box, search_path

ROOT = Path(__file__).resolve().parents[2]
K = 5          # territory, guarantees, army limits, sanctions, recognition (odd: the einsum tail counts)


def reference_proposal(parties, path, front, status_quo, leverage, *, search="box", objective="nash", grid=9,
                       levels=5, sweeps=3, settled=None, pinned=None, outside=None, draft=None, draft_sweeps=None,
                       toward_sweeps=None, draft_grid_sweeps=None):
    """The numpy search, as ``mediator_proposal`` ran it before it was compiled (no bias, every world);
    with ``draft_sweeps``, worlds with a ``draft`` go on from it alone (sweeps numbered from 1)."""
    n_worlds, n_issues = status_quo.shape
    settled = np.ones(n_issues, dtype=bool) if settled is None else settled
    held = ~settled if pinned is None else ~settled | pinned
    if held.any():
        path = ProposalPath(path.attacker, path.defender, np.where(held, status_quo, path.low),
                            np.where(held, status_quo, path.high))
    players = [party for party in parties if party.bargains]

    def score(x, miss="worst"):
        return mediator_score(players, x, settled, front, status_quo, leverage, objective, miss, outside)

    drafted = np.zeros(n_worlds, dtype=bool) if draft is None or draft_sweeps is None else ~np.isnan(draft).any(axis=1)
    ideals = np.stack([np.broadcast_to(p.ideal, status_quo.shape) for p in players])
    if drafted.any():
        going_on = search_box(lambda x: score(x, "shortfall"), np.nan_to_num(draft)[None], path.low, path.high,
                              levels=levels, sweeps=draft_sweeps, toward=ideals, first_sweep=1,
                              toward_sweeps=toward_sweeps, grid_sweeps=draft_grid_sweeps)
        if drafted.all():
            return going_on
    on_curve = path(search_path(lambda lam: score(path(lam)), n_worlds, grid=grid)[None, :])
    if search == "curve":
        return on_curve[0]
    lam = np.broadcast_to(np.linspace(0.0, 1.0, grid)[:, None], (grid, n_worlds))
    starts = np.concatenate([on_curve, path(lam), status_quo[None]])
    cold = search_box(lambda x: score(x, "shortfall"), starts, path.low, path.high, levels=levels, sweeps=sweeps,
                      toward=ideals, toward_sweeps=toward_sweeps)
    return np.where(drafted[:, None], going_on, cold) if drafted.any() else cold


def random_problem(seed: int, n: int, ramped: bool = False):
    """Four actors over K issues, every number random per world. ``ramped``: the attacker's territorial
    audience line is measured from a point that differs per world beyond the front (as a Donbas demand
    is) and its cost ramps up with the distance; Europe's line ramps too."""
    rng = np.random.default_rng(seed)
    front = rng.uniform(0.3, 0.7, n)

    def weights():
        w = rng.uniform(0.05, 1.0, (n, K))
        return w / w.sum(axis=1, keepdims=True)

    def ideal(*centres):
        return np.clip(np.column_stack([rng.normal(c, 0.15, n) for c in centres]), 0.0, 1.0)

    power = dict(power_issues=(2, 3), power_shift_effect=rng.uniform(0, 0.8, n))
    attacker = Party(
        "a", True, ideal(1.0, 0.9, 0.9, 0.2, 1.0), weights(), rng.uniform(0.4, 0.85, n), rng.uniform(0, 0.5, n),
        0.0, rng.uniform(0, 0.3, n),
        RedLines([CompiledLine(0, rng.uniform(0.0, 0.1, n) if ramped else 0.1, False, True, False,
                               rng.uniform(0.0, 0.3, n), ramp=0.08 if ramped else 0.0),
                  CompiledLine(4, 0.5, False, False, False, 0.05)], K),
        blame_cost=rng.uniform(0, 0.1, n), bargaining_power=rng.uniform(0.5, 2.0, n), guarantees=1,
        resume_risk=rng.uniform(0, 0.3, n), power_sign=-1.0, **power)
    defender = Party(
        "d", True, ideal(0.0, 0.0, 0.0, 0.9, 0.0), weights(), rng.uniform(0.4, 0.85, n), rng.uniform(0, 0.5, n),
        rng.uniform(0, 0.9, n), rng.uniform(0, 0.3, n),
        RedLines([CompiledLine(0, 0.0, True, True, True, 0.0), CompiledLine(4, 0.6, True, False, False, 0.1)], K),
        blame_cost=0.05, guarantees=1, resume_risk=0.1, power_sign=1.0, **power)
    supporter = Party(
        "us", False, ideal(0.6, 0.8, 0.5, 0.5, 0.5), weights(), rng.uniform(0.6, 1.0, n), 0.0, 0.0, 0.0,
        RedLines([CompiledLine(3, 0.8, True, False, True, 0.0)], K), controls=frozenset({3}), noise_sd=0.05)
    europe = Party(
        "eu", False, ideal(0.2, 0.3, 0.2, 0.8, 0.1), weights(), rng.uniform(0.6, 1.0, n), rng.uniform(0, 0.2, n),
        0.5, 0.0, RedLines([CompiledLine(1, 0.2, False, False, False, 0.02, ramp=0.3 if ramped else 0.0)], K),
        controls=frozenset({1, 3}),
        noise_sd=0.1, bargaining_power=0.5)
    parties = [attacker, defender, supporter, europe]
    status_quo = np.column_stack([front, np.ones(n), np.zeros(n), np.full(n, 0.9), np.zeros(n)])
    low, high = proposal_bounds(parties, front, n, K)
    path = ProposalPath(attacker, defender, low, high)
    leverage = rng.uniform(0, 0.5, n)
    outside = {p.actor_id: rng.uniform(-0.05, 0.05, n) for p in parties}
    return parties, path, front, status_quo, leverage, outside


CASES = {
    "settlement, box": {},
    "settlement, curve": dict(search="curve"),
    "acceptance objective": dict(objective="acceptance"),
    "ceasefire (open issues, territory pinned), against the agreement in force": dict(
        settled=np.array([True, True, False, True, False]), pinned=np.array([True, False, False, False, False]),
        outside=True),
    "a finer search": dict(grid=13, levels=7, sweeps=4),
    "audience costs that ramp, from bounds that differ per world": dict(ramped=True),
    "ramped audience costs, acceptance objective": dict(ramped=True, objective="acceptance"),
    "going on from a draft where there is one (search_start: continue)": dict(draft=True, draft_sweeps=2),
    "going on from a draft, one finer sweep": dict(draft=True, draft_sweeps=1, levels=7, ramped=True),
    "moves toward the ideals in the first sweep only, afresh and going on": dict(
        draft=True, draft_sweeps=3, sweeps=4, toward_sweeps=1, ramped=True),
    "moves toward the ideals in no sweep": dict(sweeps=2, toward_sweeps=0),
    "going on, the level grid in the first sweep only": dict(
        draft=True, draft_sweeps=3, sweeps=3, toward_sweeps=1, draft_grid_sweeps=1, ramped=True),
    "going on, the level grid in the first two sweeps of four": dict(
        draft=True, draft_sweeps=4, draft_grid_sweeps=2, levels=4),
}


def compare_with_reference(case: str, n: int) -> tuple:
    """The compiled search's packages and the reference's on one random problem of ``n`` worlds."""
    options = dict(CASES[case])
    parties, path, front, status_quo, leverage, outside = random_problem(seed=len(case), n=n,
                                                                         ramped=options.pop("ramped", False))
    if options.pop("outside", False):
        options["outside"] = outside
    if options.pop("draft", False):   # last month's packages: near the status quo, none in a third of the worlds
        rng = np.random.default_rng(len(case))
        draft = np.clip(status_quo + rng.normal(0.0, 0.2, status_quo.shape), 0.0, 1.0)
        draft[rng.random(len(front)) < 0.3] = np.nan
        options["draft"] = draft
    compiled, _ = mediator_proposal(parties, path, front, status_quo, leverage, **options)
    reference = reference_proposal(parties, path, front, status_quo, leverage, **options)
    assert np.isfinite(compiled).all()
    np.testing.assert_array_equal(compiled, reference)
    return parties, front, status_quo, leverage, options, reference


@pytest.mark.parametrize("case", CASES)
def test_the_compiled_search_gives_the_numpy_search_bit_for_bit(case):
    parties, front, status_quo, leverage, options, reference = compare_with_reference(case, n=700)
    # The problems have deals and misses, and the search moves terms off the status quo.
    scores = mediator_score([p for p in parties if p.bargains], reference[None], options.get("settled", np.ones(K, bool)),
                            front, status_quo, leverage)[0]
    assert 0.05 < np.mean(scores > -1e8) < 0.95
    assert np.mean(np.any(reference != status_quo, axis=1)) > 0.5


@pytest.mark.parametrize("n_issues", [1, 2, 3, 8, 9, 11, 16, 17])
def test_the_utility_sum_is_added_as_numpy_adds_it_for_any_number_of_issues(n_issues):
    """Numpy's einsum adds the weighted squares in two lanes, eight issues at a time; the compiled
    utility must add them in that order, or the last bits (and so some argmax) differ."""
    from sim.core.compiled_search import _utilities
    from sim.core.utility import spatial_utility

    rng = np.random.default_rng(n_issues)
    n = 300
    x, ideal = rng.uniform(size=(n_issues, n)), rng.uniform(size=(1, n_issues, n))
    weights = rng.uniform(size=(1, n_issues, n))
    weights /= weights.sum(axis=1, keepdims=True)
    lane0, lane1 = np.empty(n), np.empty(n)
    _utilities(0, np.uint64(0), np.uint64(n), x, ideal, weights, lane0, lane1)
    # Numpy's order is that of contiguous operands, as the model's are (a strided one takes another loop).
    contiguous = [np.ascontiguousarray(a.T) for a in (x, ideal[0], weights[0])]
    np.testing.assert_array_equal(lane0, spatial_utility(contiguous[0][None], *contiguous[1:])[0])


@pytest.mark.parametrize("n_issues", [1, 2, 3, 8, 9, 11, 16, 17])
def test_spatial_utility_over_many_worlds_is_einsums_bit_for_bit(n_issues):
    """From COMPILED_FROM_WORLDS worlds, spatial_utility adds its sums in compiled code: the very
    numbers of its einsum, for contiguous and strided packages and ideal points; weights that are
    not C-contiguous, for which einsum takes another order, keep einsum."""
    from sim.core import utility

    rng = np.random.default_rng(200 + n_issues)
    n = utility.COMPILED_FROM_WORLDS + 45

    def einsum_utility(x, ideal, weights):
        return 1.0 - np.einsum("...k,...k->...", np.square(np.subtract(x, ideal)), weights)

    x, ideal, weights = (rng.uniform(size=(n, n_issues)) for _ in range(3))
    weights /= weights.sum(axis=1, keepdims=True)
    strided = rng.uniform(size=(n, 2 * n_issues))[:, ::2]
    for packages, ideals in [(x, ideal), (strided, np.asfortranarray(ideal)), (x[::-1], ideal[::-1])]:
        assert utility._compiled_applies(packages, ideals, weights)
        np.testing.assert_array_equal(utility.spatial_utility(packages, ideals, weights),
                                      einsum_utility(packages, ideals, weights))
    by_column = np.asfortranarray(weights)
    assert utility._compiled_applies(x, ideal, by_column) == (n_issues == 1)    # one issue: the same layout
    np.testing.assert_array_equal(utility.spatial_utility(x, ideal, by_column), einsum_utility(x, ideal, by_column))
    # Fewer worlds (the teaching view) stay with numpy, which loads no compiler.
    assert not utility._compiled_applies(x[:10], ideal[:10], weights[:10])


def test_weights_by_column_would_be_summed_in_another_order():
    """Why spatial_utility keeps einsum for weights that are not C-contiguous: einsum then adds the
    terms in another order, so the compiled sum would differ in the last bits (and some argmax)."""
    from sim.core.compiled_search import utilities_by_world
    from sim.core.utility import COMPILED_FROM_WORLDS, spatial_utility

    rng = np.random.default_rng(11)
    x, ideal, weights = (rng.uniform(size=(COMPILED_FROM_WORLDS, 11)) for _ in range(3))
    by_column = np.asfortranarray(weights)
    compiled = np.empty(len(x))
    utilities_by_world(x, ideal, by_column, compiled)
    assert not np.array_equal(compiled, spatial_utility(x, ideal, by_column))


@pytest.mark.parametrize("n_issues", [1, 2, 3, 8, 9, 11, 16, 17])
def test_a_package_moved_on_one_issue_gets_the_utility_of_the_whole_sum_bit_for_bit(n_issues):
    """The box search scores a candidate that moves one issue of the incumbent from the other
    issues' memorised terms and partial sums (``_memorise``, ``_utilities_moved``); it must add
    them in the full sum's order, for every issue and any number of issues (blocks of eight, tails)."""
    from sim.core.compiled_search import _fold, _fold_orders, _term, _utilities, _utilities_moved

    rng = np.random.default_rng(100 + n_issues)
    n, a, b = 300, np.uint64(0), np.uint64(300)
    incumbent, ideal = rng.uniform(size=(n_issues, n)), rng.uniform(size=(1, n_issues, n))
    weights = rng.uniform(size=(1, n_issues, n))
    weights /= weights.sum(axis=1, keepdims=True)
    order, lane_of, position, lane_length = _fold_orders(n_issues)
    assert sorted(order[order >= 0]) == list(range(n_issues))    # every issue added once
    for moved in range(n_issues):
        terms, prefix, other = np.empty((1, n_issues, n)), np.empty((1, n)), np.empty((1, n))
        for k in range(n_issues):
            _term(a, b, incumbent[k], ideal[0, k], weights[0, k], terms[0, k])
        lane = lane_of[moved]
        _fold(a, b, terms[0], order[lane], 0, position[moved], prefix[0])
        _fold(a, b, terms[0], order[1 - lane], 0, lane_length[1 - lane], other[0])
        memo = (terms, prefix, other, None, None, order, lane_of, position, lane_length)
        candidate = incumbent.copy()
        candidate[moved] = rng.uniform(size=n)
        full, spare, from_memo = np.empty(n), np.empty(n), np.empty(n)
        _utilities(0, a, b, candidate, ideal, weights, full, spare)
        _utilities_moved(0, a, b, moved, candidate, memo, ideal, weights, from_memo)
        np.testing.assert_array_equal(from_memo, full)


def test_the_kernels_run_as_plain_python_too():
    """As stumpy runs its suite once with NUMBA_DISABLE_JIT=1: the kernels, interpreted line by line,
    give the reference's packages (so a debugger or coverage tool sees the very code that runs, and
    no compiled-only behaviour hides a difference). Small problems: interpreted, a kernel is slow."""
    cases = ["settlement, box", "acceptance objective",
             "ceasefire (open issues, territory pinned), against the agreement in force"]
    code = ("from tests.core.test_compiled_search import compare_with_reference\n"
            "from numba import config\n"
            "assert config.DISABLE_JIT\n"
            f"for case in {cases!r}:\n"
            "    compare_with_reference(case, n=24)\n")
    done = subprocess.run([sys.executable, "-c", code], cwd=ROOT, env={**os.environ, "NUMBA_DISABLE_JIT": "1"},
                          capture_output=True, text=True, timeout=900)
    assert done.returncode == 0, done.stderr[-3000:]


def test_the_warm_up_loads_the_very_kernel_a_model_runs():
    """The forkserver's warm-up (sim.engine.preload) is useful only if its argument types are those
    of a real search: otherwise each worker still loads (or compiles) the kernel a model needs."""
    from sim.core import compiled_search

    parties, path, front, status_quo, leverage, _ = random_problem(seed=1, n=50)
    mediator_proposal(parties, path, front, status_quo, leverage)
    draft = status_quo.copy()
    draft[::3] = np.nan      # worlds with a draft and without: a search that goes on, and a cold one
    mediator_proposal(parties, path, front, status_quo, leverage, draft=draft, draft_sweeps=1)
    compiled_search.warm_up()
    assert len(compiled_search._search.signatures) == 1


def test_a_read_only_install_without_a_writable_home_still_caches_the_kernels(tmp_path):
    """Numba caches beside the source or in the user's cache folder; where it can write neither (a
    read-only install, run by a user without a home), it refuses to define a cached kernel. The
    module then caches in the temporary folder (measured as a user ``tester`` on a read-only
    install with HOME=/nonexistent: compiled once, loaded by the next run). Here numba is left no
    folder of its own, as there."""
    code = ("import numba.core.caching as caching\n"
            "caching.CacheImpl._locator_classes = [caching.UserProvidedCacheLocator]   # no folder but NUMBA_CACHE_DIR\n"
            "from numba import config\n"
            "assert not config.CACHE_DIR\n"
            "from sim.core import compiled_search\n"
            "print(config.CACHE_DIR)\n"
            "compiled_search.warm_up()\n")
    done = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, timeout=600,
                          env={k: v for k, v in os.environ.items() if k != "NUMBA_CACHE_DIR"} | {"TMPDIR": str(tmp_path)})
    assert done.returncode == 0, done.stderr[-2000:]
    assert done.stdout.strip() == str(tmp_path / f"negsim-numba-{os.getuid()}")
    assert list((tmp_path / f"negsim-numba-{os.getuid()}").rglob("compiled_search._search-*.nbi"))


def test_an_extra_start_is_never_lost_and_no_extra_start_changes_nothing():
    """``extra_starts`` adds packages to the box search's starts (experiments/search_warm_start.py
    starts each world from its package of the month before): the search ends at least as high as
    its best start, and with none the packages are those of the search without them, bit for bit."""
    from sim.core.compiled_search import pack_players, package_scores, search_packages

    parties, path, front, status_quo, leverage, _ = random_problem(seed=5, n=400)
    n = len(front)
    worlds, players = np.arange(n), [p for p in parties if p.bargains]
    packed = pack_players(players, np.ones(K, bool), front, leverage, {}, n, K)
    curve = np.stack([np.broadcast_to(v, status_quo.shape).T for v in
                      (path.attacker.ideal, path.attacker.weights, path.defender.ideal, path.defender.weights)])

    def search(sweeps, extra=None):
        out = status_quo.copy()
        search_packages(worlds, packed, curve, path.low, path.high, status_quo, curve_only=False, objective="nash",
                        grid=9, levels=5, sweeps=sweeps, out=out, extra_starts=extra)
        return out

    def score(x):
        return package_scores(worlds, packed, x, status_quo)

    quick, thorough = search(1), search(3)
    started = search(1, thorough[None])
    assert np.all(score(started) >= score(thorough))
    assert np.mean(score(started) > score(quick)) > 0.1          # the start mattered
    np.testing.assert_array_equal(search(1, np.empty((0, n, K))), quick)


@pytest.mark.parametrize("search", ["curve", "cold", "continue", "continue, toward in the first sweep",
                                    "continue, the level grid in the first two sweeps"])
def test_the_count_of_packages_scored_is_the_searchs_own(search, monkeypatch):
    """benchmarks/core.py reports how many packages the search scores per world-month from
    :func:`packages_scored`; here it is checked against the packages the numpy search scores, for the
    curve, the cold box search and a search that goes on from a draft in every world (moving toward
    the ideals in every sweep, or in its first only)."""
    from sim.core import compiled_search

    from . import test_compiled_search as here

    parties, path, front, status_quo, leverage, _ = random_problem(seed=3, n=60)
    scored, original = [], here.mediator_score

    def counting(players, x, *args, **kwargs):
        scored.append(int(np.prod(x.shape[:-1])))
        return original(players, x, *args, **kwargs)

    monkeypatch.setattr(here, "mediator_score", counting)
    options = {"curve": dict(search="curve"), "cold": dict(sweeps=2, levels=4),
               "continue": dict(draft=status_quo.copy(), draft_sweeps=3),
               "continue, toward in the first sweep": dict(draft=status_quo.copy(), draft_sweeps=3,
                                                            toward_sweeps=1),
               "continue, the level grid in the first two sweeps": dict(draft=status_quo.copy(), draft_sweeps=4,
                                                                         toward_sweeps=1, draft_grid_sweeps=2),
               }[search]
    going_on = search.startswith("continue")
    reference_proposal(parties, path, front, status_quo, leverage, **options)
    movable = int(np.any(path.high - path.low > 0, axis=0).sum())
    players = sum(p.bargains for p in parties)
    expected = compiled_search.packages_scored(
        len(front), [movable], players, curve_only=search == "curve", grid=9, levels=options.get("levels", 5),
        sweeps=options.get("draft_sweeps", options.get("sweeps", 3)), extra_starts=int(going_on),
        first_sweep=int(going_on), starts_only=going_on, toward_sweeps=options.get("toward_sweeps"),
        grid_sweeps=options.get("draft_grid_sweeps"))
    assert sum(scored) == expected


def test_the_search_benchmark_replays_a_runs_searches_to_the_same_packages_in_any_block():
    """benchmarks/search.py records every search of a run (those going on from a draft, which take no
    contract curve, included) and searches them again; worlds are independent, so blocks of 128 and of
    the default size find the same packages. A guard too: a change to the search's arguments once left
    the benchmark broken with every test passing."""
    import importlib.util

    from sim.engine import load_scenario

    spec = importlib.util.spec_from_file_location("search_benchmark", ROOT / "benchmarks" / "search.py")
    assert spec is not None and spec.loader is not None
    benchmark = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(benchmark)
    calls = benchmark.recorded_calls(load_scenario(ROOT / "scenarios" / "baseline.yaml").scenario, 1000)
    assert any(options.get("starts_only") for *_, options in calls)
    assert any(not options.get("starts_only") for *_, options in calls)
    default, small = benchmark.search_all(calls), benchmark.search_all(calls, block=128)
    assert all(np.array_equal(a, b) for a, b in zip(default, small, strict=True))


def test_the_kernels_that_allocate_nothing_drop_reference_counts_only_where_numba_can():
    """The leaf kernels skip numba's reference counts through a private switch (``_nrt``); a numba
    without it must still compile them, with the counts, rather than fail on an unknown option."""
    from numba import njit

    from sim.core import compiled_search

    def probe(row):
        row[0] = 1.0

    try:
        njit(_nrt=False)(probe)(np.zeros(1))
        accepted = True
    except KeyError:      # numba: "Unrecognized options"
        accepted = False
    assert (compiled_search.LEAF_OPTIONS == {"_nrt": False}) == accepted
    for kernel in (compiled_search._scores, compiled_search._search_block, compiled_search._memorise):
        assert kernel.targetoptions.get("_nrt", True) is not accepted
    assert compiled_search._search.targetoptions.get("_nrt", True) is True   # it allocates
