"""The game-theoretic core against hand-computed cases."""

import numpy as np
import pytest

from sim.core.utility import contract_curve, deal_value, normalise_weights, spatial_utility, war_value


def test_spatial_utility_hand_computed():
    # 1 - [0.5 (0.2 - 0)^2 + 0.5 (0.4 - 1)^2] = 1 - (0.02 + 0.18) = 0.8
    u = spatial_utility(np.array([0.2, 0.4]), np.array([0.0, 1.0]), np.array([0.5, 0.5]))
    assert u == pytest.approx(0.8, abs=1e-12)


def test_spatial_utility_is_one_at_ideal_and_broadcasts_over_a_grid():
    rng = np.random.default_rng(1)
    ideal = rng.random((5, 3))
    weights = normalise_weights(rng.random((5, 3)))
    x = np.stack([ideal, rng.random((5, 3))])  # (G=2, N=5, K=3)
    u = spatial_utility(x, ideal, weights)
    assert u.shape == (2, 5)
    np.testing.assert_allclose(u[0], 1.0)
    assert np.all(u[1] < 1.0) and np.all(u[1] >= 0.0)


def test_normalise_weights_sums_to_one():
    w = normalise_weights(np.array([[2.0, 6.0], [1.0, 1.0]]))
    np.testing.assert_allclose(w, [[0.25, 0.75], [0.5, 0.5]])


def test_contract_curve_endpoints_and_a_hand_computed_point():
    a, wa = np.array([1.0, 1.0]), np.array([0.75, 0.25])
    b, wb = np.array([0.0, 0.0]), np.array([0.25, 0.75])
    x = contract_curve(np.array([[0.0], [1.0], [0.5]]), a, wa, b, wb)[:, 0, :]
    np.testing.assert_allclose(x[0], b, atol=1e-9)
    np.testing.assert_allclose(x[1], a, atol=1e-9)
    # lam = 1/2: x_k = w_ak / (w_ak + w_bk): the side that cares more gets more of that issue.
    np.testing.assert_allclose(x[2], [0.75, 0.25], atol=1e-9)


def test_contract_curve_points_are_pareto_optimal():
    rng = np.random.default_rng(7)
    a, b = rng.random(4), rng.random(4)
    wa, wb = normalise_weights(rng.random(4)), normalise_weights(rng.random(4))
    x = contract_curve(np.array([[0.3]]), a, wa, b, wb)[0, 0]
    ua, ub = spatial_utility(x, a, wa), spatial_utility(x, b, wb)
    others = rng.random((20_000, 4))
    ua_o, ub_o = spatial_utility(others, a, wa), spatial_utility(others, b, wb)
    assert not np.any((ua_o >= ua) & (ub_o >= ub) & ((ua_o > ua) | (ub_o > ub)))


def test_war_value_hand_computed():
    # d^H = 0.5: 0.5 (0.6 - 0.1) + 0.5 [0.2 * 1.0 + 0.8 * (0.5 - 0.1)] = 0.25 + 0.26 = 0.51
    # (the cost goes on after the horizon unless the war ends in victory)
    v = war_value(u_war_now=0.6, monthly_cost=0.1, u_stalemate=0.5, u_victory=1.0, p_victory=0.2,
                  patience=0.5, horizon=1.0)
    assert v == pytest.approx(0.51, abs=1e-12)


def test_a_short_horizon_does_not_make_a_costly_stalemate_look_cheap():
    """With no hope of victory and the front not moving, fighting is worth u_now - c whatever the
    horizon: the cost does not stop at the planning horizon (issue 11: myopia must not breed war)."""
    for horizon in (1.0, 6.0, 24.0):
        v = war_value(u_war_now=0.6, monthly_cost=0.1, u_stalemate=0.6, u_victory=1.0, p_victory=0.0,
                      patience=0.97, horizon=horizon)
        assert v == pytest.approx(0.5, abs=1e-12)


def test_war_value_falls_with_cost_and_rises_with_optimism():
    base = dict(u_war_now=0.6, monthly_cost=0.1, u_stalemate=0.5, u_victory=1.0, p_victory=0.2,
                patience=0.97, horizon=12.0)
    assert war_value(**{**base, "monthly_cost": 0.2}) < war_value(**base)
    assert war_value(**{**base, "p_victory": 0.4}) > war_value(**base)


def test_deal_value_commitment_problem():
    # (1 - 0.25) 0.8 + 0.25 (0.6 - 0.2) = 0.6 + 0.1 = 0.7
    assert deal_value(0.8, 0.6, 0.25, 0.2) == pytest.approx(0.7, abs=1e-12)
    assert deal_value(0.8, 0.6, 0.0, 0.2) == pytest.approx(0.8)
