"""Reductions over the issues give numpy's answers over the last axis."""

import numpy as np
import pytest

from sim.core.issues import all_issues, any_issue


@pytest.mark.parametrize("shape", [(1, 1), (7, 1), (50, 2), (1000, 8), (300, 9), (4, 30, 5)])
@pytest.mark.parametrize("share_true", [0.05, 0.5, 0.95])
def test_any_and_all_over_the_issues_are_numpys(shape, share_true):
    x = np.random.default_rng(sum(shape)).random(shape) < share_true
    np.testing.assert_array_equal(any_issue(x), x.any(axis=-1))
    np.testing.assert_array_equal(all_issues(x), x.all(axis=-1))
    before = x.copy()
    any_issue(x), all_issues(x)
    np.testing.assert_array_equal(x, before)   # the input is left as it was
