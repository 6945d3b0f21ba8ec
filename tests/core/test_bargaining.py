"""The mediator's Nash bargaining search against its closed form."""

import numpy as np
import pytest

from .reference_search import nash_on_path, nash_score


def linear_surpluses(cost_a, cost_b, power_a, power_b):
    """S_a = lam - c_a, S_b = 1 - lam - c_b: dividing a unit pie. Closed form of the asymmetric
    Nash solution: lam* = c_a + a/(a+b) (1 - c_a - c_b)."""
    def surpluses(lam):
        return [lam - cost_a, 1.0 - lam - cost_b], [power_a, power_b], [True, True]
    return surpluses


@pytest.mark.parametrize("ca, cb, a, b", [(0.1, 0.2, 1.0, 1.0), (0.0, 0.3, 2.0, 1.0), (0.25, 0.05, 0.5, 1.5)])
def test_nash_on_path_matches_closed_form(ca, cb, a, b):
    lam = nash_on_path(linear_surpluses(ca, cb, a, b), n_worlds=1, grid=11, refine=6)
    expected = ca + a / (a + b) * (1 - ca - cb)
    # Resolution after 6 fourfold refinements of a 0.1 grid is 0.1 / 4**6 ~ 2.4e-5.
    assert lam[0] == pytest.approx(expected, abs=5e-5)


def test_nash_on_path_vectorised_over_worlds():
    ca = np.array([0.1, 0.0, 0.3])
    cb = np.array([0.1, 0.4, 0.0])
    lam = nash_on_path(linear_surpluses(ca, cb, 1.0, 1.0), n_worlds=3, grid=11, refine=6)
    np.testing.assert_allclose(lam, ca + 0.5 * (1 - ca - cb), atol=5e-5)


def test_no_zone_of_agreement_returns_the_closest_miss():
    # c_a + c_b > 1: no lam pleases both; the best miss equalises the shortfalls.
    lam = nash_on_path(linear_surpluses(0.7, 0.5, 1.0, 1.0), n_worlds=1, grid=11, refine=6)
    assert lam[0] == pytest.approx(0.6, abs=5e-5)
    score = nash_score([lam - 0.7, 1 - lam - 0.5], [1.0, 1.0], [True, True])
    assert score[0] < -1e8


def test_player_without_veto_does_not_constrain():
    s = nash_score([np.array([0.2]), np.array([-0.5])], [1.0, 1.0], [True, False])
    assert s[0] == pytest.approx(np.log(0.2))
