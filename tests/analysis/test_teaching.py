"""The teaching views: explain follows a real world of the run; the bargain pictures are right."""

import numpy as np

from sim.analysis.teaching import bargain_view
from sim.analysis.teaching import explain_world as run_one_world
from sim.cli import main
from sim.engine import load_scenario
from sim.engine.run import run_scenario
from sim.report.explain import describe

from ..conftest import SCENARIOS


def test_explained_world_is_the_same_world_as_in_the_run(baseline):
    run = run_scenario(baseline, worlds=2000)
    for world in (0, 1234):
        explained = run_one_world(baseline.scenario, world=world)
        model, i = explained.model, explained.index
        assert model.state.first_ceasefire_month[i] == run.first_ceasefire_month[world]
        np.testing.assert_array_equal(model.state.history["occupied_km2"][i], run.occupied_km2[world])


def test_explain_reads_month_by_month_with_reasons(tmp_path, capsys, baseline):
    assert main(["explain", str(SCENARIOS / "baseline.yaml"), "--months", "4", "--markdown",
                 str(tmp_path / "handout.md")]) == 0
    text = capsys.readouterr().out
    assert text.count("Month ") == 4
    assert "'ceasefire_30_day'" in text and "Ukraine ACCEPTS" in text and "Russia REJECTS" in text
    assert "fighting on" in text and "surplus" in text
    handout = (tmp_path / "handout.md").read_text()
    assert handout.startswith("# Scenario 'baseline'") and "## Month 2 (2025-04)" in handout
    # The April framework falls on Ukraine's red line on recognising Crimea, and says so.
    april = describe(run_one_world(baseline.scenario, months=2)).split("Month 2")[1]
    assert "Ukraine REJECTS" in april and "hard red line on recognition" in april


def test_bargain_view_zone_is_the_intersection_of_acceptance_sets():
    scenario = load_scenario(SCENARIOS / "teaching/costly_war.yaml").scenario
    view = bargain_view(scenario, ["nato", "guarantees"], month=4)
    # Supporters veto only their terms: the zone is where both belligerents accept.
    zone = view.accept["russia"] & view.accept["ukraine"]
    np.testing.assert_array_equal(view.zone, zone)
    package = load_scenario(SCENARIOS / "teaching/costly_war.yaml",
                            {"negotiation.supporter_veto": "package"}).scenario
    view_package = bargain_view(package, ["nato", "guarantees"], month=4)
    np.testing.assert_array_equal(view_package.zone,
                                  np.logical_and.reduce([view_package.accept[a] for a in view_package.accept]))
    assert {"russia", "ukraine"} <= set(view.accept)
    # Russia's hard red line: no NATO path, so nothing below 0.5 on NATO is acceptable to it.
    below = view.axes[0] < 0.5 - 1e-9
    assert not view.accept["russia"][below].any()


def test_bargain_cli_two_issues_before_and_after(tmp_path, capsys):
    out = tmp_path / "b.png"
    assert main(["bargain", str(SCENARIOS / "baseline.yaml"), "--issues", "nato", "guarantees", "--month", "4",
                 "--after", str(SCENARIOS / "maximum_pressure.yaml"), "--out", str(out)]) == 0
    text = capsys.readouterr().out
    assert "baseline, month 4" in text and "maximum pressure on Russia, month 4" in text
    assert out.stat().st_size > 30_000
    assert main(["bargain", str(SCENARIOS / "baseline.yaml"), "--issues", "nato", "nato"]) == 2
