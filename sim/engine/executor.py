"""One way to run independent tasks: in this process, on local processes, or on a Dask cluster.

Tasks are ``(key, args)`` pairs and a picklable function; results come back as they finish
through ``finished(key, result)``, so the caller can checkpoint each one. Results never depend on
where a task ran: every random number belongs to a world, not to a process.
"""

from __future__ import annotations

import os
import signal
import threading
import time
from collections.abc import Callable, Sequence
from concurrent.futures import CancelledError, Future, ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from multiprocessing import get_context
from typing import Any

from sim.scenario import ClusterError, ExecutionFault

CONNECT_SECONDS = 10
"""How long to try reaching a Dask scheduler before saying the address is wrong."""
NO_WORKERS_SECONDS = 30
"""How long a Dask computation waits with no worker at all before giving up (a cluster adding
workers, or a nanny restarting one, takes a few seconds)."""


def run_tasks(function: Callable[..., Any], tasks: Sequence[tuple[Any, tuple]],
              finished: Callable[[Any, Any], None], *, workers: int | None = 1,
              scheduler: str | None = None, dask_local: bool = False, shared: Any = None) -> None:
    """Call ``function(shared, *args)`` for every task and hand each result to ``finished``.

    Args:
        function: module-level (picklable) function.
        tasks: ``(key, args)`` pairs.
        finished: called in this process with ``(key, result)`` as each task ends.
        workers: local processes (None: all cores; 1: in this process).
        scheduler: address of a Dask scheduler (``tcp://host:port``) to run on instead.
        dask_local: run on a Dask ``LocalCluster`` on this machine (loopback only).
        shared: a first argument for every call, sent to each worker once.
    """
    workers = workers or os.cpu_count() or 1
    if scheduler or dask_local:
        _run_on_dask(function, tasks, finished, scheduler, workers, shared)
    elif workers == 1 or len(tasks) <= 1:
        for key, args in tasks:
            finished(key, function(shared, *args))
    else:
        _run_here_and_on_workers(function, tasks, finished, min(workers, len(tasks)), shared)


def _run_here_and_on_workers(function: Callable[..., Any], tasks: Sequence[tuple[Any, tuple]],
                             finished: Callable[[Any, Any], None], workers: int, shared: Any) -> None:
    """``workers`` busy processes: this one and ``workers - 1`` local ones, taking tasks from one queue.

    This process works too rather than waiting: it starts at once, while the worker processes start
    (the forkserver imports the task's module and loads the compiled code first, about a second;
    the workers' first tasks are sent from a thread, since sending one waits for that), and it is
    one process fewer to start. A worker is given its next task the moment it finishes one (from the
    pool's thread, so it never waits for this process to end a task of its own), and never holds a
    second task in reserve: a worker that starts late or runs slow does not leave this process idle
    at the end while it works through a backlog.
    """
    # forkserver: workers start clean, without the parent's threads (fork can deadlock). The server
    # imports the task's module once (and loads the compiled search: sim.engine.preload), so each
    # worker forks with them loaded instead of loading them itself.
    context = get_context("forkserver")
    context.set_forkserver_preload([function.__module__, "sim.engine.preload"])
    _start_forkserver_deaf_to_ctrl_c()
    queue = list(reversed(tasks))   # popped from the end: in the tasks' order
    lock = threading.Lock()
    futures: dict[Future, Any] = {}
    done_futures: list[Future] = []
    sending = [0]                   # tasks taken for a worker whose future is not yet recorded
    progress = threading.Condition(lock)

    def take() -> tuple[Any, tuple] | None:
        with lock:
            return queue.pop() if queue else None

    with ProcessPoolExecutor(max_workers=workers - 1, mp_context=context,
                             initializer=_exit_with, initargs=(os.getpid(),)) as pool:

        def give_next() -> None:
            """Send the next task to the pool, if one is left; if the pool cannot take it (stopping,
            broken), it goes back to the queue for this process. The submission runs outside the
            lock: the first waits for the forkserver to start (it imports the task's module and
            loads the compiled code, about a second), and this process must not wait with it. A task
            on its way counts in ``sending`` until its future is recorded, so this process never
            takes the run for ended while one is."""
            with lock:
                if not queue:
                    return
                key, args = queue.pop()
                sending[0] += 1
            try:
                future = pool.submit(function, shared, *args)
            except (RuntimeError, OSError, EOFError):   # shut down, broken, or its server gone: run here
                with progress:
                    queue.append((key, args))
                    sending[0] -= 1
                    progress.notify()
                return
            with lock:
                futures[future] = key
                sending[0] -= 1
            future.add_done_callback(ended)   # outside the lock: it runs at once if the task is done

        def ended(future: Future) -> None:
            with progress:
                done_futures.append(future)
                progress.notify()
            if not future.cancelled() and future.exception() is None:
                give_next()

        def collect() -> None:
            with lock:
                ready, done_futures[:] = list(done_futures), []
            for future in ready:
                with lock:
                    key = futures.pop(future)
                finished(key, future.result())

        # The workers' first tasks are sent from a thread: this process starts on its own at once.
        def give_first() -> None:
            for _ in range(workers - 1):
                give_next()

        starting = threading.Thread(target=give_first, daemon=True, name="start-workers")
        try:
            starting.start()
            while True:
                collect()
                task = take()
                if task is not None:
                    finished(task[0], function(shared, *task[1]))
                    continue
                with progress:
                    if queue:
                        continue                # a task the pool could not take came back
                    if not sending[0] and len(futures) == len(done_futures):
                        break                   # every task given out has ended
                    if not done_futures:
                        progress.wait()
            starting.join()
            collect()
        except BrokenProcessPool:
            raise ExecutionFault("a worker process died (killed, or out of memory)") from None
        except BaseException:  # Ctrl-C, or a fault in `finished`: stop the workers now, not after their tasks
            _stop_workers(pool)
            raise


def _start_forkserver_deaf_to_ctrl_c() -> None:
    """Start the forkserver (if it is not running) with Ctrl-C's SIGINT ignored, as it ignores it
    once it serves. It imports the task's module and loads the compiled code first (about a
    second), while this process already works; a Ctrl-C then would otherwise print its traceback.
    Starting it takes milliseconds: the import happens in the server. Only the main thread can
    change a signal's handler; elsewhere the server starts when the first worker does."""
    if threading.current_thread() is not threading.main_thread():
        return
    from multiprocessing import forkserver

    before = signal.signal(signal.SIGINT, signal.SIG_IGN)
    try:
        forkserver.ensure_running()
    finally:
        signal.signal(signal.SIGINT, before)


PARENT_POLL_SECONDS = 0.5
"""How often a worker process checks that the process that started it is still alive."""


def _stop_workers(pool: ProcessPoolExecutor) -> None:
    """Kill a pool's workers and drop its queued tasks (Python 3.14 has ``terminate_workers``)."""
    terminate = getattr(pool, "terminate_workers", None)
    if terminate is not None:
        terminate()
        return
    for process in list((getattr(pool, "_processes", None) or {}).values()):
        process.kill()
    pool.shutdown(wait=False, cancel_futures=True)


def _exit_with(parent: int) -> None:
    """Make this worker process exit within a moment of ``parent`` dying, even by SIGKILL; and leave
    Ctrl-C to the parent.

    A terminal sends Ctrl-C's SIGINT to every process of the command: each worker would print its
    own traceback. The worker ignores it; the parent stops the workers (:func:`_stop_workers`).

    A killed parent cannot tell its workers to stop, and they would otherwise finish their tasks
    (minutes of CPU) and linger; the worker's own parent is the forkserver, so the operating
    system's parent-death signal does not reach the process that matters."""
    def watch() -> None:
        while True:
            time.sleep(PARENT_POLL_SECONDS)
            try:
                os.kill(parent, 0)
            except (ProcessLookupError, PermissionError):  # gone (or its pid reused by another user)
                os._exit(1)

    signal.signal(signal.SIGINT, signal.SIG_IGN)
    threading.Thread(target=watch, daemon=True, name="exit-with-parent").start()


def _relax_malloc_trimming() -> None:
    """Undo Dask's default MALLOC_TRIM_THRESHOLD_ of 64 KiB in this worker process.

    That setting also freezes glibc's mmap threshold at 128 KiB, so every large temporary array is
    mapped and unmapped afresh, and the model (which makes many) runs about 2.3 times slower
    (measured: 3.1 s against 1.35 s a chunk). Restore generous thresholds."""
    try:
        import ctypes

        libc = ctypes.CDLL("libc.so.6")
        libc.mallopt(-3, 32 * 1024 * 1024)   # M_MMAP_THRESHOLD: the largest glibc allows
        libc.mallopt(-1, 256 * 1024 * 1024)  # M_TRIM_THRESHOLD
    except (OSError, AttributeError):  # not glibc: nothing to undo
        pass


def _on_dask_worker(function: Callable[..., Any], shared: Any, *args) -> Any:
    _relax_malloc_trimming()
    return function(shared, *args)


def _connect(scheduler: str):
    from dask.distributed import Client

    try:
        return Client(scheduler, timeout=f"{CONNECT_SECONDS}s")
    except (OSError, TimeoutError, ValueError, TypeError) as exc:
        raise ClusterError(f"cannot reach a Dask scheduler at {scheduler!r} within {CONNECT_SECONDS} s "
                           f"({type(exc).__name__}: {exc}); check the address (tcp://HOST:PORT) and that the "
                           "scheduler is running") from None


def _run_on_dask(function, tasks, finished, scheduler, workers, shared) -> None:
    from dask.distributed import Client, LocalCluster
    from dask.distributed import as_completed as dask_completed

    cluster = None
    if scheduler:
        client = _connect(scheduler)
    else:
        cluster = LocalCluster(n_workers=workers, threads_per_worker=1, processes=True,
                               host="127.0.0.1", dashboard_address=None)
        client = Client(cluster)
    try:
        shared_future = client.scatter(shared, broadcast=True)
        futures = {client.submit(_on_dask_worker, function, shared_future, *args, pure=False, retries=2): key
                   for key, args in tasks}
        pending = dask_completed(futures)
        health = _ClusterHealth(client)
        while not pending.is_empty():
            batch = pending.next_batch(block=False)
            for future in batch:
                finished(futures[future], _result(future, client))
            if not batch:
                time.sleep(0.2)
                health.check()
    finally:
        _close_quietly(client, cluster)


def _result(future, client) -> Any:
    """A finished Dask task's result; a cluster that failed under it is an :class:`ExecutionFault`
    (a task's own error, a bug, is raised as it is)."""
    from distributed.scheduler import KilledWorker

    try:
        return future.result()
    except KilledWorker as exc:
        raise ExecutionFault(f"Dask workers kept dying while computing ({exc})") from None
    except (OSError, CancelledError) as exc:  # CommClosedError is an OSError; lost futures are cancelled
        if _reachable(client):
            raise ExecutionFault("every Dask worker was lost, and with them the data the tasks needed "
                                 f"({type(exc).__name__})") from None
        raise ExecutionFault(f"lost the Dask scheduler ({type(exc).__name__}: {exc})") from None


class _ClusterHealth:
    """Gives up on a cluster that can no longer finish: one with no worker would wait for ever,
    and a client cut off from its scheduler for a while."""

    def __init__(self, client):
        self.client = client
        self.without_workers, self.disconnected = _Stopwatch(), _Stopwatch()

    def check(self) -> None:
        connected = self.client.status == "running"
        if self.disconnected.running_for(not connected) > 2 * CONNECT_SECONDS:
            raise ExecutionFault(f"lost the Dask scheduler (no answer for {2 * CONNECT_SECONDS} s)")
        try:
            idle = connected and not self.client.scheduler_info(n_workers=1).get("workers")
        except OSError:
            idle = False  # the disconnection is timed above
        if self.without_workers.running_for(idle) > NO_WORKERS_SECONDS:
            raise ExecutionFault(f"every Dask worker was lost, and none joined for {NO_WORKERS_SECONDS} s")


def _reachable(client) -> bool:
    """Whether the scheduler still answers (so a lost computation lost its workers, not the scheduler)."""
    try:
        client.sync(client.scheduler.identity, n_workers=0, callback_timeout=CONNECT_SECONDS)
        return True
    except Exception:  # no answer in time, or no connection: the scheduler is gone
        return False


class _Stopwatch:
    """Seconds for which a condition has held without a break (0 while it does not hold)."""

    def __init__(self):
        self.since: float | None = None

    def running_for(self, holds: bool) -> float:
        if not holds:
            self.since = None
            return 0.0
        self.since = self.since or time.monotonic()
        return time.monotonic() - self.since


def _close_quietly(client, cluster) -> None:
    """Close the client and a local cluster; a scheduler already gone is not a second error."""
    for closable in (client, cluster):
        if closable is None:
            continue
        try:
            closable.close(timeout=CONNECT_SECONDS) if closable is client else closable.close()
        except (OSError, TimeoutError, RuntimeError):
            pass
