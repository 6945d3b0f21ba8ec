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


def _without_run_specifics(results: dict) -> dict:
    """A results.json less what any two runs differ in: the run time and the command that asked."""
    return {**results, "seconds": None, "provenance": {**results["provenance"], "command": None}}


def test_saving_a_notebook_run_writes_what_the_command_writes(tmp_path, monkeypatch):
    """``sim.run(...).save(DIR)`` and ``negsim run --out DIR`` write the same files: the figures and
    the per-world table byte for byte, results.json equal but for run time and command line."""
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
    first, second = (json.loads((folder / "results.json").read_text()) for folder in (by_command, by_api))
    assert second["provenance"]["command"] == "sim.run('scenarios/us_walks_away.yaml', worlds=1500, seed=7)"
    assert _without_run_specifics(first) == _without_run_specifics(second)
    tables = [pq.read_table(folder / "worlds.parquet") for folder in (by_command, by_api)]
    assert tables[0].to_pandas().equals(tables[1].to_pandas())   # NaN terms count as equal here
    made = [json.loads(table.schema.metadata[b"negsim"]) for table in tables]
    assert [{**m, "provenance": {**m["provenance"], "command": None}} for m in made][0] == \
        {**made[1], "provenance": {**made[1]["provenance"], "command": None}}
