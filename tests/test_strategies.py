"""Each strategy rule's documented behaviour, on hand-built states (in the Axelrod library's spirit)."""

import numpy as np
import pytest

from sim.model import NegotiationModel
from sim.engine import load_scenario
from sim.strategies.library import RULES, SPECS

from .conftest import SCENARIOS

N = 4


def model_with(actor: str, *rules: dict, worlds: int = N) -> NegotiationModel:
    loaded = load_scenario(SCENARIOS / "baseline.yaml", {f"actors.{actor}.strategy": list(rules)})
    model = NegotiationModel(loaded.scenario, n_worlds=worlds)
    model.month = 1
    return model


def levels(**values):
    base = {lever: np.zeros(N) for lever in ("sanctions", "arms", "intelligence", "financial_aid",
                                             "engagement", "escalation", "relief_offer", "troop_offer")}
    base.update({k: np.full(N, float(v)) for k, v in values.items()})
    return base


def env(**values):
    out = {"months_without_progress": np.zeros(N), "failed_rounds": np.zeros(N),
           "rejected_russia": np.zeros(N, dtype=bool), "month": 1.0}
    out.update(values)
    return out


def test_every_rule_declares_its_characteristics_and_spec():
    assert set(RULES) == set(SPECS)
    for name, rule in RULES.items():
        assert rule.name == name
        assert {"conditional", "uses_deadline", "stochastic", "memory"} <= set(rule.characteristics)


def test_fixed_sets_levels():
    rule = model_with("us", {"kind": "fixed", "set": {"sanctions": 0.9}}).actors["us"].rules[0]
    out = rule.apply(levels(sanctions=0.3, arms=0.5), env())
    np.testing.assert_allclose(out["sanctions"], 0.9)
    np.testing.assert_allclose(out["arms"], 0.5)


def test_conditional_while_applies_only_when_and_hold_months_after():
    rule = model_with("us", {"kind": "conditional", "when": "rejected_russia", "add": {"sanctions": 0.2},
                             "mode": "while", "hold": 1}).actors["us"].rules[0]
    rejected = np.array([True, False, True, False])
    first = rule.apply(levels(sanctions=0.3), env(rejected_russia=rejected))
    np.testing.assert_allclose(first["sanctions"], [0.5, 0.3, 0.5, 0.3])
    second = rule.apply(levels(sanctions=0.3), env())  # held one more month
    np.testing.assert_allclose(second["sanctions"], [0.5, 0.3, 0.5, 0.3])
    third = rule.apply(levels(sanctions=0.3), env())
    np.testing.assert_allclose(third["sanctions"], 0.3)


def test_conditional_ratchet_raises_sanctions_by_02_per_russian_refusal():
    # "If Russia rejected the ceasefire last month, raise sanctions by 0.2" (issue text).
    rule = model_with("us", {"kind": "conditional", "when": "rejected_russia", "add": {"sanctions": 0.2},
                             "mode": "ratchet"}).actors["us"].rules[0]
    rejected = np.array([True, False, True, True])
    for _ in range(2):
        out = rule.apply(levels(sanctions=0.3), env(rejected_russia=rejected))
    out = rule.apply(levels(sanctions=0.3), env())  # kept after the refusals stop
    np.testing.assert_allclose(out["sanctions"], [0.7, 0.3, 0.7, 0.7])


def test_pause_intelligence_if_ukraine_rejects_the_framework():
    rule = model_with("us", {"kind": "conditional", "when": "rejected_ukraine and proposed_us_framework_april_2025",
                             "set": {"intelligence": 0.0}}).actors["us"].rules[0]
    e = env(rejected_ukraine=np.array([True, True, False, False]),
            proposed_us_framework_april_2025=np.array([True, False, True, False]))
    out = rule.apply(levels(intelligence=1.0), e)
    np.testing.assert_allclose(out["intelligence"], [0.0, 1.0, 1.0, 1.0])


def test_deadline_triggers_after_n_months_and_stalling_postpones_it():
    model = model_with("us", {"kind": "deadline", "months": 3, "target": "russia", "set": {"engagement": 0.0}})
    rule = model.actors["us"].rules[0]
    model.stalled["russia"] = np.array([False, True, False, False])
    out = rule.apply(levels(engagement=1.0), env(months_without_progress=np.array([3, 3, 2, 5])))
    np.testing.assert_allclose(out["engagement"], [0.0, 1.0, 1.0, 0.0])
    model.stalled["russia"] = np.zeros(N, dtype=bool)
    out = rule.apply(levels(engagement=1.0), env(months_without_progress=np.array([0, 4, 3, 0])))
    np.testing.assert_allclose(out["engagement"], [0.0, 0.0, 0.0, 0.0])  # once passed, for good


def test_frustration_grows_with_failed_rounds_and_walking_away_is_final():
    rule = model_with("us", {"kind": "frustration", "hazard_per_failed_round": 0.5},
                      worlds=2000).actors["us"].rules[0]
    base = {k: np.resize(v, 2000) for k, v in levels(engagement=0.8).items()}
    failed = np.repeat([0.0, 1.0], 1000)
    out = rule.apply(base, {"failed_rounds": failed})
    gone = out["engagement"] == 0.0
    assert not gone[:1000].any()                   # no failed round, no walk-away
    assert abs(gone[1000:].mean() - 0.5) < 4 * np.sqrt(0.25 / 1000)  # hazard 0.5 x 1
    rule.model.month = 2
    out = rule.apply(base, {"failed_rounds": np.zeros(2000)})
    np.testing.assert_array_equal(out["engagement"] == 0.0, gone)  # gone stays gone


def test_ladder_climbs_one_rung_per_month_and_never_descends():
    rule = model_with("russia", {"kind": "ladder", "when": "us_sanctions > 0.5", "lever": "escalation",
                                 "rungs": [0.6, 0.8, 1.0]}).actors["russia"].rules[0]
    high = env(us_sanctions=np.array([0.9, 0.9, 0.1, 0.9]))
    results = [rule.apply(levels(escalation=0.5), high)["escalation"] for _ in range(4)]
    np.testing.assert_allclose(results[0], [0.6, 0.6, 0.5, 0.6])
    np.testing.assert_allclose(results[1], [0.8, 0.8, 0.5, 0.8])
    np.testing.assert_allclose(results[3], [1.0, 1.0, 0.5, 1.0])
    low = rule.apply(levels(escalation=0.5), env(us_sanctions=np.zeros(N)))
    np.testing.assert_allclose(low["escalation"], [1.0, 1.0, 0.5, 1.0])


THREAT = {"kind": "threat", "target": "russia", "when": "rejected_russia", "add": {"sanctions": 0.5},
          "credibility": 0.8, "decay": 0.5, "anticipated_cost": 0.02, "executor_cost": 0.01}


def test_a_threat_never_carried_out_loses_its_effect():
    model = model_with("us", {**THREAT, "follow_through": 0.0})
    rule, russia = model.actors["us"].rules[0], model.actors["russia"]
    due = env(rejected_russia=np.ones(N, dtype=bool))
    expected = []
    for _ in range(6):
        russia.extra_cost = np.zeros(N)
        out = rule.apply(levels(sanctions=0.3), due)
        expected.append(russia.extra_cost.copy())
    np.testing.assert_allclose(out["sanctions"], 0.3)                   # never executed
    np.testing.assert_allclose(expected[0], 0.8 * 0.5 * 0.02)           # decays once it is due
    np.testing.assert_allclose(expected[5], 0.8 * 0.5 ** 6 * 0.02)
    assert np.all(np.diff(np.array(expected)[:, 0]) < 0)


def test_a_carried_out_threat_costs_the_executor_and_changes_levers():
    model = model_with("us", {**THREAT, "follow_through": 1.0})
    rule, us, russia = model.actors["us"].rules[0], model.actors["us"], model.actors["russia"]
    due = env(rejected_russia=np.array([True, False, True, False]))
    out = rule.apply(levels(sanctions=0.3), due)
    np.testing.assert_allclose(out["sanctions"], [0.8, 0.3, 0.8, 0.3])
    np.testing.assert_allclose(us.extra_cost, [0.01, 0.0, 0.01, 0.0])
    # Not yet carried out where not due: the target still anticipates it at full credibility.
    np.testing.assert_allclose(russia.extra_cost, [0.0, 0.8 * 0.02, 0.0, 0.8 * 0.02])


def test_threats_raise_the_targets_cost_of_war_in_the_model():
    plain = NegotiationModel(load_scenario(SCENARIOS / "baseline.yaml").scenario, n_worlds=500)
    threat = model_with("us", {**THREAT, "when": "month >= 99", "follow_through": 0.0}, worlds=500)
    threat.month = 0
    plain.step()
    threat.step()
    assert np.all(threat.attacker.monthly_cost > plain.attacker.monthly_cost)
    assert np.all(threat.attacker.war_value < plain.attacker.war_value)


def test_substitute_ramps_up_at_most_rate_and_intelligence_quality_limits():
    model = model_with("europe", {"kind": "substitute", "for_actor": "us", "rate": 0.1, "ceiling": 2.0})
    rule = model.actors["europe"].rules[0]
    cut = env(us_arms=np.zeros(N), us_financial_aid=np.zeros(N), us_intelligence=np.zeros(N))
    first = rule.apply(levels(arms=1.4, financial_aid=1.4, intelligence=1.0), cut)
    np.testing.assert_allclose(first["arms"], 1.5)
    for _ in range(20):
        last = rule.apply(levels(arms=1.4, financial_aid=1.4, intelligence=1.0), cut)
    gap = 0.3 * 0.45 / 0.55  # US arms 0.3 at its aid share, in European units
    np.testing.assert_allclose(last["arms"], 1.4 + gap)
    assert model.actors["europe"].spec.support.intelligence_quality < 1.0  # seed 000's limit


def test_stall_and_lobby():
    model = model_with("russia", {"kind": "stall", "when": "threat_pending_russia", "success": 1.0})
    rule = model.actors["russia"].rules[0]
    rule.apply(levels(), env(threat_pending_russia=np.array([True, False, True, False])))
    np.testing.assert_array_equal(model.stalled_next["russia"], [True, False, True, False])

    model = model_with("ukraine", {"kind": "lobby", "target": "europe", "when": "us_arms < 0.1",
                                   "add": {"arms": 0.2}, "success": 1.0})
    rule = model.actors["ukraine"].rules[0]
    for _ in range(5):
        rule.apply(levels(), env(us_arms=np.array([0.0, 0.5, 0.0, 0.5])))
    np.testing.assert_allclose(model.actors["europe"].lobbied["arms"], [0.6, 0.0, 0.6, 0.0])  # 3 times at most


@pytest.mark.parametrize("scenario", sorted(p.name for p in SCENARIOS.glob("*.yaml")))
def test_every_shipped_scenario_runs(scenario):
    loaded = load_scenario(SCENARIOS / scenario)
    model = NegotiationModel(loaded.scenario, n_worlds=1000).run()
    assert model.month == loaded.scenario.horizon_months
    if scenario != "baseline.yaml":
        assert "Rationale" in (SCENARIOS / scenario).read_text() and "seed 00" in (SCENARIOS / scenario).read_text()
