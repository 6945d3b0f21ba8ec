"""Hostile or careless input (issue 16): refused at once with a clear error and exit 2, before any
model runs or any large allocation; never a traceback, never a silently wrong number."""

import time

import pytest

from sim.cli import main

from ..conftest import SCENARIOS

BASELINE = str(SCENARIOS / "baseline.yaml")


def refused(argv: list[str], capsys, *fragments: str) -> str:
    """Run the command; it must exit 2 with every fragment in its error, within a few seconds."""
    began = time.perf_counter()
    assert main(argv) == 2
    err = capsys.readouterr().err
    for fragment in fragments:
        assert fragment in err, err
    assert "Traceback" not in err
    assert time.perf_counter() - began < 10
    return err


@pytest.mark.parametrize("values", ["nan,1", "0.5,inf", "-inf:1:3"])
def test_non_finite_sweep_values_are_refused(values, tmp_path, capsys):
    refused(["sweep", BASELINE, "--param", f"battlefield.arms_effect={values}", "--out", str(tmp_path / "s")],
            capsys, "expected a finite number")
    assert not (tmp_path / "s" / "results.csv").exists()


def test_sweep_values_outside_the_parameters_range_are_refused_before_running(tmp_path, capsys):
    """Points that share a model run bypass the schema, so the values are checked up front."""
    refused(["sweep", BASELINE, "--param", "actors.russia.patience=0.9,5", "--out", str(tmp_path / "s")],
            capsys, "actors.russia.patience", "(0, 1)", "found 5.0")
    assert not (tmp_path / "s").exists()


def test_a_sweep_file_with_a_nan_value_is_refused(tmp_path, capsys):
    sweep = tmp_path / "sweep.yaml"
    sweep.write_text(f"scenario: {BASELINE}\nparams:\n  battlefield.arms_effect: [0.5, .nan]\n")
    refused(["sweep", str(sweep), "--out", str(tmp_path / "s")], capsys, "finite number")


@pytest.mark.parametrize("argv, what", [
    (["run", BASELINE, "--worlds", "1000000000000"], "a run of 1,000,000,000,000 worlds needs about"),
    (["sweep", BASELINE, "--param", "battlefield.arms_effect=0:1:1000000000", "--out", "{tmp}"],
     "a sweep design of 1,000,000,000 points"),
    (["sweep", BASELINE, "--param", "battlefield.arms_effect=0:1", "--method", "lhs", "--samples", "1000000000",
      "--out", "{tmp}"], "a sweep design of 1,000,000,000 points"),
    (["sweep", BASELINE, "--param", "battlefield.arms_effect=0.5,1", "--worlds", "1000000000", "--out", "{tmp}"],
     "a model run of 1,000,000,000 worlds"),
])
def test_requests_too_large_for_memory_are_refused_before_allocating(argv, what, tmp_path, capsys):
    argv = [a.replace("{tmp}", str(tmp_path / "s")) for a in argv]
    refused(argv, capsys, what, "of memory, more than this machine can give")


def test_the_time_estimate_is_the_declared_speed_over_the_cores():
    from sim.engine.limits import ESTIMATE_SHOWN_FROM, WORLD_MONTHS_PER_CORE_SECOND, estimate_note, estimated_seconds

    assert estimated_seconds(WORLD_MONTHS_PER_CORE_SECOND * 100, workers=1) == 100
    assert estimate_note(WORLD_MONTHS_PER_CORE_SECOND * (ESTIMATE_SHOWN_FROM - 1), workers=1) is None
    assert "about 2 minutes for 6,000,000 world-months on 1 core(s)" in estimate_note(6_000_000, workers=1)
    assert "about 3.0 hours" in estimate_note(WORLD_MONTHS_PER_CORE_SECOND * 3 * 3600, workers=1)


@pytest.mark.parametrize("command", [["run", BASELINE, "--worlds", "100"],
                                     ["sweep", BASELINE, "--param", "actors.us.levers.sanctions=0,1", "--worlds", "50"]])
def test_a_long_request_says_how_long_it_will_take_and_goes_on(command, tmp_path, capsys, monkeypatch):
    """Issue 33: no limit the user did not ask for, but a run of millions of worlds says so first."""
    from sim.engine import limits

    monkeypatch.setattr(limits, "WORLD_MONTHS_PER_CORE_SECOND", 10)   # as if this machine were very slow
    assert main([*command, "--workers", "1", "--out", str(tmp_path / "o")]) == 0
    assert "Estimated time: about" in capsys.readouterr().err
    assert (tmp_path / "o" / ("results.json" if command[0] == "run" else "results.csv")).exists()


def test_out_naming_an_existing_file_is_a_clear_error(tmp_path, capsys):
    target = tmp_path / "a-file"
    target.write_text("keep me")
    for command in (["run", BASELINE, "--worlds", "100"], ["sweep", BASELINE, "--param", "battlefield.arms_effect=1"]):
        with pytest.raises(SystemExit) as exit_:
            main([*command, "--out", str(target)])
        assert exit_.value.code == 2
        assert "is a file; --out names a folder" in capsys.readouterr().err
    assert target.read_text() == "keep me"


def test_a_lone_surrogate_in_a_name_is_refused_before_the_run(tmp_path, capsys):
    refused(["run", BASELINE, "--worlds", "100", "--set", 'name="a\\udc80b"', "--out", str(tmp_path / "o")],
            capsys, "at 'name'", "lone surrogate")
    assert not (tmp_path / "o" / "results.json").exists()


def test_a_sweep_whose_every_point_fails_exits_non_zero(tmp_path, capsys, monkeypatch):
    import sim.analysis.sweep as sweep

    def broken(plan, indices, tables=None):
        return [sweep._error_row(plan, i, RuntimeError("boom")) for i in indices]

    monkeypatch.setattr(sweep, "run_chunk", broken)
    refused(["sweep", BASELINE, "--param", "battlefield.arms_effect=0.5,1", "--worlds", "100", "--workers", "1",
             "--out", str(tmp_path / "s")], capsys, "every point of the sweep failed (2)", "boom")


def test_results_json_is_strict_json_with_nulls_where_a_value_is_undefined(tmp_path, capsys):
    """One world: the Monte Carlo interval of a mean is undefined; it is written as null, never as
    the NaN token strict parsers refuse."""
    import json

    assert main(["run", BASELINE, "--worlds", "1", "--out", str(tmp_path), "--quiet"]) == 0

    def refuse(token):
        raise ValueError(f"non-standard JSON token {token}")

    summary = json.loads((tmp_path / "results.json").read_text(), parse_constant=refuse)
    assert summary["payoff_by_actor"]["russia"]["ci95"] == [None, None]


def test_results_json_and_worlds_parquet_are_byte_identical_across_chunk_sizes_and_processes(tmp_path, monkeypatch):
    """Statistics of drawn parameters (the mean ideal points) are summed block by block, so the files
    do not depend on how the worlds were chunked or how many processes ran the chunks; the timing and
    the command line, which do differ, are in run.json (issue 33: a user diffing two runs can tell).
    Row groups of 1,500 worlds here (the parent process writes the table), so that groups straddle
    the chunks of 1,000 and 2,000 worlds."""
    import pyarrow.parquet as pq

    from sim.engine import worlds

    monkeypatch.setattr(worlds, "ROW_GROUP_WORLDS", 1500)
    files = []
    for chunk, workers in ((1000, 1), (3000, 1), (1000, 2), (2000, 2)):
        out = tmp_path / f"{chunk}-{workers}"
        assert main(["run", BASELINE, "--worlds", "3000", "--chunk-size", str(chunk), "--out", str(out),
                     "--quiet", "--workers", str(workers)]) == 0
        files.append({name: (out / name).read_bytes() for name in ("results.json", "worlds.parquet")})
        assert (out / "run.json").read_bytes() != files[0]["results.json"]
        metadata = pq.ParquetFile(out / "worlds.parquet").metadata
        assert [metadata.row_group(g).num_rows for g in range(metadata.num_row_groups)] == [1500, 1500]
    assert all(f == files[0] for f in files[1:])


def test_extends_outside_the_allowed_folders_is_refused_without_reading_the_file(tmp_path, capsys, monkeypatch):
    """A scenario cannot make the program read, or echo, a file elsewhere on the machine."""
    monkeypatch.delenv("NEGSIM_EXTENDS_PATH", raising=False)
    (tmp_path / "elsewhere").mkdir()
    secret = tmp_path / "elsewhere" / "secret.yaml"
    secret.write_text("root-password-line: hunter2\n")
    (tmp_path / "class").mkdir()
    student = tmp_path / "class" / "mine.yaml"
    student.write_text("extends: ../elsewhere/secret.yaml\n")
    err = refused(["validate", str(student)], capsys, "lies outside the folders", "--allow-extends")
    assert "hunter2" not in err and "root-password-line" not in err
    # Allowing the folder lets it be read (it then fails as a scenario, not as a path).
    err = refused(["--allow-extends", str(tmp_path / "elsewhere"), "validate", str(student)], capsys, "'name'")
    assert "lies outside" not in err


def test_extends_may_name_the_shipped_scenarios_and_files_beside_the_scenario(tmp_path, capsys, monkeypatch):
    monkeypatch.delenv("NEGSIM_EXTENDS_PATH", raising=False)
    (tmp_path / "parent.yaml").write_text(f"extends: {BASELINE}\nname: parent\n")
    (tmp_path / "child.yaml").write_text("extends: parent.yaml\nname: child\n")
    assert main(["validate", str(tmp_path / "child.yaml")]) == 0
    assert "child.yaml: valid" in capsys.readouterr().out


def test_a_library_caller_can_confine_extends_to_the_shipped_scenarios(tmp_path):
    """What a web page does: files beside an uploaded scenario are not readable either."""
    from sim.engine import load_scenario
    from sim.scenario import ScenarioError

    (tmp_path / "parent.yaml").write_text(f"extends: {BASELINE}\nname: parent\n")
    (tmp_path / "child.yaml").write_text("extends: parent.yaml\nname: child\n")
    with pytest.raises(ScenarioError, match="lies outside"):
        load_scenario(tmp_path / "child.yaml", extends_roots=(SCENARIOS,))
    assert load_scenario(SCENARIOS / "teaching" / "costly_war.yaml", extends_roots=(SCENARIOS,)).scenario.name


def test_a_reader_that_leaves_early_is_not_an_error(tmp_path):
    """``negsim run ... | head -1``: the closed pipe ends the command quietly, not as a file problem."""
    import subprocess
    import sys

    run = subprocess.Popen([sys.executable, "-m", "sim.cli", "run", BASELINE, "--worlds", "100", "--quiet"],
                           stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    run.stdout.readline()
    run.stdout.close()   # the reader leaves after one line
    assert run.wait(timeout=120) == 0
    err = run.stderr.read().decode()
    assert "Traceback" not in err and "error" not in err, err


@pytest.mark.parametrize("value, fragment", [
    ("&a [*a]", "aliases"),                                     # a self-referencing alias: RecursionError before
    ("[" * 3000 + "]" * 3000, "nested more than 40 levels"),     # deeper than the file loader allows
    ("9" * 5000, "a number of 5,000 characters"),                # beyond Python's int-digit limit: ValueError before
    ("!!python/object:os.system ls", "YAML tag"),
])
def test_set_values_get_the_checks_a_scenario_file_gets(value, fragment, capsys):
    """Issue 33: --set values were read with yaml.safe_load, without the file loader's budgets."""
    err = refused(["validate", BASELINE, "--set", f"actors.us.levers.sanctions={value}"], capsys,
                  "--set actors.us.levers.sanctions", fragment)
    assert len(err) < 1_000          # the value is quoted shortened, never echoed whole


@pytest.mark.parametrize("text, fragment", [
    ("horizon_months: 1:30", "base-60"), ("seed: 0x7fffffff", "hexadecimal"), ("seed: 0b101", "binary"),
    ("seed: 017", "octal"), ("worlds: 1_000", "underscores"),
])
def test_yaml_1_1_number_forms_are_refused_in_files(text, fragment, tmp_path, capsys):
    """PyYAML reads YAML 1.1: 1:30 is 90, 0x7fffffff a seed. Scenario files take YAML 1.2's numbers."""
    path = tmp_path / "odd.yaml"
    path.write_text(f"extends: {BASELINE}\n{text}\n")
    refused(["validate", str(path)], capsys, "odd.yaml, line 2", fragment)
    refused(["validate", BASELINE, "--set", text.replace(": ", "=")], capsys, "YAML 1.2")


def test_plain_numbers_still_read_as_numbers(tmp_path, capsys):
    path = tmp_path / "plain.yaml"
    path.write_text(f"extends: {BASELINE}\nseed: 42\nworlds: 2000\nbattlefield:\n  arms_effect: 1.5e-1\n")
    assert main(["validate", str(path), "--set", "horizon_months=30", "--set", "actors.us.levers.sanctions=.5"]) == 0
    assert "valid" in capsys.readouterr().out


@pytest.mark.parametrize("argv, fragment", [
    (["run", BASELINE, "--worlds", "١٠"], "plain digits 0-9"),       # Arabic-Indic digits, which int() takes
    (["run", BASELINE, "--worlds", "1_000"], "plain digits 0-9"),
    (["run", BASELINE, "--worlds", "9" * 40], "at most 18 digits"),
    (["run", BASELINE, "--out", ""], "an empty name"),
])
def test_options_take_plain_numbers_and_real_folder_names(argv, fragment, capsys):
    with pytest.raises(SystemExit) as stopped:     # argparse's own exit, status 2 and one line
        main(argv)
    assert stopped.value.code == 2
    err = capsys.readouterr().err
    assert fragment in err and "Traceback" not in err


def _posterior_file(path, names, values, meta):
    import io
    import json

    import numpy as np

    buffer = io.BytesIO()
    np.savez_compressed(buffer, names=np.array(names), values=np.asarray(values, dtype=float),
                        meta=np.array(json.dumps(meta)))
    path.write_bytes(buffer.getvalue())
    return str(path)


@pytest.mark.parametrize("case, fragment", [
    ("device", "not a regular file"),
    ("no priors", "no 'priors'"),
    ("shapes", "shape (worlds, 2)"),
    ("nan", "finite numbers"),
    ("outside", "expected values within its prior [0.96, 0.99], found 7"),
    ("garbage", "not a negsim posterior file"),
])
def test_posterior_files_are_checked_before_they_are_trusted(case, fragment, tmp_path, capsys):
    """Issue 33: /dev/zero was hashed to exhaustion, a missing key or a shape mismatch was a traceback,
    and NaN or out-of-range values ran (P = 0 everywhere, payoffs of -4e15)."""
    patience = "actors.russia.patience"
    baseline = BASELINE
    from sim.engine import load_scenario
    from sim.scenario.paths import scalar_paths

    prior = scalar_paths(load_scenario(baseline).scenario)[patience]
    priors = {patience: [prior.low, prior.high, prior.mode]}
    files = {
        "device": "/dev/zero",
        "no priors": lambda p: _posterior_file(p, [patience], [[0.95]], {}),
        "shapes": lambda p: _posterior_file(p, [patience, "x"], [[0.95]], {"priors": priors}),
        "nan": lambda p: _posterior_file(p, [patience], [[float("nan")]], {"priors": priors}),
        "outside": lambda p: _posterior_file(p, [patience], [[0.97], [7.0]], {"priors": priors}),
        "garbage": lambda p: (p.write_bytes(b"PK\x03\x04 not really a zip"), str(p))[1],
    }
    made = files[case]
    posterior = made if isinstance(made, str) else made(tmp_path / "posterior.npz")
    refused(["run", baseline, "--worlds", "1000", "--posterior", posterior], capsys, fragment)


@pytest.mark.parametrize("setting, fragment", [
    ("battlefield.casualties_per_month.russia={low: 0, high: 1.0e+308}", "in [0, 1e+09], found 1e+308"),
    ("battlefield.start_occupied_km2=1.7976931348623157e+308", "a non-negative number in [0, 1e+09]"),
    ("battlefield.start_occupied_km2=500000", "exceeds territory_scale_km2"),
])
def test_extreme_priors_are_refused_not_carried_to_infinity_or_capped(setting, fragment, capsys):
    """Issue 33: a prior up to 1e308 ran to infinite casualties; an area beyond the claim was capped silently."""
    refused(["validate", BASELINE, "--set", setting], capsys, fragment)


@pytest.mark.parametrize("text", ['"evil\\x1b]0;owned\\x07"', '"right\\u202eto left"', '"\\x9b31m"'])
def test_control_characters_in_any_text_are_refused(text, tmp_path, capsys):
    """Issue 33: a name with an escape sequence was echoed raw to the terminal by the report."""
    path = tmp_path / "named.yaml"
    path.write_text(f"extends: {BASELINE}\nname: {text}\n")
    refused(["validate", str(path)], capsys, "named.yaml, line 2", "control character")


def test_a_value_listed_many_times_is_swept_once(tmp_path, capsys):
    """Issue 33: 20,000 copies of one value ran 20,000 identical points."""
    values = ",".join(["0.5"] * 20_000 + ["0.7"])
    began = time.perf_counter()
    assert main(["sweep", BASELINE, "--param", f"actors.us.levers.sanctions={values}", "--worlds", "20",
                 "--workers", "1", "--out", str(tmp_path / "s")]) == 0
    assert time.perf_counter() - began < 60
    err = capsys.readouterr().err
    assert "Sweep: 2 distinct points (19,999 repeated points merged)" in err
    assert len((tmp_path / "s" / "results.csv").read_text().strip().splitlines()) == 3
