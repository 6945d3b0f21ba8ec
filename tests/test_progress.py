"""Progress and notes, one way for every command: on a terminal by default, always with --verbose,
never with --quiet; the first run says it compiles the search, and how long that took."""

import os
import subprocess
import sys
import time

import pytest

from sim.cli import COMMANDS, build_parser, common

from .conftest import ROOT, SCENARIOS


def test_every_command_takes_quiet_and_verbose():
    commands = build_parser()._subparsers._group_actions[0].choices
    assert set(commands) == set(COMMANDS)
    for name, parser in commands.items():
        assert {"--quiet", "--verbose"} <= set(parser._option_string_actions), name


@pytest.mark.parametrize("flag, shown", [("--quiet", False), ("--verbose", True), (None, False)])
def test_progress_goes_to_a_pipe_only_when_asked(flag, shown):
    """stderr here is a pipe, not a terminal: silent by default, the counter with --verbose."""
    command = [sys.executable, "-m", "sim.cli", "run", str(SCENARIOS / "us_walks_away.yaml"), "--worlds", "50",
               "--workers", "1", *([flag] if flag else [])]
    done = subprocess.run(command, capture_output=True, text=True, cwd=ROOT)
    assert done.returncode == 0, done.stderr
    assert ("50/50 worlds" in done.stderr) is shown, done.stderr
    if flag == "--quiet":
        assert done.stderr == ""


def test_the_compile_cache_is_found_only_when_it_is_newer_than_the_source(tmp_path, monkeypatch):
    """is_cached() looks where numba caches each kernel (beside the source, in the user's cache
    folder or in NUMBA_CACHE_DIR, as numba chose): every kernel needs an index newer than the source."""
    from numba.core.registry import CPUDispatcher

    from sim.core import compiled_search

    kernels = {name: kernel for name, kernel in vars(compiled_search).items() if isinstance(kernel, CPUDispatcher)}
    assert {"_search", "_memorise", "_utilities_moved"} <= set(kernels)
    for kernel in kernels.values():
        monkeypatch.setattr(kernel._cache, "_cache_path", str(tmp_path))
    assert not compiled_search.is_cached()
    tag = f"py{sys.version_info.major}{sys.version_info.minor}"
    for name in kernels:
        (tmp_path / f"compiled_search.{name}-1.{tag}.nbi").touch()
    assert compiled_search.is_cached()
    old = time.time() - 10 ** 6
    os.utime(tmp_path / f"compiled_search._search-1.{tag}.nbi", (old, old))   # one index older than the source
    assert not compiled_search.is_cached()


def test_the_first_run_says_it_compiles_and_how_long_it_took(monkeypatch, capsys):
    from argparse import Namespace

    from sim.core import compiled_search

    monkeypatch.setattr(compiled_search, "is_cached", lambda: False)
    monkeypatch.setattr(compiled_search, "warm_up", lambda: time.sleep(0.01))
    common.compile_search_once(Namespace(quiet=False, verbose=True))
    err = capsys.readouterr().err
    assert "compiling the mediator's search" in err and "compiled in 0 s" in err
    common.compile_search_once(Namespace(quiet=True, verbose=False))
    assert capsys.readouterr().err == ""


def test_discover_says_what_it_does(tmp_path, capsys):
    from sim.cli import main

    assert main(["run", str(SCENARIOS / "us_walks_away.yaml"), "--worlds", "300", "--workers", "1", "--quiet",
                 "--out", str(tmp_path)]) == 0
    capsys.readouterr()
    assert main(["discover", str(tmp_path), "--outcome", "no-ceasefire", "--by", "12", "--verbose"]) == 0
    err = capsys.readouterr().err
    assert "negsim: reading" in err and "PRIM over 300 worlds" in err
