"""Fault injection (issue 16): real SIGKILLs, concurrent writers, a read-only folder, a full disk and
a Dask cluster losing workers or its scheduler. Each fault ends in one clear paragraph (exit 2 for
the user's folder, 1 for the machine or the cluster), leaves no process behind and nothing that
blocks a retry; a resumed computation writes the same bytes as one never interrupted."""

from __future__ import annotations

import contextlib
import errno
import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from sim.cli import main
from sim.engine.checkpoint import Checkpoint
from sim.scenario import ResumeError

from ..analysis.test_sweep import assert_same_tables
from ..conftest import SCENARIOS

BASELINE = str(SCENARIOS / "baseline.yaml")
NEGSIM = [sys.executable, "-m", "sim.cli"]
RUN = [*NEGSIM, "run", BASELINE, "--worlds", "12000", "--chunk-size", "1000", "--quiet"]
SWEEP = [*NEGSIM, "sweep", BASELINE, "--param", "actors.us.levers.sanctions=0:1:8", "--param",
         "actors.russia.beliefs.victory=0.3,0.5", "--worlds", "500", "--chunk-points", "1", "--quiet"]


def results_without_timing(folder: Path) -> str:
    """results.json, byte for byte: what may differ between an interrupted run and a fresh one
    (seconds taken, the command line with its --resume) is in run.json beside it."""
    specifics = json.loads((folder / "run.json").read_text())
    assert set(specifics) == {"seconds", "command"}
    return (folder / "results.json").read_text()


def session_processes(session: int) -> list[int]:
    """Processes still alive (not zombies) in a session: what a killed command left behind."""
    alive = []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        with contextlib.suppress(OSError):
            fields = stat.read_text().rsplit(")", 1)[1].split()
            if int(fields[3]) == session and fields[0] != "Z":
                alive.append(int(stat.parent.name))
    return alive


def kill_when(argv: list[str], ready, timeout: float = 180) -> None:
    """Start a command in its own session, SIGKILL it once ``ready()`` holds, and check that every
    process it started is gone within a few seconds (workers exit with their parent)."""
    proc = subprocess.Popen(argv, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True)
    deadline = time.time() + timeout
    while time.time() < deadline and not ready():
        assert proc.poll() is None, "the command ended before it could be interrupted"
        time.sleep(0.05)
    os.kill(proc.pid, signal.SIGKILL)
    proc.wait()
    deadline = time.time() + 10
    while session_processes(proc.pid) and time.time() < deadline:
        time.sleep(0.1)
    assert session_processes(proc.pid) == [], "processes outlived the killed command"


def saved(folder: Path, pattern: str) -> int:
    return len(list(folder.glob(pattern)))


@pytest.fixture(scope="module")
def uninterrupted_run(tmp_path_factory):
    out = tmp_path_factory.mktemp("run") / "full"
    subprocess.run([*RUN, "--out", str(out)], check=True, capture_output=True)
    return out


@pytest.mark.slow
@pytest.mark.parametrize("chunks_before_kill", [1, 4])
def test_a_killed_run_resumes_to_the_same_bytes(chunks_before_kill, uninterrupted_run, tmp_path):
    cut = tmp_path / "cut"
    kill_when([*RUN, "--out", str(cut)], lambda: saved(cut / ".checkpoint", "chunk-*.npz") >= chunks_before_kill)
    assert not (cut / "results.json").exists()
    resumed = subprocess.run([*RUN, "--out", str(cut), "--resume"], capture_output=True, text=True)
    assert resumed.returncode == 0, resumed.stderr
    assert results_without_timing(cut) == results_without_timing(uninterrupted_run)
    assert not (cut / ".checkpoint").exists()


@pytest.mark.slow
def test_ctrl_c_stops_a_parallel_run_at_once_with_one_line_and_it_resumes_to_the_same_bytes(uninterrupted_run,
                                                                                              tmp_path):
    """A terminal's Ctrl-C reaches every process of the command (SIGINT to its process group): the
    workers leave it to the parent, which stops them at once; no worker prints a traceback."""
    cut = tmp_path / "cut"
    # With Ctrl-C's default action, as a command started from a terminal has it: a test run started in
    # the background (a shell's `&`) ignores SIGINT, and its children would inherit that.
    proc = subprocess.Popen([*RUN, "--workers", "2", "--out", str(cut)], stdout=subprocess.DEVNULL,
                            stderr=subprocess.PIPE, text=True, start_new_session=True,
                            preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL))
    deadline = time.time() + 180
    while time.time() < deadline and saved(cut / ".checkpoint", "chunk-*.npz") < 2:
        assert proc.poll() is None, "the run ended before it could be interrupted"
        time.sleep(0.05)
    os.killpg(proc.pid, signal.SIGINT)
    _, stderr = proc.communicate(timeout=30)
    assert proc.returncode == 130
    assert stderr.strip().splitlines() == [
        "negsim: interrupted; finished chunks are saved: add --resume to the same command to finish it"]
    deadline = time.time() + 10
    while session_processes(proc.pid) and time.time() < deadline:
        time.sleep(0.1)
    assert session_processes(proc.pid) == [], "processes outlived the interrupted command"
    resumed = subprocess.run([*RUN, "--workers", "2", "--out", str(cut), "--resume"], capture_output=True, text=True)
    assert resumed.returncode == 0, resumed.stderr
    assert results_without_timing(cut) == results_without_timing(uninterrupted_run)


@pytest.mark.slow
def test_a_killed_parallel_sweep_leaves_no_process_and_resumes_to_the_same_bytes(tmp_path):
    full, cut = tmp_path / "full", tmp_path / "cut"
    subprocess.run([*SWEEP, "--workers", "1", "--out", str(full)], check=True, capture_output=True)
    kill_when([*SWEEP, "--workers", "2", "--out", str(cut)], lambda: saved(cut / "chunks", "chunk-*.json") >= 3)
    assert 3 <= saved(cut / "chunks", "chunk-*.json") < 16 and not (cut / "results.csv").exists()
    resumed = subprocess.run([*SWEEP, "--workers", "2", "--out", str(cut), "--resume"], capture_output=True, text=True)
    assert resumed.returncode == 0, resumed.stderr
    assert_same_tables(full, cut)


def test_a_second_writer_to_a_folder_in_use_is_told_who_holds_it(tmp_path):
    identity = {"scenario_sha256": "x", "seed": 1}
    with Checkpoint(tmp_path / "o", "run.json", identity, resume=False):
        for resume in (False, True):  # even a --resume may not write beside a running computation
            with pytest.raises(ResumeError, match=rf"being written by another negsim run \(process {os.getpid()}\)"):
                Checkpoint(tmp_path / "o", "run.json", identity, resume=resume)
    # Released when the first ends: the folder then holds an interrupted run to resume.
    with Checkpoint(tmp_path / "o", "run.json", identity, resume=True):
        pass


@pytest.mark.slow
def test_two_runs_into_one_folder_never_mix(tmp_path, capsys):
    """The reproducer of the issue: a second run into a folder a first run is writing is refused, and
    the first run's results are its own. (A quarter of RUN's worlds: the refusals take well under a second.)"""
    out = tmp_path / "shared"
    run = [*NEGSIM, "run", BASELINE, "--worlds", "3000", "--chunk-size", "500", "--quiet"]
    first = subprocess.Popen([*run, "--out", str(out)], stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    while not (out / ".checkpoint" / "run.json").exists():
        assert first.poll() is None
        time.sleep(0.05)
    walks_away = str(SCENARIOS / "us_walks_away.yaml")
    for extra in ([], ["--resume"]):
        assert main(["run", walks_away, "--worlds", "6000", "--chunk-size", "1000", "--quiet", "--out", str(out),
                     *extra]) == 2
        err = capsys.readouterr().err
        assert "is being written by another negsim run" in err and "Traceback" not in err
    assert first.wait() == 0, first.stderr.read()
    alone = tmp_path / "alone"
    subprocess.run([*run, "--out", str(alone)], check=True, capture_output=True)
    assert results_without_timing(out) == results_without_timing(alone)


def test_resume_refuses_a_chunk_another_computation_wrote(tmp_path):
    """Every chunk carries its computation's identity: one copied in from another run is refused,
    never mixed into the result."""
    import shutil

    ours, theirs = {"scenario_sha256": "a", "seed": 9}, {"scenario_sha256": "b", "seed": 9}
    with Checkpoint(tmp_path / "theirs", "run.json", theirs, resume=False) as other:
        other.save("chunk-000001.npz", b"their numbers")
    with Checkpoint(tmp_path / "ours", "run.json", ours, resume=False) as store:
        store.save("chunk-000000.npz", b"our numbers")
    shutil.copy(tmp_path / "theirs" / "chunk-000001.npz", tmp_path / "ours" / "chunk-000001.npz")
    with Checkpoint(tmp_path / "ours", "run.json", {**ours, "version": "later"}, resume=True) as store:
        assert store.load("chunk-000000.npz") == b"our numbers"   # the version may differ on resume
        with pytest.raises(ResumeError, match="was not written by this computation"):
            store.load("chunk-000001.npz")


def test_a_computation_that_fails_before_saving_a_chunk_leaves_nothing_to_resume(tmp_path):
    """A wrong Dask address, say: the retry must not be told to add --resume."""
    identity = {"scenario_sha256": "x"}
    with pytest.raises(RuntimeError), Checkpoint(tmp_path / "o", "sweep.json", identity, resume=False):
        raise RuntimeError("the cluster was not there")
    assert not (tmp_path / "o").exists()
    with Checkpoint(tmp_path / "o", "sweep.json", identity, resume=False):
        pass


@contextlib.contextmanager
def mounted_tmpfs(where: Path, options: str):
    """A small real filesystem (root only; the test is skipped where mounting is not allowed)."""
    where.mkdir()
    made = subprocess.run(["mount", "-t", "tmpfs", "-o", options, "tmpfs", str(where)], capture_output=True)
    if made.returncode != 0:
        pytest.skip(f"cannot mount a tmpfs here ({made.stderr.decode().strip()})")
    try:
        yield where
    finally:
        subprocess.run(["umount", "-l", str(where)], check=False)


@pytest.mark.skipif(os.geteuid() != 0, reason="mounting a filesystem needs root")
def test_a_read_only_folder_is_a_clear_error(tmp_path, capsys):
    with mounted_tmpfs(tmp_path / "ro", "ro,size=1m") as folder:
        for command in (["run", BASELINE, "--worlds", "1000"], ["sweep", BASELINE, "--param", "battlefield.arms_effect=1"]):
            assert main([*command, "--quiet", "--out", str(folder / "o")]) == 2
            err = capsys.readouterr().err
            assert "Read-only file system" in err and "choose a folder you can write to" in err
            assert "Traceback" not in err


@pytest.mark.skipif(os.geteuid() != 0, reason="mounting a filesystem needs root")
def test_a_full_disk_stops_the_run_with_its_chunks_saved_for_resume(tmp_path, capsys):
    """A real full disk: a run whose chunks fill a small filesystem stops with exit 1 and a resume
    hint; moved to a disk with room, it resumes to the result of an uninterrupted run."""
    argv = ["run", BASELINE, "--worlds", "6000", "--chunk-size", "1000", "--quiet"]
    with mounted_tmpfs(tmp_path / "small", "size=2m") as folder:
        assert main([*argv, "--out", str(folder / "o")]) == 1
        err = capsys.readouterr().err
        assert "No space left on device" in err and "add --resume" in err and "Traceback" not in err
        chunks = saved(folder / "o" / ".checkpoint", "chunk-*.npz")
        assert 1 <= chunks < 6
        subprocess.run(["cp", "-r", str(folder / "o"), str(tmp_path / "moved")], check=True)
    assert main([*argv, "--out", str(tmp_path / "moved"), "--resume"]) == 0
    assert main([*argv, "--out", str(tmp_path / "alone")]) == 0
    assert results_without_timing(tmp_path / "moved") == results_without_timing(tmp_path / "alone")


def test_a_simulated_full_disk_while_writing_the_results_is_exit_1(tmp_path, capsys, monkeypatch):
    import sim.fileio

    real = sim.fileio.os.fsync

    def full(fd):
        raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))

    monkeypatch.setattr(sim.fileio.os, "fsync", full)
    assert main(["run", BASELINE, "--worlds", "100", "--quiet", "--out", str(tmp_path / "o")]) == 1
    monkeypatch.setattr(sim.fileio.os, "fsync", real)
    err = capsys.readouterr().err
    assert "No space left on device" in err and "Traceback" not in err
    assert not list((tmp_path / "o").glob(".*.tmp")), "a temporary file was left behind"


# --- Dask ------------------------------------------------------------------------------------------

def sweep_argv(out: Path, *extra: str) -> list[str]:
    """The sweep of :data:`SWEEP`, in this process (``main``), into ``out``."""
    return [*SWEEP[len(NEGSIM):], "--out", str(out), *extra]


def test_a_wrong_dask_address_is_a_clear_error_and_the_retry_needs_no_resume(tmp_path, capsys, monkeypatch):
    import sim.engine.executor as executor

    monkeypatch.setattr(executor, "CONNECT_SECONDS", 1)
    assert main(sweep_argv(tmp_path / "s", "--scheduler", "tcp://127.0.0.1:9")) == 2
    err = capsys.readouterr().err
    assert "cannot reach a Dask scheduler at 'tcp://127.0.0.1:9'" in err and "Traceback" not in err
    assert not (tmp_path / "s").exists()  # nothing half-written: the corrected command needs no --resume
    assert main(sweep_argv(tmp_path / "s", "--scheduler", "not an address")) == 2


@pytest.fixture
def cluster():
    distributed = pytest.importorskip("distributed")
    local = distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=True, host="127.0.0.1",
                                     dashboard_address=None)
    try:
        yield local
    finally:
        try:  # a cluster whose scheduler a test closed would otherwise wait 30 s for its workers
            local.close(timeout=5)
        except Exception:
            pass


def run_in_background(argv: list[str]):
    """``main(argv)`` in a thread (the test meanwhile injects the fault); returns the thread and its exit code box."""
    import threading

    box: dict[str, int] = {}
    thread = threading.Thread(target=lambda: box.setdefault("code", main(argv)), daemon=True)
    thread.start()
    return thread, box


def wait_for(condition, timeout: float = 120) -> None:
    deadline = time.time() + timeout
    while not condition():
        assert time.time() < deadline, "timed out"
        time.sleep(0.05)


@pytest.mark.slow
def test_a_dask_sweep_survives_losing_a_worker(cluster, tmp_path):
    """The nanny restarts a killed worker and its task is retried: the sweep finishes with the numbers
    of a local one."""
    from distributed import Client

    out = tmp_path / "dask"
    thread, box = run_in_background(sweep_argv(out, "--scheduler", cluster.scheduler_address))
    wait_for(lambda: saved(out / "chunks", "chunk-*.json") >= 2)
    with Client(cluster.scheduler_address) as client:
        victim = next(iter(client.run(os.getpid).values()))
    os.kill(victim, signal.SIGKILL)
    thread.join(300)
    assert box.get("code") == 0
    assert main(sweep_argv(tmp_path / "local", "--workers", "1")) == 0
    assert_same_tables(tmp_path / "local", out)


@pytest.mark.slow
@pytest.mark.parametrize("lost", ["every worker", "the scheduler"])
def test_a_dask_sweep_that_loses_its_cluster_stops_cleanly_and_resumes(lost, cluster, tmp_path, capsys, monkeypatch):
    import sim.engine.executor as executor

    monkeypatch.setattr(executor, "NO_WORKERS_SECONDS", 3)
    out = tmp_path / "dask"
    thread, box = run_in_background(sweep_argv(out, "--scheduler", cluster.scheduler_address))
    wait_for(lambda: saved(out / "chunks", "chunk-*.json") >= 2)
    if lost == "every worker":
        cluster.scale(0)
    else:  # the scheduler alone stops; the workers are left running
        cluster.sync(cluster.scheduler.close)
    thread.join(120)
    assert box.get("code") == 1, capsys.readouterr().err
    err = capsys.readouterr().err
    assert ("every Dask worker was lost" if lost == "every worker" else "lost the Dask scheduler") in err
    assert "add --resume" in err and "Traceback" not in err
    assert main(sweep_argv(out, "--workers", "2", "--resume")) == 0
    assert main(sweep_argv(tmp_path / "local", "--workers", "1")) == 0
    assert_same_tables(tmp_path / "local", out)


def test_a_run_resumes_under_a_later_patch_release_but_not_under_another_model(tmp_path):
    """A release that moves a number raises the minor version (sim.MODEL_VERSION): an interrupted
    run begun under another model is refused, so chunks of two models are never mixed; a patch
    release, which moves none, may finish it, to the numbers of an uninterrupted run."""
    from sim.engine import load_scenario
    from sim.engine.run import run_scenario

    loaded = load_scenario(SCENARIOS / "baseline.yaml")
    folder = tmp_path / "checkpoint"

    def stop_after_the_first_chunk(done, total):
        raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        run_scenario(loaded, worlds=2000, chunk_size=1000, checkpoint=folder, on_chunk=stop_after_the_first_chunk)
    manifest = folder / "run.json"
    began = json.loads(manifest.read_text())
    assert began["model"] == ".".join(began["version"].split(".")[:2])
    manifest.write_text(json.dumps({**began, "model": "0.1", "version": "0.1.0"}))
    with pytest.raises(ResumeError, match="differs in model"):
        run_scenario(loaded, worlds=2000, chunk_size=1000, checkpoint=folder, resume=True)
    manifest.write_text(json.dumps({**began, "version": began["version"] + "-a-later-patch"}))
    resumed = run_scenario(loaded, worlds=2000, chunk_size=1000, checkpoint=folder, resume=True)
    whole = run_scenario(loaded, worlds=2000, chunk_size=1000)
    assert (resumed.first_ceasefire_month == whole.first_ceasefire_month).all()


def test_a_run_resumes_as_it_was_split_whatever_its_processes_now(tmp_path):
    """The default chunking depends on the processes (an equal share each), so an interrupted run
    resumed with another number of them keeps the chunks it was split into, and finishes to the
    numbers of an uninterrupted run."""
    from sim.engine import load_scenario
    from sim.engine.run import default_chunks, run_scenario

    loaded = load_scenario(SCENARIOS / "baseline.yaml")
    folder = tmp_path / "checkpoint"
    assert default_chunks(9000, 1) == [(0, 5000), (5000, 9000)]
    assert default_chunks(9000, 3) == [(0, 3000), (3000, 6000), (6000, 9000)]

    def stop_after_the_first_chunk(done, total):
        raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        run_scenario(loaded, worlds=9000, checkpoint=folder, on_chunk=stop_after_the_first_chunk, workers=1)
    resumed = run_scenario(loaded, worlds=9000, checkpoint=folder, resume=True, workers=3)
    whole = run_scenario(loaded, worlds=9000, workers=1)
    assert (resumed.first_ceasefire_month == whole.first_ceasefire_month).all()
