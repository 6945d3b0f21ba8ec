"""A generated fuzz run of the command line, as a hostile or careless user would drive it (issues 16, 33).

Each case is one way in, made from a shipped scenario by one mutation, and run as a real ``negsim``
process in its own folder:

* a scenario file with a hostile value at a random key, a key removed or added, a generated
  condition, a YAML trick, an odd ``extends`` or a swapped prior (``negsim run CASE --worlds 200 --workers 1``);
* a ``--set`` value or key (anchors, deep nesting, long numbers, YAML 1.1 number forms, control
  characters, values out of range), or an option's value (``--worlds``, ``--seed``, ``--chunk-size``,
  ``--workers``, ``--out``);
* a posterior file (``--posterior``): a valid one from the baseline's priors, then truncated, of
  the wrong shape, without metadata, with NaN or out-of-prior values, or not a file at all;
* a sweep's ``--param`` (``negsim sweep CASE --param SPEC --worlds 20``).

A case ends in one of:

* ``refused``: exit 2 with one paragraph ``negsim: error: ...`` and no traceback;
* ``accepted``: exit 0, and every output passes :func:`output_problems` (strict JSON; every number
  in results.json and every numeric column of worlds.parquet or a sweep's results.parquet finite,
  except where missing means "no deal" or "nobody asked"; probabilities in [0, 1], counts and areas
  non-negative, each world's parameters within the scenario's prior), and the mutation was not
  nonsense by construction (a non-finite number, a boolean or text where the scenario had a number);
* a failure: ``traceback`` (or any other exit status), ``hang`` (over 10 s of CPU, or stuck for
  120 s of wall time: CPU time is what a case costs whatever else the machine runs, such as the
  test suite's other worker), ``memory`` (the largest case over 500 MB peak), ``nonsense accepted``
  or ``bad output``.

:func:`fuzz_server` sends generated requests to the classroom server in this process (through
httpx's ASGI transport): each must get 200, 400, 404 or 413 with a JSON (or page) body of at most a
few kilobytes for an error, and finite numbers.

Run it as ``python -m tests.fuzz_cli --cases 700 --server-cases 200 --workers 2``; it prints the
counts and each failure. ``tests/scenario/test_fuzz_cli.py`` runs a smaller sample in the test suite.
"""

from __future__ import annotations

import argparse
import copy
import json
import math
import os
import random
import re
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parent.parent
SCENARIOS = ROOT / "scenarios"
SECONDS_LIMIT = 10.0        # CPU seconds (user + system) of one case
WALL_LIMIT = 120.0          # a case still running after this is stuck, however little CPU it used
MEMORY_LIMIT_MB = 500.0
WORLDS = "200"
SWEEP_WORLDS = "20"

HOSTILE_NUMBERS = [math.nan, math.inf, -math.inf, 1e308, -1e308, 2 ** 63, -(2 ** 63), 1e-320]
ODD_NUMBERS = [0, -1, 1, 0.5, 1e9, -1e-9, 240, 241, 1e6]
WRONG_TYPES = ["text", True, False, None, [], {}, [1, 2], {"low": 1}, "2025-13", "", "1e999"]
TOKENS = ["month", "rejected_russia", "accepted_ukraine", "in_ceasefire", "true", "false", "0", "1", "0.5",
          "-1", "1e308", "not", "and", "or", "+", "-", "*", "/", "<", ">", "<=", "==", "(", ")", "x", "__import__",
          "month()", "[]", "'a'", "**", "%", "0/0"]
YAML_TRICKS = [
    "a0: &a0 [1, 1, 1, 1, 1, 1, 1, 1, 1]\n" + "".join(f"a{i}: &a{i} [{', '.join([f'*a{i - 1}'] * 9)}]\n"
                                                     for i in range(1, 8)),
    "description: &a [*a]\n", "? [a, b]\n: 1\n", "d: &d {x: 1}\ne:\n  <<: *d\n", "name: !!python/name:os.system\n",
    "name: !foo bar\n", "name: !!float abc\n", "x: " + "[" * 600 + "]" * 600 + "\n", "name: [unclosed\n",
    "\t- tab\n", "name: \"\\udc80\"\n", "issues: {0.5: a, \"0.5\": b}\n", "name: x\nname: y\n",
]
SET_VALUES = ["&a [*a]", "[" * 3000 + "]" * 3000, "9" * 5000, "1:30", "0x1f", "0b101", "017", "1_000",
              "\u0661\u0660", "\x1b[31mred\x1b[0m", ".nan", ".inf", "-.inf", "1e999", "{low: 0, high: 1.0e+308}",
              "{low: 1, high: 0}", "", "null", "~", "!!python/object/apply:os.system [echo hi]", "yes", "on",
              "[1, 2]", "{a: 1}", "'0.5'", "0.5", "0", "1", "-1", "1e-300", "2", "0.999", "10"]
SET_KEYS = ["actors.us.levers.sanctionz", "", "actors..us", "a" * 5000, "actors.0.x", "actors.us.levers",
            "issues", "actors.us.strategy.99.kind", "\x1b[2J", "name.x", "actors.russia.red_lines.-1.cost"]
OPTIONS = {"--worlds": ["\u0661\u0660", "0", "-1", "1e3", "0x10", "", " 10", "10 ", "9" * 30, "2.5", "150", "1"],
           "--seed": ["-1", "1e3", "\u0663", "0", "42", "9" * 19, "18446744073709551616", "0b1"],
           "--chunk-size": ["0", "1", "7", "-5", "x", "1000000000"],
           "--workers": ["0", "1", "2", "64", "-1", "two"],
           "--out": ["", ".", "/dev/null", "/proc/self", "out/../out2", "a\x1b[31mb"]}
PARAMS = ["actors.us.levers.sanctions=0:1:3", "actors.us.levers.sanctions=0,0,0,0", "actors.us.levers.sanctions=1:0:3",
          "actors.us.levers.sanctions=a:b:c", "actors.us.levers.sanctions=0:1:0", "actors.us.levers.sanctions=nan:1:2",
          "actors.us.levers.sanctions=1e308,1e308", "actors.us.levers.sanctions=1_0:2:3", "actors.us.levers.sanction=0:1:2",
          "actors.us.levers.sanctions=0:1:2.5", "actors.russia.beliefs.victory=0.1,0.5", "actors.russia.beliefs.victory=-1,2",
          "actors.russia.patience=0.9:0.99:2", "battlefield.arms_effect=0:1e9:2", "actors.us.levers.sanctions",
          "=1", "actors.us.levers.sanctions=\u0661", "actors.us.levers.sanctions=0:1:" + "9" * 200,
          "actors.us.levers.sanctions=0:1:1:1", "actors.us.levers.sanctions=0,1:2"]
POSTERIOR_DAMAGE = ["valid", "truncated", "empty", "text", "directory", "/dev/zero", "no priors", "nan", "inf",
                    "outside prior", "one column short", "names not text", "meta not JSON", "no values",
                    "one row", "prior of two numbers", "a different prior"]

EXTENDS = ["/dev/zero", "/dev/urandom", "/etc/passwd", "../../../../etc/hostname.yaml", "case.yaml", "nowhere.yaml",
           3, None, ["baseline.yaml"], "baseline.yaml\x00.yaml", "/proc/self/environ.yaml"]


@dataclass
class Case:
    number: int
    mutation: str
    text: str               # the scenario file, case.yaml
    nonsense: bool          # accepting it would be wrong, whatever the output looks like
    command: str = "run"
    options: tuple[str, ...] = ()                  # after the command's defaults (a later option wins)
    files: tuple[tuple[str, bytes], ...] = ()      # more files in the case's folder (name, bytes)


def leaves(data, prefix=()):
    if isinstance(data, dict):
        for key, value in data.items():
            yield from leaves(value, (*prefix, key))
    elif isinstance(data, list):
        for i, value in enumerate(data):
            yield from leaves(value, (*prefix, i))
    else:
        yield prefix, data


def mappings(data, prefix=()):
    if isinstance(data, dict):
        yield prefix, data
        for key, value in data.items():
            yield from mappings(value, (*prefix, key))
    elif isinstance(data, list):
        for i, value in enumerate(data):
            yield from mappings(value, (*prefix, i))


def put(data, path, value):
    out = copy.deepcopy(data)
    node = out
    for key in path[:-1]:
        node = node[key]
    node[path[-1]] = value
    return out


def is_number(value) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool)


def dump(data) -> str:
    return yaml.safe_dump(data, allow_unicode=True, sort_keys=False)


def generate(count: int, seed: int) -> list[Case]:
    """``count`` cases, the same for the same seed (a mutation that does not apply to the scenario
    drawn is drawn again)."""
    rng = random.Random(seed)
    shipped = {p.name: yaml.safe_load(p.read_text()) for p in sorted(SCENARIOS.glob("*.yaml"))}
    for data in shipped.values():     # a replay of 1,000 worlds (the least allowed) keeps a case within its budget
        if "condition_on" in data:
            data["condition_on"]["worlds"] = 1_000
    names = sorted(shipped)
    cases = []
    while len(cases) < count:
        number = len(cases)
        name = rng.choice(names)
        data = shipped[name]
        scalars = [(p, v) for p, v in leaves(data)]
        numbers = [(p, v) for p, v in scalars if is_number(v) and "seed" not in p]
        kind = rng.choice(["hostile number", "odd number", "nudged number", "wrong type", "remove key", "unknown key",
                           "condition", "sound condition", "yaml trick", "extends", "swap prior",
                           "set value", "set value", "set key", "option", "option", "posterior", "posterior",
                           "param", "param"])
        if kind == "hostile number" and numbers:
            path, _ = rng.choice(numbers)
            value = rng.choice(HOSTILE_NUMBERS)
            text, nonsense = dump(put(data, path, value)), not math.isfinite(value) or abs(value) > 1e300
            mutation = f"{name}: {'.'.join(map(str, path))} = {value!r}"
        elif kind == "odd number" and numbers:
            path, _ = rng.choice(numbers)
            value = rng.choice(ODD_NUMBERS)
            text, nonsense = dump(put(data, path, value)), False
            mutation = f"{name}: {'.'.join(map(str, path))} = {value!r}"
        elif kind == "nudged number" and numbers:  # a plausible edit: mostly accepted, sometimes out of range
            path, old = rng.choice(numbers)
            value = old + rng.choice([-1, 1]) if isinstance(old, int) else round(old * rng.uniform(0.5, 1.5), 4)
            text, nonsense = dump(put(data, path, value)), False
            mutation = f"{name}: {'.'.join(map(str, path))} = {value!r}"
        elif kind == "sound condition":
            clauses = [f"month {rng.choice(['<', '>=', '=='])} {rng.randint(0, 30)}",
                       rng.choice(["rejected_russia", "not in_ceasefire", "accepted_ukraine"])]
            expression = f" {rng.choice(['and', 'or'])} ".join(rng.sample(clauses, rng.randint(1, 2)))
            rule = {"kind": "conditional", "when": expression, "set": {"arms": round(rng.uniform(0, 1), 2)}}
            text, nonsense = "extends: baseline.yaml\n" + dump({"actors": {"us": {"strategy": [rule]}}}), False
            mutation = f"condition {expression!r}"
        elif kind == "wrong type" and numbers:
            path, _ = rng.choice(numbers)
            value = rng.choice(WRONG_TYPES)
            # null where the schema takes null ("no ramp") is a value, not a mistake
            text, nonsense = dump(put(data, path, value)), not (value is None and str(path[-1]).split(".")[-1] in nullable_keys())
            mutation = f"{name}: {'.'.join(map(str, path))} = {value!r}"
        elif kind == "remove key":
            places = [(p, m) for p, m in mappings(data) if isinstance(m, dict) and m]
            path, node = rng.choice(places)
            key = rng.choice(sorted(node, key=str))
            trimmed = copy.deepcopy(data)
            target = trimmed
            for part in path:
                target = target[part]
            del target[key]
            text, nonsense = dump(trimmed), False
            mutation = f"{name}: remove {'.'.join(map(str, (*path, key)))}"
        elif kind == "unknown key":
            places = [p for p, m in mappings(data) if isinstance(m, dict)]
            path = rng.choice(places)
            grown = copy.deepcopy(data)
            target = grown
            for part in path:
                target = target[part]
            target[rng.choice(["zz_unknown", "Patience", "sanction", "0.5"])] = rng.choice([1, "x", None])
            text, nonsense = dump(grown), True
            mutation = f"{name}: unknown key under {'.'.join(map(str, path)) or 'top'}"
        elif kind == "condition":
            expression = " ".join(rng.choice(TOKENS) for _ in range(rng.randint(1, 6)))
            rule = {"kind": "conditional", "when": expression, "set": {"arms": 1}}
            text, nonsense = "extends: baseline.yaml\n" + dump({"actors": {"us": {"strategy": [rule]}}}), False
            mutation = f"condition {expression!r}"
        elif kind == "yaml trick":
            trick = rng.choice(YAML_TRICKS)
            text, nonsense = "extends: baseline.yaml\n" + trick, True
            mutation = f"yaml trick {trick[:40]!r}"
        elif kind == "extends":
            target = rng.choice(EXTENDS)
            text, nonsense = dump({"extends": target, "name": "odd parent"}), True
            mutation = f"extends {target!r}"
        elif kind == "set value":
            key, value, nonsense = set_value(rng, scalars, numbers)
            text, mutation = dump(data), f"{name}: --set {key[:60]}={value[:40]!r}"
            cases.append(Case(number, mutation, text, nonsense, options=("--set", f"{key}={value}")))
            continue
        elif kind == "set key":
            key = rng.choice(SET_KEYS)
            cases.append(Case(number, f"{name}: --set {key[:40]!r}=1", dump(data), True, options=("--set", f"{key}=1")))
            continue
        elif kind == "option":
            option = rng.choice(sorted(OPTIONS))
            value = rng.choice(OPTIONS[option])
            cases.append(Case(number, f"{name}: {option} {value[:40]!r}", dump(data), option_is_nonsense(option, value),
                              options=(option, value)))
            continue
        elif kind == "posterior":
            damage = rng.choice(POSTERIOR_DAMAGE)
            target, files = posterior_case(damage, rng)
            cases.append(Case(number, f"baseline.yaml: posterior {damage}", dump(shipped["baseline.yaml"]),
                              damage not in ("valid", "one row", "a different prior"),
                              options=("--posterior", target), files=files))
            continue
        elif kind == "param":
            spec = rng.choice(PARAMS)
            cases.append(Case(number, f"baseline.yaml: sweep --param {spec[:60]!r}", dump(shipped["baseline.yaml"]),
                              spec not in SOUND_PARAMS, command="sweep", options=("--param", spec)))
            continue
        else:  # swap a prior's bounds, or make one degenerate
            priors = [(p, m) for p, m in mappings(data) if isinstance(m, dict) and set(m) >= {"low", "high"}]
            if not priors:
                continue
            path, prior = rng.choice(priors)
            low, high = prior["low"], prior["high"]
            value = rng.choice([{"low": high, "high": low}, {"low": low, "high": low}, {"low": low, "high": high,
                                                                                       "mode": high + 1}])
            text = dump(put(data, path, value))
            nonsense = value["low"] > value["high"] or value.get("mode", low) > high
            mutation = f"{name}: prior {'.'.join(map(str, path))} = {value}"
        if kind in ("hostile number", "odd number", "nudged number", "wrong type") and not numbers:
            continue
        cases.append(Case(number, mutation, text, nonsense))
    return cases


SOUND_PARAMS = {"actors.us.levers.sanctions=0:1:3", "actors.us.levers.sanctions=0,0,0,0",
                "actors.us.levers.sanctions=1:0:3", "actors.russia.beliefs.victory=0.1,0.5",
                "actors.russia.patience=0.9:0.99:2", "battlefield.arms_effect=0:1e9:2"}
"""The specifications of :data:`PARAMS` a sweep may run (1e9 is within arms_effect's schema range)."""
PLAIN_NUMBERS = {"0.5", "0", "1", "-1", "1e-300", "2", "0.999", "10"}


def set_value(rng: random.Random, scalars, numbers) -> tuple[str, str, bool]:
    """A ``--set`` key (mostly a number of the scenario, sometimes any value) and a hostile or plain
    value; nonsense unless the value is a plain number for a number (which may still be out of range)."""
    path, old = rng.choice(numbers if numbers and rng.random() < 0.8 else scalars)
    value = rng.choice(SET_VALUES)
    plain = value in PLAIN_NUMBERS
    nonsense = not plain if is_number(old) else value in SET_VALUES[:14] or value.startswith("!!")
    return ".".join(map(str, path)), value, nonsense


def option_is_nonsense(option: str, value: str) -> bool:
    """Whether a value of an option could only be a mistake (a run that takes it is wrong)."""
    if option == "--out":
        return value in ("", "/dev/null", "/proc/self")
    digits = value.isascii() and value.strip().isdigit()     # " 10" is ten, as int() reads it
    minimum = {"--seed": 0, "--worlds": 1, "--chunk-size": 1, "--workers": 1}[option]
    if not digits or int(value) < minimum:
        return True
    return option == "--worlds" and int(value) > 10_000_000      # more memory than the machine has


def nullable_keys() -> set[str]:
    """Names of the keys that take null somewhere in the scenario schema (``ramp: null``, no ramp)."""
    nullable: set[str] = set()

    def walk(node) -> None:
        if isinstance(node, dict):
            for key, spec in node.get("properties", {}).items():
                if isinstance(spec, dict) and any(a.get("type") == "null" for a in spec.get("anyOf", [])):
                    nullable.add(key)
            for child in node.values():
                walk(child)
        elif isinstance(node, list):
            for child in node:
                walk(child)

    walk(json.loads((ROOT / "docs" / "scenario.schema.json").read_text()))
    return nullable


_BASELINE_PRIORS: dict = {}


def baseline_priors() -> dict[str, tuple[float, float, float]]:
    """The baseline's priors by parameter path (low, high, mode), read once."""
    if not _BASELINE_PRIORS:
        from sim.engine import load_scenario
        from sim.scenario.params import Prior
        from sim.scenario.paths import scalar_paths

        scenario = load_scenario(SCENARIOS / "baseline.yaml").scenario
        _BASELINE_PRIORS.update({name: (p.low, p.high, p.mode) for name, p in scalar_paths(scenario).items()
                                 if isinstance(p, Prior)})
    return _BASELINE_PRIORS


def posterior_case(damage: str, rng: random.Random) -> tuple[str, tuple[tuple[str, bytes], ...]]:
    """The ``--posterior`` argument and the files for one kind of damage to a valid posterior
    (50 draws uniform within the baseline's priors)."""
    import io

    import numpy as np

    if damage in ("directory", "/dev/zero"):
        return ("." if damage == "directory" else "/dev/zero"), ()
    priors = baseline_priors()
    names = sorted(priors)
    generator = np.random.default_rng(rng.randrange(2 ** 32))
    low, high = np.array([priors[n][0] for n in names]), np.array([priors[n][1] for n in names])
    values = low + (high - low) * generator.random((1 if damage == "one row" else 50, len(names)))
    meta: dict = {"priors": {n: list(priors[n]) for n in names}}
    column = rng.randrange(len(names))
    if damage == "nan":
        values[rng.randrange(len(values)), column] = np.nan
    elif damage == "inf":
        values[0, column] = np.inf
    elif damage == "outside prior":
        values[0, column] = high[column] + 10 * (high[column] - low[column]) + 1
    elif damage == "no priors":
        meta = {"scenario": "baseline.yaml"}
    elif damage == "prior of two numbers":
        meta["priors"][names[column]] = list(priors[names[column]])[:2]
    elif damage == "a different prior":       # calibrated under another prior: not applicable, left as written
        meta["priors"][names[column]] = [low[column], high[column] + 1, low[column]]
    arrays = {"names": np.array(names), "values": values, "meta": np.array(json.dumps(meta))}
    if damage == "one column short":
        arrays["values"] = values[:, :-1]
    elif damage == "names not text":
        arrays["names"] = np.arange(len(names))
    elif damage == "meta not JSON":
        arrays["meta"] = np.array("{priors: [")
    elif damage == "no values":
        del arrays["values"]
    buffer = io.BytesIO()
    np.savez_compressed(buffer, **arrays)
    blob = buffer.getvalue()
    if damage == "truncated":
        blob = blob[: len(blob) // 2]
    elif damage == "empty":
        blob = b""
    elif damage == "text":
        blob = b"names,values\nactors.russia.patience,0.9\n"
    return "posterior.npz", (("posterior.npz", blob),)


def _numbers(data, prefix=""):
    """Every number (and null) of parsed JSON, by its path."""
    if isinstance(data, dict):
        for key, value in data.items():
            yield from _numbers(value, f"{prefix}.{key}" if prefix else str(key))
    elif isinstance(data, list):
        for i, value in enumerate(data):
            yield from _numbers(value, f"{prefix}[{i}]")
    elif data is None or (isinstance(data, (int, float)) and not isinstance(data, bool)):
        yield prefix, data


NULL_MEANS_NONE = ("median_months_to_ceasefire", "outcomes.median_months_to_ceasefire", "acceptance_rate_by_month.",
                   "p_holds_given_observable_ceasefire", "provenance.")
"""Keys of results.json whose null means "none" (no world reached a ceasefire; nobody was asked that
month; no world had a ceasefire to observe; a provenance entry that does not apply), not a number
gone wrong."""


def output_problems(folder: Path, scenario_file: Path | None = None) -> str | None:
    """What is wrong with an accepted command's outputs in ``folder``, or None: strict JSON; every
    number finite (a null only where it means none); probabilities in [0, 1]; casualties and areas
    non-negative; every numeric column of worlds.parquet finite except a world's terms where it made
    no deal, and each world's parameter within the scenario's prior; a sweep's table finite except
    where a point failed or no world made a deal."""
    import numpy as np
    import pyarrow.parquet as pq

    def refuse(token):
        raise ValueError(f"non-standard JSON token {token}")

    if (folder / "results.parquet").exists():            # a sweep
        table = pq.read_table(folder / "results.parquet").to_pandas()
        for name in table.columns:
            if name == "error" or not np.issubdtype(table[name].dtype, np.number):
                continue
            bad = ~np.isfinite(table[name].to_numpy(dtype=float))
            bad &= table["error"].isna().to_numpy() if "error" in table else True
            shares = sorted((c for c in table.columns if re.fullmatch(r"p_ceasefire_\d+m", c)),
                            key=lambda c: int(c[12:-1]))
            reached = table[shares[-1]].to_numpy() if shares else np.ones(len(table))
            if name.startswith("terms_"):           # no world of the point made a deal
                bad &= reached > 0
            if name == "median_months_to_ceasefire":   # fewer than half of the worlds reached one
                bad &= reached >= 0.5
            if bad.any():
                return f"results.parquet: {int(bad.sum())} non-finite values in {name}"
            if name.startswith("p_") and ((table[name] < 0) | (table[name] > 1)).any():
                return f"results.parquet: a probability outside [0, 1] in {name}"
        return None
    try:
        summary = json.loads((folder / "results.json").read_text(), parse_constant=refuse)
    except (OSError, ValueError) as exc:
        return f"results.json: {exc}"
    for key, value in _numbers(summary):
        one_world = summary["worlds"] == 1 and ".ci95[" in key     # no interval from a single world
        if value is None and not key.startswith(NULL_MEANS_NONE) and not one_world:
            return f"results.json: {key} is null"
        if isinstance(value, float) and not math.isfinite(value):
            return f"results.json: {key} is {value}"
    for p in summary["p_ceasefire_by_month"] + summary["p_in_ceasefire_by_month"]:
        if not 0 <= p <= 1:
            return f"a probability of {p}"
    for actor, spread in summary["casualties_at_horizon"].items():
        if spread["p05"] < 0:
            return f"negative casualties for {actor}"
    if summary["occupied_km2_at_horizon"]["p05"] < 0:
        return "negative occupied area"
    table = pq.read_table(folder / "worlds.parquet")
    made_deal = table.column("first_ceasefire_month").to_numpy() > 0   # 0: no ceasefire
    priors = {}
    if scenario_file is not None:
        from sim.engine import load_scenario
        from sim.scenario.params import Prior
        from sim.scenario.paths import scalar_paths

        # The scenario as the run read it: with its --set overrides (results.json records them).
        scenario = load_scenario(scenario_file, summary["provenance"].get("overrides") or None).scenario
        priors = {n: p for n, p in scalar_paths(scenario).items() if isinstance(p, Prior)}
        if scenario.condition_on is not None:     # these start from the replayed record, not from the prior
            from sim.engine.conditioning import STATE_HANDOVER

            for state in STATE_HANDOVER:
                for actor in scenario.actors:
                    priors.pop(state.path.format(actor=actor), None)
    for name, column in zip(table.column_names, table.columns, strict=True):
        values = column.to_numpy(zero_copy_only=False)
        if not np.issubdtype(values.dtype, np.number):
            continue
        bad = ~np.isfinite(values.astype(float))
        if name.startswith("terms/"):
            bad &= made_deal
        if bad.any():
            return f"worlds.parquet: {int(bad.sum())} non-finite values in {name}"
        if name.startswith(("casualties_", "occupied_")) and (values < 0).any():
            return f"worlds.parquet: negative values in {name}"
        prior = priors.get(name.removeprefix("param/"))
        if name.startswith("param/") and prior is not None:
            slack = 1e-9 * max(1.0, abs(prior.low), abs(prior.high))
            if ((values < prior.low - slack) | (values > prior.high + slack)).any():
                return f"worlds.parquet: {name} outside its prior [{prior.low:g}, {prior.high:g}]"
    return None


def run_case(case: Case, workdir: Path) -> tuple[str, str, float]:
    """Run one case; returns (outcome, detail, seconds)."""
    folder = workdir / f"case-{case.number:04d}"
    folder.mkdir()
    for parent in SCENARIOS.glob("*.yaml"):  # so that 'extends: baseline.yaml' resolves beside the case
        shutil.copy(parent, folder / parent.name)
    shutil.copytree(SCENARIOS / "evidence", folder / "evidence")   # and 'condition_on: {record: evidence/...}'

    (folder / "case.yaml").write_text(case.text)
    for name, blob in case.files:
        (folder / name).write_bytes(blob)
    # One process: 200 worlds are one chunk, and every worker would only add its start-up to the CPU time.
    defaults = ["--worlds", WORLDS if case.command == "run" else SWEEP_WORLDS, "--workers", "1", "--quiet",
                "--out", "out"]
    command = [sys.executable, "-m", "sim.cli", case.command, "case.yaml", *defaults, *case.options]
    began = time.perf_counter()
    with open(folder / "stderr.txt", "wb") as stderr:  # a file, not a pipe: nothing to drain while waiting
        proc = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=stderr, cwd=folder,
                                env={**os.environ, "MPLBACKEND": "Agg"})
        while True:  # os.wait4 gives the case's own CPU time, which Popen.wait would throw away
            pid, status, usage = os.wait4(proc.pid, os.WNOHANG)
            if pid:
                break
            if time.perf_counter() - began > WALL_LIMIT:
                proc.kill()
                os.wait4(proc.pid, 0)
                proc.returncode = -9
                return "hang", f"{case.mutation} (stuck for {WALL_LIMIT:.0f} s)", time.perf_counter() - began
            time.sleep(0.02)
    proc.returncode = os.waitstatus_to_exitcode(status)
    seconds = usage.ru_utime + usage.ru_stime
    if seconds > SECONDS_LIMIT:
        return "hang", f"{case.mutation} ({seconds:.1f} s of CPU)", seconds
    err = (folder / "stderr.txt").read_bytes().decode(errors="replace")
    if "Traceback" in err or proc.returncode not in (0, 2):
        return "traceback", f"{case.mutation}: exit {proc.returncode}: {err[-600:]}", seconds
    if proc.returncode == 2:
        # One paragraph, or argparse's refusal of an option: its usage, then "negsim CMD: error: ...".
        lines = err.strip().splitlines()
        own = err.startswith("negsim: error: ") and err.count("\n") == 1
        by_argparse = lines[0].startswith("usage: negsim ") and lines[-1].startswith(f"negsim {case.command}: error: ")
        if not (own or by_argparse):
            return "traceback", f"{case.mutation}: not one paragraph: {err[:300]}", seconds
        return "refused", lines[-1], seconds
    if case.nonsense:
        return "nonsense accepted", case.mutation, seconds
    out = folder / [value for option, value in zip(command, command[1:], strict=False) if option == "--out"][-1]
    problem = output_problems(out, folder / "case.yaml")
    if problem:
        return "bad output", f"{case.mutation}: {problem}", seconds
    return "accepted", case.mutation, seconds


SERVER_URLS = ["/api/forecast", "/api/bargain", "/api/story", "/api/controls", "/api/scenarios", "/lessons/x.md",
               "/static/../../etc/passwd", "/", "/nope"]
SERVER_VALUES = [0, -1, 1, 3, 2 ** 63, -(2 ** 63), 10 ** 12, 999_999, 1_000_000, 0.5, 1e308, -1e308, "NaN",
                 "Infinity", "x" * 300, "", None, True, [], {}, [1], {"a": 1}, "\x1b[2J"]


def server_request(rng: random.Random) -> tuple[str, str, bytes, dict]:
    """One generated request: method, URL, body and headers (a JSON body mostly, sometimes not JSON,
    too large, or for another host)."""
    url = rng.choice(SERVER_URLS)
    if url == "/api/controls":
        url += "?scenario=" + rng.choice(["baseline.yaml", "nope.yaml", "../x", "", "%00"])
    body: dict = {"scenario": rng.choice(["baseline.yaml", "us_walks_away.yaml", "nope.yaml", "../baseline.yaml",
                                          "", None, 3])}
    for key in rng.sample(["values", "worlds", "world", "month", "issues"], rng.randint(0, 5)):
        if key == "values":
            body[key] = {rng.choice(["actors.russia.beliefs.victory", "actors.us.levers.sanctions",
                                     "actors.russia.red_lines.0.kind", "nope", "", "x" * 300]):
                         rng.choice([*SERVER_VALUES, "hard", "audience"]) for _ in range(rng.randint(0, 3))}
        elif key == "issues":
            body[key] = rng.sample(["nato", "territory", "guarantees", "nope", "", "territory"], rng.randint(0, 3))
        else:
            body[key] = rng.choice(SERVER_VALUES)
    if body.get("worlds") is not None and isinstance(body["worlds"], int) and body["worlds"] > 300:
        body["worlds"] = 300      # a forecast of many worlds is legitimately slow, not an error
    data = json.dumps(body, allow_nan=True).encode()
    headers = {"content-type": "application/json"}
    shape = rng.random()
    if shape < 0.05:
        data = b"{not json"
    elif shape < 0.08:
        data = b'{"scenario": "' + b"x" * 70_000 + b'"}'
    elif shape < 0.11:
        headers["host"] = "evil.example:8000"
    method = "POST" if url.startswith(("/api/forecast", "/api/bargain", "/api/story")) else "GET"
    return method, url, data, headers


def fuzz_server(count: int, seed: int, report=print) -> Counter:
    """Send ``count`` generated requests to the classroom server in this process; each must end in
    200, 400, 404 or 413, with a short error, strict JSON and finite numbers, in under 10 s."""
    import asyncio

    import httpx

    from sim.web.app import Classroom, create_app, find_scenarios

    rng = random.Random(seed)
    room = Classroom(find_scenarios(SCENARIOS), "baseline.yaml", lessons=ROOT / "docs" / "teaching", workers=0)
    app = create_app(room)
    outcomes: Counter = Counter()

    async def send(method, url, data, headers):
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://127.0.0.1", timeout=60) as client:
            return await client.request(method, url, content=data if method == "POST" else None, headers=headers)

    def refuse(token):
        raise ValueError(f"non-standard JSON token {token}")

    slowest = 0.0
    for number in range(count):
        method, url, data, headers = server_request(rng)
        began = time.process_time()
        try:
            response = asyncio.run(send(method, url, data, headers))
        except Exception as exc:   # noqa: BLE001 - what the fuzz is looking for
            outcomes["traceback"] += 1
            report(f"[traceback] request {number}: {method} {url} {data[:200]!r}: {type(exc).__name__}: {exc}")
            continue
        seconds = time.process_time() - began
        slowest = max(slowest, seconds)
        problem = None
        if response.status_code not in (200, 400, 404, 413):
            problem = f"HTTP {response.status_code}: {response.text[:300]}"
        elif seconds > SECONDS_LIMIT:
            problem = f"{seconds:.1f} s of CPU"
        elif response.status_code != 200 and len(response.content) > 1_000:
            problem = f"an error of {len(response.content):,} bytes"
        elif response.headers.get("content-type", "").startswith("application/json"):
            try:
                for key, value in _numbers(json.loads(response.text, parse_constant=refuse)):
                    if isinstance(value, float) and not math.isfinite(value):
                        problem = f"{key} is {value}"
            except ValueError as exc:
                problem = str(exc)
        outcome = "hang" if problem and "CPU" in problem else "bad output" if problem else \
            ("accepted" if response.status_code == 200 else "refused")
        outcomes[outcome] += 1
        if problem:
            report(f"[{outcome}] request {number}: {method} {url} {data[:200]!r}: {problem}")
    report(f"{count} server requests (seed {seed}): " + ", ".join(f"{k} {v}" for k, v in sorted(outcomes.items()))
           + f"; slowest {slowest:.1f} s of CPU")
    return outcomes


def largest_child_mb() -> float:
    """Peak resident memory of the largest child process waited for so far (Linux reports kB)."""
    return resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024


def fuzz(count: int, seed: int, workers: int, report=print) -> Counter:
    """Run ``count`` generated cases on ``workers`` at a time; returns the count of each outcome
    (a case over the memory limit is counted once, as ``memory``: the operating system reports the
    largest child, not each)."""
    cases = generate(count, seed)
    outcomes: Counter = Counter()
    slowest = 0.0
    with tempfile.TemporaryDirectory(prefix="negsim-fuzz-") as tmp, ThreadPoolExecutor(workers) as pool:
        for case, (outcome, detail, seconds) in zip(
                cases, pool.map(lambda c: run_case(c, Path(tmp)), cases), strict=True):
            outcomes[outcome] += 1
            slowest = max(slowest, seconds)
            if outcome not in ("refused", "accepted"):
                report(f"[{outcome}] case {case.number}: {detail}")
    largest = largest_child_mb()
    if largest > MEMORY_LIMIT_MB:
        outcomes["memory"] += 1
    report(f"{len(cases)} cases (seed {seed}): " + ", ".join(f"{k} {v}" for k, v in sorted(outcomes.items()))
           + f"; slowest {slowest:.1f} s of CPU, largest {largest:.0f} MB (limits {SECONDS_LIMIT:.0f} s, "
           f"{MEMORY_LIMIT_MB:.0f} MB)")
    outcomes["_slowest_seconds"], outcomes["_largest_mb"] = slowest, largest
    return outcomes


FAILURES = ("traceback", "hang", "memory", "nonsense accepted", "bad output")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--cases", type=int, default=500)
    parser.add_argument("--seed", type=int, default=16)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--server-cases", type=int, default=0, help="requests to the classroom server, too")
    args = parser.parse_args()
    resource.setrlimit(resource.RLIMIT_CORE, (0, 0))
    outcomes = fuzz(args.cases, args.seed, args.workers)
    if args.server_cases:
        outcomes.update(fuzz_server(args.server_cases, args.seed))
    return 1 if any(outcomes[f] for f in FAILURES) else 0


if __name__ == "__main__":
    sys.exit(main())
