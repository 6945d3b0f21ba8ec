"""A run's outcomes: per-world columns read from its chunk files, sums over all worlds, and paths
for the first worlds only; every reported number is the same however many paths are kept."""

import gc
import json
import os

import numpy as np
import pytest

import sim.engine.run as run_module
from sim.engine import build_model
from sim.engine.outputs import summarise
from sim.engine.run import result_from_model, run_scenario
from sim.engine.worlds import ChunkFilesTable


def summary_text(result) -> str:
    summary = summarise(result)
    summary.pop("seconds")
    return json.dumps(summary, sort_keys=True)


def test_reported_numbers_do_not_depend_on_how_many_paths_are_kept(baseline, monkeypatch):
    every = run_scenario(baseline, worlds=3000, seed=5, chunk_size=1000)
    monkeypatch.setattr(run_module, "PATH_WORLDS", 1500)
    few = run_scenario(baseline, worlds=3000, seed=5, chunk_size=1000)
    assert len(every.occupied_km2) == 3000 and len(few.occupied_km2) == 1500
    np.testing.assert_array_equal(few.occupied_km2, every.occupied_km2[:1500])
    assert summary_text(few) == summary_text(every)


def test_chunked_columns_are_those_of_one_model_of_all_the_worlds(baseline):
    chunked = run_scenario(baseline, worlds=3000, seed=5, chunk_size=1000)
    assert isinstance(chunked.table, ChunkFilesTable)
    whole = result_from_model(build_model(baseline.scenario, worlds=3000, seed=5).run(), baseline, 5)
    assert chunked.table.names == whole.table.names
    for name in whole.table.names:
        np.testing.assert_array_equal(chunked.table[name], whole.table[name], err_msg=name)
    np.testing.assert_array_equal(chunked.in_ceasefire_count, whole.in_ceasefire_count)
    np.testing.assert_array_equal(chunked.in_ceasefire_count, whole.in_ceasefire.sum(axis=0))


def test_a_runs_chunk_files_are_removed_with_its_result(baseline):
    result = run_scenario(baseline, worlds=2000, seed=5, chunk_size=1000)
    folder = result.table.files[0].parent
    assert folder.is_dir() and len(list(folder.glob("chunk-*.npz"))) == 2
    del result
    gc.collect()
    assert not folder.exists()


def test_worlds_parquet_has_one_row_per_world_and_does_not_depend_on_chunking(tmp_path, capsys, baseline):
    """negsim run --out writes worlds.parquet: every world's drawn parameters and outcomes, the same
    table whatever the chunk size, its columns declared in WORLD_COLUMNS, its provenance inside."""
    import fnmatch

    import pyarrow.parquet as pq

    from sim.cli import main
    from sim.engine.worlds import WORLD_COLUMNS

    from ..conftest import SCENARIOS

    tables = []
    for chunk in ("700", "2500"):
        out = tmp_path / chunk
        assert main(["run", str(SCENARIOS / "baseline.yaml"), "--worlds", "2500", "--seed", "3", "--chunk-size", chunk,
                     "--out", str(out)]) == 0
        tables.append(pq.read_table(out / "worlds.parquet"))
    capsys.readouterr()
    chunked, whole = tables
    assert chunked.to_pandas().equals(whole.to_pandas())
    frame = whole.to_pandas()
    assert list(frame["world"]) == list(range(2500))
    patterns = [p.replace("<", "[").replace(">", "]").split("[")[0] + "*" if "<" in p else p for p in WORLD_COLUMNS]
    assert all(any(fnmatch.fnmatch(c, p) for p in patterns) for c in frame.columns), frame.columns
    # The drawn parameters vary between worlds, and are those of the model (same named streams).
    model = build_model(baseline.scenario, worlds=2500, seed=3)
    victory = model.draw.drawn["actors.russia.beliefs.victory"]
    np.testing.assert_array_equal(frame["param/actors.russia.beliefs.victory"], victory)
    # The outcomes agree with results.json's reported shares.
    results = json.loads((tmp_path / "2500" / "results.json").read_text())
    month = frame["first_ceasefire_month"].to_numpy()
    for m in (6, 12, 24):
        assert results["p_ceasefire_by_month"][m - 1] == np.mean((month > 0) & (month <= m))
    made = json.loads(whole.schema.metadata[b"negsim"])
    assert made["seed"] == 3 and made["scenario_sha256"] == results["scenario_sha256"]
    assert main(["run", str(SCENARIOS / "baseline.yaml"), "--worlds", "200", "--no-worlds-table",
                 "--out", str(tmp_path / "none")]) == 0
    assert not (tmp_path / "none" / "worlds.parquet").exists()



@pytest.mark.parametrize("worlds", [1, 999, 1000, 3000, 9000, 26_000, 100_000, 1_000_000])
@pytest.mark.parametrize("processes", [1, 2, 3, 16])
def test_the_default_chunks_are_whole_blocks_capped_and_an_equal_share_for_each_process(worlds, processes):
    """default_chunks: consecutive whole blocks covering every world, each at most DEFAULT_CHUNK
    worlds, no more of them than the cap needs once rounded up to a multiple of the processes, and
    sizes within a block of each other; dealt out in turn, no process gets more than a block a chunk
    above another's share."""
    from sim.engine.defaults import DEFAULT_CHUNK
    from sim.engine.run import default_chunks

    chunks = default_chunks(worlds, processes)
    sizes = [stop - start for start, stop in chunks]
    assert chunks[0][0] == 0 and chunks[-1][1] == worlds
    assert all(a[1] == b[0] for a, b in zip(chunks, chunks[1:], strict=False))
    assert all(start % 1000 == 0 for start, _ in chunks) and max(sizes) <= DEFAULT_CHUNK
    blocks, cap = -(-worlds // 1000), DEFAULT_CHUNK // 1000
    used = min(processes, blocks)
    rounds = -(-len(chunks) // used)
    assert len(chunks) in (rounds * used, blocks)   # a multiple of the processes, or a block each
    if rounds > 1:   # one round fewer could not keep every chunk within the cap
        assert -(-blocks // ((rounds - 1) * used)) > cap
    assert max(sizes) - min(sizes[:-1] or sizes) <= 1000
    shares = [sum(sizes[p::processes]) for p in range(processes)]
    assert max(shares) - min(shares) <= 1000 * -(-len(chunks) // processes)


def test_chunk_files_go_to_memory_when_it_has_room_else_to_the_temporary_folder(tmp_path, monkeypatch):
    import sim.engine.worlds as worlds

    memory, temporary = tmp_path / "shm", tmp_path / "tmp"
    memory.mkdir()
    temporary.mkdir()
    monkeypatch.setattr(worlds, "MEMORY_FOLDER", memory)
    monkeypatch.setattr(worlds.tempfile, "tempdir", str(temporary))
    monkeypatch.delenv("TMPDIR", raising=False)
    assert worlds.chunk_folder(1000).parent == memory
    free = worlds.shutil.disk_usage(memory).free
    too_many = free // worlds.SCRATCH_BYTES_PER_WORLD   # files of twice the room it has
    monkeypatch.setattr(worlds, "MEMORY_BUDGET", 2 * free)
    assert worlds.chunk_folder(too_many).parent == temporary
    monkeypatch.setattr(worlds, "MEMORY_BUDGET", 1000 * worlds.SCRATCH_BYTES_PER_WORLD)   # within room, over budget
    assert worlds.chunk_folder(1000).parent == memory
    assert worlds.chunk_folder(1001).parent == temporary
    monkeypatch.setenv("TMPDIR", str(temporary))         # a temporary folder asked for is used
    assert worlds.chunk_folder(1000).parent == temporary


def test_chunk_folders_a_killed_run_left_in_memory_are_removed_by_the_next(tmp_path, monkeypatch):
    import subprocess
    import sys

    import sim.engine.worlds as worlds

    monkeypatch.setattr(worlds, "MEMORY_FOLDER", tmp_path)
    monkeypatch.delenv("TMPDIR", raising=False)
    ended = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"], capture_output=True,
                           text=True, check=True)
    orphan = tmp_path / f"{worlds.SCRATCH_PREFIX}{ended.stdout.strip()}-abc"
    running = tmp_path / f"{worlds.SCRATCH_PREFIX}{os.getpid()}-def"
    for folder in (orphan, running):
        folder.mkdir()
        (folder / "chunk-000000.npz").write_bytes(b"x")
    made = worlds.chunk_folder(1000)
    assert not orphan.exists() and running.exists() and made.parent == tmp_path
