"""Counterfactuals for one world: copies meet the world's own shocks, and the change found gives the
ceasefire when the world is run again through the ordinary run."""

import numpy as np
import pytest

from sim.analysis.counterfactual import _World, counterfactual
from sim.cli import main
from sim.engine import load_scenario
from sim.engine.run import run_scenario

from ..conftest import SCENARIOS

BY = 12


@pytest.fixture(scope="module")
def months():
    return run_scenario(load_scenario(SCENARIOS / "baseline.yaml"), worlds=40).first_ceasefire_month


def test_copies_of_a_world_are_that_world(months):
    """A copy run with no change, or with its own values set explicitly, is world w of the run."""
    scenario = load_scenario(SCENARIOS / "baseline.yaml").scenario
    for world in (3, 7, 11):
        copies = _World(scenario, world, scenario.seed, None)
        own = {p: v for p, v in list(copies.values.items())[:40]}
        assert list(copies.first_months([{}, own], scenario.horizon_months)) == [months[world]] * 2


def test_the_change_found_gives_the_ceasefire_in_an_ordinary_run(months):
    world = int(np.flatnonzero(months == 0)[0])                # a world without a ceasefire at all
    loaded = load_scenario(SCENARIOS / "baseline.yaml")
    found = counterfactual(loaded.scenario, world, BY)
    assert found.base_month == 0 and found.changes and 0 < found.month <= BY
    # negsim run with the change set in the scenario: world w now reaches a ceasefire by month 12.
    changed = load_scenario(SCENARIOS / "baseline.yaml", {c.path: c.after for c in found.changes})
    again = run_scenario(changed, worlds=world + 1).first_ceasefire_month[world]
    assert 0 < again <= BY and again == found.month
    assert all(0 < c.share <= 1 for c in found.changes)    # each move stays within its range


def test_a_world_with_a_ceasefire_already_needs_no_change(months, capsys):
    world = int(np.flatnonzero((months > 0) & (months <= BY))[0])
    assert main(["explain", str(SCENARIOS / "baseline.yaml"), "--world", str(world), "--counterfactual"]) == 0
    assert "nothing to change" in capsys.readouterr().out


def test_the_counterfactual_command_names_what_would_have_changed_the_world(months, capsys):
    world = int(np.flatnonzero(months == 0)[0])
    assert main(["explain", str(SCENARIOS / "baseline.yaml"), "--world", str(world), "--counterfactual",
                 "--by", "12"]) == 0
    out = capsys.readouterr().out
    assert f"World {world}: no ceasefire within the horizon" in out and "->" in out and "(checked)" in out
    assert main(["explain", str(SCENARIOS / "baseline.yaml"), "--counterfactual", "--by", "99"]) == 2
    assert "--by: expected a month in [1, 24]" in capsys.readouterr().err
