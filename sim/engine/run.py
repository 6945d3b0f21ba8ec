"""Run a scenario over many worlds, in chunks, and keep each world's outcome.

Chunks are whole blocks of :data:`~sim.model.streams.BLOCK_SIZE` worlds, and every world draws from
its own named random streams, so the outcome is identical for any chunk size. Each finished chunk
is written to a file (and, with a checkpoint, kept for resuming); the run's per-world columns are
read back from those files one column at a time, so memory stays that of one chunk whatever the
number of worlds (see :mod:`sim.engine.worlds`).
"""

from __future__ import annotations

import gc
import io
import os
import shutil
import time
from collections.abc import Callable
from contextlib import nullcontext
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

import numpy as np

from sim import MODEL_VERSION, __version__
from sim.fileio import portable_path
from sim.model.model import NegotiationModel
from sim.model.streams import BLOCK_SIZE
from sim.scenario import LoadedScenario

from . import conditioning
from .build import build_model
from .checkpoint import Checkpoint, stored_identity
from .defaults import DEFAULT_CHUNK
from .executor import run_tasks
from .limits import check_run_size
from .posterior import Posterior
from .worlds import PREFIX, ChunkFilesTable, InMemoryTable, WorldTable, chunk_folder, world_columns

RUN_MANIFEST = "run.json"
"""The manifest of a run's checkpoint folder."""
PATH_WORLDS = 100_000
"""Month-by-month paths (occupied area, casualties, beliefs, ceasefires in force) are kept for the
first this many worlds of a run: enough for every figure, and memory that does not grow with
larger runs. Every reported number reads all worlds (per-world columns and sums)."""


@dataclass
class RunResult:
    """The outcomes of a run and its identity.

    Three kinds of outcome, so that memory does not grow with the number of worlds:

    * ``table``: one value per world, in named columns (:class:`~sim.engine.worlds.WorldTable`),
      read one column at a time (``first_ceasefire_month``, ``terms/<issue>``, ``payoff/<actor>``,
      ``casualties_at_horizon/<actor>``, ``occupied_km2_at_horizon``,
      ``partial_first_month/<deal>``, ``partial_in_force_at_horizon/<deal>``, ...);
    * sums over all worlds: ceasefires in force each month, beliefs summed block by block,
      decisions and ideal points;
    * ``paths``: month-by-month arrays ``(S, T)`` for the first ``S = min(worlds, PATH_WORLDS)``
      worlds (figures, explanations, tests of dynamics).
    """

    scenario_name: str
    scenario_sha256: str
    seed: int
    worlds: int
    horizon: int
    start: str
    issue_names: list[str]
    actor_names: dict[str, str]
    report_months: list[int]
    durable_months: int
    table: WorldTable
    paths: dict[str, np.ndarray]              # name -> (S, T): in_ceasefire, occupied_km2, casualties/<actor>, ...
    in_ceasefire_count: np.ndarray            # (T,) worlds with a general ceasefire in force each month
    victory_belief_sums: dict[str, np.ndarray]  # belligerent -> (blocks, T) beliefs summed over each block
    decisions: dict[str, np.ndarray]          # actor -> (T, 2): asked, accepted (summed over worlds)
    ideal_sums: dict[str, np.ndarray]         # actor -> (blocks, K) ideal points summed over each block of worlds
    seconds: float = 0.0
    provenance: dict = field(default_factory=dict)   # what made it: overrides, posterior, chunks

    # -- per-world columns (every world) -----------------------------------------------------
    @property
    def first_ceasefire_month(self) -> np.ndarray:
        """(N,) month of the first general ceasefire, 0 = none by the horizon."""
        return self.table["first_ceasefire_month"]

    @property
    def first_ceasefire_end(self) -> np.ndarray:
        """(N,) month the first ceasefire broke down, 0 = it held (or there was none)."""
        return self.table["first_ceasefire_end"]

    @property
    def first_settlement_month(self) -> np.ndarray:
        """(N,) month of the first agreement settling every issue, 0 = none."""
        return self.table["first_settlement_month"]

    def terms(self, issue: str) -> np.ndarray:
        """(N,) term of the first ceasefire on ``issue`` (0 = Ukraine's position, 1 = Russia's), NaN where none."""
        return self.table[f"terms/{issue}"]

    @property
    def first_terms(self) -> np.ndarray:
        """(N, K) terms of the first ceasefire on every issue (all columns at once)."""
        return np.column_stack([self.terms(issue) for issue in self.issue_names])

    def payoff(self, actor: str) -> np.ndarray:
        """(N,) the actor's mean discounted monthly payoff, utility units."""
        return self.table[f"payoff/{actor}"]

    @property
    def payoffs(self) -> dict[str, np.ndarray]:
        return self.table.group("payoff")

    @property
    def partial_first_month(self) -> dict[str, np.ndarray]:
        """deal -> (N,) month the partial deal was first agreed, 0 = never."""
        return self.table.group("partial_first_month")

    # -- month-by-month paths (the first S worlds) -------------------------------------------
    @property
    def in_ceasefire(self) -> np.ndarray:
        return self.paths["in_ceasefire"]

    @property
    def occupied_km2(self) -> np.ndarray:
        return self.paths["occupied_km2"]

    @property
    def casualties(self) -> dict[str, np.ndarray]:
        """actor -> (S, T) cumulative casualties."""
        return _grouped(self.paths, "casualties")

    @property
    def partial_in_force(self) -> dict[str, np.ndarray]:
        return _grouped(self.paths, "partial_in_force")

    @property
    def victory_beliefs(self) -> dict[str, np.ndarray]:
        """belligerent -> (S, T) belief that fighting on brings its victory."""
        return _grouped(self.paths, "victory_belief")

    def subset(self, worlds: slice, seed: int) -> RunResult:
        """The outcomes of a slice of worlds (one point of a sweep run with others); needs the
        paths of every world, as a single model's result has."""
        n = len(range(*worlds.indices(self.worlds)))
        paths = {name: path[worlds] for name, path in self.paths.items()}
        if any(len(path) != n for path in paths.values()):
            raise ValueError("a subset needs the paths of every world")
        return replace(self, seed=seed, worlds=n, table=self.table.subset(worlds), paths=paths, decisions={},
                       **_path_sums(paths))


def _grouped(arrays: dict[str, np.ndarray], group: str) -> dict[str, np.ndarray]:
    return {name.split("/", 1)[1]: array for name, array in arrays.items() if name.startswith(f"{group}/")}


def _path_sums(paths: dict[str, np.ndarray]) -> dict:
    """The sums over worlds a result reports, from paths that cover every world."""
    return {"in_ceasefire_count": paths["in_ceasefire"].sum(axis=0),
            "victory_belief_sums": {a: block_sums(p) for a, p in _grouped(paths, "victory_belief").items()}}


def default_chunks(worlds: int, processes: int) -> list[tuple[int, int]]:
    """The chunks of a run when no chunk size is asked for: whole blocks of 1,000 worlds, at most
    :data:`DEFAULT_CHUNK` worlds each, as few as that allows with their number a multiple of
    ``processes``, and sizes that differ by at most a block, larger first (26,000 worlds on two
    processes: 7,000, 7,000, 6,000 and 6,000). A chunk has a fixed cost (building the model, a few
    milliseconds a month of Python), so larger is faster up to the cap; equal shares keep every
    process busy to the end. Chunking never changes a number."""
    blocks = -(-worlds // BLOCK_SIZE)
    processes = max(1, min(processes, blocks))
    per_process = -(-blocks // processes)                                   # blocks, rounded up
    n_chunks = min(blocks, processes * -(-per_process // (DEFAULT_CHUNK // BLOCK_SIZE)))
    larger, bounds, start = blocks % n_chunks, [], 0
    for i in range(n_chunks):
        stop = min(start + (blocks // n_chunks + (i < larger)) * BLOCK_SIZE, worlds)
        bounds.append((start, stop))
        start = stop
    return bounds


def chunk_bounds(worlds: int, chunk_size: int) -> list[tuple[int, int]]:
    """Split ``worlds`` into consecutive chunks of whole random blocks."""
    size = max(BLOCK_SIZE, (chunk_size // BLOCK_SIZE) * BLOCK_SIZE)
    return [(start, min(start + size, worlds)) for start in range(0, worlds, size)]


def _shell(loaded: LoadedScenario, seed: int, worlds: int, **outcomes) -> RunResult:
    """A RunResult carrying the scenario's identity around the given outcomes."""
    scenario = loaded.scenario
    return RunResult(
        scenario_name=scenario.name, scenario_sha256=loaded.sha256, seed=seed,
        worlds=worlds, horizon=scenario.horizon_months,
        start=scenario.start, issue_names=list(scenario.issues),
        actor_names={a: spec.name for a, spec in scenario.actors.items()},
        report_months=list(scenario.report_months), durable_months=scenario.durable_months, **outcomes)


def result_from_model(model: NegotiationModel, loaded: LoadedScenario, seed: int,
                      keep_paths: int | None = None) -> RunResult:
    """The outcomes of a model that has run (columns in memory).

    Args:
        keep_paths: keep the month-by-month paths of only the first this many worlds (default: all).
    """
    # The model keeps its records month by month (worlds innermost); the paths go on in C order.
    history = model.state.history
    kept = slice(0, model.n_worlds if keep_paths is None else keep_paths)
    belligerents = model.facts.belligerents
    return _shell(
        loaded, seed, model.n_worlds, table=InMemoryTable(world_columns(model)),
        paths={name: np.ascontiguousarray(path[kept]) for name, path in model.state.paths().items()},
        in_ceasefire_count=history["in_ceasefire"].sum(axis=0),   # a count: exact in any order
        victory_belief_sums={a: block_sums(history[f"victory_belief_{a}"]) for a in belligerents},
        decisions=model.state.decision_counts,
        ideal_sums={a.actor_id: block_sums(np.broadcast_to(a.ideal, (model.n_worlds, model.facts.n_issues)))
                    for a in model.agents})


def collect_finished_model() -> None:
    """Free the model of a finished chunk now.

    A Mesa model and its agents refer to each other, so only Python's cycle collector frees them,
    and it runs rarely while a run accumulates results: without this, a run kept about 8.5 kB per
    world of dead models (measured: 100,000 worlds peaked at 850 MB, against 350 MB when
    collected after each chunk). What survives a collection is long-lived (modules, compiled code,
    schemas, the run's own results), so it is frozen out of later collections (``gc.freeze``): each
    then traverses only the objects made since, the next chunk's dead model, not the 185,000 objects of
    the program (a full traversal took 115-127 ms a chunk; issue 31's profile). Reference counting
    still frees frozen objects that are not in cycles."""
    gc.collect()
    gc.freeze()


def block_sums(per_world: np.ndarray) -> np.ndarray:
    """Sums over each block of :data:`~sim.model.streams.BLOCK_SIZE` worlds, shape (blocks, ...).

    Chunks are whole blocks, so the blocks of a run are the same whatever its chunk size, and a
    statistic summed block by block (then over the blocks, in order) is bit-identical across
    chunk sizes and process counts (``sums.sum(axis=0) / worlds``); a mean of chunk means is not."""
    # In C order whatever the input's layout (the model's records are Fortran-ordered), so the sums
    # add in one order.
    return np.add.reduceat(np.ascontiguousarray(per_world, dtype=float), np.arange(0, per_world.shape[0], BLOCK_SIZE), axis=0)


SUMMED = ("decisions",)
"""Sums over worlds a chunk file holds that add up across chunks (the others are per block, concatenated)."""
BLOCKED = ("victory_belief_sums", "ideal_sums")


def _chunk_bytes(part: RunResult) -> bytes:
    """One finished chunk as the bytes of an ``.npz`` file: its per-world columns, paths and sums."""
    arrays = {PREFIX + name: part.table[name] for name in part.table.names}
    arrays.update({f"paths/{name}": path for name, path in part.paths.items()})
    arrays["sums/in_ceasefire_count"] = part.in_ceasefire_count
    for name in SUMMED + BLOCKED:
        arrays.update({f"{name}/{key}": value for key, value in getattr(part, name).items()})
    buffer = io.BytesIO()
    np.savez(buffer, **arrays)  # type: ignore[arg-type]  # numpy types the keyword arrays as its flags
    return buffer.getvalue()


def _merge(files: list[Path], folder: Path, loaded: LoadedScenario, seed: int, worlds: int) -> RunResult:
    """The result of a run from its chunk files: per-world columns stay on disk (read per column),
    paths are joined, sums added up in chunk order."""
    paths: dict[str, list[np.ndarray]] = {}
    sums: dict[str, dict[str, Any]] = {name: {} for name in SUMMED + BLOCKED}
    in_ceasefire_count = 0
    names: list[str] = []
    for file in files:
        with np.load(file) as chunk:
            names = [key[len(PREFIX):] for key in chunk.files if key.startswith(PREFIX)]
            for key in chunk.files:
                group, _, name = key.partition("/")
                if group == "paths":
                    paths.setdefault(name, []).append(chunk[key])
                elif group in SUMMED:
                    sums[group][name] = sums[group].get(name, 0) + chunk[key]
                elif group in BLOCKED:
                    sums[group].setdefault(name, []).append(chunk[key])
            in_ceasefire_count = in_ceasefire_count + chunk["sums/in_ceasefire_count"]
    for name in BLOCKED:
        sums[name] = {key: np.concatenate(parts) for key, parts in sums[name].items()}
    return _shell(loaded, seed, worlds, table=ChunkFilesTable(folder, files, names, worlds),
                  paths={name: np.concatenate(parts) for name, parts in paths.items()},
                  in_ceasefire_count=in_ceasefire_count, **sums)


def provenance(loaded: LoadedScenario, posterior: Posterior | None, start=None) -> dict:
    """What, besides the scenario's hash and the seed, made a result: overrides, posterior and the
    record the run started from (``conditioning``: None where it started from the priors)."""
    made = {"scenario_file": portable_path(loaded.path),
            "overrides": {k: loaded.overrides[k] for k in sorted(loaded.overrides)},
            "posterior": None if posterior is None else {"file": portable_path(posterior.path), "sha256": posterior.sha256}}
    if loaded.scenario.condition_on is not None or start is not None:
        made["conditioning"] = None if start is None else {**start.summary(), "warning": conditioning.warning(start)}
    return made


def run_scenario(loaded: LoadedScenario, worlds: int | None = None, seed: int | None = None,
                 chunk_size: int | None = None,
                 on_chunk: Callable[[int, int], None] | None = None, posterior=None,
                 checkpoint: str | Path | None = None, resume: bool = False,
                 reused: Callable[[int, int], None] | None = None, workers: int | None = 1,
                 conditioned: bool = True, start=None) -> RunResult:
    """Run a loaded scenario.

    Args:
        loaded: the scenario, from :func:`sim.scenario.load_scenario`.
        worlds: number of worlds (default: the scenario's).
        seed: random seed (default: the scenario's).
        chunk_size: worlds per model run; rounded down to whole blocks of 1,000 (memory use and
            speed only: results do not depend on it). Default: :func:`default_chunks` for the run's
            processes, or, when resuming, the chunking of the interrupted run.
        on_chunk: called with (worlds done, worlds total) after each chunk.
        posterior: a :class:`~sim.calibration.posterior.Posterior` to draw parameters from instead
            of the priors.
        checkpoint: a folder where each finished chunk is saved atomically; removed when the run
            completes. A folder holding another run's chunks is refused unless ``resume``.
        resume: reuse the chunks an interrupted run left in ``checkpoint`` (same scenario, seed,
            worlds, chunking, overrides and posterior), computing only the rest.
        reused: called with (worlds reused, worlds total) when a resumed run starts.
        workers: local processes that run the chunks (None: all cores; 1: this process). The
            numbers never depend on it; the chunks are saved, merged and summed in their order.
        conditioned: a scenario with ``condition_on:`` starts from the worlds replayed through its
            record (:mod:`sim.engine.conditioning`); False starts it from its priors instead.
        start: a :class:`~sim.engine.conditioning.ConditionedStart` to start from instead of the one
            the scenario's ``condition_on:`` makes (to take its mechanisms apart).
    """
    scenario = loaded.scenario
    worlds = worlds or scenario.worlds
    check_run_size(scenario, worlds)
    seed = scenario.seed if seed is None else seed
    began = time.perf_counter()
    stored = stored_identity(checkpoint, RUN_MANIFEST) if checkpoint and resume and chunk_size is None else None
    if stored is not None and stored.get("worlds") == worlds:   # resumed as it was split, whatever the processes now
        bounds = [(int(start), int(stop)) for start, stop in stored["chunks"]]
    else:
        bounds = chunk_bounds(worlds, chunk_size) if chunk_size else default_chunks(worlds, workers or os.cpu_count() or 1)
    origin = start    # the worlds replayed through the record, where the scenario starts from them
    if origin is None and conditioned and scenario.condition_on is not None:
        origin = conditioning.conditioned_start(loaded, seed=seed, posterior=posterior)
    made_by = provenance(loaded, posterior, origin)
    store = None
    if checkpoint:
        identity = {"scenario_sha256": loaded.sha256, "seed": seed, "worlds": worlds, "chunks": bounds,
                    "overrides": made_by["overrides"], "posterior": made_by["posterior"],
                    "conditioning": made_by.get("conditioning"), "version": __version__,
                    "model": MODEL_VERSION}
        store = Checkpoint(checkpoint, RUN_MANIFEST, identity, resume, what="run")
    folder = chunk_folder(worlds)
    files = [folder / _chunk_name(number) for number in range(len(bounds))]
    try:
        with store or nullcontext():
            if store is not None and reused is not None and resume:
                done = sum(stop - start for number, (start, stop) in enumerate(bounds)
                           if store.has(_chunk_name(number)))
                reused(done, worlds)
            done = 0
            todo = []
            for number, (start, stop) in enumerate(bounds):
                if store is not None and store.has(_chunk_name(number)):
                    files[number].write_bytes(store.load(_chunk_name(number)))
                    done += stop - start
                    if on_chunk:
                        on_chunk(done, worlds)
                else:
                    todo.append((number, (start, stop)))

            def finished(number: int, data: bytes) -> None:
                nonlocal done
                if store is not None:
                    store.save(_chunk_name(number), data)
                files[number].write_bytes(data)  # a private scratch copy: no need for atomic writes
                start, stop = bounds[number]
                done += stop - start
                if on_chunk:
                    on_chunk(done, worlds)

            run_tasks(run_chunk, todo, finished, workers=workers, shared=(loaded, seed, posterior, origin))
            result = _merge(files, folder, loaded, seed, worlds)
            if store is not None:
                store.remove()
    except BaseException:
        shutil.rmtree(folder, ignore_errors=True)
        raise
    result.seconds = time.perf_counter() - began
    result.provenance = made_by
    return result


def run_chunk(shared: tuple, start: int, stop: int) -> bytes:
    """Worlds ``start`` to ``stop`` of a run (a task for :func:`~sim.engine.executor.run_tasks`):
    their result, as the bytes of a chunk file. ``shared``: the scenario, seed, posterior and
    conditioned start (or None)."""
    loaded, seed, posterior, origin = shared
    model = build_model(loaded.scenario, worlds=stop - start, seed=seed, first_world=start,
                        posterior=posterior, start=origin).run()
    data = _chunk_bytes(result_from_model(model, loaded, seed, keep_paths=max(0, PATH_WORLDS - start)))
    del model
    collect_finished_model()
    return data


def _chunk_name(number: int) -> str:
    return f"chunk-{number:06d}.npz"
