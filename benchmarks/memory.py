"""Benchmark the memory of ``negsim run``: peak resident memory against the number of worlds.

    python benchmarks/memory.py [--worlds 10000,100000,500000] [--chunk-size 4000]

Each size runs as its own ``negsim run scenarios/baseline.yaml --worlds N --out DIR`` process (the
summary, results.json and the figures included) and reports the process's peak resident set size.
Prints one line per size and, last, ``peak at the largest / peak at 100,000 worlds: <ratio>``
(the issue's bound is 1.5 for 2,000,000 worlds: ``--worlds 100000,2000000``, about 40 minutes).
"""

from __future__ import annotations

import argparse
import platform
import subprocess
import sys
import tempfile
from pathlib import Path

from sim import __version__
from sim.engine.defaults import DEFAULT_CHUNK

BASELINE = Path(__file__).resolve().parent.parent / "scenarios" / "baseline.yaml"
CHILD = """
import resource, sys
from sim.cli import main
code = main(sys.argv[1:])
print(f"peak-kB {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss}", file=sys.stderr)
sys.exit(code)
"""


def peak_mb(worlds: int, chunk: int, out: Path) -> tuple[float, float]:
    """Peak resident MB and wall seconds of one run."""
    import time

    began = time.perf_counter()
    done = subprocess.run([sys.executable, "-c", CHILD, "run", str(BASELINE), "--worlds", str(worlds),
                           "--chunk-size", str(chunk), "--quiet", "--out", str(out)],
                          capture_output=True, text=True, check=True)
    seconds = time.perf_counter() - began
    line = next(line for line in done.stderr.splitlines() if line.startswith("peak-kB "))
    return int(line.split()[1]) / 1024, seconds


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--worlds", default="10000,100000,500000", help="comma-separated sizes")
    parser.add_argument("--chunk-size", type=int, default=DEFAULT_CHUNK)
    args = parser.parse_args()
    sizes = [int(s) for s in args.worlds.split(",")]
    print(f"negsim {__version__}, Python {platform.python_version()}, {platform.machine()}; "
          f"chunk {args.chunk_size:,} worlds")
    peaks = {}
    with tempfile.TemporaryDirectory() as tmp:
        for worlds in sizes:
            peaks[worlds], seconds = peak_mb(worlds, args.chunk_size, Path(tmp) / str(worlds))
            print(f"{worlds:>10,} worlds: peak {peaks[worlds]:7.0f} MB  ({seconds:6.0f} s)", flush=True)
    reference = peaks.get(100_000, peaks[sizes[0]])
    print(f"peak at the largest / peak at {100_000 if 100_000 in peaks else sizes[0]:,} worlds: "
          f"{peaks[max(sizes)] / reference:.2f}")


if __name__ == "__main__":
    main()
