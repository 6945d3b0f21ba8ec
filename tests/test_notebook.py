"""The notebook in docs/ runs as written (its code cells as one script, from the repository's root)."""

import json

import matplotlib
import pytest

from .conftest import ROOT

NOTEBOOK = ROOT / "docs" / "api.ipynb"


@pytest.mark.slow
def test_the_api_notebook_runs(monkeypatch):
    matplotlib.use("Agg")
    monkeypatch.chdir(ROOT)
    cells = [c for c in json.loads(NOTEBOOK.read_text())["cells"] if c["cell_type"] == "code"]
    namespace: dict = {}
    for number, cell in enumerate(cells, 1):
        exec(compile("".join(cell["source"]), f"{NOTEBOOK.name}, code cell {number}", "exec"), namespace)
    assert {"run", "compared", "swept", "found"} <= set(namespace)
    assert len(namespace["swept"].to_frame()) == 3


def test_importing_sim_is_light_and_leaves_matplotlib_alone():
    import subprocess
    import sys

    code = ("import sys, matplotlib; before = matplotlib.get_backend(); import sim; "
            "assert 'sim.engine' not in sys.modules and 'pandas' not in sys.modules; "
            "assert callable(sim.run) and matplotlib.get_backend() == before; print('ok')")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT)
    assert done.stdout.strip() == "ok", done.stderr




def test_saving_a_notebook_run_writes_what_the_command_writes(tmp_path, monkeypatch):
    """``sim.run(...).save(DIR)`` and ``negsim run --out DIR`` write the same files: the figures,
    results.json and the per-world table byte for byte (run time and command line are in run.json)."""
    import subprocess
    import sys

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
