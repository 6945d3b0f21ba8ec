"""Sweeps: designs, determinism across workers and chunk sizes, kill-and-resume, Dask, errors."""

import json
import os
import signal
import subprocess
import sys
import time

import numpy as np
import pandas as pd
import pytest

from sim.analysis.design import build_design, parse_param
from sim.analysis.sweep import plan_sweep, run_sweep
from sim.cli import main
from sim.engine import load_scenario
from sim.scenario import ScenarioError, UserError

from ..conftest import SCENARIOS

PARAMS = ["actors.us.levers.sanctions=0:1:3", "actors.russia.beliefs.victory=0.3,0.5"]


def plan(chunk_points=None, worlds=1000, params=PARAMS, method="grid", samples=0):
    loaded = load_scenario(SCENARIOS / "baseline.yaml")
    design = build_design(method, [parse_param(p) for p in params], samples, seed=1)
    return plan_sweep(loaded, design, worlds=worlds, months=[12, 24], chunk_points=chunk_points)


def assert_same_tables(a, b):
    """Two sweeps wrote the same results: CSV byte for byte, Parquet exactly (its file metadata may
    name the writer, so the frames are compared with exact floats)."""
    assert (a / "results.csv").read_bytes() == (b / "results.csv").read_bytes()
    pd.testing.assert_frame_equal(pd.read_parquet(a / "results.parquet"), pd.read_parquet(b / "results.parquet"),
                                  check_exact=True)


def table(rows):
    return pd.DataFrame(rows).drop(columns=["error"])


def test_grid_design_is_the_full_product():
    design = build_design("grid", [parse_param(p) for p in PARAMS])
    assert design.points.shape == (6, 2)
    assert sorted(map(tuple, design.points)) == sorted((s, v) for s in (0, 0.5, 1) for v in (0.3, 0.5))


@pytest.mark.parametrize("method, samples, expected", [("random", 7, 7), ("lhs", 8, 8), ("sobol", 4, 4 * 6),
                                                       ("morris", 3, 3 * 3)])
def test_sampled_designs_stay_in_range(method, samples, expected):
    params = [parse_param("actors.us.levers.sanctions=0:1"), parse_param("battlefield.arms_effect=0.5:1.5")]
    design = build_design(method, params, samples, seed=3)
    assert design.points.shape == (expected, 2)
    assert np.all(design.points[:, 0] >= 0) and np.all(design.points[:, 0] <= 1)
    assert np.all(design.points[:, 1] >= 0.5) and np.all(design.points[:, 1] <= 1.5)


@pytest.mark.slow
def test_identical_across_workers_and_chunk_sizes(tmp_path):
    one = run_sweep(plan(chunk_points=1), tmp_path / "a", workers=1)
    run_sweep(plan(chunk_points=4), tmp_path / "b", workers=2)
    run_sweep(plan(chunk_points=6), tmp_path / "c", workers=1)
    # Identity means identity: the same bytes, not frames equal within a tolerance.
    assert_same_tables(tmp_path / "a", tmp_path / "b")
    assert_same_tables(tmp_path / "a", tmp_path / "c")
    # A point's numbers are those of a plain run of that point with its own seed.
    from sim.engine.outputs import ceasefire_by_month
    from sim.engine.run import run_scenario

    row = one[4]
    loaded = load_scenario(SCENARIOS / "baseline.yaml", {"actors.us.levers.sanctions": row["actors.us.levers.sanctions"],
                                                         "actors.russia.beliefs.victory": row["actors.russia.beliefs.victory"]})
    alone = run_scenario(loaded, worlds=1000, seed=row["seed"])
    assert ceasefire_by_month(alone)[23] == row["p_ceasefire_24m"]


def test_non_prior_parameter_runs_point_by_point(tmp_path):
    p = plan(params=["battlefield.baseline_aid=0.7:0.9:2"])
    assert not p.vectorisable
    rows = run_sweep(p, tmp_path / "s", workers=1)
    assert [r["battlefield.baseline_aid"] for r in rows] == [0.7, 0.9] and not any(r["error"] for r in rows)


def test_failing_point_is_recorded_and_the_others_go_on(tmp_path, monkeypatch):
    """A point that fails while it runs (here: a model that cannot be built when durable_months is 6)
    is recorded with its error; the others still get their rows."""
    import sim.analysis.sweep as sweep

    real = sweep.build_model

    def build(scenario, **kwargs):
        if scenario.durable_months == 6:
            raise RuntimeError("cannot build this point")
        return real(scenario, **kwargs)

    monkeypatch.setattr(sweep, "build_model", build)
    rows = run_sweep(plan(params=["durable_months=12,6"]), tmp_path / "f", workers=1)
    assert rows[0]["error"] is None and rows[1]["error"] and "cannot build this point" in rows[1]["error"]


def test_a_value_the_schema_refuses_stops_the_sweep_before_it_runs(tmp_path):
    with pytest.raises(ScenarioError, match=r"horizon_months.*\[1, 240\], found 0"):
        run_sweep(plan(params=["horizon_months=24,0"]), tmp_path / "f", workers=1)
    assert not (tmp_path / "f").exists()


@pytest.mark.slow
def test_killed_sweep_resumes_to_the_uninterrupted_result(tmp_path):
    args = [sys.executable, "-m", "sim.cli", "sweep", str(SCENARIOS / "baseline.yaml"),
            "--param", "actors.us.levers.sanctions=0:1:6", "--param", "actors.russia.beliefs.victory=0.3,0.5",
            "--worlds", "500", "--chunk-points", "1", "--workers", "1", "--quiet"]
    full = tmp_path / "full"
    subprocess.run([*args, "--out", str(full)], check=True, capture_output=True)
    cut = tmp_path / "cut"
    proc = subprocess.Popen([*args, "--out", str(cut)], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline = time.time() + 120
    while time.time() < deadline and len(list((cut / "chunks").glob("chunk-*.json"))) < 3:
        time.sleep(0.05)
    os.kill(proc.pid, signal.SIGKILL)
    proc.wait()
    done_before = len(list((cut / "chunks").glob("chunk-*.json")))
    assert 3 <= done_before < 12, done_before           # really interrupted part-way
    assert not (cut / "results.csv").exists()
    resumed = subprocess.run([*args, "--out", str(cut), "--resume"], capture_output=True, text=True)
    assert resumed.returncode == 0, resumed.stderr
    assert_same_tables(full, cut)


@pytest.mark.slow
def test_dask_local_cluster_gives_identical_results(tmp_path):
    pytest.importorskip("distributed")
    run_sweep(plan(chunk_points=2), tmp_path / "local", workers=1)
    run_sweep(plan(chunk_points=3), tmp_path / "dask", workers=2, dask_local=True)
    assert_same_tables(tmp_path / "local", tmp_path / "dask")


def test_rerunning_into_a_used_folder_needs_resume(tmp_path):
    run_sweep(plan(params=["actors.us.levers.sanctions=0,1"]), tmp_path / "x", workers=1)
    with pytest.raises(UserError, match="--resume"):
        run_sweep(plan(params=["actors.us.levers.sanctions=0,1"]), tmp_path / "x", workers=1)
    with pytest.raises(UserError, match="differs in points"):
        run_sweep(plan(params=["actors.us.levers.sanctions=0,0.5"]), tmp_path / "x", workers=1, resume=True)


@pytest.mark.parametrize("param, message", [
    ("actors.us.levers.sanctionz=0:1:3", "Near matches: actors.us.levers.sanctions"),
    ("actors.us.levers.sanctions=1:0", "low (1) is above high (0)"),
    ("actors.us.levers.sanctions=0:1:2.5", "whole number"),
    ("actors.us.levers.sanctions=a:b", "found 'a'"),
    ("actors.us.levers.sanctions", "expected path="),
    # issue 33: the numbers a scenario file would refuse, refused here too, naming the option
    ("actors.us.levers.sanctions=1_000", "--param actors.us.levers.sanctions: expected a finite number"),
    ("actors.us.levers.sanctions=\u0661\u0660", "plain decimal digits"),
    ("actors.us.levers.sanctions=0:inf:3", "found 'inf'"),
    ("actors.us.levers.sanctions=0:1:" + "9" * 400, "a number of 400 characters"),
    ("actors.us.levers.sanctions=0,1:2", "cannot read '0,1:2'"),
])
def test_bad_path_or_range_is_a_clear_error(tmp_path, capsys, param, message):
    code = main(["sweep", str(SCENARIOS / "baseline.yaml"), "--param", param, "--out", str(tmp_path / "o"), "--quiet"])
    assert code == 2
    assert message in capsys.readouterr().err


@pytest.mark.slow
def test_sweep_file_and_analysis(tmp_path, capsys):
    (tmp_path / "baseline.yaml").write_text((SCENARIOS / "baseline.yaml").read_text())
    (tmp_path / "sweep.yaml").write_text("""scenario: baseline.yaml
method: sobol
samples: 8
worlds: 500
params:
  actors.us.levers.sanctions: {low: 0, high: 1.5}
  actors.russia.beliefs.victory: {low: 0.2, high: 0.6}
  battlefield.arms_effect: {low: 0.5, high: 1.5}
""")
    out = tmp_path / "out"
    assert main(["sweep", str(tmp_path / "sweep.yaml"), "--out", str(out), "--workers", "1", "--quiet"]) == 0
    frame = pd.read_parquet(out / "results.parquet")
    assert len(frame) == 8 * (2 * 3 + 2)
    assert main(["analyze", str(out)]) == 0
    printed = capsys.readouterr().out
    assert "Sobol S1" in printed and printed.index("actors.russia.beliefs.victory") < printed.index("battlefield.arms_effect")
    assert (out / "analysis" / "indices.png").exists() and (out / "analysis" / "tornado.png").exists()
    manifest = json.loads((out / "sweep.json").read_text())
    assert manifest["method"] == "sobol" and manifest["params"][0] == "actors.us.levers.sanctions"
    # Sobol designs share worlds by default, and the analysis says so and reports the interactions.
    assert manifest["common_random_numbers"] is True
    assert "share common random numbers" in printed and "Second-order Sobol indices" in printed
    assert printed.count(" x ") >= 3 and "S2 " in printed


@pytest.mark.slow
def test_a_morris_sweep_draws_mu_star_against_sigma(tmp_path, capsys):
    out = tmp_path / "morris"
    assert main(["sweep", str(SCENARIOS / "baseline.yaml"), "--param", "actors.us.levers.sanctions=0:1.5",
                 "--param", "actors.russia.beliefs.victory=0.2:0.6", "--method", "morris", "--samples", "3",
                 "--worlds", "300", "--out", str(out), "--workers", "1", "--quiet"]) == 0
    assert json.loads((out / "sweep.json").read_text())["common_random_numbers"] is True
    assert main(["analyze", str(out)]) == 0
    assert "Morris mu*" in capsys.readouterr().out
    assert (out / "analysis" / "morris.png").stat().st_size > 10_000


def test_a_heatmap_is_in_percent_with_each_cells_monte_carlo_interval():
    from sim.engine.outputs import wilson_interval
    from sim.report.sweep_plots import heatmap

    frame = pd.DataFrame({"a": [0, 0, 1, 1], "b": [0, 1, 0, 1], "p_ceasefire_12m": [0.5, 0.25, 0.75, 0.1]})
    fig = heatmap(frame, "a", "b", "p_ceasefire_12m", worlds=1000)
    texts = [t.get_text() for t in fig.axes[0].texts]
    low, high = wilson_interval(500, 1000)
    assert f"50\n±{100 * (high - low) / 2:.1f}" in texts and "±3.1" in texts[texts.index(f"50\n±{100 * (high - low) / 2:.1f}")]
    assert "(%)" in fig.axes[1].get_ylabel() and "95% Monte Carlo interval" in fig.axes[0].get_title()
    assert fig.axes[0].images[0].get_array().max() == 75   # the colours are in percent too


def test_a_sweep_keeps_each_points_worlds_table_when_asked(tmp_path, capsys):
    """--worlds-table: every point's per-world table, the same whether points share a model run or
    not, with the swept value in its param/ column and outcomes that give the point's row."""
    frames = []
    for chunk in ("1", "2"):
        out = tmp_path / chunk
        assert main(["sweep", str(SCENARIOS / "baseline.yaml"), "--param", "actors.us.levers.sanctions=0,1.5",
                     "--worlds", "400", "--chunk-points", chunk, "--worlds-table", "--out", str(out),
                     "--workers", "1", "--quiet"]) == 0
        frames.append([pd.read_parquet(out / "worlds" / f"point-{p:06d}.parquet") for p in (0, 1)])
    capsys.readouterr()
    rows = pd.read_parquet(tmp_path / "2" / "results.parquet")
    for point, value in enumerate((0.0, 1.5)):
        table = frames[1][point]
        assert frames[0][point].equals(table) and len(table) == 400
        assert (table["param/actors.us.levers.sanctions"] == value).all()
        month = table["first_ceasefire_month"]
        assert rows.loc[point, "p_ceasefire_12m"] == ((month > 0) & (month <= 12)).mean()
    assert main(["sweep", str(SCENARIOS / "baseline.yaml"), "--param", "actors.us.levers.sanctions=0,1.5",
                 "--worlds", "100", "--out", str(tmp_path / "plain"), "--workers", "1", "--quiet"]) == 0
    assert not (tmp_path / "plain" / "worlds").exists()
