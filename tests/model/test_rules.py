"""Strategy rules: a contract every rule kind inherits, then each kind's documented behaviour.

In the Axelrod library's spirit: rules are built from their specs on a stub (no scenario file, no
model), fed hand-made states, and checked against what their docstrings promise.
"""

import numpy as np
import pytest

from sim.engine import build_model, load_scenario
from sim.model.rules import RULES, Context, Setup
from sim.model.streams import WorldStreams
from sim.scenario.levers import LEVERS

from ..conftest import SCENARIOS

N = 4
ACTORS = ("russia", "ukraine", "us", "europe")
VARIABLES = {"month": "a number", "months_without_progress": "a number", "failed_rounds": "a number",
             "rejected_russia": "true/false", "rejected_ukraine": "true/false",
             "proposed_us_framework_april_2025": "true/false", "threat_pending_russia": "true/false",
             "us_sanctions": "a number", "us_arms": "a number", "us_financial_aid": "a number",
             "us_intelligence": "a number"}
AID_SHARE = {"russia": 0.0, "ukraine": 0.0, "us": 0.45, "europe": 0.55}
US_LEVELS = {"sanctions": 0.3, "arms": 0.3, "intelligence": 1.0, "financial_aid": 0.1}


class Stub:
    """What a rule needs from a model: parameter draws and this month's random numbers, counted."""

    def __init__(self, worlds: int = N, seed: int = 1):
        self.streams = WorldStreams(seed, 0, worlds, 24)
        self.worlds = worlds
        self.month = 1
        self.stalled = {a: np.zeros(worlds, dtype=bool) for a in ACTORS}
        self.draws = 0

    def draw(self, path, prior):
        return prior.low if prior.is_point else prior.from_uniform(self.streams.uniform(f"param:{path}"))

    def uniform(self, name):
        self.draws += 1
        return self.streams.monthly_uniform(name)[:, self.month - 1]

    def context(self, env):
        return Context(env=env, month=self.month, stalled=self.stalled,
                       base_levels={a: dict(US_LEVELS) for a in ACTORS}, aid_share=AID_SHARE,
                       uniform=self.uniform)


def make_rule(actor: str, spec: dict, worlds: int = N, stub: Stub | None = None):
    """A rule of ``actor`` built from a spec dict, with the stub it draws from."""
    stub = stub or Stub(worlds)
    spec = RULES[spec["kind"]].spec_class.model_validate(spec)
    rule = RULES[spec.kind](Setup(spec, actor, f"actors.{actor}.strategy.0", stub.worlds, stub.draw, VARIABLES))
    return rule, stub


def apply(rule, stub, levels_, env_):
    return rule.apply(levels_, stub.context(env_))


def levels(**values):
    base = {lever: np.zeros(N) for lever in LEVERS}
    base.update({k: np.full(N, float(v)) for k, v in values.items()})
    return base


def env(**values):
    out = {"months_without_progress": np.zeros(N), "failed_rounds": np.zeros(N),
           "rejected_russia": np.zeros(N, dtype=bool), "month": 1.0}
    out.update(values)
    return out


EXAMPLES = {
    "fixed": ("us", {"kind": "fixed", "set": {"sanctions": 0.9}}),
    "conditional": ("us", {"kind": "conditional", "when": "rejected_russia", "add": {"sanctions": 0.2},
                           "mode": "ratchet"}),
    "deadline": ("us", {"kind": "deadline", "months": 1, "target": "russia", "set": {"engagement": 0.0}}),
    "frustration": ("us", {"kind": "frustration", "hazard_per_failed_round": 0.5}),
    "ladder": ("russia", {"kind": "ladder", "when": "us_sanctions > 0.5", "lever": "escalation",
                          "rungs": [0.6, 0.8, 1.0]}),
    "threat": ("us", {"kind": "threat", "target": "russia", "when": "rejected_russia", "add": {"sanctions": 0.5},
                      "credibility": 0.8, "decay": 0.5, "anticipated_cost": 0.02, "follow_through": 0.5}),
    "substitute": ("europe", {"kind": "substitute", "for_actor": "us", "rate": 0.1, "ceiling": 2.0}),
    "stall": ("russia", {"kind": "stall", "when": "threat_pending_russia", "success": 0.5}),
    "lobby": ("ukraine", {"kind": "lobby", "target": "europe", "when": "us_arms < 0.1", "add": {"arms": 0.2},
                          "success": 1.0}),
}
"""One valid spec per rule kind: adding a kind adds its example here and nothing else in the tests."""


class TrackedEnv(dict):
    """The state variables, remembering which were read."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.read: set[str] = set()

    def __getitem__(self, key):
        self.read.add(key)
        return super().__getitem__(key)


def busy_env() -> TrackedEnv:
    """A state in which every example's condition holds in some worlds."""
    yes = np.array([True, False, True, True])
    return TrackedEnv(env(rejected_russia=yes, months_without_progress=np.array([3.0, 0, 5, 1]),
                          failed_rounds=np.array([2.0, 0, 1, 3]), us_sanctions=np.full(N, 0.9),
                          us_arms=np.zeros(N), us_financial_aid=np.zeros(N), us_intelligence=np.zeros(N),
                          threat_pending_russia=yes))


def quiet_env() -> TrackedEnv:
    """A state in which no example's condition holds."""
    no = np.zeros(N, dtype=bool)
    return TrackedEnv(env(us_sanctions=np.zeros(N), us_arms=np.full(N, 0.3), us_financial_aid=np.full(N, 0.1),
                          us_intelligence=np.ones(N), threat_pending_russia=no))


def test_every_kind_has_an_example_and_declares_its_characteristics():
    assert set(RULES) == set(EXAMPLES)
    for kind, rule in RULES.items():
        assert rule.kind == kind
        assert set(rule.characteristics) == {"conditional", "uses_deadline", "stochastic", "memory"}


@pytest.mark.parametrize("kind", sorted(EXAMPLES))
class TestRuleContract:
    """What every rule kind must do, whatever it does (the TestPlayer of the Axelrod library)."""

    def test_outputs_are_exactly_the_levers_with_one_value_per_world(self, kind):
        rule, stub = make_rule(*EXAMPLES[kind])
        outcome = apply(rule, stub, levels(arms=1.0), busy_env())
        assert set(outcome.levels) == set(LEVERS)
        assert all(np.shape(v) == (N,) for v in outcome.levels.values())
        for shifts in outcome.lobbied.values():
            assert set(shifts) <= set(LEVERS) and all(np.shape(v) == (N,) for v in shifts.values())

    def test_inputs_are_not_mutated(self, kind):
        rule, stub = make_rule(*EXAMPLES[kind])
        before_levels, before_env = levels(arms=1.0), busy_env()
        levels_copy = {k: v.copy() for k, v in before_levels.items()}
        env_copy = {k: np.copy(v) for k, v in before_env.items()}
        stalled_copy = {k: v.copy() for k, v in stub.stalled.items()}
        apply(rule, stub, before_levels, before_env)
        for key, value in levels_copy.items():
            np.testing.assert_array_equal(before_levels[key], value)
        for key, value in env_copy.items():
            np.testing.assert_array_equal(before_env[key], value)
        for key, value in stalled_copy.items():
            np.testing.assert_array_equal(stub.stalled[key], value)

    def test_declared_stochastic_if_and_only_if_it_draws(self, kind):
        rule, stub = make_rule(*EXAMPLES[kind])
        for month in (1, 2, 3):
            stub.month = month
            apply(rule, stub, levels(arms=1.0), busy_env())
        assert (stub.draws > 0) == rule.characteristics["stochastic"]

    def test_declared_memory_if_and_only_if_the_past_changes_the_answer(self, kind):
        # The same state, with the same random numbers (the month is held fixed), must get the same
        # answer from a fresh rule and from one that has lived through earlier months, unless the
        # rule declares memory; then, for its example, some answer must differ.
        def answer(outcome):
            parts = [*outcome.levels.values(), *(c for _, c in outcome.costs),
                     *([] if outcome.stalled is None else [outcome.stalled]),
                     *(v for shifts in outcome.lobbied.values() for v in shifts.values())]
            return np.concatenate([np.asarray(p, dtype=float) for p in parts])

        def base():
            return levels(arms=1.0, engagement=1.0, sanctions=0.3, escalation=0.5)

        lived, stub = make_rule(*EXAMPLES[kind])
        for _ in range(3):
            apply(lived, stub, base(), busy_env())
        differs = False
        for state in (busy_env, quiet_env):
            fresh, fresh_stub = make_rule(*EXAMPLES[kind])
            differs |= not np.array_equal(answer(apply(lived, stub, base(), state())),
                                          answer(apply(fresh, fresh_stub, base(), state())))
        assert differs == lived.characteristics["memory"]

    def test_declared_conditional_if_and_only_if_it_has_a_condition(self, kind):
        rule, _ = make_rule(*EXAMPLES[kind])
        assert (rule.condition is not None) == rule.characteristics["conditional"]

    def test_declared_deadline_if_and_only_if_it_counts_months_without_progress(self, kind):
        rule, stub = make_rule(*EXAMPLES[kind])
        state = busy_env()
        apply(rule, stub, levels(arms=1.0), state)
        assert ("months_without_progress" in state.read) == rule.characteristics["uses_deadline"]


    def test_declares_what_it_reads(self, kind):
        """``makes_use_of`` names exactly the context fields the rule reads (beyond the month and its
        condition's variables), and every state variable it reads is one it declares."""
        rule, stub = make_rule(*EXAMPLES[kind])
        state = busy_env()
        touched: set[str] = set()

        class TrackedContext:
            def __init__(self, context):
                self._context = context

            def __getattr__(self, name):
                touched.add(name)
                return getattr(self._context, name)

        rule.apply(levels(arms=1.0), TrackedContext(stub.context(state)))
        assert touched - {"env", "month"} == rule.makes_use_of - {"env"}
        assert state.read <= rule.variables_read()
        own = rule.variables_read() - (rule.condition.names if rule.condition else frozenset())
        assert ("env" in rule.makes_use_of) == bool(own) and own <= state.read


def test_fixed_sets_levels():
    rule, stub = make_rule("us", {"kind": "fixed", "set": {"sanctions": 0.9}})
    out = apply(rule, stub, levels(sanctions=0.3, arms=0.5), env()).levels
    np.testing.assert_allclose(out["sanctions"], 0.9)
    np.testing.assert_allclose(out["arms"], 0.5)


def test_conditional_while_applies_only_when_and_hold_months_after():
    rule, stub = make_rule("us", {"kind": "conditional", "when": "rejected_russia", "add": {"sanctions": 0.2},
                             "mode": "while", "hold": 1})
    rejected = np.array([True, False, True, False])
    first = apply(rule, stub, levels(sanctions=0.3), env(rejected_russia=rejected)).levels
    np.testing.assert_allclose(first["sanctions"], [0.5, 0.3, 0.5, 0.3])
    second = apply(rule, stub, levels(sanctions=0.3), env()).levels  # held one more month
    np.testing.assert_allclose(second["sanctions"], [0.5, 0.3, 0.5, 0.3])
    third = apply(rule, stub, levels(sanctions=0.3), env()).levels
    np.testing.assert_allclose(third["sanctions"], 0.3)


def test_conditional_ratchet_raises_sanctions_by_02_per_russian_refusal():
    # "If Russia rejected the ceasefire last month, raise sanctions by 0.2" (issue text).
    rule, stub = make_rule("us", {"kind": "conditional", "when": "rejected_russia", "add": {"sanctions": 0.2},
                             "mode": "ratchet"})
    rejected = np.array([True, False, True, True])
    for _ in range(2):
        out = apply(rule, stub, levels(sanctions=0.3), env(rejected_russia=rejected)).levels
    out = apply(rule, stub, levels(sanctions=0.3), env()).levels  # kept after the refusals stop
    np.testing.assert_allclose(out["sanctions"], [0.7, 0.3, 0.7, 0.7])


def test_pause_intelligence_if_ukraine_rejects_the_framework():
    rule, stub = make_rule("us", {"kind": "conditional", "when": "rejected_ukraine and proposed_us_framework_april_2025",
                             "set": {"intelligence": 0.0}})
    e = env(rejected_ukraine=np.array([True, True, False, False]),
            proposed_us_framework_april_2025=np.array([True, False, True, False]))
    out = apply(rule, stub, levels(intelligence=1.0), e).levels
    np.testing.assert_allclose(out["intelligence"], [0.0, 1.0, 1.0, 1.0])


def test_deadline_triggers_after_n_months_and_stalling_postpones_it():
    rule, stub = make_rule("us", {"kind": "deadline", "months": 3, "target": "russia", "set": {"engagement": 0.0}})
    stub.stalled["russia"] = np.array([False, True, False, False])
    out = apply(rule, stub, levels(engagement=1.0), env(months_without_progress=np.array([3, 3, 2, 5]))).levels
    np.testing.assert_allclose(out["engagement"], [0.0, 1.0, 1.0, 0.0])
    stub.stalled["russia"] = np.zeros(N, dtype=bool)
    out = apply(rule, stub, levels(engagement=1.0), env(months_without_progress=np.array([0, 4, 3, 0]))).levels
    np.testing.assert_allclose(out["engagement"], [0.0, 0.0, 0.0, 0.0])  # once passed, for good


def test_frustration_grows_with_failed_rounds_and_walking_away_is_final():
    rule, stub = make_rule("us", {"kind": "frustration", "hazard_per_failed_round": 0.5}, worlds=2000)
    base = {k: np.resize(v, 2000) for k, v in levels(engagement=0.8).items()}
    failed = np.repeat([0.0, 1.0], 1000)
    out = apply(rule, stub, base, {"failed_rounds": failed}).levels
    gone = out["engagement"] == 0.0
    assert not gone[:1000].any()                   # no failed round, no walk-away
    assert abs(gone[1000:].mean() - 0.5) < 4 * np.sqrt(0.25 / 1000)  # hazard 0.5 x 1
    stub.month = 2
    out = apply(rule, stub, base, {"failed_rounds": np.zeros(2000)}).levels
    np.testing.assert_array_equal(out["engagement"] == 0.0, gone)  # gone stays gone


def test_ladder_climbs_one_rung_per_month_and_never_descends():
    rule, stub = make_rule("russia", {"kind": "ladder", "when": "us_sanctions > 0.5", "lever": "escalation",
                                 "rungs": [0.6, 0.8, 1.0]})
    high = env(us_sanctions=np.array([0.9, 0.9, 0.1, 0.9]))
    results = [apply(rule, stub, levels(escalation=0.5), high).levels["escalation"] for _ in range(4)]
    np.testing.assert_allclose(results[0], [0.6, 0.6, 0.5, 0.6])
    np.testing.assert_allclose(results[1], [0.8, 0.8, 0.5, 0.8])
    np.testing.assert_allclose(results[3], [1.0, 1.0, 0.5, 1.0])
    low = apply(rule, stub, levels(escalation=0.5), env(us_sanctions=np.zeros(N))).levels
    np.testing.assert_allclose(low["escalation"], [1.0, 1.0, 0.5, 1.0])


THREAT = {"kind": "threat", "target": "russia", "when": "rejected_russia", "add": {"sanctions": 0.5},
          "credibility": 0.8, "decay": 0.5, "anticipated_cost": 0.02, "executor_cost": 0.01}


def cost_to(outcome, actor):
    return sum((cost for who, cost in outcome.costs if who == actor), np.zeros(N))


def test_a_threat_never_carried_out_loses_its_effect():
    rule, stub = make_rule("us", {**THREAT, "follow_through": 0.0})
    due = env(rejected_russia=np.ones(N, dtype=bool))
    expected = []
    for _ in range(6):
        outcome = apply(rule, stub, levels(sanctions=0.3), due)
        expected.append(cost_to(outcome, "russia"))
    np.testing.assert_allclose(outcome.levels["sanctions"], 0.3)        # never executed
    np.testing.assert_allclose(expected[0], 0.8 * 0.5 * 0.02)           # decays once it is due
    np.testing.assert_allclose(expected[5], 0.8 * 0.5 ** 6 * 0.02)
    assert np.all(np.diff(np.array(expected)[:, 0]) < 0)


def test_a_carried_out_threat_costs_the_executor_and_changes_levers():
    rule, stub = make_rule("us", {**THREAT, "follow_through": 1.0})
    outcome = apply(rule, stub, levels(sanctions=0.3), env(rejected_russia=np.array([True, False, True, False])))
    np.testing.assert_allclose(outcome.levels["sanctions"], [0.8, 0.3, 0.8, 0.3])
    np.testing.assert_allclose(cost_to(outcome, "us"), [0.01, 0.0, 0.01, 0.0])
    # Not yet carried out where not due: the target still anticipates it at full credibility.
    np.testing.assert_allclose(cost_to(outcome, "russia"), [0.0, 0.8 * 0.02, 0.0, 0.8 * 0.02])
    np.testing.assert_array_equal(outcome.threats_pending["russia"], [False, True, False, True])


def test_threats_raise_the_targets_cost_of_war_in_the_model():
    plain = build_model(load_scenario(SCENARIOS / "baseline.yaml").scenario, worlds=500)
    loaded = load_scenario(SCENARIOS / "baseline.yaml",
                           {"actors.us.strategy": [{**THREAT, "when": "month >= 99", "follow_through": 0.0}]})
    threat = build_model(loaded.scenario, worlds=500)
    plain.step()
    threat.step()
    assert np.all(threat.attacker.monthly_cost > plain.attacker.monthly_cost)
    assert np.all(threat.attacker.war_value < plain.attacker.war_value)


def test_substitute_ramps_up_at_most_rate_and_intelligence_quality_limits():
    rule, stub = make_rule("europe", {"kind": "substitute", "for_actor": "us", "rate": 0.1, "ceiling": 2.0})
    cut = env(us_arms=np.zeros(N), us_financial_aid=np.zeros(N), us_intelligence=np.zeros(N))
    first = apply(rule, stub, levels(arms=1.4, financial_aid=1.4, intelligence=1.0), cut).levels
    np.testing.assert_allclose(first["arms"], 1.5)
    for _ in range(20):
        last = apply(rule, stub, levels(arms=1.4, financial_aid=1.4, intelligence=1.0), cut).levels
    gap = 0.3 * 0.45 / 0.55  # US arms 0.3 at its aid share, in European units
    np.testing.assert_allclose(last["arms"], 1.4 + gap)
    europe = load_scenario(SCENARIOS / "baseline.yaml").scenario.actors["europe"]
    assert europe.support.intelligence_quality < 1.0  # seed 000's limit


def test_stall_and_lobby():
    rule, stub = make_rule("russia", {"kind": "stall", "when": "threat_pending_russia", "success": 1.0})
    outcome = apply(rule, stub, levels(), env(threat_pending_russia=np.array([True, False, True, False])))
    np.testing.assert_array_equal(outcome.stalled, [True, False, True, False])

    rule, stub = make_rule("ukraine", {"kind": "lobby", "target": "europe", "when": "us_arms < 0.1",
                                       "add": {"arms": 0.2}, "success": 1.0})
    total = np.zeros(N)
    for _ in range(5):
        total += apply(rule, stub, levels(), env(us_arms=np.array([0.0, 0.5, 0.0, 0.5]))).lobbied["europe"]["arms"]
    np.testing.assert_allclose(total, [0.6, 0.0, 0.6, 0.0])  # 3 times at most


def test_rule_effects_reach_the_model_in_a_run():
    """Stalling slips a deadline and lobbying raises the target's levers inside a real model."""
    loaded = load_scenario(SCENARIOS / "baseline.yaml", {
        "actors.ukraine.strategy": [{"kind": "lobby", "target": "europe", "when": "month >= 1",
                                     "add": {"arms": 0.2}, "success": 1.0}]})
    model = build_model(loaded.scenario, worlds=200)
    for _ in range(4):
        model.step()
    np.testing.assert_allclose(model.state.lobbied["europe"]["arms"], 0.6)


@pytest.mark.parametrize("scenario", sorted(p.name for p in SCENARIOS.glob("*.yaml")))
def test_every_shipped_scenario_runs(scenario):
    loaded = load_scenario(SCENARIOS / scenario)
    model = build_model(loaded.scenario, worlds=1000).run()
    assert model.month == loaded.scenario.horizon_months
    if scenario != "baseline.yaml":
        assert "Rationale" in (SCENARIOS / scenario).read_text() and "seed 00" in (SCENARIOS / scenario).read_text()
