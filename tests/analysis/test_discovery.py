"""Scenario discovery: PRIM and CART find a box known by construction, outcomes are parsed with
clear errors, and negsim discover runs on a real run's worlds.parquet."""

import json

import numpy as np
import pandas as pd
import pytest

from sim.analysis.discovery import cart, choose_box, outcome_of, prim
from sim.cli import main
from sim.scenario import UserError

from ..conftest import SCENARIOS


def synthetic(worlds=4000, flip=0.03, seed=1) -> pd.DataFrame:
    """Five drawn parameters on [0, 1]; a ceasefire by month 12 exactly when a > 0.6 and c < 0.3
    (the box), except for a few worlds flipped at random (noise), plus a constant parameter."""
    rng = np.random.default_rng(seed)
    params = {f"param/{name}": rng.uniform(size=worlds) for name in "abcde"}
    inside = (params["param/a"] > 0.6) & (params["param/c"] < 0.3)
    peace = inside ^ (rng.uniform(size=worlds) < flip)
    month = np.where(peace, rng.integers(1, 13, size=worlds), 0)
    return pd.DataFrame({"world": np.arange(worlds), "first_ceasefire_month": month, "terms/territory": rng.uniform(
        size=worlds), **params, "param/constant": np.full(worlds, 0.5)})


def restricted(found) -> dict[str, tuple[float, float]]:
    return {r.parameter: (r.low, r.high) for r in found.restrictions}


def test_prim_finds_the_box_built_into_the_table():
    frame = synthetic()
    outcome = outcome_of(frame, "ceasefire", 12)
    found = prim(frame, outcome)
    limits = restricted(found)
    assert set(limits) == {"a", "c"}, found.restrictions
    assert limits["a"][0] == pytest.approx(0.6, abs=0.03) and limits["c"][1] == pytest.approx(0.3, abs=0.03)
    # Against the true box (the noise caps its coverage near 0.8): nearly as much coverage, as dense.
    truth = ((frame["param/a"] > 0.6) & (frame["param/c"] < 0.3)).to_numpy()
    coverage, density = outcome.values[truth].sum() / outcome.values.sum(), outcome.values[truth].mean()
    assert found.box["coverage"] >= 0.8 * coverage and found.box["density"] >= density - 0.02
    assert "constant" not in found.parameters   # a parameter that never varies is not a dimension
    for r in found.restrictions:                # each restriction is far beyond noise
        assert min(np.nan_to_num(r.qp_low, nan=1), np.nan_to_num(r.qp_high, nan=1)) < 1e-6


def test_cart_finds_the_same_box():
    frame = synthetic()
    limits = restricted(cart(frame, outcome_of(frame, "ceasefire", 12)))
    assert set(limits) == {"a", "c"}
    assert limits["a"][0] == pytest.approx(0.6, abs=0.03) and limits["c"][1] == pytest.approx(0.3, abs=0.03)


def test_the_default_box_is_the_densest_with_enough_coverage_and_only_significant_restrictions():
    trajectory = pd.DataFrame({"id": [0, 1, 2, 3], "coverage": [1.0, 0.8, 0.6, 0.4], "density": [0.3, 0.5, 0.7, 0.9],
                               "mass": [1, 0.5, 0.3, 0.1], "res_dim": [0, 1, 2, 3]})
    assert choose_box(trajectory, 0.5) == 2
    assert choose_box(trajectory, 0.5, pd.Series({0: True, 1: True, 2: False})) == 1
    assert choose_box(trajectory, 0.95) == 0


@pytest.mark.parametrize("name, expected", [
    ("no-ceasefire", lambda f: ~((f.first_ceasefire_month > 0) & (f.first_ceasefire_month <= 6))),
    ("terms/territory<0.25", lambda f: f["terms/territory"] < 0.25),
    ("terms/territory > 0.5", lambda f: f["terms/territory"] > 0.5),
])
def test_outcomes(name, expected):
    frame = synthetic(500)
    np.testing.assert_array_equal(outcome_of(frame, name, 6).values, expected(frame).to_numpy())


@pytest.mark.parametrize("name, message", [("peace", "expected one of ceasefire, no-ceasefire or COLUMN<VALUE"),
                                           ("terms/nowhere<0.5", "no column 'terms/nowhere'; outcome columns:")])
def test_a_bad_outcome_is_a_clear_error(name, message):
    with pytest.raises(UserError, match=message):
        outcome_of(synthetic(100), name)


@pytest.mark.slow
def test_discover_runs_on_a_baseline_run(tmp_path, capsys):
    """On the baseline, a ceasefire by month 12 is concentrated where Russia's audience cost of
    crossing its territorial red line is low (the box docs/guide.md quotes)."""
    run_dir = tmp_path / "run"
    assert main(["run", str(SCENARIOS / "baseline.yaml"), "--worlds", "3000", "--out", str(run_dir)]) == 0
    capsys.readouterr()
    assert main(["discover", str(run_dir), "--out", str(tmp_path / "found")]) == 0
    out = capsys.readouterr().out
    assert "Box " in out and "quasi-p" in out
    payload = json.loads((tmp_path / "found" / "discover.json").read_text())
    assert "actors.russia.red_lines.0.cost" in {r["parameter"] for r in payload["restrictions"]}
    box = next(row for row in payload["trajectory"] if row["id"] == payload["box"])
    assert box["density"] > payload["share_with_outcome"] + 0.2
    for name in ("discover_tradeoff.png", "discover_box.png"):
        assert (tmp_path / "found" / name).stat().st_size > 10_000
    assert main(["discover", str(run_dir), "--method", "cart", "--outcome", "no-ceasefire", "--by", "24"]) == 0
    assert "CART" in capsys.readouterr().out


def test_discover_without_a_worlds_table_says_how_to_make_one(tmp_path, capsys):
    assert main(["discover", str(tmp_path)]) == 2
    err = capsys.readouterr().err
    assert "worlds.parquet: not found" in err and "negsim run SCENARIO --out" in err and "Traceback" not in err
