"""Benchmark the memory of ``negsim run``: peak resident memory against the number of worlds.

    python benchmarks/memory.py [--worlds 100000,1000000] [--chunk-size N] [--workers N]

Each size runs as its own ``negsim run scenarios/baseline.yaml --worlds N --out DIR`` process (the
summary, results.json and the figures included, on every core unless ``--workers``). Each line gives
the peak resident set size of the largest process of the run's tree (the command, its forkserver and
its workers; what ``/usr/bin/time -v`` reports as "Maximum resident set size", read here from
``wait4``), and the command's own peak. Last: ``peak at the largest / peak at 100,000 worlds:
<ratio>`` (issue 33's bound: 1.5 at 1,000,000 worlds).
"""

from __future__ import annotations

import argparse
import os
import platform
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from sim import __version__
from sim.engine.defaults import DEFAULT_CHUNK

BASELINE = Path(__file__).resolve().parent.parent / "scenarios" / "baseline.yaml"
CHILD = """
import resource, sys
from sim.cli import main
code = main(sys.argv[1:])
print(f"own-peak-kB {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss}", file=sys.stderr)
sys.exit(code)
"""


def peak_mb(worlds: int, chunk: int | None, workers: int | None, out: Path) -> tuple[float, float, float]:
    """Peak resident MB of the largest process of the run's tree, of the command itself, and wall seconds."""
    command = [sys.executable, "-c", CHILD, "run", str(BASELINE), "--worlds", str(worlds), "--quiet", "--out", str(out)]
    if chunk:
        command += ["--chunk-size", str(chunk)]
    if workers:
        command += ["--workers", str(workers)]
    began = time.perf_counter()
    with tempfile.TemporaryFile() as stderr:
        process = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=stderr)
        _, status, usage = os.wait4(process.pid, 0)   # ru_maxrss: the largest of the process and its waited-for tree
        seconds = time.perf_counter() - began
        stderr.seek(0)
        text = stderr.read().decode(errors="replace")
    if os.waitstatus_to_exitcode(status) != 0:
        raise SystemExit(f"the run of {worlds:,} worlds failed:\n{text[-2000:]}")
    own = next(line for line in text.splitlines() if line.startswith("own-peak-kB "))
    return usage.ru_maxrss / 1024, int(own.split()[1]) / 1024, seconds


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--worlds", default="100000,1000000", help="comma-separated sizes")
    parser.add_argument("--chunk-size", type=int, default=None,
                        help=f"worlds per chunk (default: the run's own, at most {DEFAULT_CHUNK:,} an equal share per process)")
    parser.add_argument("--workers", type=int, default=None, help="processes (default: every core)")
    args = parser.parse_args()
    sizes = [int(s) for s in args.worlds.split(",")]
    chunks = f"of {args.chunk_size:,} worlds" if args.chunk_size else "the default"
    print(f"negsim {__version__}, Python {platform.python_version()}, {platform.machine()}, {os.cpu_count()} cores; "
          f"chunks {chunks}, workers {args.workers or 'all'}")
    peaks = {}
    with tempfile.TemporaryDirectory() as tmp:
        for worlds in sizes:
            peaks[worlds], own, seconds = peak_mb(worlds, args.chunk_size, args.workers, Path(tmp) / str(worlds))
            print(f"{worlds:>10,} worlds: largest process {peaks[worlds]:7.0f} MB, the command itself {own:7.0f} MB"
                  f"  ({seconds:6.0f} s)", flush=True)
    reference = 100_000 if 100_000 in peaks else sizes[0]
    print(f"peak at the largest / peak at {reference:,} worlds: {peaks[max(sizes)] / peaks[reference]:.2f}")


if __name__ == "__main__":
    main()
