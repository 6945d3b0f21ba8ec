"""The agent model: invariants, determinism, chunk invariance, and extension by YAML."""

import numpy as np
import pytest

from sim.engine import build_model, load_scenario
from sim.engine.outputs import ceasefire_by_month, summarise
from sim.engine.run import run_scenario
from sim.model import Belligerent, Mediator

from ..conftest import SCENARIOS


@pytest.fixture(scope="module")
def small_run(baseline):
    return run_scenario(baseline, worlds=3000, chunk_size=3000)


def test_agents_are_mesa_agents_of_the_right_classes(baseline):
    model = build_model(baseline.scenario, worlds=1)
    assert isinstance(model.actors["russia"], Belligerent) and model.attacker is model.actors["russia"]
    assert isinstance(model.actors["ukraine"], Belligerent) and model.defender is model.actors["ukraine"]
    assert (model.attacker.side, model.defender.side) == ("attacker", "defender")   # from the scenario
    assert len(model.agents) == len(baseline.scenario.actors)


def test_probabilities_are_probabilities_and_cumulative_is_monotone(small_run):
    s = summarise(small_run)
    p = np.array(s["p_ceasefire_by_month"])
    ci = np.array(s["ci95_by_month"])
    assert np.all((p >= 0) & (p <= 1)) and np.all(np.diff(p) >= 0)
    assert np.all(ci[:, 0] <= p) and np.all(p <= ci[:, 1]) and np.all((ci >= 0) & (ci <= 1))
    in_force = np.array(s["p_in_ceasefire_by_month"])
    assert np.all(in_force <= p + 1e-12)  # a ceasefire in force was reached by then
    assert 0 <= s["p_durable"] <= p[-1]


def test_same_seed_same_numbers_different_seed_different_numbers(baseline):
    a = run_scenario(baseline, worlds=2000)
    b = run_scenario(baseline, worlds=2000)
    c = run_scenario(baseline, worlds=2000, seed=1)
    np.testing.assert_array_equal(a.first_ceasefire_month, b.first_ceasefire_month)
    np.testing.assert_array_equal(a.occupied_km2, b.occupied_km2)
    assert not np.array_equal(a.occupied_km2, c.occupied_km2)


@pytest.mark.parametrize("start", ["cold", "warm", "continue"])
def test_results_do_not_depend_on_chunking(start):
    baseline = load_scenario(SCENARIOS / "baseline.yaml", {"negotiation.search_start": start})
    whole = run_scenario(baseline, worlds=4500, chunk_size=5000)
    pieces = run_scenario(baseline, worlds=4500, chunk_size=2000, workers=2)
    ones = run_scenario(baseline, worlds=4500, chunk_size=1000)
    for other in (pieces, ones):
        np.testing.assert_array_equal(whole.first_ceasefire_month, other.first_ceasefire_month)
        np.testing.assert_array_equal(whole.first_terms, other.first_terms)
        np.testing.assert_array_equal(whole.casualties["russia"], other.casualties["russia"])
        for deal in whole.partial_first_month:
            np.testing.assert_array_equal(whole.partial_first_month[deal], other.partial_first_month[deal])


@pytest.mark.parametrize("start", ["cold", "warm", "continue"])
@pytest.mark.parametrize("agreement", ["settlement", "ceasefire"])
def test_a_teaching_run_that_searches_every_world_gives_the_monte_carlos_numbers(agreement, start):
    """The Monte Carlo searches only where a package is put; the teaching view (keep_rounds) searches
    every world to show what would be proposed. Both give the same numbers, settlement talks included
    (without Russia's Donbas cost, so that bare ceasefires come and with them talks on the rest), and
    with warm starts (the mediator remembers only the packages it put)."""
    scenario = load_scenario(SCENARIOS / "europe_steps_up.yaml", {"negotiation.agreement": agreement,
                                                                 "negotiation.search_start": start,
                                                                 "actors.russia.red_lines.0.cost": 0.0}).scenario
    monte_carlo = build_model(scenario, worlds=400).run()
    teaching = build_model(scenario, worlds=400, keep_rounds=True).run()
    assert any(r.settlement is not None for r in teaching.state.rounds) or agreement == "settlement"
    for name in ("first_ceasefire_month", "first_terms", "first_settlement_month", "ceasefire_terms", "breakdowns"):
        np.testing.assert_array_equal(getattr(monte_carlo.state, name), getattr(teaching.state, name))
    for name, values in monte_carlo.state.history.items():
        np.testing.assert_array_equal(values, teaching.state.history[name])
    for actor, counts in monte_carlo.state.decision_counts.items():
        np.testing.assert_array_equal(counts, teaching.state.decision_counts[actor])


def test_one_world_is_the_same_code_and_runs(baseline):
    model = build_model(baseline.scenario, worlds=1, keep_rounds=True).run()
    assert len(model.state.rounds) == baseline.scenario.horizon_months
    assert model.state.rounds[0].package == "ceasefire_30_day"


def test_front_frozen_and_casualties_low_during_ceasefire(small_run):
    in_cf = small_run.in_ceasefire
    occupied = small_run.occupied_km2
    both = in_cf[:, 1:] & in_cf[:, :-1]
    assert both.any()
    np.testing.assert_array_equal(occupied[:, 1:][both], occupied[:, :-1][both])
    fighting = ~in_cf[:, 1:] & ~in_cf[:, :-1]
    monthly = np.diff(small_run.casualties["russia"], axis=1)
    assert monthly[both].mean() < 0.1 * monthly[fighting].mean()


def test_terms_respect_hard_red_lines(small_run, baseline):
    reached = small_run.first_ceasefire_month > 0
    terms = small_run.first_terms[reached]
    k = small_run.issue_names.index
    assert np.all(terms[:, k("recognition")] == 0.0)    # Ukraine: no recognition
    settled_nato = ~np.isclose(terms[:, k("nato")], 0.3)  # unsettled NATO stays at the status quo
    assert np.all(terms[settled_nato, k("nato")] >= 0.5 - 1e-9)  # Russia: no NATO path
    month = small_run.first_ceasefire_month[reached] - 1
    front = small_run.occupied_km2[reached, month] / baseline.scenario.battlefield.territory_scale_km2
    np.testing.assert_allclose(terms[:, k("territory")], front, rtol=0, atol=1e-6)  # freeze


def test_a_mediator_can_be_added_by_yaml(tmp_path):
    (tmp_path / "baseline.yaml").write_text((SCENARIOS / "baseline.yaml").read_text())
    (tmp_path / "turkey.yaml").write_text("""
extends: baseline.yaml
name: turkey mediates
actors:
  turkey:
    name: Turkey
    role: mediator
    ideal: {territory: 0.82, recognition: 0.2, nato: 0.8, guarantees: 0.5, army_limits: 0.3,
            sanctions_relief: 0.3, accountability: 0.5, arms_after_deal: 0.5}
    salience: {territory: 1, recognition: 1, nato: 1, guarantees: 1, army_limits: 1,
               sanctions_relief: 1, accountability: 1, arms_after_deal: 1}
    levers: {engagement: 1.0}
    mediation_leverage: 0.2
negotiation:
  mediators: [turkey]
  scheduled: []
""")
    loaded = load_scenario(tmp_path / "turkey.yaml")
    model = build_model(loaded.scenario, worlds=1000, keep_rounds=True).run()
    assert isinstance(model.actors["turkey"], Mediator)
    # Turkey is always engaged: every world still at war gets a proposal every month.
    assert model.state.rounds[0].proposed.all()
    for before, now in zip(model.state.rounds, model.state.rounds[1:], strict=False):
        in_force_before = model.state.history["in_ceasefire"][:, before.month - 1]
        assert (now.proposed | in_force_before).all()
    result = run_scenario(loaded, worlds=1000)
    assert ceasefire_by_month(result)[-1] > 0


def test_mediator_walking_away_means_no_general_ceasefire(tmp_path):
    (tmp_path / "baseline.yaml").write_text((SCENARIOS / "baseline.yaml").read_text())
    (tmp_path / "away.yaml").write_text("extends: baseline.yaml\nactors:\n  us:\n    levers:\n"
                                        "      engagement: 0.0\n  europe:\n    levers:\n      engagement: 0.0\n")
    result = run_scenario(load_scenario(tmp_path / "away.yaml"), worlds=1000)
    assert result.first_ceasefire_month.max() == 0
    assert all(first.max() == 0 for first in result.partial_first_month.values())


def test_parameters_are_drawn_by_their_key_paths_in_the_scenario(baseline):
    """Every parameter the model draws is one of the scenario's key paths (what sweeps, posteriors and
    the counterfactual name), and a path the scenario does not have fails at once, not silently."""
    from sim.model.streams import ParameterDraws, WorldStreams
    from sim.scenario.paths import scalar_paths

    model = build_model(baseline.scenario, worlds=10)
    known = scalar_paths(baseline.scenario)
    assert model.draw.asked <= set(known) and set(model.draw.drawn) <= model.draw.asked
    assert "actors.russia.patience" in model.draw.drawn and "economy.strain_start" in model.draw.drawn
    draw = ParameterDraws(baseline.scenario, WorldStreams(1, 0, 10, 24))
    prior = baseline.scenario.actors["russia"].patience
    with pytest.raises(KeyError, match="not a parameter of the scenario"):
        draw("actors.russia.patiense", prior)
    with pytest.raises(KeyError, match="from a prior the scenario does not give"):
        draw("actors.ukraine.patience", baseline.scenario.actors["ukraine"].beliefs.victory)


def test_the_value_of_victory_kept_from_the_first_month_is_the_one_the_month_would_compute(baseline):
    # The utility of a decisive victory is computed once a run (its terms take the status quo only on
    # third parties' issues, which do not move): after a year of fighting it is still, bit for bit,
    # what the moved front's status quo gives, for every actor.
    model = build_model(baseline.scenario, worlds=2000, seed=3)
    for _ in range(12):
        model.step()
    assert np.ptp(model.state.war.front) > 0   # the front moved, and differs between worlds
    facts, status_quo = model.facts, model.state.status_quo()
    for actor in model.actors.values():
        kept = actor.victory_utility(facts, status_quo)
        np.testing.assert_array_equal(kept, actor.utility(actor.victory_terms(facts, status_quo)), err_msg=actor.actor_id)


def test_the_front_and_status_quo_a_month_reads_follow_the_war_and_cannot_be_changed_by_a_reader(baseline):
    # Each is computed once per position of the war and shared by the month's readers: after every
    # month they are, bit for bit, what the war's occupied area gives now, and read-only.
    model = build_model(baseline.scenario, worlds=1000, seed=4)
    territory = model.facts.issue_role["territory"]
    for _ in range(4):
        before = model.state.status_quo()
        model.step()
        war, now = model.state.war, model.state.status_quo()
        np.testing.assert_array_equal(war.front, war.occupied_km2 / war.scale_km2)
        np.testing.assert_array_equal(now, model.state.status_quo(front=war.front.copy()))
        assert not np.array_equal(before[:, territory], now[:, territory])   # the war moved on
        for shared in (war.front, now):
            with pytest.raises(ValueError, match="read-only"):
                shared[0] = 0.5
