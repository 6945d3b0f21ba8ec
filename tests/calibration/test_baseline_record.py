"""The baseline, in spring-2025 conditions, reproduces the documented pattern of decisions.

Seeds 000 and 001: Ukraine accepted the unconditional 30-day ceasefire and Russia refused it (March
2025); both rejected the April 2025 US framework (seeds 000, 004); both agreed to the energy truce
(seeds 000, 001). Seed 003: a year on, no general ceasefire. Each check asks that the documented
choice is the model's majority choice by more than three Monte Carlo standard errors.
"""

import numpy as np
import pytest

from sim.engine import build_model

WORLDS = 4000


@pytest.fixture(scope="module")
def spring_2025(baseline):
    model = build_model(baseline.scenario, worlds=WORLDS, keep_rounds=True)
    model.step()  # March 2025
    model.step()  # April 2025
    return model


def acceptance_share(record, actor):
    asked = record.proposed & record.veto[actor]
    accepted = record.assessments[actor].accept[asked]
    return accepted.mean(), np.sqrt(0.25 / max(accepted.size, 1))


def test_ukraine_accepts_and_russia_rejects_the_30_day_ceasefire(spring_2025):
    march = spring_2025.state.rounds[0]
    assert march.package == "ceasefire_30_day"
    p_ukraine, se = acceptance_share(march, "ukraine")
    assert p_ukraine - 3 * se > 0.5
    p_russia, se = acceptance_share(march, "russia")
    assert p_russia + 3 * se < 0.5


def test_both_reject_the_april_framework(spring_2025):
    april = spring_2025.state.rounds[1]
    assert april.package == "us_framework_april_2025"
    for actor in ("russia", "ukraine"):
        p, se = acceptance_share(april, actor)
        assert p + 3 * se < 0.5, actor
    # Ukraine's refusal is its red line on recognising Crimea (seed 000), not a close call.
    assert april.assessments["ukraine"].hard_violation.all()


def test_energy_truce_is_accepted_when_offered(spring_2025):
    first = spring_2025.state.partial["energy_truce"].first_month
    offered = spring_2025.state.rounds[0].proposed  # an engaged mediator in March
    share = np.mean(first[offered] == 1)
    assert share - 3 * np.sqrt(0.25 / offered.sum()) > 0.5


def test_no_general_ceasefire_within_a_year_is_the_likely_outcome(baseline):
    model = build_model(baseline.scenario, worlds=WORLDS)
    for _ in range(12):
        model.step()
    p = np.mean(model.state.first_ceasefire_month > 0)
    # Seed 003: a year of diplomacy without a general ceasefire. "Likely" taken literally: the model
    # gives what happened more than even odds (the earlier bound of 0.2 was set under the
    # one-dimensional mediator, whose 11% the protocol of issue 10 raises to about 22%).
    assert p + 3 * np.sqrt(p * (1 - p) / WORLDS) < 0.5
