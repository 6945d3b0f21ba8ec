"""Comparative statics that bargaining theory demands, on common random numbers.

Each test runs the baseline twice on the same worlds (same seed, so the same shocks), changing one
thing, and compares per world. Tolerances come from the Monte Carlo error of the paired difference:
a change may not lower P(ceasefire) by more than three standard errors of the per-world differences
(plus one world, so that a difference of zero standard error is not a knife edge).

Why the offer tests use the acceptance objective: when a supporter offers more, the box of terms
the mediator may propose grows. A mediator who proposes the package most likely to be accepted can
then only do better (weakly, up to its search precision), month by month in the same state, so
P(ceasefire) cannot fall. A mediator who proposes the Nash bargaining point can: the Nash solution
is not monotone in the feasible set (Kalai & Smorodinsky 1975 replaced its independence axiom by
monotonicity for this reason), so a larger set may move the proposal to a package one party accepts
less often. With the default Nash mediator the test checks the direction of the large steps.
"""

import numpy as np
import pytest

from sim.engine import build_model, load_scenario

from ..conftest import SCENARIOS

WORLDS = 2000
MONTHS = 8
ACCEPTANCE = {"negotiation.objective": "acceptance", "negotiation.search_levels": 9,
              "negotiation.search_sweeps": 6}


def reached(overrides: dict, months: int = MONTHS) -> np.ndarray:
    """Per world: a ceasefire by ``months`` in the baseline with ``overrides``."""
    loaded = load_scenario(SCENARIOS / "baseline.yaml", overrides)
    model = build_model(loaded.scenario, worlds=WORLDS)
    for _ in range(months):
        model.step()
    return model.state.first_ceasefire_month > 0


def assert_not_lower(before: np.ndarray, after: np.ndarray) -> float:
    """P(after) is not below P(before) beyond the paired Monte Carlo error; returns the difference."""
    diff = after.astype(float) - before.astype(float)
    tolerance = 3.0 * diff.std(ddof=1) / np.sqrt(diff.size) + 1.0 / diff.size
    assert diff.mean() >= -tolerance, (diff.mean(), tolerance)
    return float(diff.mean())


@pytest.mark.slow
@pytest.mark.parametrize("lever, low, high", [("europe.levers.troop_offer", 0.2, 0.6),
                                              ("europe.levers.troop_offer", 0.6, 1.0),
                                              ("europe.levers.relief_offer", 0.1, 0.4),
                                              ("europe.levers.relief_offer", 0.4, 0.8)])
def test_a_more_generous_offer_never_lowers_the_chance_of_a_ceasefire(lever, low, high):
    before = reached({**ACCEPTANCE, f"actors.{lever}": low})
    after = reached({**ACCEPTANCE, f"actors.{lever}": high})
    assert_not_lower(before, after)


@pytest.mark.parametrize("lever", ["europe.levers.troop_offer", "europe.levers.relief_offer"])
def test_with_the_nash_mediator_an_offer_moves_the_chance_of_peace_up(lever):
    """Under the default Nash mediator, from no offer to the most generous one P(ceasefire) rises."""
    before, after = reached({f"actors.{lever}": 0.0}), reached({f"actors.{lever}": 1.0})
    diff = after.astype(float) - before.astype(float)
    assert diff.mean() > 3.0 * diff.std(ddof=1) / np.sqrt(diff.size)


@pytest.mark.parametrize("actor", ["russia", "ukraine"])
def test_a_costlier_war_never_lowers_the_chance_of_a_ceasefire(actor):
    """Doubling a belligerent's cost per 10,000 casualties lowers its value of fighting on, so every
    package's surplus rises for it and nothing else changes in the round."""
    path = f"actors.{actor}.cost_of_war.per_10k_casualties"
    prior = load_scenario(SCENARIOS / "baseline.yaml").scenario.actors[actor].cost_of_war.per_10k_casualties
    before = reached({})
    after = reached({path: {"low": 2 * prior.low, "high": 2 * prior.high}})
    assert assert_not_lower(before, after) > 0


def test_stronger_guarantees_never_lower_ukraines_acceptance_of_the_same_package():
    """Month 1: the same package with the guarantees term moved from none (1) to full (0) never
    lowers Ukraine's surplus in any world (its ideal is 0 and guarantees ease its fear of breach)."""
    loaded = load_scenario(SCENARIOS / "baseline.yaml")
    model = build_model(loaded.scenario, worlds=WORLDS)
    model.step()
    ukraine = model.actors["ukraine"]
    g = model.facts.issue_role["guarantees"]
    package = model.state.status_quo().copy()
    settled = np.ones(model.facts.n_issues, dtype=bool)
    surpluses = []
    for level in np.linspace(1.0, 0.0, 6):
        package[:, g] = level
        surpluses.append(ukraine.assess(model.state, package, settled).surplus)
    assert np.all(np.diff(np.stack(surpluses), axis=0) >= -1e-12)


def test_a_supporter_refusing_its_terms_leaves_a_deal_on_the_rest():
    """With vetoes on terms, some deals are agreed in worlds where Europe refused its terms: the
    belligerents agreed the rest (with the whole-package veto none could be)."""
    loaded = load_scenario(SCENARIOS / "baseline.yaml", {"negotiation.scheduled": []})
    model = build_model(loaded.scenario, worlds=WORLDS, keep_rounds=True)
    agreed_without_europe = 0
    for _ in range(MONTHS):
        model.step()
        record = model.state.last_round
        agreed_without_europe += int((record.agreed & record.refused["europe"]).sum())
    assert agreed_without_europe > 0
