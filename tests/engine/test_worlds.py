"""A run's outcomes: per-world columns read from its chunk files, sums over all worlds, and paths
for the first worlds only; every reported number is the same however many paths are kept."""

import gc
import json

import numpy as np

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
