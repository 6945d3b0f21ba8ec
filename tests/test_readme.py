"""The README's commands, run as written: the two set-up commands' Python check and their baseline
run, and every ``negsim`` command of its main uses, in order, in one folder (later commands read what
earlier ones wrote). Commands a lesson also runs share the lesson's run (tests/analysis/test_lessons.py)
when both files run in one process (pytest-xdist may give them different workers)."""

import contextlib
import io
import json
import os
import re
import shlex
import shutil
import subprocess
import sys
import urllib.request
from pathlib import Path

import pytest

from sim.cli import main

from .analysis.test_lessons import LESSONS, commands, run_once
from .conftest import ROOT, SCENARIOS

README = ROOT / "README.md"


def bash_blocks() -> list[str]:
    return re.findall(r"```bash\n(.*?)```", README.read_text(), flags=re.S)


def readme_commands() -> list[str]:
    """Every ``negsim`` line of the README's bash blocks after the two set-up commands."""
    return [line.strip() for block in bash_blocks()[2:] for line in block.replace("\\\n", " ").splitlines()
            if line.strip().startswith("negsim ")]


def test_the_readme_stays_short_and_points_at_the_docs():
    text = README.read_text()
    assert len(text.encode()) < 10_000
    for target in re.findall(r"\]\((docs/[^)#]+)", text):
        assert (ROOT / target).exists(), target
    assert len(readme_commands()) >= 10


def test_every_link_between_the_documents_resolves():
    for document in [README, *sorted((ROOT / "docs").rglob("*.md"))]:
        for target in re.findall(r"\]\(([^)#\s]+)", document.read_text()):
            if not target.startswith(("http://", "https://")):
                assert (document.parent / target).exists(), f"{document.relative_to(ROOT)}: {target}"


def test_the_set_up_commands_check_the_python_version_first():
    """The check the two commands open with passes on this interpreter and, on a Python older than 3.12,
    fails before anything is installed, saying what to write instead: a command that exists here."""
    install, tests = bash_blocks()[:2]
    for block in (install, tests):
        assert block.startswith("python3 -m sim.check_python && python3 -m venv --clear .venv")
        assert "pip install -q --upgrade pip" in block   # re-runnable
    assert subprocess.run([sys.executable, "-m", "sim.check_python"], cwd=ROOT).returncode == 0
    old = shutil.which("python3.11")
    if old:
        refused = subprocess.run([old, "-m", "sim.check_python"], capture_output=True, text=True, cwd=ROOT)
        assert refused.returncode == 1 and "needs Python 3.12 or newer" in refused.stderr
        suggested = re.search(r"with '([^']+)' in place", refused.stderr)
        if suggested:   # the suggestion runs a new enough Python
            command = suggested.group(1).split()
            env = {**os.environ, **dict(part.split("=", 1) for part in command[:-1])}
            version = subprocess.run([command[-1], "-c", "import sys; print(sys.version_info >= (3, 12))"],
                                     capture_output=True, text=True, env=env)
            assert version.stdout.strip() == "True", refused.stderr
    assert install.rstrip().endswith("negsim run scenarios/baseline.yaml --out out/")
    assert tests.rstrip().endswith(".venv/bin/python -m pytest")


@pytest.fixture(scope="module")
def folder(tmp_path_factory):
    """A user's working folder: the shipped scenarios, and whatever the commands write."""
    where = tmp_path_factory.mktemp("readme")
    (where / "scenarios").symlink_to(SCENARIOS)
    return where


def run_in(folder: Path, line: str) -> str:
    here, printed = os.getcwd(), io.StringIO()
    os.chdir(folder)
    try:
        with contextlib.redirect_stdout(printed):
            assert main(shlex.split(line)[1:]) == 0, line
    finally:
        os.chdir(here)
    return printed.getvalue()


@pytest.mark.slow
def test_the_set_up_commands_baseline_run(folder):
    """The first command's last step, as written (the install is what `.ci/run` does)."""
    line = bash_blocks()[0].rstrip().rsplit("&& .venv/bin/", 1)[1]
    printed = run_in(folder, line)
    assert "Likelihood of a general ceasefire" in printed
    results = json.loads((folder / "out" / "results.json").read_text())
    assert results["worlds"] == 10_000 and (folder / "out" / "ceasefire.png").exists()


def serve(folder: Path, line: str) -> str:
    """``negsim serve`` as the README starts it: it prints a URL whose page answers, and stops on SIGTERM."""
    process = subprocess.Popen([sys.executable, "-m", "sim.cli", *shlex.split(line)[1:]], cwd=folder,
                               stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        url = re.search(r"http://127\.0\.0\.1:\d+/", process.stdout.readline()).group(0)
        with urllib.request.urlopen(url, timeout=60) as page:
            assert page.status == 200 and "negsim" in page.read().decode()
    finally:
        process.terminate()
        assert process.wait(timeout=60) == 0
    return url


@pytest.mark.slow
def test_every_command_of_the_main_uses_runs_as_written(folder):
    lesson_lines = {line for lesson in LESSONS for line in commands(lesson)}
    if not (folder / "out" / "worlds.parquet").exists():   # the first command's run, which the examples read
        run_in(folder, bash_blocks()[0].rstrip().rsplit("&& .venv/bin/", 1)[1])
    for line in readme_commands():
        if line.startswith("negsim serve"):
            serve(folder, line)
        elif line in lesson_lines:
            run_once(line)  # the lesson test's run of the same line
        else:
            printed = run_in(folder, line)
            if line.startswith("negsim discover"):   # the example finds a box, as the README says
                assert "no restriction" not in printed and "actors.russia.red_lines.0.cost" in printed, printed
    written = {path.relative_to(folder).as_posix() for path in folder.rglob("*") if path.is_file()}
    assert {"out/walks/results.json", "out/walks/worlds.parquet", "sweeps/example/sweep.json"} <= written


def test_committed_outputs_carry_no_path_of_the_machine_that_made_them():
    """Outputs record paths relative to the working folder (sim.fileio.portable_path), so the published
    ones read the same on every clone."""
    home = str(Path.home())
    for path in (ROOT / "docs").rglob("*"):
        if path.suffix in (".json", ".csv", ".txt", ".md"):
            text = path.read_text()
            assert str(ROOT) not in text and f"{home}/" not in text, path


def test_results_record_the_scenario_as_the_user_named_it(tmp_path, monkeypatch):
    """Run from a clone's top folder, as the README's commands are, the scenario is recorded as typed."""
    monkeypatch.chdir(ROOT)
    assert main(["run", "scenarios/teaching/costly_war.yaml", "--worlds", "200", "--out", str(tmp_path / "out"),
                 "--no-worlds-table"]) == 0
    provenance = json.loads((tmp_path / "out" / "results.json").read_text())["provenance"]
    assert provenance["scenario_file"] == "scenarios/teaching/costly_war.yaml"


def test_portable_paths(tmp_path, monkeypatch):
    from sim.fileio import portable_path

    monkeypatch.chdir(tmp_path)
    assert portable_path(tmp_path / "scenarios" / "a.yaml") == "scenarios/a.yaml"
    assert portable_path("scenarios/../b.yaml") == "b.yaml"
    assert portable_path(tmp_path.parent / "c.yaml") == str(tmp_path.parent / "c.yaml")  # outside: absolute
    assert portable_path(None) is None  # a posterior made in memory has no file
