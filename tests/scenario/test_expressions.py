"""The safe condition language: what it evaluates, and what it refuses."""

import numpy as np
import pytest

from sim.scenario.conditions import ExpressionError, compile_expression

NAMES = {"month", "rejected_russia", "russia_strain", "us_sanctions", "in_ceasefire"}


def env():
    return {"month": 4.0, "rejected_russia": np.array([True, False, True]),
            "russia_strain": np.array([0.2, 0.5, 0.7]), "us_sanctions": 0.3,
            "in_ceasefire": np.array([False, False, True])}


@pytest.mark.parametrize("text, expected", [
    ("rejected_russia", [True, False, True]),
    ("rejected_russia and not in_ceasefire", [True, False, False]),
    ("russia_strain > 0.4 or month < 2", [False, True, True]),
    ("0.1 < russia_strain <= 0.5", [True, True, False]),
    ("us_sanctions + 0.2 * 2 >= 0.7 and true", [True, True, True]),
    ("-russia_strain < -0.6", [False, False, True]),
    ("(month - 1) / 3 == 1", [True, True, True]),
])
def test_valid_expressions_evaluate_per_world(text, expected):
    value = compile_expression(text, NAMES).evaluate(env())
    np.testing.assert_array_equal(np.broadcast_to(value, (3,)), expected)


@pytest.mark.parametrize("text, complaint", [
    ("__import__('os').system('true')", "function call"),
    ("month.__class__", "attribute access"),
    ("rejected_russia[0]", "indexing"),
    ("import os", "cannot read"),
    ("9 ** 9 ** 9", "**"),
    ("month ** 2", "**"),
    ("'text' == 'text'", "constant"),
    ("lambda: 1", "lambda"),
    ("[m for m in month]", "ListComp"),
    ("1e300 > month", "constant"),
    ("month // 2", "FloorDiv"),
    ("month if month else 1", "IfExp"),
    ("(" * 5000 + "month" + ")" * 5000, "at most"),
    ("month + " * 60 + "1", "at most"),
    ("", "non-empty"),
])
def test_hostile_or_unsupported_input_is_refused(text, complaint):
    with pytest.raises(ExpressionError) as err:
        compile_expression(text, NAMES)
    assert complaint in str(err.value)


def test_unknown_variable_names_it_and_lists_valid_ones():
    with pytest.raises(ExpressionError) as err:
        compile_expression("rejected_rusia and month > 2", NAMES)
    message = str(err.value)
    assert "unknown variable 'rejected_rusia'" in message
    assert "Did you mean 'rejected_russia'" in message
    assert all(name in message for name in NAMES)


def test_bad_condition_in_a_scenario_is_a_clear_load_error(tmp_path):
    from sim.engine import load_scenario
    from sim.scenario import ScenarioError

    from ..conftest import SCENARIOS
    (tmp_path / "baseline.yaml").write_text((SCENARIOS / "baseline.yaml").read_text())
    (tmp_path / "bad.yaml").write_text("""extends: baseline.yaml
actors:
  us:
    strategy:
      - kind: conditional
        when: russia_rejected
        add: {sanctions: 0.2}
""")
    with pytest.raises(ScenarioError) as err:
        load_scenario(tmp_path / "bad.yaml")
    text = str(err.value)
    assert "line 6" in text and "actors.us.strategy.0.when" in text
    assert "unknown variable 'russia_rejected'" in text and "rejected_russia" in text
