"""Outputs are declared once: the same column means the same number in results.json, compare and sweep."""

import json

import numpy as np
import pytest

from sim.analysis.compare import compare, comparison_rows
from sim.analysis.design import build_design, parse_param
from sim.analysis.sweep import plan_sweep, run_sweep
from sim.cli import main
from sim.engine.outputs import OUTPUTS, STATISTICS, outcome_columns, output_definitions, summarise
from sim.engine.run import run_scenario

from ..conftest import SCENARIOS

WORLDS = 1000
MONTHS = [6, 12, 24]


@pytest.fixture(scope="module")
def run(baseline):
    return run_scenario(baseline, worlds=WORLDS)


def test_every_column_names_its_statistic_and_is_defined(run):
    columns = outcome_columns(run, MONTHS)
    definitions = output_definitions()
    assert set(definitions) == {output.name for output in OUTPUTS}
    for output in OUTPUTS:
        assert set(output.statistics) <= set(STATISTICS)
        for statistic in output.statistics:
            for key in output.keys(run, MONTHS):
                column = output.column(key, statistic)
                assert column in columns
                says_it = column.startswith("p_") or column.endswith(f"_{statistic}") or "median" in column
                assert says_it, column
    # Casualties are reported under both statistics, so the mean and the median cannot be confused.
    assert columns["casualties_russia_mean"] != columns["casualties_russia_median"]


def test_the_same_run_gives_the_same_columns_in_results_compare_and_sweep(baseline, run, tmp_path):
    summary = summarise(run)
    expected = outcome_columns(run, run.report_months)
    assert summary["outcomes"] == expected
    row = comparison_rows(compare([baseline], worlds=WORLDS, months=run.report_months))[0]
    assert {k: row[k] for k in expected} == expected
    # A one-point sweep on common random numbers at the scenario's own value is the same run.
    design = build_design("grid", [parse_param("actors.us.levers.sanctions=0.3")])
    plan = plan_sweep(baseline, design, worlds=WORLDS, months=run.report_months, common_random_numbers=True)
    point = run_sweep(plan, tmp_path / "sweep", workers=1)[0]
    assert {k: point[k] for k in expected} == pytest.approx(expected, nan_ok=True)


def test_median_months_to_ceasefire_is_the_median_of_first_ceasefire_months(run):
    months = np.where(run.first_ceasefire_month > 0, run.first_ceasefire_month, np.inf).astype(float)
    for share in (0.05, 0.5):
        # The same definition on a share the baseline reaches, to exercise a number, not only None.
        threshold = np.quantile(months, share, method="inverted_cdf")
        by_month = np.cumsum(np.bincount(run.first_ceasefire_month, minlength=run.horizon + 1)[1:]) / run.worlds
        reached = np.flatnonzero(by_month >= share)
        assert (reached[0] + 1 if reached.size else np.inf) == threshold
    median = outcome_columns(run, MONTHS)["median_months_to_ceasefire"]
    expected = np.quantile(months, 0.5, method="inverted_cdf")
    assert (median is None and np.isinf(expected)) or median == expected


def test_shares_carry_wilson_intervals_and_are_fractions(run):
    columns = outcome_columns(run, MONTHS)
    for m in MONTHS:
        low, p, high = (columns[f"p_ceasefire_{m}m{s}"] for s in ("_low", "", "_high"))
        assert 0 <= low <= p <= high <= 1
    assert 0 <= columns["p_durable"] <= columns["p_ceasefire_24m"]


def test_compare_says_when_scenarios_start_in_different_months(capsys):
    files = [str(SCENARIOS / name) for name in ("baseline.yaml", "early_2026.yaml")]
    assert main(["compare", *files, "--worlds", "1000", "--months", "6"]) == 0
    assert "start in different months (baseline 2025-03, " in capsys.readouterr().out.replace("\n", " ")
    assert main(["compare", *files, "--worlds", "1000", "--months", "6", "--json"]) == 0
    captured = capsys.readouterr()
    assert "start in different months" in json.loads(captured.out)["warning"]
    assert "start in different months" in captured.err
    assert main(["compare", files[0], files[0], "--worlds", "1000", "--months", "6", "--json"]) == 0
    assert "warning" not in json.loads(capsys.readouterr().out)
