"""The notebook in docs/ runs in a real Jupyter kernel and shows what it says it shows."""

import json
import subprocess
import sys

import pytest

from .conftest import ROOT

NOTEBOOK = ROOT / "docs" / "api.ipynb"
LONGEST_OUTPUT = 3_000
"""Characters: a result evaluated on its own line shows a summary, not its whole repr (was 21,791)."""


def code_cells(notebook: dict) -> list[dict]:
    return [cell for cell in notebook["cells"] if cell["cell_type"] == "code"]


def source(cell: dict) -> str:
    return "".join(cell["source"])


def shows_an_image(cell: dict) -> bool:
    return any("image/png" in output.get("data", {}) for output in cell["outputs"])


@pytest.fixture(scope="module")
def executed() -> dict:
    """The notebook run by nbclient in a fresh ``python3`` kernel started in docs/, as Jupyter starts
    it (the first cell moves to the repository's root)."""
    nbformat = pytest.importorskip("nbformat")
    nbclient = pytest.importorskip("nbclient")
    notebook = nbformat.read(NOTEBOOK, as_version=4)
    nbclient.NotebookClient(notebook, timeout=600, kernel_name="python3", record_timing=False,
                            resources={"metadata": {"path": str(NOTEBOOK.parent)}}).execute()
    return json.loads(nbformat.writes(notebook))


@pytest.mark.slow
def test_every_chart_of_the_notebook_shows_as_an_image(executed):
    plotting = [cell for cell in code_cells(executed) if ".plot(" in source(cell)]
    assert len(plotting) >= 3
    for cell in plotting:
        assert shows_an_image(cell), source(cell)


@pytest.mark.slow
def test_the_notebook_warns_of_nothing_and_prints_summaries(executed):
    for cell in code_cells(executed):
        for output in cell["outputs"]:
            assert output["output_type"] != "error", source(cell)
            assert output.get("name") != "stderr", f"{source(cell)}\nwrote to stderr: {output.get('text')}"
            text = output.get("text") or "".join(output.get("data", {}).get("text/plain", ""))
            assert len(text) <= LONGEST_OUTPUT, source(cell)
    headline = code_cells(executed)[0]["outputs"][-1]["data"]
    assert "text/html" in headline and "95% interval" in "".join(headline["text/html"])


def test_the_stored_notebook_shows_its_charts_without_running():
    """On a code host the notebook is read, not run: its stored outputs hold the charts."""
    stored = json.loads(NOTEBOOK.read_text())
    plotting = [cell for cell in code_cells(stored) if ".plot(" in source(cell)]
    assert plotting and all(shows_an_image(cell) for cell in plotting)


def test_importing_sim_is_light_and_leaves_matplotlib_alone():
    code = ("import sys, matplotlib; before = matplotlib.get_backend(); import sim; "
            "assert 'sim.engine' not in sys.modules and 'pandas' not in sys.modules; "
            "assert callable(sim.run) and matplotlib.get_backend() == before; print('ok')")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT)
    assert done.stdout.strip() == "ok", done.stderr


def test_plot_draws_on_the_callers_axes_and_results_show_short(monkeypatch):
    from matplotlib.figure import Figure

    import sim

    monkeypatch.chdir(ROOT)
    run = sim.run("scenarios/us_walks_away.yaml", worlds=300, seed=3, workers=1)
    figure = Figure()
    left, right = figure.subplots(1, 2)
    assert run.plot(ax=right) is figure and right.get_title() and not left.get_title()
    assert len(right.get_lines()) >= 2 and not left.get_lines()
    assert len(repr(run)) < 300 and run.summary["scenario"] in repr(run)
    p12 = next(r["p_ceasefire"] for r in run.summary["report_months"] if r["month"] == 12)
    assert f"{100 * p12:.1f}%" in run._repr_html_()


def test_saving_a_notebook_run_writes_what_the_command_writes(tmp_path, monkeypatch):
    """``sim.run(...).save(DIR)`` and ``negsim run --out DIR`` write the same files: the figures,
    results.json and the per-world table byte for byte (run time and command line are in run.json)."""
    import pyarrow.parquet as pq

    import sim

    monkeypatch.chdir(ROOT)
    by_command, by_api = tmp_path / "command", tmp_path / "api"
    subprocess.run([sys.executable, "-m", "sim.cli", "run", "scenarios/us_walks_away.yaml", "--worlds", "1500",
                    "--seed", "7", "--out", str(by_command), "--quiet"], check=True, capture_output=True, cwd=ROOT)
    saved = sim.run("scenarios/us_walks_away.yaml", worlds=1500, seed=7).save(by_api)
    assert sorted(p.name for p in saved) == sorted(p.name for p in by_command.iterdir() if not p.name.startswith("."))
    for name in ("ceasefire.png", "terms.png", "war.png"):
        assert (by_api / name).read_bytes() == (by_command / name).read_bytes(), name
    specifics = json.loads((by_api / "run.json").read_text())
    assert specifics["command"] == "sim.run('scenarios/us_walks_away.yaml', worlds=1500, seed=7)"
    for name in ("results.json", "worlds.parquet"):   # what differs (time, command) is in run.json
        assert (by_api / name).read_bytes() == (by_command / name).read_bytes(), name
    table = pq.read_table(by_api / "worlds.parquet")
    assert "command" not in json.loads(table.schema.metadata[b"negsim"])["provenance"]
