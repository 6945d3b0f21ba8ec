"""The local executor: this process and the worker processes share one queue of tasks."""

import os
import time

from sim.engine.executor import run_tasks


def record_pid(shared, key):
    """A task of a few milliseconds that says which process ran it."""
    time.sleep(0.005)
    return key, os.getpid(), shared


def test_every_task_runs_once_and_its_result_comes_back_here():
    """Workers are handed their next task from the pool's thread as each ends, while this process
    runs tasks of its own: every task must still run exactly once, and every result reach
    ``finished`` in this process, however the two interleave."""
    results = []
    run_tasks(record_pid, [(key, (key,)) for key in range(120)],
              lambda key, result: results.append((key, result, os.getpid())), workers=2, shared="shared")
    assert sorted(key for key, _, _ in results) == list(range(120))
    assert all(result[0] == key and result[2] == "shared" for key, result, _ in results)
    assert {here for _, _, here in results} == {os.getpid()}
