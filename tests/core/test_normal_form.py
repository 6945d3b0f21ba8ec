"""Normal-form arithmetic against games whose answers are known by hand."""

import numpy as np
import pytest

from sim.core.normal_form import (
    best_response_search,
    deviation_payoffs,
    expected_payoffs,
    pure,
    pure_equilibria,
    regrets,
    strictly_dominated,
    unilateral_deviations,
)

# Prisoner's dilemma: strategies (cooperate, defect); the row player's payoffs, the column player's.
PD = np.array([[[3, 0], [5, 1]], [[3, 5], [0, 1]]], dtype=float)
PENNIES = np.array([[[1, -1], [-1, 1]], [[-1, 1], [1, -1]]], dtype=float)
BATTLE = np.array([[[2, 0], [0, 1]], [[1, 0], [0, 2]]], dtype=float)


def test_the_prisoners_dilemma_has_one_equilibrium_mutual_defection():
    assert pure_equilibria(PD) == [(1, 1)]
    assert strictly_dominated(PD, 0) == [0] and strictly_dominated(PD, 1) == [0]
    np.testing.assert_array_equal(regrets(PD, pure((0, 0), (2, 2))), [2.0, 2.0])   # 5 - 3 each


def test_matching_pennies_has_no_pure_equilibrium_and_half_half_has_no_regret():
    assert pure_equilibria(PENNIES) == []
    half = [np.array([0.5, 0.5])] * 2
    np.testing.assert_allclose(regrets(PENNIES, half), [0.0, 0.0], atol=1e-12)
    np.testing.assert_allclose(expected_payoffs(PENNIES, half), [0.0, 0.0], atol=1e-12)
    np.testing.assert_allclose(regrets(PENNIES, [np.array([0.6, 0.4]), np.array([0.5, 0.5])]), [0.0, 0.2])


def test_battle_of_the_sexes_has_two_pure_equilibria_and_the_known_mixed_one():
    assert pure_equilibria(BATTLE) == [(0, 0), (1, 1)]
    # Mixed: row plays (2/3, 1/3), column (1/3, 2/3); each is indifferent.
    mixed = [np.array([2, 1]) / 3, np.array([1, 2]) / 3]
    np.testing.assert_allclose(regrets(BATTLE, mixed), [0, 0], atol=1e-12)
    np.testing.assert_allclose(deviation_payoffs(BATTLE, mixed, 0), [2 / 3, 2 / 3])


def test_three_players_deviation_payoffs_contract_the_right_axes():
    rng = np.random.default_rng(1)
    payoffs = rng.normal(size=(3, 2, 3, 4))
    mixed = [rng.dirichlet(np.ones(s)) for s in (2, 3, 4)]
    brute = np.zeros(3)
    for a in range(2):
        for b in range(3):
            for c in range(4):
                brute[1] += mixed[0][a] * mixed[2][c] * payoffs[1, a, b, c] * (b == 1)
    assert deviation_payoffs(payoffs, mixed, 1)[1] == pytest.approx(brute[1])
    for profile in pure_equilibria(payoffs):
        assert np.all(regrets(payoffs, pure(profile, (2, 3, 4))) == 0)


def test_a_malformed_payoff_array_is_refused():
    with pytest.raises(ValueError, match="shape"):
        pure_equilibria(np.zeros((3, 2, 2)))


def test_a_pure_profiles_regret_needs_only_its_neighbourhood():
    """Profiles no unilateral deviation reaches may be unknown: the regret is the same."""
    rng = np.random.default_rng(7)
    payoffs = rng.normal(size=(3, 3, 2, 4))
    profile = (1, 0, 2)
    partial = np.full_like(payoffs, np.nan)
    for d in unilateral_deviations(profile, (3, 2, 4)):
        partial[(slice(None), *d)] = payoffs[(slice(None), *d)]
    np.testing.assert_array_equal(regrets(partial, pure(profile, (3, 2, 4))), regrets(payoffs, pure(profile, (3, 2, 4))))
    assert len(unilateral_deviations(profile, (3, 2, 4))) == 1 + 2 + 1 + 3


@pytest.mark.parametrize("seed", range(30))
def test_best_response_search_finds_only_true_equilibria_and_evaluates_fewer_profiles(seed):
    """On random 4-player games: every profile the search returns is a pure equilibrium of the full
    game; from every profile as a start it finds them all; each profile is evaluated once."""
    rng = np.random.default_rng(seed)
    shape = (4, 3, 3, 3)
    payoffs = rng.normal(size=(4, *shape))
    if seed % 3 == 0:  # three players with a dominant strategy: a unique equilibrium, found fast
        payoffs[0, 3] += 10
        payoffs[2, :, :, 1] += 10
        payoffs[3, :, :, :, 2] += 10
    asked: list[tuple[int, ...]] = []

    def evaluate(profiles):
        asked.extend(profiles)
        return {p: payoffs[(slice(None), *p)] for p in profiles}

    truth = pure_equilibria(payoffs)
    found = best_response_search(shape, [(0, 0, 0, 0)], evaluate)
    assert set(found) <= set(truth)
    assert len(asked) == len(set(asked))
    if seed % 3 == 0:
        assert found == truth and len(asked) < payoffs[0].size / 2
    everywhere = best_response_search(shape, list(np.ndindex(shape)), lambda ps: {p: payoffs[(slice(None), *p)]
                                                                                  for p in ps})
    assert everywhere == truth
