"""Red lines: hard bounds, audience costs, lines measured from the front."""

import numpy as np

from sim.core.redlines import CompiledLine, RedLines


def lines():
    return RedLines([
        CompiledLine(issue=0, bound=0.0, upper=True, relative_to_front=True, hard=True, cost=0.0),
        CompiledLine(issue=1, bound=0.0, upper=True, relative_to_front=False, hard=True, cost=0.0),
        CompiledLine(issue=2, bound=0.5, upper=True, relative_to_front=False, hard=False, cost=0.07),
    ], n_issues=3)


def test_hard_lines_relative_to_front():
    front = np.array([0.8, 0.8])
    x = np.array([[0.8, 0.0, 0.0], [0.85, 0.0, 0.0]])  # freeze vs withdrawal
    settled = np.ones(3, dtype=bool)
    np.testing.assert_array_equal(lines().hard_violation(x, settled, front), [False, True])


def test_unsettled_issues_are_not_checked():
    front = np.array([0.8])
    x = np.array([[0.8, 0.5, 0.9]])
    settled = np.array([True, False, False])
    assert not lines().hard_violation(x, settled, front)[0]
    assert lines().audience_cost(x, settled, front)[0] == 0.0
    assert lines().audience_cost(x, np.ones(3, dtype=bool), front)[0] == 0.07


def test_bounds_box():
    low, high = lines().bounds(np.array([0.8]))
    np.testing.assert_allclose(low, [[0, 0, 0]])
    np.testing.assert_allclose(high, [[0.8, 0.0, 1.0]])  # audience lines do not bound
