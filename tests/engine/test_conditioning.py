"""Forecasts that start from the record (sim.engine.conditioning): the weights are Bayes' rule, the
start hands over parameters and state, and a conditioned run is as reproducible as any other."""

import json

import numpy as np
import pytest
import yaml
from scipy import integrate, stats

from sim.cli import main
from sim.engine import build_model, load_scenario
from sim.engine.conditioning import STATE_HANDOVER, ConditionedStart, conditioned_start, months_between
from sim.engine.outputs import summarise
from sim.engine.run import run_scenario

from ..conftest import SCENARIOS

HAZARD = "partial_deals.energy_truce.breakdown_hazard"
BROKEN = [True, False, True, True, False, True]   # the synthetic record: the truce agreed six times, broken four


def synthetic(tmp_path, worlds: int = 6_000):
    """An origin (the baseline with a wide prior on the energy truce's breakdown hazard and no renewal
    penalty, so the record's weight factorises), a record of six truces, and a forecast that starts
    from it six months on."""
    origin = {"extends": str(SCENARIOS / "baseline.yaml"), "name": "synthetic origin",
              "partial_deals": {"energy_truce": {"breakdown_hazard": {"low": 0.05, "high": 0.95},
                                                 "renewal_penalty": 0.0}}}
    (tmp_path / "origin.yaml").write_text(yaml.safe_dump(origin))
    events = [{"id": f"truce_{m}", "date": f"2025-{m + 2:02d}-15", "month": m, "kind": "partial", "deal": "energy_truce",
               "decisions": {"russia": "accept", "ukraine": "accept"}, "broken": broken,
               "sources": [{"seed": "001", "passage": "synthetic"}]} for m, broken in enumerate(BROKEN, start=1)]
    (tmp_path / "record.yaml").write_text(yaml.safe_dump({"scenario": "origin.yaml", "events": events}))
    forecast = {"extends": "origin.yaml", "name": "synthetic forecast", "start": "2025-09",
                "condition_on": {"record": "record.yaml", "worlds": worlds}}
    (tmp_path / "forecast.yaml").write_text(yaml.safe_dump(forecast))
    return load_scenario(tmp_path / "forecast.yaml")


def test_the_weights_are_bayes_rule_a_parameter_gets_its_closed_form_posterior(tmp_path):
    """Six truces, four broken, a uniform prior on the hazard h over [0.05, 0.95]: the record's weight
    in a world is h^4 (1 - h)^2 times factors that do not depend on h (the parties' answers), so the
    hazard's weighted mean is the mean of Beta(5, 3) truncated to the prior, within the Monte Carlo
    error of self-normalised importance sampling."""
    start = conditioned_start(synthetic(tmp_path))
    h = start.values[:, start.names.index(HAZARD)]
    w = start.weights
    mean = float(np.sum(w * h))
    error = float(np.sqrt(np.sum(w ** 2 * (h - mean) ** 2)))
    broken = sum(BROKEN)
    posterior = stats.beta(broken + 1, len(BROKEN) - broken + 1)
    exact = (integrate.quad(lambda x: x * posterior.pdf(x), 0.05, 0.95)[0]
             / (posterior.cdf(0.95) - posterior.cdf(0.05)))
    assert abs(mean - exact) < 4 * error
    prior_mean = 0.5
    assert exact - prior_mean > 8 * error          # the record moved it, by far more than the error
    assert start.effective_sample_size == pytest.approx(np.sum(w) ** 2 / np.sum(w ** 2))
    assert 0.1 * len(w) < start.effective_sample_size < len(w)


def test_each_world_starts_from_a_replayed_world_its_parameters_and_its_state(tmp_path):
    loaded = synthetic(tmp_path, worlds=2_000)
    start = conditioned_start(loaded)
    model = build_model(loaded.scenario, worlds=3_000, start=start)
    members = {tuple(row) for row in start.values[start.weights > 0]}
    drawn = np.column_stack([np.broadcast_to(model.draw.drawn[name], (3_000,)) for name in start.names])
    assert all(tuple(row) in members for row in drawn)       # whole rows: a world takes one parent's everything
    handed = {s.path for s in STATE_HANDOVER}
    assert {"battlefield.start_occupied_km2", "economy.strain_start"} <= handed & set(start.names)
    # The occupied area hands over the replay's end of month six: the start plus six months of advance.
    area = start.values[:, start.names.index("battlefield.start_occupied_km2")]
    assert area.min() > 111_000 and area.mean() > 112_000 + 6 * 100
    # Worlds are drawn by weight: the heavier half of the replayed worlds is drawn more often.
    heavy = start.weights > np.median(start.weights)
    rows = [np.flatnonzero((start.values == row).all(axis=1))[0] for row in drawn[:500]]
    assert np.mean(heavy[rows]) > 0.75


def test_a_conditioned_run_is_the_same_whatever_the_chunks_and_processes(tmp_path):
    loaded = synthetic(tmp_path, worlds=2_000)
    one = run_scenario(loaded, worlds=2_000, chunk_size=2_000)
    other = run_scenario(loaded, worlds=2_000, chunk_size=1_000, workers=2)
    assert summarise(one)["p_ceasefire_by_month"] == summarise(other)["p_ceasefire_by_month"]
    assert np.array_equal(one.first_ceasefire_month, other.first_ceasefire_month)
    made = one.provenance["conditioning"]
    assert made["worlds_replayed"] == 2_000 and made["months_replayed"] == 6
    # The interval counts the replayed worlds: wider than the same run's from its priors would be.
    from_priors = run_scenario(loaded, worlds=2_000, conditioned=False)
    assert from_priors.provenance["conditioning"] is None
    width = lambda result: np.subtract(*summarise(result)["ci95_by_month"][11][::-1])  # noqa: E731
    assert width(one) > 1.2 * width(from_priors)


def test_a_start_that_the_record_does_not_reach_is_refused_with_its_file_and_line(tmp_path, capsys):
    loaded = synthetic(tmp_path)
    text = (tmp_path / "forecast.yaml").read_text().replace("2025-09", "2025-05")
    (tmp_path / "early.yaml").write_text(text)
    assert main(["run", str(tmp_path / "early.yaml"), "--worlds", "1000"]) == 2
    said = capsys.readouterr().err
    assert "early.yaml" in said and "condition_on.record" in said and "at least 6 months after 2025-03" in said
    assert "Traceback" not in said
    (tmp_path / "lost.yaml").write_text(text.replace("record.yaml", "nowhere.yaml").replace("2025-05", "2025-09"))
    assert main(["run", str(tmp_path / "lost.yaml"), "--worlds", "1000"]) == 2
    said = capsys.readouterr().err
    assert "nowhere.yaml" in said and "line" in said
    assert loaded.scenario.condition_on is not None


def test_early_2026_starts_from_the_2025_record():
    """The shipped forecast: the baseline's worlds replayed through March 2025 to February 2026."""
    loaded = load_scenario(SCENARIOS / "early_2026.yaml")
    assert months_between("2025-03", loaded.scenario.start) == 12
    start = conditioned_start(loaded)
    assert start.meta["origin"].endswith("baseline.yaml") and start.meta["months_replayed"] == 12
    assert start.effective_sample_size > 500
    area = start.values[:, start.names.index("battlefield.start_occupied_km2")]
    weighted_mean = float(np.sum(start.weights * area))
    # The record's front (115,000-117,000 km2 at the end of December 2025) plus two months' advance.
    assert 115_000 < weighted_mean < 118_500
    assert np.sum(start.weights[(area < 115_000)]) == 0.0


def test_the_run_report_and_results_say_where_the_run_started(tmp_path, capsys):
    loaded = synthetic(tmp_path, worlds=1_000)
    assert main(["run", str(loaded.path), "--worlds", "1000", "--out", str(tmp_path / "out"),
                 "--no-worlds-table"]) == 0
    printed = capsys.readouterr().out
    assert "started from the record" in printed and "effective sample size" in printed
    results = json.loads((tmp_path / "out" / "results.json").read_text())
    made = results["provenance"]["conditioning"]
    assert made["record"].endswith("record.yaml") and made["effective_sample_size"] > 0


def test_a_start_with_equal_weights_has_every_world_as_its_sample_size():
    start = ConditionedStart(["x"], np.arange(10.0)[:, None], np.full(10, 0.1), {"states_carried": 0})
    assert start.effective_sample_size == pytest.approx(10)


def test_a_scenario_without_condition_on_cannot_be_conditioned(baseline):
    with pytest.raises(ValueError, match="no condition_on"):
        conditioned_start(baseline)


def test_the_replay_imposes_the_documented_answers_not_only_the_outcome(baseline):
    """What the other side learns from a refusal (beliefs.refusal_signal) must be the documented
    refusal: in March 2025 Russia refused the 30-day ceasefire in every replayed world."""
    from sim.engine.replay import replay
    from sim.scenario.evidence import load_events

    record, _ = load_events(SCENARIOS / "evidence" / "events.yaml")
    model = replay(baseline.scenario, record, worlds=1_000, months=1).model
    round_ = model.state.last_round
    asked, accepted = round_.answers("russia")
    assert asked.all() and not accepted.any()
    asked, accepted = round_.answers("ukraine")
    assert (accepted == asked).all()
    assert not model.state.in_ceasefire.any()
