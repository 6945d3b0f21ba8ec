"""Pressure that works through the war: beliefs, casualties, commitment and payoffs respond to it.

Model tests run the baseline twice on the same worlds (common random numbers) with one change and
compare world by world; a difference counts when it exceeds three standard errors of the per-world
differences. Core tests check the formulas on hand-made numbers.
"""

import numpy as np
import pytest

from sim.core.redlines import RedLines
from sim.core.round import Party, ceasefire_survival, power_shift, reneges
from sim.engine import build_model, load_scenario
from sim.scenario.levers import LEVERS, lever_without_channel

from ..conftest import SCENARIOS

WORLDS = 2000
NO_WESTERN_AID = {f"actors.{a}.levers.{lever}": 0.0 for a in ("us", "europe") for lever in ("arms", "financial_aid")}


def run(overrides: dict, months: int = 12, worlds: int = WORLDS):
    model = build_model(load_scenario(SCENARIOS / "baseline.yaml", overrides).scenario, worlds=worlds)
    for _ in range(months):
        model.step()
    return model


def significant(before: np.ndarray, after: np.ndarray) -> float:
    """The mean paired difference ``after - before``, in standard errors (0 when identical)."""
    diff = np.asarray(after, dtype=float) - np.asarray(before, dtype=float)
    se = diff.std(ddof=1) / np.sqrt(diff.size)
    return 0.0 if se == 0 else float(diff.mean() / se)


@pytest.fixture(scope="module")
def baseline_12():
    return run({})


def test_an_aid_cut_raises_russias_optimism_and_lowers_ukraines(baseline_12):
    """The faster advance an aid cut brings surprises both sides (they forecast last month's
    pressure), and each reads it as evidence on its victory hypothesis (Slantchev 2003)."""
    cut = run(NO_WESTERN_AID)
    assert significant(baseline_12.attacker.victory_belief, cut.attacker.victory_belief) > 3
    assert significant(baseline_12.defender.victory_belief, cut.defender.victory_belief) < -3


def test_an_arms_surge_raises_russian_casualties_and_spares_ukrainian_ones(baseline_12):
    surge = run({"actors.us.levers.arms": 2.0})
    war, base = surge.state.war.cumulative_casualties, baseline_12.state.war.cumulative_casualties
    assert significant(base["russia"], war["russia"]) > 3
    assert significant(base["ukraine"], war["ukraine"]) < -3
    assert significant(baseline_12.attacker.victory_belief, surge.attacker.victory_belief) < -3


def test_deep_strikes_raise_russian_strain_and_draw_retaliation(baseline_12):
    strikes = run({"actors.ukraine.levers.escalation": 2.0})
    assert significant(baseline_12.state.war.strain, strikes.state.war.strain) > 3
    assert np.all(strikes.state.war.escalation >= baseline_12.state.war.escalation)
    assert significant(baseline_12.state.war.cumulative_casualties["ukraine"],
                       strikes.state.war.cumulative_casualties["ukraine"]) > 3


def test_an_aid_cut_lowers_ukraines_payoff():
    base, cut = run({}, months=24), run(NO_WESTERN_AID, months=24)
    assert significant(base.state.payoff["ukraine"], cut.state.payoff["ukraine"]) < -3


def test_the_payoff_is_the_discounted_mean_of_the_monthly_payoffs():
    """Recomputed month by month from :meth:`Actor.month_payoff`: (1 - d) sum d^(t-1) f_t + d^T f_T."""
    loaded = load_scenario(SCENARIOS / "baseline.yaml", {"horizon_months": 6, "report_months": [6],
                                                         "durable_months": 3})
    model = build_model(loaded.scenario, worlds=1000)
    by_hand = {a.actor_id: np.zeros(model.n_worlds) for a in model.agents}
    for t in range(1, 7):
        model.step()
        position = np.where(model.state.in_ceasefire[:, None], model.state.ceasefire_terms, model.state.status_quo())
        for actor in model.agents:
            flow, d = actor.month_payoff(model.state, position), actor.patience
            by_hand[actor.actor_id] += (1 - d) * d ** (t - 1) * flow + (d ** t * flow if t == 6 else 0.0)
    for actor_id, payoff in model.state.payoff.items():
        np.testing.assert_allclose(payoff, by_hand[actor_id], rtol=1e-12, atol=1e-12)
        assert np.all(payoff <= 1.0)   # no actor does better than its ideal at no cost


def party(sign: float, effect: float = 1.0) -> Party:
    """A party with breach fear 0.3 on three issues (0: guarantees, 1: army limits, 2: arms after)."""
    return Party(actor_id="p", belligerent=True, ideal=np.zeros(3), weights=np.full(3, 1 / 3),
                 war_value=np.zeros(1), breach_fear=0.3, guarantee_effect=0.5, sucker_loss=0.0,
                 red_lines=RedLines([], 3), guarantees=0, power_issues=(1, 2), power_shift_effect=effect,
                 power_sign=sign)


def test_stricter_army_limits_or_an_arms_embargo_raise_the_defenders_fear_and_lower_the_attackers():
    loose, limits, embargo = (np.array([[1.0, a, b]]) for a, b in ((0, 0), (1, 0), (0, 1)))
    defender, attacker = party(+1.0), party(-1.0)
    for strict in (limits, embargo):
        assert defender.breach_probability(strict) > defender.breach_probability(loose)
        assert attacker.breach_probability(strict) < attacker.breach_probability(loose)
    # 0.3 (1 - 0.5 * 0) (1 + 1.0 * 0.5) = 0.45: half the power terms at their strictest
    assert defender.breach_probability(limits)[0] == pytest.approx(0.45)
    assert power_shift(np.array([0.2, 0.4, 0.8]), (1, 2)) == pytest.approx(0.6)


def test_terms_that_shift_power_make_the_ceasefire_less_likely_to_hold():
    none, shifted = (ceasefire_survival(0.05, 0.01, 0.5, np.array([1.0]), 1, agreed_power_shift=np.array([s]),
                                        power_shift_effect=1.0) for s in (0.0, 1.0))
    assert none[0] == pytest.approx(0.95 * 0.99)
    assert shifted[0] == pytest.approx(0.90 * 0.99)


def test_a_side_reneges_when_fighting_is_worth_more_than_the_terms_by_more_than_the_cost():
    u_terms, war = np.array([0.5, 0.5, 0.5]), np.array([0.45, 0.55, 0.65])
    assert reneges(u_terms, war, 0.1, 0.0, np.zeros(3)).tolist() == [False, False, True]
    assert reneges(u_terms, war, 0.1, 0.1, np.array([0.0, 0.6, 0.0])).tolist() == [False, True, True]


def test_stricter_power_terms_lower_ukraines_surplus_in_every_world():
    model = run({}, months=1, worlds=1000)
    terms, settled = model.package_terms("us_framework_april_2025")
    settled = settled | True
    limits = model.facts.issue_role["army_limits"]
    strict = terms.copy()
    strict[:, limits] = 1.0
    loose = terms.copy()
    loose[:, limits] = 0.0
    surplus = {name: model.defender.assess(model.state, x, settled).surplus for name, x in (("strict", strict), ("loose", loose))}
    assert np.all(surplus["strict"] < surplus["loose"])


def test_every_lever_is_declared_with_its_channel(baseline):
    for actor in baseline.scenario.actors:
        for lever in LEVERS:
            lever_without_channel(lever, actor, baseline.scenario)   # no KeyError: every lever has a channel


OUTCOMES = {
    "P(ceasefire by 12)": lambda m: m.state.first_ceasefire_month > 0,
    "occupied area": lambda m: m.state.war.occupied_km2,
    "Russian strain": lambda m: m.state.war.strain,
    **{f"{a} casualties": (lambda m, a=a: m.state.war.cumulative_casualties[a]) for a in ("russia", "ukraine")},
    **{f"{a} victory belief": (lambda m, a=a: m.actors[a].victory_belief) for a in ("russia", "ukraine")},
    **{f"{a} payoff so far": (lambda m, a=a: m.state.payoff[a]) for a in ("russia", "ukraine", "us", "europe")},
}


@pytest.mark.slow
@pytest.mark.parametrize("actor", ["russia", "ukraine", "us", "europe"])
def test_no_lever_is_inert(actor, baseline):
    """Each lever moved from 0 to 2 (offers from 0 to 1) changes some outcome by more than its Monte
    Carlo error, unless :func:`lever_without_channel` says why it cannot; then nothing changes."""
    others = [a for a in baseline.scenario.actors if a != actor]
    for lever in LEVERS:
        top = 1.0 if lever in ("relief_offer", "troop_offer") else 2.0
        path = f"actors.{actor}.levers.{lever}"
        # Only the best intelligence counts (the maximum over providers): test it with the others' off.
        rest = {f"actors.{a}.levers.intelligence": 0.0 for a in others} if lever == "intelligence" else {}
        low, high = run({**rest, path: 0.0}, worlds=1000), run({**rest, path: top}, worlds=1000)
        moved = {name: significant(read(low), read(high)) for name, read in OUTCOMES.items()}
        reason = lever_without_channel(lever, actor, baseline.scenario)
        if reason is None:
            assert max(abs(z) for z in moved.values()) > 3, (lever, moved)
        else:
            assert all(z == 0 for z in moved.values()), (lever, reason, moved)


def test_results_json_and_compare_carry_beliefs_and_payoffs(tmp_path):
    import json

    from sim.analysis.compare import compare, comparison_rows
    from sim.cli import main

    small = ["--worlds", "1000", "--set", "horizon_months=6", "--set", "report_months=[3, 6]",
             "--set", "durable_months=3"]
    assert main(["run", str(SCENARIOS / "baseline.yaml"), *small, "--out", str(tmp_path)]) == 0
    summary = json.loads((tmp_path / "results.json").read_text())
    beliefs = summary["victory_belief_by_month"]
    assert set(beliefs) == {"russia", "ukraine"} and all(len(b) == 6 for b in beliefs.values())
    assert all(0.0 <= v <= 1.0 for b in beliefs.values() for v in b)
    payoffs = summary["payoff_by_actor"]
    assert set(payoffs) == {"russia", "ukraine", "us", "europe"}
    for p in payoffs.values():
        assert p["ci95"][0] < p["mean"] < p["ci95"][1] and p["p05"] <= p["mean"] <= p["p95"] <= 1.0
    assert summary["outcomes"]["payoff_russia_mean"] == pytest.approx(payoffs["russia"]["mean"])

    loaded = [load_scenario(SCENARIOS / name, {"horizon_months": 6, "report_months": [3, 6], "durable_months": 3})
              for name in ("baseline.yaml", "us_walks_away.yaml")]
    rows = comparison_rows(compare(loaded, worlds=1000, months=[6]))
    for actor in payoffs:
        # The paired difference's mean is the difference of the means; its interval is the paired one.
        diff = rows[1][f"payoff_{actor}_mean_diff"]
        assert diff == pytest.approx(rows[1][f"payoff_{actor}_mean"] - rows[0][f"payoff_{actor}_mean"], abs=1e-12)
        assert rows[1][f"payoff_{actor}_mean_diff_low"] < diff < rows[1][f"payoff_{actor}_mean_diff_high"]
