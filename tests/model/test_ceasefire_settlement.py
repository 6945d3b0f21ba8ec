"""Ceasefire and settlement as separate agreements: what each settles, talks in between, collapse."""

import numpy as np
import pytest

from sim.engine import build_model, load_scenario

from ..conftest import SCENARIOS

WORLDS = 1000
MONTHS = 12
# Russia's Donbas line relaxed to "no withdrawal from held land", so that ceasefires at the front
# happen within a year and there is something to test.
CEASEFIRE_FIRST = {"negotiation.agreement": "ceasefire", "negotiation.scheduled": [],
                   "actors.russia.red_lines.0.below": 0.0, "actors.russia.red_lines.0.relative_to": "front",
                   "actors.russia.red_lines.0.escalation": None}


def run(overrides: dict, months: int = MONTHS):
    model = build_model(load_scenario(SCENARIOS / "baseline.yaml", overrides).scenario, worlds=WORLDS,
                        keep_rounds=True)
    fronts = []
    for _ in range(months):
        model.step()
        fronts.append(model.state.war.front.copy())
    return model, np.stack(fronts, axis=1)


@pytest.fixture(scope="module")
def ceasefire_first():
    return run({**CEASEFIRE_FIRST, "negotiation.resume_hazard": 0.0})


def test_a_mediators_ceasefire_freezes_the_front_and_settles_nothing_else(ceasefire_first):
    model, fronts = ceasefire_first
    reached = model.state.first_ceasefire_month > 0
    assert reached.sum() > 20
    month = model.state.first_ceasefire_month[reached]
    territory = model.facts.issue_role["territory"]
    # The line of contact is frozen where the fighting stood that month (the round follows the war).
    np.testing.assert_allclose(model.state.first_terms[reached, territory], fronts[reached, month - 1])
    others = [k for k in range(model.facts.n_issues) if k != territory]
    np.testing.assert_allclose(model.state.first_terms[reached][:, others], model.state.status_quo()[reached][:, others])


def test_talks_during_a_ceasefire_lead_to_settlements_never_before_the_ceasefire(ceasefire_first):
    model, _ = ceasefire_first
    settled = model.state.first_settlement_month > 0
    assert settled.any() and (model.state.first_ceasefire_month > 0)[settled].all()
    assert np.all(model.state.first_settlement_month[settled] > model.state.first_ceasefire_month[settled])
    # A settled world's agreement settles every issue (unless it broke down and a new ceasefire followed).
    held = settled & model.state.in_ceasefire & (model.state.breakdowns == 0)
    assert held.any() and model.state.ceasefire_settled[held].all()


def test_when_talks_always_fail_an_open_ceasefire_never_outlives_its_first_month():
    model, _ = run({**CEASEFIRE_FIRST, "negotiation.resume_hazard": 1.0})
    reached = (model.state.first_ceasefire_month > 0) & (model.state.first_ceasefire_month < MONTHS)
    assert reached.any()
    np.testing.assert_array_equal(model.state.first_ceasefire_end[reached], model.state.first_ceasefire_month[reached] + 1)
    assert not (model.state.first_settlement_month > 0).any()


def test_a_mediators_settlement_is_a_ceasefire_and_a_settlement_at_once():
    model, _ = run({"negotiation.scheduled": []}, months=8)
    np.testing.assert_array_equal(model.state.first_settlement_month, model.state.first_ceasefire_month)
    assert (model.state.first_ceasefire_month > 0).any()
