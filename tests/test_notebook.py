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
