"""Start-up: commands that build no model load no schema, numba or Mesa (issue 31)."""

import subprocess
import sys

from .conftest import ROOT


def modules_loaded_by(*args: str) -> set[str]:
    code = ("import sys, runpy; sys.argv = ['negsim', *sys.argv[1:]]\n"
            "try:\n    runpy.run_module('sim.cli', run_name='__main__')\nexcept SystemExit:\n    pass\n"
            "sys.stderr.write(' '.join(sorted(sys.modules)))")
    done = subprocess.run([sys.executable, "-c", code, *args], capture_output=True, text=True, cwd=ROOT, timeout=120)
    return set(done.stderr.split())


def test_help_loads_no_schema_numpy_numba_or_mesa():
    loaded = modules_loaded_by("--help")
    assert "sim.cli.run" in loaded   # the parser was built, every command's options included
    assert not loaded & {"sim.scenario.schema", "pydantic", "numpy", "numba", "mesa"}


def test_validate_loads_no_numba_or_mesa():
    loaded = modules_loaded_by("validate", "scenarios/baseline.yaml")
    assert "sim.scenario.schema" in loaded and not loaded & {"numba", "mesa"}
