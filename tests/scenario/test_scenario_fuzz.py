"""Malformed scenarios, generated and hand-written: every one is a clear error, never a traceback.

Each case is written to a file and given to ``negsim validate`` in this process; a case passes when
the command exits with status 2 and prints one paragraph naming the problem. An exception escaping
``main`` (a traceback) fails the test.
"""

from __future__ import annotations

import copy
import math
from pathlib import Path

import pytest
import yaml
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from sim.cli import main
from sim.scenario.loader import read_yaml

from .. import fuzz_cli
from ..conftest import SCENARIOS
from ..fuzz_cli import leaves, put

SHIPPED = sorted(p for p in SCENARIOS.glob("*.yaml"))
BASE = {p.name: read_yaml(p)[0] for p in SHIPPED}


def mappings(data):
    """The key path of every mapping or list in nested data."""
    return [path for path, _ in fuzz_cli.mappings(data)]


def check_refused(tmp_path: Path, text: str, capsys, name: str = "case.yaml") -> str:
    (tmp_path / name).write_text(text)
    for parent in SHIPPED:  # so that 'extends: baseline.yaml' resolves
        target = tmp_path / parent.name
        if not target.exists():
            target.write_text(parent.read_text())
    capsys.readouterr()
    code = main(["validate", str(tmp_path / name)])
    err = capsys.readouterr().err
    assert code == 2, f"accepted (exit {code}):\n{text[:400]}"
    assert err.startswith("negsim: error: ") and "Traceback" not in err
    assert err.count("\n") == 1 and len(err) < 2000, err   # one paragraph
    return err


NUMERIC = {name: [(p, v) for p, v in leaves(data) if isinstance(v, (int, float)) and not isinstance(v, bool)
                  and "seed" not in p] for name, data in BASE.items()}
SCENARIO = st.sampled_from([p.name for p in SHIPPED if NUMERIC[p.name]])
FUZZ = settings(max_examples=120, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])


@pytest.mark.slow
@FUZZ
@given(name=SCENARIO, pick=st.integers(min_value=0), bad=st.sampled_from([math.nan, math.inf, -math.inf, -1e12]))
def test_non_finite_or_out_of_range_numbers_are_refused(tmp_path, capsys, name, pick, bad):
    path, _ = NUMERIC[name][pick % len(NUMERIC[name])]
    err = check_refused(tmp_path, yaml.safe_dump(put(BASE[name], path, bad)), capsys)
    assert "found" in err or "must" in err or "expected" in err


@FUZZ
@given(name=SCENARIO, pick=st.integers(min_value=0),
       bad=st.sampled_from(["text", True, {"zz": 1}, [[1, 2]], None]))
@pytest.mark.slow
def test_wrong_types_are_refused(tmp_path, capsys, name, pick, bad):
    path, _ = NUMERIC[name][pick % len(NUMERIC[name])]
    # In a variant's `set`, null is a value: it restores the key's default (a step cost for `ramp`).
    assume(not (bad is None and path[0] == "variants"))
    check_refused(tmp_path, yaml.safe_dump(put(BASE[name], path, bad)), capsys)


@pytest.mark.slow
@FUZZ
@given(name=st.sampled_from([p.name for p in SHIPPED]), pick=st.integers(min_value=0))
def test_unknown_keys_are_refused(tmp_path, capsys, name, pick):
    places = list(mappings(BASE[name]))
    path = places[pick % len(places)]
    data = copy.deepcopy(BASE[name])
    node = data
    for key in path:
        node = node[key]
    node["zz_fuzz_key"] = 1.5
    check_refused(tmp_path, yaml.safe_dump(data), capsys)


@pytest.mark.slow
@FUZZ
@given(name=SCENARIO, pick=st.integers(min_value=0), depth=st.integers(min_value=45, max_value=600))
def test_deep_nesting_is_refused(tmp_path, capsys, name, pick, depth):
    path, _ = NUMERIC[name][pick % len(NUMERIC[name])]
    text = yaml.safe_dump(put(BASE[name], path, "DEEP")).replace("DEEP", "[" * depth + "1" + "]" * depth)
    check_refused(tmp_path, text, capsys)


def bomb(levels: int) -> str:
    lines = ['a0: &a0 ["lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol"]']
    lines += [f"a{i}: &a{i} [" + ", ".join([f"*a{i - 1}"] * 9) + "]" for i in range(1, levels)]
    return "\n".join(lines) + "\nname: bomb\n"


CORPUS = {
    "anchor bomb": bomb(9),
    "recursive anchor": "description: &a [*a]\nname: x\n",
    "complex key": "? [a, b]\n: 1\nname: x\n",
    "merge key": "d: &d {x: 1}\ne:\n  <<: *d\nname: x\n",
    "python tag": "name: !!python/name:os.system\n",
    "local tag": "name: !foo bar\n",
    "bad float tag": "name: !!float abc\n",
    "colliding keys": "extends: baseline.yaml\nissues:\n  territory:\n    anchors: {0.5: a, \"0.5\": b}\n",
    "extends itself": "extends: case.yaml\n",
    "extends missing": "extends: nowhere.yaml\n",
    "extends a number": "extends: 3\n",
    "extends a device": "extends: /dev/zero\n",
    "extends outside yaml": "extends: /etc/passwd\n",
    "extends with a NUL": "extends: \"baseline.yaml\\0.yaml\"\n",
    "malformed": "name: [unclosed\n",
    "empty": "",
    "a list": "- 1\n- 2\n",
    "bad month": "extends: baseline.yaml\nstart: '2025-13'\n",
    "year zero": "extends: baseline.yaml\nstart: '0000-00'\n",
    "patience above 1": "extends: baseline.yaml\nactors:\n  russia:\n    patience: 1.5\n",
    "breach fear 3": "extends: baseline.yaml\nactors:\n  russia:\n    commitment:\n      breach_fear: 3\n",
    "patience 7": "extends: baseline.yaml\nactors:\n  russia:\n    patience: 7\n",
    "negative sanctions": "extends: baseline.yaml\nactors:\n  us:\n    levers:\n      sanctions: -3\n",
    "ideal 2": "extends: baseline.yaml\nactors:\n  russia:\n    ideal:\n      territory: 2\n",
    "prior out of range": "extends: baseline.yaml\nactors:\n  russia:\n    patience: {low: 0.9, high: 1.2}\n",
    "mode outside prior": "extends: baseline.yaml\nactors:\n  russia:\n    patience: {low: 0.9, high: 0.95, mode: 0.99}\n",
    "nan prior": "extends: baseline.yaml\nactors:\n  russia:\n    patience: {low: .nan, high: .nan}\n",
    "true for a number": "extends: baseline.yaml\nhorizon_months: true\n",
    "a list for a number": "extends: baseline.yaml\nactors:\n  us:\n    levers:\n      sanctions: [1, 2]\n",
    "negative casualties": "extends: baseline.yaml\nbattlefield:\n  casualties_per_month:\n    russia: -30000\n",
    "zero breakthrough": "extends: baseline.yaml\nbattlefield:\n  breakthrough_factor: 0\n",
    "offered month 0": "extends: baseline.yaml\npartial_deals:\n  energy_truce:\n    offered_months: [0]\n",
}
RULE_CASES = {
    "threat follow_through 7": {"follow_through": 7},
    "threat credibility -3": {"credibility": -3},
    "threat decay 5": {"decay": 5},
}
THREAT = {"kind": "threat", "target": "russia", "when": "rejected_russia", "add": {"sanctions": 0.5},
          "credibility": 0.8, "follow_through": 0.5, "anticipated_cost": 0.02}
STRATEGIES = {
    **{name: {**THREAT, **change} for name, change in RULE_CASES.items()},
    "frustration nan": {"kind": "frustration", "hazard_per_failed_round": math.nan},
    "frustration negative": {"kind": "frustration", "hazard_per_failed_round": -1},
    "lobby success 7": {"kind": "lobby", "target": "europe", "when": "month > 1", "add": {"arms": 0.1},
                        "success": 7},
    "substitute nan rate": {"kind": "substitute", "for_actor": "us", "rate": math.nan, "ceiling": 2},
    "substitute for itself": {"kind": "substitute", "for_actor": "europe", "rate": 0.1, "ceiling": 2},
    "ladder nan rung": {"kind": "ladder", "when": "month > 1", "lever": "arms", "rungs": [0.5, math.nan]},
    "boolean arithmetic": {"kind": "conditional", "when": "-rejected_russia < 0", "set": {"arms": 1}},
    "boolean minus": {"kind": "conditional", "when": "rejected_russia - accepted_russia", "set": {"arms": 1}},
    "true minus true": {"kind": "conditional", "when": "true - true", "set": {"arms": 1}},
    "number as condition": {"kind": "conditional", "when": "month", "set": {"arms": 1}},
    "constant condition": {"kind": "conditional", "when": "0.5", "set": {"arms": 1}},
    "unknown kind": {"kind": "bribe", "set": {"arms": 1}},
}


@pytest.mark.parametrize("case", sorted(CORPUS))
def test_regression_corpus_is_refused(tmp_path, capsys, case):
    err = check_refused(tmp_path, CORPUS[case], capsys)
    assert "root:" not in err   # no other file's content is echoed


@pytest.mark.parametrize("case", sorted(STRATEGIES))
def test_bad_strategy_rules_are_refused(tmp_path, capsys, case):
    owner = "europe" if "substitute" in case or "ladder" in case else "us"
    text = "extends: baseline.yaml\n" + yaml.safe_dump({"actors": {owner: {"strategy": [STRATEGIES[case]]}}})
    check_refused(tmp_path, text, capsys)


def test_an_extends_chain_too_deep_is_refused(tmp_path, capsys):
    for i in range(30):
        (tmp_path / f"c{i}.yaml").write_text(f"extends: c{i + 1}.yaml\n")
    (tmp_path / "c30.yaml").write_text((SCENARIOS / "baseline.yaml").read_text())
    capsys.readouterr()
    assert main(["validate", str(tmp_path / "c0.yaml")]) == 2
    assert "deep" in capsys.readouterr().err


def test_the_bomb_is_refused_quickly(tmp_path, capsys):
    import time

    began = time.perf_counter()
    check_refused(tmp_path, bomb(9), capsys)
    assert time.perf_counter() - began < 2.0


RANGE_MESSAGES = {
    "patience above 1": ("actors.russia.patience", "(0, 1)", "1.5"),
    "breach fear 3": ("actors.russia.commitment.breach_fear", "[0, 1]", "3"),
    "negative sanctions": ("actors.us.levers.sanctions", "[0, 10]", "-3"),
    "ideal 2": ("actors.russia.ideal.territory", "[0, 1]", "2"),
}


@pytest.mark.parametrize("case", sorted(RANGE_MESSAGES))
def test_range_errors_name_file_line_key_range_and_value(tmp_path, capsys, case):
    key, interval, value = RANGE_MESSAGES[case]
    err = check_refused(tmp_path, CORPUS[case], capsys)
    assert "case.yaml, line " in err and f"'{key}'" in err and interval in err and f"found {value}" in err


def test_set_overrides_are_range_checked(capsys):
    code = main(["validate", str(SCENARIOS / "baseline.yaml"), "--set", "actors.russia.patience=1.5"])
    err = capsys.readouterr().err
    assert code == 2 and "actors.russia.patience" in err and "(0, 1)" in err
    assert main(["validate", str(SCENARIOS / "baseline.yaml"), "--set", "actors.russia.patience=.nan"]) == 2
