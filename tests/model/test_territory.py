"""Territory by place: the Donbas sector of the front, demands measured from it, and smooth audience costs."""

import numpy as np
import pytest

from sim.engine import build_model, load_scenario

from ..conftest import SCENARIOS

WORLDS = 2000
DONBAS = {"battlefield.donbas": {"held_km2": 8500.0, "share_of_advance": 0.6}}
DEMAND = {"actors.russia.red_lines.0.below": 0.0, "actors.russia.red_lines.0.relative_to": "donbas"}


def model_of(overrides: dict, worlds: int = WORLDS):
    return build_model(load_scenario(SCENARIOS / "baseline.yaml", overrides).scenario, worlds=worlds)


def test_the_donbas_loses_its_share_of_each_months_gains_and_never_goes_below_zero():
    model = model_of({"battlefield.donbas": {"held_km2": 900.0, "share_of_advance": 0.6}})
    war = model.state.war
    for _ in range(12):
        before_held, before_occupied = war.donbas_held_km2.copy(), war.occupied_km2.copy()
        model.step()
        gained = war.occupied_km2 - before_occupied
        np.testing.assert_allclose(before_held - war.donbas_held_km2, np.minimum(before_held, 0.6 * gained))
    assert np.all(war.donbas_held_km2 >= 0) and np.any(war.donbas_held_km2 == 0) and np.any(war.donbas_held_km2 > 0)


def test_land_taken_elsewhere_does_not_meet_a_demand_for_the_donbas():
    """With no share of the advance in the Donbas, a freeze falls short of Russia's demand by the whole
    remaining Donbas whatever the front does; with all of it there, the shortfall shrinks as the front moves."""
    elsewhere = model_of({**DEMAND, "battlefield.donbas": {"held_km2": 8500.0, "share_of_advance": 0.0}})
    there = model_of({**DEMAND, "battlefield.donbas": {"held_km2": 8500.0, "share_of_advance": 1.0}})
    start = there.state.war.occupied_km2.copy()
    for model in (elsewhere, there):
        for _ in range(6):
            model.step()
    scale = elsewhere.state.war.scale_km2
    for model, expected_left in ((elsewhere, np.full(WORLDS, 8500.0)),
                                 (there, np.maximum(0.0, 8500.0 - (there.state.war.occupied_km2 - start)))):
        lines = model.attacker.red_lines_now(model.state.war).lines
        front = model.state.war.front
        threshold = lines[0].bound + front
        np.testing.assert_allclose((threshold - front) * scale, expected_left, rtol=1e-9, atol=1e-6)
    assert np.all(elsewhere.state.war.occupied_km2 > start)   # the front did move, elsewhere


def test_a_freeze_costs_the_donbas_demand_until_the_donbas_is_taken():
    model = model_of({**DEMAND, "battlefield.donbas": {"held_km2": 250.0, "share_of_advance": 1.0},
                      "actors.russia.red_lines.0.cost": 0.2, "actors.russia.red_lines.0.escalation": None})
    freeze, settled = model.package_terms("ceasefire_30_day")
    cost = model.attacker.party(model.state).red_lines.audience_cost(freeze, settled, model.state.war.front)
    assert np.all(cost == pytest.approx(0.2))
    model.step()
    freeze, settled = model.package_terms("ceasefire_30_day")
    left = model.state.war.donbas_held_km2
    cost = model.attacker.party(model.state).red_lines.audience_cost(freeze, settled, model.state.war.front)
    assert np.all(cost[left == 0] == 0) and np.all(cost[left > 1e-3] == pytest.approx(0.2))
    assert (left == 0).any() and (left > 1e-3).any()


def test_a_ramped_audience_cost_grows_with_the_shortfall_up_to_its_whole_value():
    model = model_of({**DONBAS, **DEMAND, "actors.russia.red_lines.0.cost": 0.2, "actors.russia.red_lines.0.ramp": 0.1})
    territory = model.facts.issue_role["territory"]
    freeze, settled = model.package_terms("ceasefire_30_day")
    lines = model.attacker.party(model.state).red_lines
    front = model.state.war.front
    shortfall = 8500.0 / model.state.war.scale_km2
    costs = []
    for fraction in (0.0, 0.25, 0.5, 1.0):
        x = freeze.copy()
        x[:, territory] = front + fraction * shortfall
        costs.append(lines.audience_cost(x, settled, front))
    # the demand is 0.062 beyond the front: the shortfall of a freeze is within the ramp of 0.1
    np.testing.assert_allclose(costs[0], 0.2 * shortfall / 0.1, rtol=1e-6)
    assert np.all(np.diff(np.stack(costs), axis=0) < 0) and np.all(costs[-1] == 0)


def test_a_donbas_demand_needs_the_donbas_sector():
    from sim.scenario import ScenarioError

    with pytest.raises(ScenarioError, match="relative_to: donbas needs battlefield.donbas"):
        load_scenario(SCENARIOS / "baseline.yaml", {**DEMAND, "actors.russia.red_lines.0.escalation": None,
                                                    "battlefield.donbas": None})


def test_a_demand_met_on_the_battlefield_is_raised_in_the_worlds_drawn_to_raise_it():
    """Goemans (2000), Reiter (2009): war aims grow with success. Once the Donbas is taken, a freeze
    crosses the raised demand (all four regions) where the actor raises it, and nothing elsewhere."""
    def freeze_cost(probability):
        model = model_of({**DEMAND, "battlefield.donbas": {"held_km2": 1.0, "share_of_advance": 1.0},
                          "actors.russia.red_lines.0.cost": 0.2,
                          "actors.russia.red_lines.0.escalation": {"below": 1.0, "probability": probability}})
        model.step()
        assert np.all(model.state.war.donbas_held_km2 == 0)
        freeze, settled = model.package_terms("ceasefire_30_day")
        return model.attacker.party(model.state).red_lines.audience_cost(freeze, settled, model.state.war.front)

    assert np.all(freeze_cost(0.0) == 0) and np.all(freeze_cost(1.0) == pytest.approx(0.2))
    some = freeze_cost({"low": 0.3, "high": 0.7})
    assert 0.3 < np.mean(some > 0) < 0.7 and set(np.round(np.unique(some), 9)) == {0.0, 0.2}


def test_a_party_taken_at_some_worlds_keeps_each_worlds_donbas_demand():
    """Party.select (a round run on some worlds gives those worlds' numbers) takes a per-world bound at
    its worlds, as it takes a per-world cost."""
    model = model_of({**DONBAS, **DEMAND, "actors.russia.red_lines.0.ramp": 0.1})
    model.step()
    party, front = model.attacker.party(model.state), model.state.war.front
    freeze, settled = model.package_terms("ceasefire_30_day")
    worlds = np.array([3, 7, 11])
    whole = party.red_lines.audience_cost(freeze, settled, front)[worlds]
    taken = party.select(worlds).red_lines.audience_cost(freeze[worlds], settled, front[worlds])
    assert len(set(np.round(whole, 12))) == 3   # the demand differs by world
    np.testing.assert_array_equal(taken, whole)


def test_the_first_ceasefire_says_what_its_territory_term_does():
    """A freeze, a partial withdrawal, the rest of the Donbas (seed 003's demand) or all four regions
    (seed 001's), read off the term against the front and the Donbas Ukraine holds when it is agreed.
    With Ukraine's no-withdrawal line a veto every ceasefire is a freeze; at a domestic price some are
    withdrawals from the rest of the Donbas."""
    from sim.model.war import TERRITORY_DEALS

    assert TERRITORY_DEALS[1] == "freeze the line" and TERRITORY_DEALS[3] == "withdrawal from the rest of the Donbas"
    for overrides, withdrawals in (({}, False), ({"actors.ukraine.red_lines.1.kind": "audience",
                                                 "actors.ukraine.red_lines.1.cost": 0.05}, True)):
        model = model_of(overrides)
        territory = model.facts.issue_role["territory"]
        expected = np.zeros(WORLDS, dtype=np.int8)
        for _ in range(12):
            before = model.state.first_ceasefire_month.copy()
            model.step()
            new = (before == 0) & (model.state.first_ceasefire_month > 0)
            x, front = model.state.first_terms[new, territory], model.state.war.front[new]
            donbas = front + model.state.war.donbas_left[new]
            beyond = x > front + 1e-6   # a freeze once the Donbas is taken is still a freeze
            expected[new] = np.select([beyond & (x >= 1 - 1e-6), beyond & (x >= donbas - 1e-6), beyond], [4, 3, 2],
                                      default=1)
        np.testing.assert_array_equal(model.state.first_territory_deal, expected)
        has = model.state.first_ceasefire_month > 0
        assert has.any() and np.all(model.state.first_territory_deal[~has] == 0)
        assert np.any(expected[has] == 3) == withdrawals and np.any(expected[has] == 1)
