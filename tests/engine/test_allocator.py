"""Building a model sets the C allocator so that arrays a month frees serve the next month's."""

from __future__ import annotations

import platform
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]

CHURN = """
import resource, sys
import numpy as np
if sys.argv[1] == "model":
    from sim.engine import build_model, load_scenario
    build_model(load_scenario("scenarios/baseline.yaml").scenario, worlds=1000)
elif sys.argv[1] == "twice":
    from sim.engine.allocator import keep_freed_memory
    print(keep_freed_memory(), keep_freed_memory())
    raise SystemExit
before = resource.getrusage(resource.RUSAGE_SELF).ru_minflt
for month in range(20):   # a month's arrays: many live at once, of several sizes, then all freed
    arrays = [np.ones(size) for size in (8_000, 64_000, 192_000) * 10]
    del arrays
print(resource.getrusage(resource.RUSAGE_SELF).ru_minflt - before)
"""


def churn(mode: str) -> str:
    return subprocess.run([sys.executable, "-c", CHURN, mode], cwd=ROOT, capture_output=True, text=True,
                          check=True).stdout.strip()


@pytest.mark.skipif(platform.system() != "Linux" or platform.libc_ver()[0] != "glibc", reason="mallopt is glibc's")
def test_a_process_that_built_a_model_reuses_freed_arrays_instead_of_faulting_in_fresh_pages():
    # 20 months of 30 arrays, 21 MB live at once: by default glibc maps the larger ones from the
    # system and returns the heap's freed top each month, so every month faults its pages in anew
    # (about 5,000 faults a month); with the thresholds fixed, only the first month does.
    default, tuned = int(churn("plain")), int(churn("model"))
    assert default > 20 * 4_000, default
    assert tuned < default / 5, (tuned, default)


@pytest.mark.skipif(platform.system() != "Linux" or platform.libc_ver()[0] != "glibc", reason="mallopt is glibc's")
def test_the_allocator_is_set_once_and_glibc_accepts_the_thresholds():
    assert churn("twice") == "True True"
