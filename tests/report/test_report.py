"""Report: intervals, the results.json contract, plots, and the CLI end to end."""

import json

import numpy as np
import pytest
from scipy.stats import binomtest

from sim.cli import main
from sim.engine.outputs import Z95, month_labels, wilson_interval
from sim.scenario import UserError

from ..conftest import SCENARIOS

STABLE_KEYS = {"p_ceasefire_by_month", "ci95_by_month", "median_months_to_ceasefire", "worlds", "seed",
               "scenario_sha256", "version"}


@pytest.mark.parametrize("k, n", [(0, 50), (7, 50), (1234, 10_000), (10_000, 10_000)])
def test_wilson_interval_matches_scipy(k, n):
    ours = wilson_interval(k, n)
    ref = binomtest(k, n).proportion_ci(confidence_level=0.95, method="wilson")
    np.testing.assert_allclose(ours, [ref.low, ref.high], atol=1e-9)


def test_default_worlds_give_one_point_precision(baseline):
    n = baseline.scenario.worlds
    widest = wilson_interval(n // 2, n)  # p = 1/2 is the widest case
    assert (widest[1] - widest[0]) / 2 <= 0.01
    assert Z95 * np.sqrt(0.25 / n) <= 0.01


def test_month_labels_cross_the_year():
    assert month_labels("2025-11", 4) == ["2025-11", "2025-12", "2026-01", "2026-02"]


def test_run_writes_results_and_plots(tmp_path, capsys):
    out = tmp_path / "out"
    code = main(["run", str(SCENARIOS / "baseline.yaml"), "--worlds", "2000", "--out", str(out), "--quiet"])
    assert code == 0
    printed = capsys.readouterr().out
    assert "Likelihood of a general ceasefire" in printed and "results.json" in printed
    results = json.loads((out / "results.json").read_text())
    assert STABLE_KEYS <= set(results)
    horizon = results["horizon_months"]
    assert len(results["p_ceasefire_by_month"]) == horizon == len(results["ci95_by_month"])
    assert results["worlds"] == 2000 and results["seed"] == 20250301
    assert len(results["scenario_sha256"]) == 64
    for name in ("ceasefire.png", "terms.png", "war.png"):
        data = (out / name).read_bytes()
        assert data[:8] == b"\x89PNG\r\n\x1a\n" and len(data) > 10_000
    assert not list(out.glob(".*.tmp"))  # atomic writes leave no temporary files


def test_same_run_same_json(tmp_path):
    texts = []
    for name in ("a", "b"):
        main(["run", str(SCENARIOS / "baseline.yaml"), "--worlds", "1000", "--out", str(tmp_path / name),
              "--quiet"])
        specifics = json.loads((tmp_path / name / "run.json").read_text())
        assert specifics["command"].endswith(f"--out {tmp_path / name} --quiet") and specifics["seconds"] > 0
        texts.append((tmp_path / name / "results.json").read_bytes())
    assert texts[0] == texts[1]      # byte for byte: what differs between the runs is in run.json


def test_results_record_what_made_them(tmp_path):
    """Overrides are in results.json and the command line in run.json beside it, so two different
    results never carry the same provenance."""
    main(["run", str(SCENARIOS / "baseline.yaml"), "--worlds", "1000", "--out", str(tmp_path / "a"), "--quiet",
          "--set", "actors.us.levers.sanctions=0.9"])
    made_by = json.loads((tmp_path / "a" / "results.json").read_text())["provenance"]
    assert made_by["overrides"] == {"actors.us.levers.sanctions": 0.9}
    assert made_by["posterior"] is None and made_by["scenario_file"].endswith("baseline.yaml")
    assert "--set actors.us.levers.sanctions=0.9" in json.loads((tmp_path / "a" / "run.json").read_text())["command"]


def test_interrupted_run_resumes_to_the_uninterrupted_result(tmp_path, baseline):
    from sim.engine.run import run_scenario

    whole = run_scenario(baseline, worlds=3000, chunk_size=1000)

    class Stop(Exception):
        pass

    def interrupt_after_two(done, total):
        if done >= 2000:
            raise Stop

    with pytest.raises(Stop):
        run_scenario(baseline, worlds=3000, chunk_size=1000, checkpoint=tmp_path / "cp",
                     on_chunk=interrupt_after_two)
    saved = sorted(p.name for p in (tmp_path / "cp").glob("chunk-*.npz"))
    assert saved == ["chunk-000000.npz", "chunk-000001.npz"]
    resumed = run_scenario(baseline, worlds=3000, chunk_size=1000, checkpoint=tmp_path / "cp", resume=True)
    for name in ("first_ceasefire_month", "first_terms", "occupied_km2", "in_ceasefire"):
        np.testing.assert_array_equal(getattr(whole, name), getattr(resumed, name))
    np.testing.assert_array_equal(whole.casualties["ukraine"], resumed.casualties["ukraine"])
    assert {k: v.tolist() for k, v in whole.decisions.items()} == {k: v.tolist() for k, v in resumed.decisions.items()}
    assert not (tmp_path / "cp").exists()  # removed once the run is complete
    with pytest.raises(Stop):
        run_scenario(baseline, worlds=3000, chunk_size=1000, checkpoint=tmp_path / "cp2",
                     on_chunk=interrupt_after_two)
    with pytest.raises(UserError, match="differs in worlds"):
        run_scenario(baseline, worlds=4000, chunk_size=1000, checkpoint=tmp_path / "cp2", resume=True)


def test_report_returns_figures_and_never_switches_the_backend(baseline):
    """Importing the report must leave a notebook's backend alone; plot functions return Figures."""
    import subprocess
    import sys

    code = ("import matplotlib; before = matplotlib.get_backend(); import sim.report.plots, sim.report.bargain, "
            "sim.report.compare_report, sim.report.sweep_plots, sim.report.calibration_report, sim.cli; "
            "print(before, matplotlib.get_backend())")
    shown = subprocess.run([sys.executable, "-c", code], env={"MPLBACKEND": "svg"}, capture_output=True, text=True,
                           check=True).stdout.split()
    assert shown == ["svg", "svg"]

    from matplotlib.figure import Figure

    from sim.engine.outputs import summarise
    from sim.engine.run import run_scenario
    from sim.report.plots import run_figures

    result = run_scenario(baseline, worlds=1000)
    figures = run_figures(result, summarise(result))
    assert set(figures) == {"ceasefire", "terms", "war"}
    assert all(isinstance(figure, Figure) and figure.axes for figure in figures.values())
