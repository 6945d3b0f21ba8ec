"""The C allocator set for runs of models: memory freed by one month's arrays serves the next's.

Each month of a chunk makes and frees hundreds of numpy arrays over its worlds, most of 64 kB to
2 MB (8,000 worlds of doubles, times the issues or the months). glibc's ``malloc`` maps blocks that
large straight from the system (``mmap``) and unmaps them when they are freed; its dynamic threshold
then rises to the largest block freed, and memory freed at the top of the heap is given back past
twice that. A run's arrays of every size keep crossing those lines, so they keep landing on pages
the system must fault in and zero afresh: 166,000-182,000 page faults and 0.4-0.6 s of system time
in a 100,000-world baseline run, a tenth of its CPU time (``getrusage``; docs/design.md, issue 31).

Fixing the thresholds (:data:`MMAP_THRESHOLD`, :data:`TRIM_THRESHOLD`) keeps such blocks in the heap
and the freed ones for reuse: about 23,000 page faults and 0.1-0.15 s of system time in the same run,
no higher peak of memory (381 MB either way). The numbers do not depend on it: only where the arrays
live changes. A process that runs models keeps up to :data:`TRIM_THRESHOLD` of freed memory for its
next chunk instead of returning it at once.

Only glibc has ``mallopt``; elsewhere (macOS, musl, Windows) this does nothing.
"""

from __future__ import annotations

import ctypes
import functools
import platform

M_TRIM_THRESHOLD, M_MMAP_THRESHOLD = -1, -3
"""glibc's ``mallopt`` parameter numbers (``malloc.h``)."""

MMAP_THRESHOLD = 16 * 2**20
"""Blocks at least this large (bytes) are mapped from the system; smaller ones come from the heap.
A chunk's arrays stay well below it (8,000 worlds x 24 months of doubles: 1.5 MB)."""

TRIM_THRESHOLD = 128 * 2**20
"""Freed memory at the top of the heap is returned to the system past this many bytes."""


@functools.cache
def keep_freed_memory() -> bool:
    """Set glibc's thresholds for runs of models, once per process; whether they were set (False
    where the C library is not glibc, or refused a value)."""
    if platform.system() != "Linux" or platform.libc_ver()[0] != "glibc":
        return False
    try:
        mallopt = ctypes.CDLL(None).mallopt
    except (OSError, AttributeError):
        return False
    mallopt.argtypes, mallopt.restype = [ctypes.c_int, ctypes.c_int], ctypes.c_int
    # mallopt returns 1 on success. The mmap threshold goes first: setting it fixes both thresholds
    # (it turns off the dynamic adjustment), which the trim threshold then overrides.
    return bool(mallopt(M_MMAP_THRESHOLD, MMAP_THRESHOLD)) & bool(mallopt(M_TRIM_THRESHOLD, TRIM_THRESHOLD))
