"""A generated fuzz run of the command line, as a hostile or careless user would drive it (issue 16).

Each case is a scenario file made from a shipped one by one mutation (a hostile value at a random
key, a key removed or added, a generated condition, a YAML trick, an odd ``extends``), run as a
real ``negsim run CASE --worlds 200 --out DIR`` in its own process. A case ends in one of:

* ``refused``: exit 2 with one paragraph ``negsim: error: ...`` and no traceback;
* ``accepted``: exit 0 with a strict-JSON ``results.json`` whose every number is finite,
  probabilities in [0, 1] and counts non-negative, and the mutation was not nonsense by
  construction (a non-finite number, a boolean or text where the scenario had a number);
* a failure: ``traceback`` (or any other exit status), ``hang`` (over 10 s of CPU, or stuck for
  120 s of wall time: CPU time is what a case costs whatever else the machine runs, such as the
  test suite's other worker), ``memory`` (the largest case over 500 MB peak), ``nonsense accepted``
  or ``bad output``.

Run it as ``python -m tests.fuzz_cli --cases 500 --workers 2``; it prints the counts and each
failure. ``tests/scenario/test_fuzz_cli.py`` runs a smaller sample in the test suite.
"""

from __future__ import annotations

import argparse
import copy
import json
import math
import os
import random
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
EXTENDS = ["/dev/zero", "/dev/urandom", "/etc/passwd", "../../../../etc/hostname.yaml", "case.yaml", "nowhere.yaml",
           3, None, ["baseline.yaml"], "baseline.yaml\x00.yaml", "/proc/self/environ.yaml"]


@dataclass
class Case:
    number: int
    mutation: str
    text: str
    nonsense: bool          # accepting it would be wrong, whatever the output looks like


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
    names = sorted(shipped)
    cases = []
    while len(cases) < count:
        number = len(cases)
        name = rng.choice(names)
        data = shipped[name]
        scalars = [(p, v) for p, v in leaves(data)]
        numbers = [(p, v) for p, v in scalars if is_number(v) and "seed" not in p]
        kind = rng.choice(["hostile number", "odd number", "nudged number", "wrong type", "remove key", "unknown key",
                           "condition", "sound condition", "yaml trick", "extends", "swap prior"])
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
            text, nonsense = dump(put(data, path, value)), True
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


def sane_output(folder: Path) -> str | None:
    """What is wrong with an accepted run's results.json, or None."""
    def refuse(token):
        raise ValueError(f"non-standard JSON token {token}")

    try:
        summary = json.loads((folder / "results.json").read_text(), parse_constant=refuse)
    except (OSError, ValueError) as exc:
        return f"results.json: {exc}"
    for p in summary["p_ceasefire_by_month"] + summary["p_in_ceasefire_by_month"]:
        if not 0 <= p <= 1:
            return f"a probability of {p}"
    for actor, spread in summary["casualties_at_horizon"].items():
        if spread["p05"] is not None and spread["p05"] < 0:
            return f"negative casualties for {actor}"
    occupied = summary["occupied_km2_at_horizon"]
    if occupied["p05"] is not None and occupied["p05"] < 0:
        return "negative occupied area"
    return None


def run_case(case: Case, workdir: Path) -> tuple[str, str, float]:
    """Run one case; returns (outcome, detail, seconds)."""
    folder = workdir / f"case-{case.number:04d}"
    folder.mkdir()
    for parent in SCENARIOS.glob("*.yaml"):  # so that 'extends: baseline.yaml' resolves beside the case
        shutil.copy(parent, folder / parent.name)
    (folder / "case.yaml").write_text(case.text)
    began = time.perf_counter()
    with open(folder / "stderr.txt", "wb") as stderr:  # a file, not a pipe: nothing to drain while waiting
        proc = subprocess.Popen([sys.executable, "-m", "sim.cli", "run", str(folder / "case.yaml"), "--worlds",
                                 WORLDS, "--quiet", "--out", str(folder / "out")], stdout=subprocess.DEVNULL,
                                stderr=stderr, cwd=folder, env={**os.environ, "MPLBACKEND": "Agg"})
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
        if not err.startswith("negsim: error: ") or err.count("\n") != 1:
            return "traceback", f"{case.mutation}: not one paragraph: {err[:300]}", seconds
        return "refused", err.strip(), seconds
    if case.nonsense:
        return "nonsense accepted", case.mutation, seconds
    problem = sane_output(folder / "out")
    if problem:
        return "bad output", f"{case.mutation}: {problem}", seconds
    return "accepted", case.mutation, seconds


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
    args = parser.parse_args()
    resource.setrlimit(resource.RLIMIT_CORE, (0, 0))
    outcomes = fuzz(args.cases, args.seed, args.workers)
    return 1 if any(outcomes[f] for f in FAILURES) else 0


if __name__ == "__main__":
    sys.exit(main())
