"""Learning about the balance of power: beliefs converge on the world's truth, and refusals signal."""

import numpy as np

from sim.engine import build_model, load_scenario

from ..conftest import SCENARIOS

WORLDS = 3000
FIXED = {"battlefield.breakthrough_factor": 1.6, "battlefield.advance_volatility": 0.45,
         "actors.russia.beliefs.victory": 0.5, "actors.ukraine.beliefs.victory": 0.1,
         "actors.russia.beliefs.learning_rate": 0.5, "actors.ukraine.beliefs.learning_rate": 0.5,
         "actors.us.levers.engagement": 0.0, "actors.europe.levers.engagement": 0.0,   # no talks: a year of fighting
         "actors.russia.beliefs.refusal_signal": 0.0, "actors.ukraine.beliefs.refusal_signal": 0.0}


def beliefs_after(overrides: dict, months: int = 12, worlds: int = WORLDS):
    model = build_model(load_scenario(SCENARIOS / "baseline.yaml", {**FIXED, **overrides}).scenario, worlds=worlds)
    for _ in range(months):
        model.step()
    return model


def test_beliefs_converge_on_the_true_balance_rising_as_well_as_falling():
    """Slantchev (2003): where Russia truly advances at its breakthrough rate, its belief in victory
    rises as it fights, and Ukraine's falls; where it advances at the documented rate, Russia's falls."""
    log_b = float(np.log(1.6))
    rising = beliefs_after({"battlefield.true_advance_shift": log_b})
    documented = beliefs_after({"battlefield.true_advance_shift": 0.0})
    falling = beliefs_after({"battlefield.true_advance_shift": -log_b})
    russia = [m.attacker.victory_belief.mean() for m in (rising, documented, falling)]
    ukraine = [m.defender.victory_belief.mean() for m in (rising, documented, falling)]
    assert russia[0] > 0.9 and russia[1] < 0.5 and russia[2] < russia[1]
    assert ukraine[2] > 0.1 and ukraine[0] < ukraine[1] < ukraine[2]


def test_with_a_prior_on_the_truth_the_belief_follows_each_worlds_truth():
    log_b = float(np.log(1.6))
    model = beliefs_after({"battlefield.true_advance_shift": {"low": -log_b, "high": log_b}})
    truth = model.draw.drawn["battlefield.true_advance_shift"]
    change = model.attacker.victory_belief - 0.5
    assert (change > 0.1).mean() > 0.2 and (change < -0.1).mean() > 0.2
    assert np.corrcoef(truth, change)[0, 1] > 0.6
    assert np.mean(change[truth > 0.8 * log_b] > 0) > 0.9 and np.mean(change[truth < 0.2 * log_b] < 0) > 0.9


def test_a_refusal_lowers_the_other_sides_belief_in_victory_by_its_signal():
    """Filson & Werner (2002): a side that refuses a package shows it expects to do well; in the month of
    Ukraine's refusal, Russia's log-odds of victory fall by the signal, and nowhere else."""
    talks = {"actors.us.levers.engagement": 1.0}
    plain = beliefs_after(talks, months=1)
    signal = beliefs_after({**talks, "actors.russia.beliefs.refusal_signal": 0.3}, months=1)
    refused = signal.attacker.opponent_refused(signal.state)
    assert refused is not None and 0.05 < refused.mean() < 0.95

    def log_odds(v):
        return np.log(v) - np.log1p(-v)

    shift = log_odds(plain.attacker.victory_belief) - log_odds(signal.attacker.victory_belief)
    np.testing.assert_allclose(shift[refused], 0.3, atol=1e-9)
    np.testing.assert_allclose(shift[~refused], 0.0, atol=1e-12)
