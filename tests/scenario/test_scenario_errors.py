"""Bad scenario files get one clear message naming file, line, key, expected and found."""

import subprocess
import sys
from pathlib import Path

import pytest

from sim.cli import main
from sim.engine import load_scenario
from sim.scenario import ScenarioError

from ..conftest import SCENARIOS


def write(tmp_path: Path, name: str, text: str) -> Path:
    (tmp_path / "baseline.yaml").write_text((SCENARIOS / "baseline.yaml").read_text())
    path = tmp_path / name
    path.write_text(text)
    return path


def test_typo_in_key_names_line_and_suggests(tmp_path):
    path = write(tmp_path, "typo.yaml", "extends: baseline.yaml\nactors:\n  russia:\n    patiance: 0.9\n")
    with pytest.raises(ScenarioError) as err:
        load_scenario(path)
    text = str(err.value)
    assert "typo.yaml" in text and "line 4" in text
    assert "actors.russia.patiance" in text and "did you mean 'patience'" in text.lower()


def test_wrong_type_says_expected_and_found(tmp_path):
    path = write(tmp_path, "type.yaml", "extends: baseline.yaml\nhorizon_months: twelve\n")
    with pytest.raises(ScenarioError) as err:
        load_scenario(path)
    assert "line 2" in str(err.value)
    assert "expected a whole number" in str(err.value) and "'twelve'" in str(err.value)


def test_wrong_type_in_an_inherited_structure(tmp_path):
    path = write(tmp_path, "lever.yaml", "extends: baseline.yaml\nactors:\n  us:\n    levers:\n"
                                         "      sanctions: lots\n")
    with pytest.raises(ScenarioError, match=r"line 5.*actors\.us\.levers\.sanctions.*found 'lots'"):
        load_scenario(path)


def test_malformed_yaml_names_a_line(tmp_path):
    path = write(tmp_path, "broken.yaml", "name: x\nactors:\n  russia: [1, 2\n  ukraine: 3\n")
    with pytest.raises(ScenarioError, match=r"broken\.yaml, line \d+: this is not valid YAML"):
        load_scenario(path)


def test_unknown_issue_reference_suggests(tmp_path):
    path = write(tmp_path, "pkg.yaml", "extends: baseline.yaml\npackages:\n  p:\n    terms: {teritory: front}\n")
    with pytest.raises(ScenarioError, match="Did you mean 'territory'"):
        load_scenario(path)


def test_extends_cycle_and_missing_parent(tmp_path):
    (tmp_path / "a.yaml").write_text("extends: b.yaml\n")
    (tmp_path / "b.yaml").write_text("extends: a.yaml\n")
    with pytest.raises(ScenarioError, match="cycle"):
        load_scenario(tmp_path / "a.yaml")
    (tmp_path / "c.yaml").write_text("extends: nowhere.yaml\n")
    with pytest.raises(ScenarioError, match="does not exist"):
        load_scenario(tmp_path / "c.yaml")


def test_duplicate_key_is_an_error(tmp_path):
    path = write(tmp_path, "dup.yaml", "extends: baseline.yaml\nseed: 1\nseed: 2\n")
    with pytest.raises(ScenarioError, match="line 3.*appears twice"):
        load_scenario(path)


def test_extends_overrides_only_what_it_names(tmp_path, baseline):
    path = write(tmp_path, "child.yaml", "extends: baseline.yaml\nname: child\nactors:\n  us:\n"
                                         "    levers:\n      sanctions: 0.9\n")
    child = load_scenario(path).scenario
    assert child.name == "child"
    assert child.actors["us"].levers.sanctions.low == 0.9
    assert child.actors["us"].levers.arms == baseline.scenario.actors["us"].levers.arms
    assert child.actors["russia"] == baseline.scenario.actors["russia"]


@pytest.mark.parametrize("text", ["extends: baseline.yaml\nactors:\n  russia:\n    patiance: 0.9\n",
                                  "extends: baseline.yaml\nhorizon_months: twelve\n",
                                  "name: [unclosed\n"])
def test_cli_exit_code_2_and_one_paragraph_no_traceback(tmp_path, text):
    path = write(tmp_path, "bad.yaml", text)
    proc = subprocess.run([sys.executable, "-m", "sim.cli", "run", str(path)], capture_output=True,
                          text=True)
    assert proc.returncode == 2
    assert "Traceback" not in proc.stderr
    assert proc.stderr.startswith("negsim: error: ") and proc.stderr.count("\n") == 1
    assert proc.stdout == ""


def test_cli_bad_override_is_a_user_error(capsys):
    assert main(["validate", str(SCENARIOS / "baseline.yaml"), "--set", "actors.nobody.x=1"]) == 2
    assert "actors.nobody" in capsys.readouterr().err


@pytest.mark.parametrize("argv, option", [
    (["validate", "{baseline}", "--set", "actors.europe.levers.arms=-1"], "--set"),
    (["validate", "{baseline}", "--set", "actors.europe.levers=3"], "--set"),
    (["sweep", "{baseline}", "--param", "actors.europe.levers.arms=-1:1:3", "--out", "{out}"], "a swept value"),
])
def test_a_bad_value_given_on_the_command_line_is_blamed_on_the_option(argv, option, tmp_path, capsys):
    """The value came from the option, so the error names it, not the line of the file it replaced."""
    filled = [a.format(baseline=SCENARIOS / "baseline.yaml", out=tmp_path / "sweep") for a in argv]
    assert main(filled) == 2
    err = capsys.readouterr().err
    assert err.startswith(f"negsim: error: {option}, at 'actors.europe.levers"), err
    assert "baseline.yaml" not in err and ", line " not in err


def test_an_error_in_the_file_still_names_its_line_when_another_value_is_set(tmp_path):
    path = write(tmp_path, "s.yaml", "extends: baseline.yaml\nhorizon_months: 0\n")
    with pytest.raises(ScenarioError) as raised:
        load_scenario(path, {"actors.europe.levers.arms": 2.0})
    assert raised.value.line == 2 and raised.value.path.endswith("s.yaml")
