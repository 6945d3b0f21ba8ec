"""Classic games against their closed forms (to 1e-9), including asymmetric cases."""

import numpy as np
import pytest

from sim.core import classic

TOL = 1e-9


@pytest.mark.parametrize("d1, d2", [(0.9, 0.9), (0.95, 0.8), (0.5, 0.99), (0.0, 0.7)])
def test_rubinstein_is_the_limit_of_the_finite_game(d1, d2):
    x1, x2 = classic.rubinstein(d1, d2)
    assert x1 == pytest.approx((1 - d2) / (1 - d1 * d2), abs=TOL) and x1 + x2 == pytest.approx(1.0)
    # An odd and an even long horizon bracket the infinite-horizon share and converge to it.
    assert classic.rubinstein_finite(d1, d2, 4001) == pytest.approx(x1, abs=TOL)
    assert classic.rubinstein_finite(d1, d2, 4000) == pytest.approx(x1, abs=TOL)


def test_rubinstein_common_discount_and_first_mover_advantage():
    assert classic.rubinstein(0.9, 0.9)[0] == pytest.approx(1 / 1.9, abs=TOL)
    assert classic.rubinstein(0.9, 0.9)[0] > 0.5


@pytest.mark.parametrize("d, T", [(0.9, 1), (0.9, 2), (0.9, 3), (0.6, 7), (0.99, 10)])
def test_finite_horizon_matches_stahl(d, T):
    assert classic.rubinstein_finite(d, d, T) == pytest.approx(classic.stahl(d, T), abs=TOL)


def test_continuous_limit_of_rubinstein():
    r1, r2 = 0.3, 0.1
    for step in (1e-3, 1e-5):
        x1, _ = classic.rubinstein(np.exp(-r1 * step), np.exp(-r2 * step))
        assert x1 == pytest.approx(classic.rubinstein_continuous_limit(r1, r2), abs=step)
    assert classic.rubinstein_continuous_limit(r1, r2) == pytest.approx(0.25, abs=TOL)


@pytest.mark.parametrize("p, b1, b2", [(0.1, 0.0, 0.0), (0.3, 0.2, 0.1), (0.05, 0.4, 0.1), (1.0, 0.2, 0.3)])
def test_breakdown_risk_closed_form_and_nash_limit(p, b1, b2):
    x1 = classic.rubinstein_breakdown(p, b1, b2)
    # Fixed point of the stationary equilibrium: x1 = 1 - [(1-p) y2 + p b2], y2 = 1 - [(1-p) x1 + p b1]
    # where y2 is player 2's share as proposer: solve it directly and compare.
    a = np.array([[1.0, 1 - p], [1 - p, 1.0]])
    rhs = np.array([1 - p * b2, 1 - p * b1])
    x1_solved, _ = np.linalg.solve(a, rhs)
    assert x1 == pytest.approx(x1_solved, abs=TOL)
    assert x1 == pytest.approx((1 + (1 - p) * b1 - b2) / (2 - p), abs=TOL)
    assert classic.rubinstein_breakdown(1e-10, b1, b2) == pytest.approx(classic.nash_split(b1, b2)[0], abs=1e-9)


@pytest.mark.parametrize("d1, d2, alpha", [(0, 0, 0.5), (0.2, 0.1, 0.5), (0.1, 0.3, 0.7), (0.0, 0.5, 0.2)])
def test_nash_split_matches_numeric_maximisation(d1, d2, alpha):
    x1, x2 = classic.nash_split(d1, d2, alpha)
    assert x1 == pytest.approx(d1 + alpha * (1 - d1 - d2), abs=TOL)
    u1, u2 = classic.nash_on_frontier(lambda u: 1.0 - u, 1.0, d1, d2, alpha)
    assert u1 == pytest.approx(x1, abs=1e-9) and u2 == pytest.approx(x2, abs=1e-9)


def test_nash_and_kalai_smorodinsky_on_a_curved_frontier():
    frontier = lambda u1: 1.0 - u1 ** 2  # noqa: E731
    nash = classic.nash_on_frontier(frontier, 1.0)
    assert nash[0] == pytest.approx(1 / np.sqrt(3), abs=TOL) and nash[1] == pytest.approx(2 / 3, abs=TOL)
    ks = classic.kalai_smorodinsky(frontier, 1.0)
    assert ks[0] == pytest.approx((np.sqrt(5) - 1) / 2, abs=TOL) and ks[1] == pytest.approx(ks[0], abs=TOL)


def test_asymmetric_nash_on_a_curved_frontier():
    # Maximise u1^a (1 - u1^2)^(1-a): first-order condition gives u1 = sqrt(a / (2 - a)).
    for a in (0.3, 0.7):
        u1, _ = classic.nash_on_frontier(lambda u: 1.0 - u ** 2, 1.0, alpha=a)
        assert u1 == pytest.approx(np.sqrt(a / (2 - a)), abs=1e-9)


def test_kalai_smorodinsky_with_disagreement_point():
    d1, d2 = 0.2, 0.1
    u1, u2 = classic.kalai_smorodinsky(lambda u: 1.0 - u, 1.0, d1, d2)
    # Linear frontier: KS gains proportional to the ideal gains (0.8, 0.7).
    assert (u1 - d1) / 0.8 == pytest.approx((u2 - d2) / 0.7, abs=TOL) and u1 + u2 == pytest.approx(1.0)


@pytest.mark.parametrize("n, delta", [(3, 1.0), (5, 0.9), (101, 0.5)])
def test_baron_ferejohn(n, delta):
    split = classic.baron_ferejohn(n, delta)
    assert split.proposer == pytest.approx(1 - delta * (n - 1) / (2 * n), abs=TOL)
    assert split.partner == pytest.approx(delta / n, abs=TOL)
    assert split.proposer + split.partners * split.partner == pytest.approx(1.0, abs=TOL)
    # Stationarity: the continuation value of any member equals d times the ex-ante share 1/n.
    assert split.partner == pytest.approx(delta * (1 / n), abs=TOL)


def test_fearon_range_and_private_information():
    assert classic.fearon_range(0.6, 0.1, 0.15) == pytest.approx((0.5, 0.75), abs=TOL)
    p, c1, cbar = 0.5, 0.05, 0.25
    offer = classic.fearon_private_information(p, c1, cbar)
    assert offer.offer == pytest.approx(p + (cbar - c1) / 2, abs=TOL)
    assert offer.p_war == pytest.approx((cbar - c1) / (2 * cbar), abs=TOL)
    # Brute force over demands: expected payoff to side 1 is maximised at the closed form.
    x = np.linspace(p, p + cbar, 200_001)
    accept = 1 - (x - p) / cbar
    value = x * accept + (p - c1) * (1 - accept)
    assert x[np.argmax(value)] == pytest.approx(offer.offer, abs=2e-6)
    assert classic.fearon_private_information(p, 0.3, cbar).p_war == 0.0


def test_war_of_attrition_indifference():
    eq = classic.war_of_attrition(value=2.0, cost=0.5)
    assert eq.mean_quit_time == pytest.approx(4.0, abs=TOL) and eq.mean_duration == pytest.approx(2.0, abs=TOL)
    # Indifference: quitting at any t pays the same, -c t + V P(other quit first) ... expected
    # payoff of quitting at t: V(1 - e^{-rt}) - c * E[min(t, T)] = 0 for every t.
    r = eq.quit_rate
    for t in (0.5, 3.0, 10.0):
        expected_cost = 0.5 * (1 - np.exp(-r * t)) / r
        assert 2.0 * (1 - np.exp(-r * t)) - expected_cost == pytest.approx(0.0, abs=TOL)


def test_nash_equilibria_of_small_games():
    # Prisoner's dilemma: one pure equilibrium, mutual defection.
    eqs = classic.nash_equilibria([[3, 0], [5, 1]], [[3, 5], [0, 1]])
    assert len(eqs) == 1 and np.allclose(eqs[0][0], [0, 1]) and np.allclose(eqs[0][1], [0, 1])
    # Chicken (escalate/back down): two pure and one mixed equilibrium; mixed p = 1/2 here.
    eqs = classic.nash_equilibria([[0, 3], [1, 2]], [[0, 1], [3, 2]])
    assert len(eqs) == 3
    mixed = [e for e in eqs if 0 < e[0][0] < 1][0]
    assert mixed[0][0] == pytest.approx(0.5, abs=TOL)


@pytest.mark.parametrize("carry, back, comply, hurt, spared, credible, complies", [
    (0.5, 0.7, 0.4, 0.2, 0.6, False, False),   # carrying out costs the threatener: empty threat, target defies
    (0.7, 0.5, 0.4, 0.2, 0.6, True, True),     # credible and painful: target complies
    (0.7, 0.5, 0.1, 0.2, 0.6, True, False),    # credible but complying is worse still: target defies, threat carried out
])
def test_threat_game_by_backward_induction(carry, back, comply, hurt, spared, credible, complies):
    out = classic.threat_game({"comply": 1.0, "carry_out": carry, "back_down": back},
                              {"comply": comply, "carry_out": hurt, "back_down": spared})
    assert (out.credible, out.complies) == (credible, complies)
    expected = (1.0, comply) if complies else ((carry, hurt) if credible else (back, spared))
    assert (out.threatener, out.target) == expected
