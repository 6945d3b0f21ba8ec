"""Calibration: the evidence loader, the replay of a record, the backtest, ABC and its recovery."""

import datetime as dt
import json

import numpy as np
import pytest
import yaml

from sim.calibration.abc import calibrate, recovery_check
from sim.cli import main
from sim.engine import load_scenario
from sim.engine.posterior import Posterior
from sim.engine.replay import backtest, replay
from sim.scenario import ScenarioError
from sim.scenario.evidence import Event, Record, Source, load_events, load_positions

from ..conftest import ROOT, SCENARIOS

EVIDENCE = SCENARIOS / "evidence"


@pytest.fixture()
def evidence_copy(tmp_path):
    """positions.yaml next to a folder of stand-in seed files holding exactly the quoted fragments (and
    a stand-in facts file beside it), so the tests need no shared/ folder."""
    positions = yaml.safe_load((EVIDENCE / "positions.yaml").read_text())
    seeds = tmp_path / "seeds"
    seeds.mkdir()
    for key, seed in positions["seeds"].items():
        quotes = [e["quote"] for e in positions["evidence"] if e.get("seed") == key]
        (seeds / seed["file"]).write_text("Stand-in. " + " ".join(f"{q}." for q in quotes))
    facts = [e["quote"] for e in positions["evidence"] if e.get("facts") and e.get("quote")]
    (tmp_path / "calibration-facts.md").write_text("\n".join(facts))
    positions["seeds_dir"] = "seeds"
    return tmp_path, positions


def write(tmp_path, positions):
    path = tmp_path / "positions.yaml"
    path.write_text(yaml.safe_dump(positions, sort_keys=False))
    return path


def test_shipped_evidence_covers_the_baseline(evidence_copy, baseline):
    tmp_path, positions = evidence_copy
    loaded = load_positions(write(tmp_path, positions), baseline.scenario)
    assert len(loaded.evidence) >= 49


def test_shipped_evidence_against_the_real_seed_files(baseline):
    if not (ROOT.parent / "shared" / "seeds").is_dir():
        pytest.skip("the shared/ folder with the seed files is not next to this checkout")
    assert main(["evidence", "--positions", str(EVIDENCE / "positions.yaml"),
                 "--events", str(EVIDENCE / "events.yaml")]) == 0


def test_citation_to_a_missing_seed_is_a_clear_error(evidence_copy, baseline):
    tmp_path, positions = evidence_copy
    positions["evidence"][0]["seed"] = "009"
    with pytest.raises(ScenarioError, match=r"positions\.yaml, line \d+.*cites seed '009'.*known seeds: 000"):
        load_positions(write(tmp_path, positions), baseline.scenario)


def test_seed_file_that_does_not_exist_is_a_clear_error(evidence_copy, baseline):
    tmp_path, positions = evidence_copy
    (tmp_path / "seeds" / positions["seeds"]["003"]["file"]).unlink()
    with pytest.raises(ScenarioError, match="seed 003 names 003_.*not in"):
        load_positions(write(tmp_path, positions), baseline.scenario)


def test_parameter_without_evidence_is_a_clear_error(evidence_copy, baseline):
    tmp_path, positions = evidence_copy
    positions["evidence"] = [e for e in positions["evidence"] if e["parameter"] != "actors.ukraine.red_lines.0"]
    with pytest.raises(ScenarioError, match="without evidence: actors.ukraine.red_lines.0"):
        load_positions(write(tmp_path, positions), baseline.scenario)


def test_evidence_that_disagrees_with_the_scenario_is_an_error(evidence_copy, baseline):
    tmp_path, positions = evidence_copy
    entry = next(e for e in positions["evidence"] if e["parameter"] == "battlefield.advance_km2_per_month")
    entry["value"] = 900
    with pytest.raises(ScenarioError, match="says 900, but the scenario has"):
        load_positions(write(tmp_path, positions), baseline.scenario)


def test_a_quote_that_is_not_in_its_seed_is_a_clear_error(evidence_copy, baseline):
    """The citation is checked word for word: a fragment the seed does not contain is refused, with
    the entry's line and the closest sentence the seed does contain."""
    tmp_path, positions = evidence_copy
    entry = next(e for e in positions["evidence"] if e["parameter"] == "actors.russia.red_lines.0")
    entry["quote"] = "demands that Ukraine cede all of Zaporizhzhia"
    with pytest.raises(ScenarioError, match=r"positions\.yaml, line \d+.*quote for 'actors.russia.red_lines.0' is "
                                            r"not in seed 003.*closest sentence is '.*cede its eastern donbas"):
        load_positions(write(tmp_path, positions), baseline.scenario)


def test_a_seed_citation_without_a_quote_is_refused(evidence_copy, baseline):
    tmp_path, positions = evidence_copy
    del next(e for e in positions["evidence"] if e.get("seed"))["quote"]
    with pytest.raises(ScenarioError, match="needs a passage paraphrasing what it says and a quote"):
        load_positions(write(tmp_path, positions), baseline.scenario)


def test_quotes_match_across_curly_quotes_and_line_breaks():
    from sim.scenario.evidence import normalise_text
    assert normalise_text("Trump’s   “deal”\n– done") == normalise_text("trump's \"deal\" - done")


def hand_made_record(accept_both: bool = False) -> Record:
    source = [Source(seed="000", passage="test")]
    return Record(scenario="../baseline.yaml", events=[
        Event(id="cut", date=dt.date(2025, 3, 1), month=1, kind="action", actor="us",
              levers={"arms": 0.0, "intelligence": 0.0}, sources=source),
        Event(id="cf", date=dt.date(2025, 3, 2), month=1, kind="proposal", package="ceasefire_30_day",
              decisions={"ukraine": "accept", "russia": "accept" if accept_both else "reject"}, sources=source),
        Event(id="swap", date=dt.date(2025, 3, 3), month=1, kind="partial", deal="prisoner_exchange",
              decisions={"russia": "accept", "ukraine": "accept"}, sources=source),
        Event(id="year", date=dt.date(2026, 2, 1), month=12, kind="outcome", general_ceasefire=False, sources=source),
    ])


def test_replay_of_a_small_hand_made_record(baseline):
    model = replay(baseline.scenario, hand_made_record(), worlds=2000)
    assert model.month == 12
    labels = [d.label for d in model.decisions]
    assert labels[:2] == ["Ukraine accepts 'ceasefire_30_day'", "Russia rejects 'ceasefire_30_day'"]
    assert "Russia accepts the prisoner exchange" in labels and labels[-1] == "no general ceasefire by then"
    for d in model.decisions:
        assert 0.0 <= d.p <= 1.0
        # The analytic probability and the simulated share agree within Monte Carlo error.
        assert abs(d.p - d.matched.mean()) < 4 * np.sqrt(0.25 / 2000)
    # The forced action: no US arms or intelligence in month 1 means less aid than the baseline run.
    plain = replay(baseline.scenario, Record(scenario="x", events=[]), worlds=2000)
    assert model.state.history["occupied_km2"][:, 0].mean() > plain.state.history["occupied_km2"][:, 0].mean()
    # The record is imposed: the refused ceasefire started nowhere; the exchange happened everywhere.
    assert not model.state.history["in_ceasefire"][:, 0].any()
    assert np.all(model.state.partial["prisoner_exchange"].first_month == 1)


def test_an_accepted_documented_proposal_is_not_undone():
    # A Russia with no hope of victory and no Donbas demand accepts the ceasefire in some worlds.
    dove = load_scenario(SCENARIOS / "baseline.yaml", {"actors.russia.beliefs.victory": 0.0,
                                                       "actors.russia.red_lines.0.cost": 0.0}).scenario
    refused = replay(dove, hand_made_record(accept_both=False), worlds=2000)
    accepted = replay(dove, hand_made_record(accept_both=True), worlds=2000)
    assert not refused.state.history["in_ceasefire"][:, 0].any()
    agreed = accepted.state.history["in_ceasefire"][:, 0]
    assert agreed.any() and np.array_equal(agreed, accepted.state.first_ceasefire_month == 1)


def test_backtest_meets_its_targets(baseline):
    record, _ = load_events(EVIDENCE / "events.yaml")
    worlds = 4000

    def missed(result) -> list[str]:
        """Decisions the model gives less than even odds beyond its Monte Carlo error (3 standard errors)."""
        return [d.label for d in result.scored if d.p + 3 * np.sqrt(d.p * (1 - d.p) / worlds) < 0.5]

    result, _ = backtest(baseline.scenario, record, worlds=worlds)
    # No documented decision gets less than even odds, the energy truce's single agreement included
    # (a truce once broken renews less readily; its penalty's prior was fitted to that decision, so it
    # is in-sample). One is a coin flip, not a success: the end-2025 occupation band gets even odds
    # (0.497 on 10,000 worlds; docs/findings.md). Without the penalty the model renews a broken truce
    # and misses exactly that one.
    assert missed(result) == [], missed(result)
    assert any(d.contested for d in result.decisions)  # the naval truce: reported, not scored
    unscarred = load_scenario(SCENARIOS / "baseline.yaml", {"partial_deals.energy_truce.renewal_penalty": 0.0})
    plain, _ = backtest(unscarred.scenario, record, worlds=worlds)
    assert missed(plain) == ["the energy truce agreed at most 1 time by then"]
    # Better than a base rate on the same decisions. Not asserted against the trivial rule: the margin
    # over it is mostly the fitted truce decision (both scores are reported by `negsim backtest`).
    assert 0 < result.brier < result.base_rate_brier


def test_the_trivial_rule_matches_every_accept_or_reject_decision_of_the_record(baseline):
    """Why the backtest reports the rule: on the 2025 accept/reject decisions alone it is perfect."""
    record, _ = load_events(EVIDENCE / "events.yaml")
    result, _ = backtest(baseline.scenario, record, worlds=1000)
    assert all(d.rule == 1.0 for d in result.scored if d.acceptance)
    assert result.rule_brier > 0   # ... but it renews every broken truce


def test_calibration_recovers_known_parameters_on_synthetic_records(baseline):
    record, _ = load_events(EVIDENCE / "events.yaml")
    check = recovery_check(baseline, record, candidates=8000, truths=40, seed=3)
    assert check["trials"] >= 20    # most truths have 20 matching worlds among 8,000 (24 since the front joined the record)
    # Central 90% intervals should hold the truth about 90% of the time (measured 0.88-0.89 here).
    assert 0.82 <= check["coverage"] <= 0.96


@pytest.mark.slow
def test_calibrate_saves_a_posterior_that_run_and_compare_use(tmp_path, baseline, capsys):
    assert main(["calibrate", "--events", str(EVIDENCE / "events.yaml"), "--worlds", "4000", "--out", str(tmp_path)]) == 0
    posterior = Posterior.load(tmp_path / "posterior.npz")
    assert posterior.meta["accepted"] == len(posterior.values) > 50
    assert 0 < posterior.meta["acceptance_rate"] < 1
    assert main(["run", str(SCENARIOS / "early_2026.yaml"), "--worlds", "2000", "--posterior",
                 str(tmp_path / "posterior.npz")]) == 0
    assert main(["compare", str(SCENARIOS / "baseline.yaml"), str(SCENARIOS / "maximum_pressure.yaml"),
                 "--worlds", "2000", "--posterior", str(tmp_path / "posterior.npz")]) == 0
    # A parameter the scenario changed is left alone: early 2026 has its own belief priors.
    early = load_scenario(SCENARIOS / "early_2026.yaml").scenario
    used = {posterior.names[j] for j in posterior.applicable(early)}
    assert "actors.russia.beliefs.victory" not in used and "actors.russia.patience" in used
    assert main(["run", str(SCENARIOS / "baseline.yaml"), "--posterior", str(tmp_path / "nothing.npz")]) == 2
    # Every command that runs a model takes the posterior through the one engine: a one-point sweep on
    # common random numbers at the scenario's own value is the posterior run, number for number.
    from sim.analysis.design import build_design, parse_param
    from sim.analysis.sweep import plan_sweep, run_sweep
    from sim.engine.outputs import outcome_columns
    from sim.engine.run import run_scenario

    alone = outcome_columns(run_scenario(baseline, worlds=1000, posterior=posterior), [12, 24])
    design = build_design("grid", [parse_param("actors.us.levers.sanctions=0.3")])
    plan = plan_sweep(baseline, design, worlds=1000, months=[12, 24], common_random_numbers=True, posterior=posterior)
    point = run_sweep(plan, tmp_path / "sweep", workers=1)[0]
    assert {k: point[k] for k in alone} == alone
    assert json.loads((tmp_path / "sweep" / "sweep.json").read_text())["posterior"]["sha256"] == posterior.sha256
    capsys.readouterr()
    stories = []
    for extra in ([], ["--posterior", str(tmp_path / "posterior.npz")]):
        assert main(["explain", str(SCENARIOS / "baseline.yaml"), "--world", "5", "--months", "3", *extra]) == 0
        stories.append(capsys.readouterr().out)
    assert stories[0] != stories[1]
    assert main(["bargain", str(SCENARIOS / "baseline.yaml"), "--issues", "territory", "--out",
                 str(tmp_path / "b.png"), "--posterior", str(tmp_path / "posterior.npz")]) == 0


def test_calibration_keeps_worlds_that_match_every_decision(baseline):
    record, _ = load_events(EVIDENCE / "events.yaml")
    calibration = calibrate(baseline, record, worlds=3000)
    assert calibration.effective_sample_size == calibration.accepted.sum() == len(calibration.posterior.values)
    j = calibration.posterior.names.index("actors.russia.beliefs.victory")
    np.testing.assert_array_equal(calibration.posterior.values[:, j], calibration.prior_values[calibration.accepted, j])
