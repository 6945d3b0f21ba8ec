"""Scoring dated questions: proper scores against hand-computed values, Murphy's decomposition, the
model's probabilities against its own run, and clear errors in questions files."""

import json
from pathlib import Path

import numpy as np
import pytest

from sim.analysis.compare import reached_by
from sim.analysis.scoring import BASE_RATE, NO_CHANGE, brier, log_score, murphy, score
from sim.cli import main
from sim.engine import load_scenario
from sim.engine.outputs import wilson_interval
from sim.engine.run import run_scenario
from sim.scenario import ScenarioError
from sim.scenario.questions import load_questions, month_of

from ..conftest import SCENARIOS

QUESTIONS = SCENARIOS / "evidence" / "questions.yaml"


def test_brier_and_log_score_by_hand():
    np.testing.assert_allclose(brier([0.8, 0.8, 0.0, 1.0], [True, False, False, False]), [0.04, 0.64, 0.0, 1.0])
    np.testing.assert_allclose(log_score([0.8, 0.8, 0.5], [True, False, True]),
                               [-np.log(0.8), -np.log(0.2), np.log(2)])
    assert np.isinf(log_score(0.0, True))


def test_murphys_decomposition_is_an_identity():
    rng = np.random.default_rng(3)
    p = rng.random(500)
    o = rng.random(500) < p ** 1.5
    parts = murphy(p, o)
    assert brier(p, o).mean() == pytest.approx(parts["reliability"] - parts["resolution"] + parts["uncertainty"]
                                               + parts["within"], abs=1e-12)
    assert parts["uncertainty"] == pytest.approx(o.mean() * (1 - o.mean()))


def test_a_calibrated_forecaster_has_reliability_near_zero_and_a_miscalibrated_one_does_not():
    """Forecasts at ten values, outcomes drawn with exactly those probabilities: the reliability term is
    only sampling error, about sum_k p_k (1 - p_k) / n; a forecaster who says p where the truth is p^2 is
    off by far more."""
    rng = np.random.default_rng(7)
    n = 20_000
    p = rng.choice(np.arange(0.05, 1.0, 0.1), size=n)
    sampling = sum(v * (1 - v) for v in np.arange(0.05, 1.0, 0.1)) / n
    calibrated = murphy(p, rng.random(n) < p)["reliability"]
    miscalibrated = murphy(p, rng.random(n) < p ** 2)["reliability"]
    assert calibrated < 5 * sampling
    assert miscalibrated > 50 * sampling


@pytest.fixture(scope="module")
def scored():
    return score(load_questions(QUESTIONS), worlds=1000)


def test_the_models_probability_is_its_runs_share_of_worlds(scored):
    baseline = run_scenario(load_scenario(SCENARIOS / "baseline.yaml"), worlds=1000)
    by_id = {s.question.id: s for s in scored.questions}
    first_year = by_id["ceasefire-first-year"]
    assert first_year.month == 12 and first_year.p == reached_by(baseline, 12).mean()
    in_force = by_id["ceasefire-in-force-end-2025"]
    assert in_force.month == 10 and in_force.p == baseline.in_ceasefire_count[9] / 1000
    exchange = by_id["prisoner-exchange-may-2025"]
    first = baseline.table["partial_first_month/prisoner_exchange"]
    assert exchange.p == np.mean((first > 0) & (first <= 3))
    front = by_id["front-end-2025"]
    assert front.month == 10 and front.p == np.mean(baseline.occupied_km2[:, 9] > 115_000)
    for s in scored.questions:
        assert s.p_low <= s.p <= s.p_high
    # A forecast from a scenario that starts from the record counts its effective sample size.
    open_front = by_id["front-end-2026"]
    plain = np.diff(wilson_interval(np.array([open_front.hits]), open_front.worlds)[0])[0]
    assert open_front.p_high - open_front.p_low > plain


def test_totals_cover_the_resolved_questions_with_the_reference_forecasts(scored):
    data = scored.as_json()
    resolved = [q for q in data["questions"] if q["outcome"] is not None]
    assert len(resolved) == 9 and {q["id"] for q in data["questions"] if q["outcome"] is None} == {
        "black-sea-march-2025", "front-end-2026", "ceasefire-2026", "ceasefire-in-force-feb-2027"}
    totals = data["totals"]
    assert totals["model"]["n"] == 9
    assert totals["model"]["brier"] == pytest.approx(np.mean([q["brier"] for q in resolved]))
    rate = np.mean([q["outcome"] for q in resolved])
    assert totals[BASE_RATE]["brier"] == pytest.approx(rate * (1 - rate))
    assert totals[NO_CHANGE]["brier"] == pytest.approx(rate) and totals[NO_CHANGE]["log_score"] is None
    json.dumps(data, allow_nan=False)   # strict JSON


def test_forecasters_are_scored_on_the_questions_they_answered(tmp_path):
    path = tmp_path / "q.yaml"
    path.write_text(f"""questions:
  - {{id: a, text: t, scenario: {SCENARIOS / 'baseline.yaml'}, event: ceasefire, by: 2025-06-30, outcome: false,
     forecasters: {{crowd: 0.2}}}}
  - {{id: b, text: t, scenario: {SCENARIOS / 'baseline.yaml'}, event: partial:energy_truce, by: 2025-03-31,
     outcome: true}}
""")
    totals = score(load_questions(path), worlds=200).totals()
    assert totals["crowd"]["n"] == 1 and totals["crowd"]["brier"] == pytest.approx(0.04)
    assert totals["crowd"]["log_score"] == pytest.approx(-np.log(0.8))
    assert totals["model"]["n"] == 2


@pytest.mark.parametrize("line, expected", [
    ("event: peace", "expected ceasefire, settlement, ceasefire_in_force, partial:<deal name> or "
                     "occupied_km2_above:<km2> (a number), found 'peace'"),
    ("event: occupied_km2_above:lots", "found 'occupied_km2_above:lots'"),
    ("by: 2025-02-30", "questions.0.by"),
    ("by: 2031-01-31", "lies outside baseline.yaml's months"),
    ("event: partial:grain_deal", "'grain_deal' is not a partial deal of baseline.yaml"),
    ("outcome: maybe", "questions.0.outcome"),
])
def test_a_bad_question_is_a_clear_error_with_its_file_and_line(tmp_path, capsys, line, expected):
    key = line.split(":")[0]
    fields = {"id": "q1", "text": "a question", "scenario": str(SCENARIOS / "baseline.yaml"), "event": "ceasefire",
              "by": "2025-06-30", "outcome": "false"}
    fields[key] = line.split(": ", 1)[1]
    text = "questions:\n" + "".join(("  - " if i == 0 else "    ") + f"{k}: {v}\n" for i, (k, v) in enumerate(fields.items()))
    path = tmp_path / "questions.yaml"
    path.write_text(text)
    assert main(["score", str(path), "--worlds", "100"]) == 2
    err = capsys.readouterr().err
    lineno = 1 + list(fields).index(key) + 1
    assert err.startswith("negsim: error: ") and "Traceback" not in err
    assert f"questions.yaml, line {lineno}" in err and expected in err, err


def test_duplicate_ids_are_refused(tmp_path):
    path = tmp_path / "q.yaml"
    entry = f"{{id: same, text: t, scenario: {SCENARIOS / 'baseline.yaml'}, event: ceasefire, by: 2025-06-30}}"
    path.write_text(f"questions:\n  - {entry}\n  - {entry}\n")
    with pytest.raises(ScenarioError, match="already question 0's"):
        load_questions(path)


def test_a_date_counts_in_the_month_that_contains_it():
    import datetime as dt

    assert month_of("2025-03", dt.date(2025, 3, 1)) == 1 and month_of("2025-03", dt.date(2025, 3, 31)) == 1
    assert month_of("2025-03", dt.date(2026, 2, 28)) == 12 and month_of("2026-03", dt.date(2026, 2, 1)) == 0


def test_the_command_writes_its_files(tmp_path, capsys):
    assert main(["score", str(QUESTIONS), "--worlds", "300", "--out", str(tmp_path / "s")]) == 0
    printed = capsys.readouterr().out
    assert "ceasefire-first-year" in printed and "base rate (in-sample)" in printed
    data = json.loads((tmp_path / "s" / "scores.json").read_text())
    assert set(data["questions"][0]) >= {"id", "p", "p_low", "p_high", "outcome", "brier", "log_score", "forecasters"}
    assert set(data["totals"]["model"]) >= {"n", "brier", "log_score"}
    assert (tmp_path / "s" / "reliability.png").stat().st_size > 10_000
    assert Path(tmp_path / "s" / "scores.md").read_text().startswith("| question |")


def test_run_by_a_date_gives_the_forecast_of_the_month_containing_it(tmp_path, capsys):
    import pandas as pd

    out = tmp_path / "run"
    assert main(["run", str(SCENARIOS / "baseline.yaml"), "--worlds", "500", "--quiet", "--by", "2025-12-31",
                 "--out", str(out)]) == 0
    printed = capsys.readouterr().out
    results = json.loads((out / "results.json").read_text())
    entry = results["p_ceasefire_by_date"]["2025-12-31"]
    assert entry["month"] == 10 and entry["calendar_month"] == "2025-12"
    assert entry["p"] == results["p_ceasefire_by_month"][9]
    assert f"P(ceasefire by 2025-12-31) = {100 * entry['p']:.1f}%" in printed
    worlds = pd.read_parquet(out / "worlds.parquet")
    first, calendar = worlds["first_ceasefire_month"].to_numpy(), worlds["first_ceasefire_yyyymm"].to_numpy()
    assert np.all((calendar == 0) == (first == 0))
    assert np.mean((calendar > 0) & (calendar <= 202512)) == entry["p"]


@pytest.mark.parametrize("value, expected", [("2030-01-01", "--by 2030-01-01: expected a date within the run's months"),
                                             ("31/12/2025", "expected a date as YYYY-MM-DD, found '31/12/2025'")])
def test_a_date_outside_the_run_or_badly_written_is_a_clear_error(capsys, value, expected):
    try:   # argparse refuses a malformed option by exiting; negsim returns 2 for a value it checks itself
        code = main(["run", str(SCENARIOS / "baseline.yaml"), "--worlds", "100", "--by", value])
    except SystemExit as exit_:
        code = exit_.code
    assert code == 2 and expected in capsys.readouterr().err
