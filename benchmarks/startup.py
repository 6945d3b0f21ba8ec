"""Start-up: how long ``negsim --help`` and ``negsim validate`` take in a fresh process, and what
they import.

    .venv/bin/python benchmarks/startup.py [--repeats 7]

Each command runs ``--repeats`` times, each in its own process (wall time, median and range), then
once under ``python -X importtime`` to list the slowest imports (cumulative). The figures are this
machine's, measured in this run; compare them on one machine only.
"""

from __future__ import annotations

import argparse
import re
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
COMMANDS = {"negsim --help": ["--help"], "negsim validate baseline": ["validate", "scenarios/baseline.yaml"]}


def wall_times(args: list[str], repeats: int) -> list[float]:
    times = []
    for _ in range(repeats):
        started = time.perf_counter()
        subprocess.run([sys.executable, "-m", "sim.cli", *args], cwd=ROOT, check=True, capture_output=True)
        times.append(time.perf_counter() - started)
    return times


def slowest_imports(args: list[str], count: int = 6) -> list[tuple[str, float]]:
    done = subprocess.run([sys.executable, "-X", "importtime", "-m", "sim.cli", *args], cwd=ROOT,
                          capture_output=True, text=True)
    top = []
    for line in done.stderr.splitlines():
        match = re.match(r"import time:\s+\d+ \|\s+(\d+) \|( *)(\S+)", line)
        if match and len(match.group(2)) <= 3:          # top-level imports and their direct children
            top.append((match.group(3), int(match.group(1)) / 1e6))
    return sorted(top, key=lambda item: -item[1])[:count]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--repeats", type=int, default=7)
    repeats = parser.parse_args().repeats
    wall_times(["--help"], 1)   # the first process after a change compiles bytecode; not counted
    for name, args in COMMANDS.items():
        times = wall_times(args, repeats)
        print(f"{name}: median {statistics.median(times):.3f} s of wall time "
              f"(range {min(times):.3f}-{max(times):.3f} s, {repeats} processes)")
        print("  slowest imports: " + ", ".join(f"{module} {seconds:.3f} s" for module, seconds in slowest_imports(args)))


if __name__ == "__main__":
    main()
