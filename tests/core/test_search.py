"""The mediator's full-box search against brute force, and vetoes that bind only a supporter's terms."""

import itertools

import numpy as np
import pytest

from sim.core.redlines import CompiledLine, RedLines
from sim.core.round import Party, ProposalPath, mediator_proposal, proposal_bounds, vote
from sim.scenario.schema import Negotiation

from .reference_search import mediator_score, nash_score, search_box

K = 2          # two issues, so a brute-force grid is exhaustive enough
WORLDS = 600
GRID = 41      # brute force: 41 x 41 packages per world (resolution 0.025)


def random_parties(rng: np.random.Generator, n: int) -> tuple[list[Party], np.ndarray, np.ndarray]:
    """Two belligerents with opposed ideals, breach fear and a stepped audience line, and a supporter
    controlling issue 1 with a hard line on it; random per world."""
    front = rng.uniform(0.3, 0.7, n)

    def weights():
        w = rng.uniform(0.2, 1.0, (n, K))
        return w / w.sum(axis=1, keepdims=True)

    audience = CompiledLine(0, 0.1, False, True, False, rng.uniform(0.0, 0.3, n))
    attacker = Party("a", True, np.column_stack([np.ones(n), rng.uniform(0.6, 1.0, n)]), weights(),
                     rng.uniform(0.4, 0.85, n), rng.uniform(0, 0.5, n), 0.0, rng.uniform(0, 0.3, n),
                     RedLines([audience], K), bargaining_power=rng.uniform(0.5, 2.0, n))
    defender = Party("d", True, np.column_stack([np.zeros(n), rng.uniform(0.0, 0.4, n)]), weights(),
                     rng.uniform(0.4, 0.85, n), rng.uniform(0, 0.5, n), 0.0, rng.uniform(0, 0.3, n),
                     RedLines([CompiledLine(0, 0.0, True, True, True, 0.0)], K))
    supporter = Party("s", False, np.column_stack([np.zeros(n), np.zeros(n)]), weights(),
                      rng.uniform(0.7, 1.0, n), 0.0, 0.0, 0.0,
                      RedLines([CompiledLine(1, 0.8, True, False, True, 0.0)], K), controls=frozenset({1}),
                      noise_sd=0.05)
    status_quo = np.column_stack([front, np.full(n, 0.2)])
    return [attacker, defender, supporter], front, status_quo


@pytest.fixture(scope="module")
def problem():
    rng = np.random.default_rng(7)
    parties, front, status_quo = random_parties(rng, WORLDS)
    low, high = proposal_bounds(parties, front, WORLDS, K)
    path = ProposalPath(parties[0], parties[1], low, high)
    leverage = rng.uniform(0, 0.5, WORLDS)
    return parties, front, status_quo, path, leverage


def brute_force(parties, front, status_quo, path, leverage):
    axis = np.linspace(0.0, 1.0, GRID)
    packages = np.array(list(itertools.product(axis, repeat=K)))            # (G, K)
    x = np.broadcast_to(packages[:, None, :], (len(packages), WORLDS, K))
    x = np.minimum(np.maximum(x, path.low), path.high)
    scores = mediator_score(parties, x, np.ones(K, bool), front, status_quo, leverage)
    return scores.max(axis=0)


def proposal_scores(problem, search: str, **options) -> np.ndarray:
    parties, front, status_quo, path, leverage = problem
    terms, _ = mediator_proposal(parties, path, front, status_quo, leverage, search=search, **options)
    return mediator_score(parties, terms[None], np.ones(K, bool), front, status_quo, leverage)[0]


_DEFAULTS = Negotiation.model_fields
SEARCHES = {
    "3 passes, each moving toward the ideals": dict(sweeps=3, toward_sweeps=None),
    # The search the model runs afresh (negotiation's defaults: 5 passes, the first moving toward the
    # ideals). With 3 passes and that move in the first only, the 5th percentile below fell to 0.48.
    "the model's": dict(sweeps=_DEFAULTS["search_sweeps"].default, toward_sweeps=_DEFAULTS["toward_sweeps"].default),
}


@pytest.mark.parametrize("options", SEARCHES.values(), ids=SEARCHES.keys())
def test_box_search_finds_the_deals_brute_force_finds_and_nearly_its_optimum(problem, options):
    best_brute = brute_force(*problem)
    found = proposal_scores(problem, "box", **options)
    feasible = best_brute > -1e8          # brute force found a package every veto player accepts
    assert 0.1 < feasible.mean() < 0.9    # the test set has both kinds of world
    # Measured (5 levels, 3 sweeps, every pass moving toward the ideals) on these 600 worlds (160 with
    # a deal): 98.1% of brute force's deals found; the (weighted) Nash product is at least 0.59 of
    # brute force's optimum in 95% of them, median 1.0; the model's (5 passes, the first moving
    # toward the ideals) 98.75%, 0.594, 1.0 (every pass: 0.600). The contract curve alone finds 71%
    # (median product 0.21).
    assert np.mean(found[feasible] > -1e8) >= 0.96
    ratio = np.exp(found[feasible & (found > -1e8)] - best_brute[feasible & (found > -1e8)])
    assert np.median(ratio) >= 0.98 and np.percentile(ratio, 5) >= 0.5
    assert np.mean(proposal_scores(problem, "curve")[feasible] > -1e8) < 0.85


def test_the_models_going_on_search_from_a_poor_draft_still_finds_brute_forces_deals(problem):
    """After its first search in a world the model's mediator goes on from last month's package
    (negotiation's defaults: draft_sweeps passes numbered from the second, the level grid in the first
    draft_grid_sweeps, the moves toward the ideals in the first). From the status quo, a poorer start
    than a package already searched, it still finds the deals brute force finds. Measured on these
    600 worlds: 96.25% of them, the Nash product at least 0.594 of brute force's optimum in 95%,
    median 1.0 (the grid in every pass: 96.25%, 0.617; in the first only: 96.25%, 0.562)."""
    parties, front, status_quo, path, leverage = problem
    best_brute = brute_force(*problem)
    found = proposal_scores(problem, "box", draft=status_quo.copy(), draft_sweeps=_DEFAULTS["draft_sweeps"].default,
                            toward_sweeps=_DEFAULTS["toward_sweeps"].default,
                            draft_grid_sweeps=_DEFAULTS["draft_grid_sweeps"].default)
    feasible = best_brute > -1e8
    assert np.mean(found[feasible] > -1e8) >= 0.95
    ratio = np.exp(found[feasible & (found > -1e8)] - best_brute[feasible & (found > -1e8)])
    assert np.median(ratio) >= 0.98 and np.percentile(ratio, 5) >= 0.5


def test_box_search_never_does_worse_than_the_contract_curve(problem):
    curve, box = proposal_scores(problem, "curve"), proposal_scores(problem, "box")
    on_curve = curve > -1e8
    assert np.all(box[on_curve] >= curve[on_curve])    # it starts from the curve's best package
    assert np.mean(box > -1e8) > np.mean(on_curve)


def test_search_is_the_same_world_by_world_as_in_a_batch(problem):
    parties, front, status_quo, path, leverage = problem
    batch, _ = mediator_proposal(parties, path, front, status_quo, leverage, search="box")
    rng = np.random.default_rng(7)
    for w in rng.choice(WORLDS, 12, replace=False):
        one = [p.select(np.array([w])) for p in parties]
        low, high = proposal_bounds(one, front[[w]], 1, K)
        alone, _ = mediator_proposal(one, ProposalPath(one[0], one[1], low, high), front[[w]], status_quo[[w]],
                                     leverage[[w]], search="box")
        np.testing.assert_array_equal(alone[0], batch[w])


def test_a_search_limited_to_some_worlds_gives_their_batch_numbers_and_the_status_quo_elsewhere(problem):
    parties, front, status_quo, path, leverage = problem
    outside = {p.actor_id: np.random.default_rng(3).uniform(-0.05, 0.05, WORLDS) for p in parties}
    settled = np.arange(K) != 1
    options = dict(search="box", settled=settled, outside=outside, bias=0.3, mediator_ideal=status_quo[::-1].copy())
    batch, batch_empty = mediator_proposal(parties, path, front, status_quo, leverage, **options)
    where = np.random.default_rng(11).uniform(size=WORLDS) < 0.4
    limited, limited_empty = mediator_proposal(parties, path, front, status_quo, leverage, where=where, **options)
    np.testing.assert_array_equal(limited[where], batch[where])
    np.testing.assert_array_equal(limited_empty[where], batch_empty[where])
    np.testing.assert_array_equal(limited[~where], status_quo[~where])
    assert not limited_empty[~where].any()
    none, _ = mediator_proposal(parties, path, front, status_quo, leverage, where=np.zeros(WORLDS, bool), **options)
    np.testing.assert_array_equal(none, status_quo)


def test_search_box_on_a_known_optimum():
    """A concave score with its maximum inside the box, and one outside it (then on the boundary)."""
    target = np.array([[0.3, 0.7], [1.4, -0.2]])
    low, high = np.zeros((2, 2)), np.ones((2, 2))

    def score(x):
        return -np.sum((x - target) ** 2, axis=-1)

    best = search_box(score, np.full((1, 2, 2), 0.5), low, high, levels=5, sweeps=4)
    np.testing.assert_allclose(best[0], [0.3, 0.7], atol=1 / 64)
    np.testing.assert_allclose(best[1], [1.0, 0.0], atol=1e-12)


def test_search_box_moves_an_issue_pinned_in_every_world_but_one_only_in_that_world():
    """An issue with no room anywhere is not searched; with room in a single world it still is, there."""
    target = np.array([[0.3, 0.7], [0.6, 0.2], [0.9, 0.9]])
    low, high = np.zeros((3, 2)), np.ones((3, 2))
    low[:, 1] = high[:, 1] = [0.4, 0.5, 0.6]          # issue 1 pinned in every world ...
    low[2, 1], high[2, 1] = 0.0, 1.0                  # ... but the last

    def score(x):
        return -np.sum((x - target) ** 2, axis=-1)

    best = search_box(score, np.full((1, 3, 2), 0.5), low, high, levels=5, sweeps=4)
    np.testing.assert_array_equal(best[:2, 1], [0.4, 0.5])
    np.testing.assert_allclose(best[:, 0], target[:, 0], atol=1 / 64)
    np.testing.assert_allclose(best[2, 1], 0.9, atol=1 / 64)
    pinned = low.copy()
    pinned[2, 1] = high[2, 1] = 0.6
    np.testing.assert_array_equal(search_box(score, np.full((1, 3, 2), 0.5), pinned, high, levels=5, sweeps=4)[:, 1],
                                  [0.4, 0.5, 0.6])


def test_a_supporter_refusing_its_terms_never_stops_the_belligerents_agreeing_the_rest(problem):
    parties, front, status_quo, path, leverage = problem
    rng = np.random.default_rng(3)
    terms = rng.uniform(path.low, np.maximum(path.low, path.high))   # packages that move the supporter's term
    shocks = {p.actor_id: rng.standard_normal(WORLDS) for p in parties}
    proposing = np.ones(WORLDS, dtype=bool)
    settled = np.ones(K, dtype=bool)
    package = vote(parties, terms, settled, front, status_quo, shocks, leverage, proposing, supporter_veto="package")
    by_terms = vote(parties, terms, settled, front, status_quo, shocks, leverage, proposing, supporter_veto="terms")
    refused = by_terms.refused["s"]
    assert refused.any() and (~refused).any()
    # Where the supporter delivers, the two rules agree; where it refuses, only its term goes back.
    np.testing.assert_array_equal(package.agreed[~refused], by_terms.agreed[~refused])
    assert not package.agreed[refused].any()
    assert by_terms.agreed[refused].any()
    np.testing.assert_array_equal(by_terms.terms[refused, 1], status_quo[refused, 1])
    np.testing.assert_array_equal(by_terms.terms[:, 0], terms[:, 0])
    # The belligerents judged the re-formed package: their answers are to it.
    d = by_terms.assessments["d"]
    expected = parties[1].assess(by_terms.terms, settled, front, noise=shocks["d"], leverage=leverage).accept
    np.testing.assert_array_equal(d.accept, expected)


def test_nash_score_ranks_every_feasible_package_above_every_infeasible_one():
    surpluses = [np.array([0.01, 5.0, -0.01]), np.array([0.01, -0.001, 3.0])]
    score = nash_score(surpluses, [1.0, 1.0], [True, True])
    assert score[0] > score[1] and score[0] > score[2]
