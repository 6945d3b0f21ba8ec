"""Run a scenario over many worlds, in chunks, and keep each world's outcome.

Chunks are whole blocks of :data:`~sim.model.streams.BLOCK_SIZE` worlds, and every world draws from
its own named random streams, so the outcome is identical for any chunk size.
"""

from __future__ import annotations

import io
import time
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from pathlib import Path

import numpy as np

from sim import __version__
from sim.fileio import atomic_write_bytes
from sim.model.model import NegotiationModel
from sim.model.streams import BLOCK_SIZE
from sim.scenario import LoadedScenario

from .build import build_model
from .checkpoint import Checkpoint
from .defaults import DEFAULT_CHUNK
from .limits import check_run_size
from .posterior import Posterior


@dataclass
class RunResult:
    """Per-world outcomes of a run (arrays with the world as first axis) and its identity."""

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
    first_ceasefire_month: np.ndarray     # (N,) int, 0 = no ceasefire by the horizon
    first_ceasefire_end: np.ndarray       # (N,) int, month the first ceasefire broke, 0 = held
    first_terms: np.ndarray               # (N, K) terms of the first ceasefire, NaN where none
    first_settlement_month: np.ndarray    # (N,) int, first agreement settling every issue, 0 = none
    in_ceasefire: np.ndarray              # (N, T) bool
    occupied_km2: np.ndarray              # (N, T)
    casualties: dict[str, np.ndarray]     # actor -> (N, T) cumulative
    partial_first_month: dict[str, np.ndarray]   # deal -> (N,) int, 0 = never
    partial_in_force: dict[str, np.ndarray]      # deal -> (N, T) bool
    victory_beliefs: dict[str, np.ndarray]   # belligerent -> (N, T) belief that fighting on brings its victory
    payoffs: dict[str, np.ndarray]        # actor -> (N,) mean discounted monthly payoff, utility units
    decisions: dict[str, np.ndarray]      # actor -> (T, 2): asked, accepted (summed over worlds)
    ideal_sums: dict[str, np.ndarray]     # actor -> (blocks, K) ideal points summed over each block of worlds
    seconds: float = 0.0
    provenance: dict = field(default_factory=dict)   # what made it: overrides, posterior, chunks

    def subset(self, worlds: slice, seed: int) -> RunResult:
        """The outcomes of a slice of worlds (one point of a sweep run with others)."""
        n = len(range(*worlds.indices(self.worlds)))
        per_world = {name: getattr(self, name)[worlds] for name in ARRAYS}
        per_world.update({name: {k: v[worlds] for k, v in getattr(self, name).items()} for name in PER_WORLD_MAPPINGS})
        return replace(self, seed=seed, worlds=n, decisions={}, **per_world)


def chunk_bounds(worlds: int, chunk_size: int) -> list[tuple[int, int]]:
    """Split ``worlds`` into consecutive chunks of whole random blocks."""
    size = max(BLOCK_SIZE, (chunk_size // BLOCK_SIZE) * BLOCK_SIZE)
    return [(start, min(start + size, worlds)) for start in range(0, worlds, size)]


def _shell(loaded: LoadedScenario, seed: int, **outcomes) -> RunResult:
    """A RunResult carrying the scenario's identity around the given per-world outcomes."""
    scenario = loaded.scenario
    return RunResult(
        scenario_name=scenario.name, scenario_sha256=loaded.sha256, seed=seed,
        worlds=len(outcomes["first_ceasefire_month"]), horizon=scenario.horizon_months,
        start=scenario.start, issue_names=list(scenario.issues),
        actor_names={a: spec.name for a, spec in scenario.actors.items()},
        report_months=list(scenario.report_months), durable_months=scenario.durable_months, **outcomes)


def result_from_model(model: NegotiationModel, loaded: LoadedScenario, seed: int) -> RunResult:
    """The per-world outcomes of a model that has run."""
    history = model.history
    return _shell(
        loaded, seed,
        first_ceasefire_month=model.first_ceasefire_month, first_ceasefire_end=model.first_ceasefire_end,
        first_terms=model.first_terms, first_settlement_month=model.first_settlement_month,
        in_ceasefire=history["in_ceasefire"],
        occupied_km2=history["occupied_km2"],
        casualties={a: history[f"casualties_{a}"] for a in model.war.casualty_rate},
        partial_first_month={d: deal.first_month for d, deal in model.partial.items()},
        partial_in_force={d: history[f"partial_{d}"] for d in model.partial},
        victory_beliefs={a.actor_id: history[f"victory_belief_{a.actor_id}"] for a in model.agents
                         if a.role == "belligerent"},
        payoffs=dict(model.payoff),
        decisions=model.decision_counts,
        ideal_sums={a.actor_id: block_sums(np.broadcast_to(a.ideal, (model.n_worlds, model.n_issues)))
                    for a in model.agents})


def block_sums(per_world: np.ndarray) -> np.ndarray:
    """Sums over each block of :data:`~sim.model.streams.BLOCK_SIZE` worlds, shape (blocks, ...).

    Chunks are whole blocks, so the blocks of a run are the same whatever its chunk size, and a
    statistic summed block by block (then over the blocks, in order) is bit-identical across
    chunk sizes and process counts (``sums.sum(axis=0) / worlds``); a mean of chunk means is not."""
    return np.add.reduceat(per_world, np.arange(0, per_world.shape[0], BLOCK_SIZE), axis=0)



def _merge(parts: list[RunResult]) -> RunResult:
    """Concatenate results of consecutive chunks of worlds."""
    if len(parts) == 1:
        return parts[0]
    first, total = parts[0], sum(p.worlds for p in parts)

    def cat(name: str):
        values = [getattr(p, name) for p in parts]
        if isinstance(values[0], dict):
            return {k: np.concatenate([v[k] for v in values]) for k in values[0]}
        return np.concatenate(values)

    arrays = {name: cat(name) for name in ARRAYS + PER_WORLD_MAPPINGS}
    decisions = {a: sum(p.decisions[a] for p in parts) for a in first.decisions}
    ideal_sums = {a: np.concatenate([p.ideal_sums[a] for p in parts]) for a in first.ideal_sums}
    return replace(first, worlds=total, decisions=decisions, ideal_sums=ideal_sums, **arrays)


ARRAYS = ("first_ceasefire_month", "first_ceasefire_end", "first_terms", "first_settlement_month", "in_ceasefire",
          "occupied_km2")
"""The per-world arrays of a :class:`RunResult` (world is the first axis)."""
PER_WORLD_MAPPINGS = ("casualties", "partial_first_month", "partial_in_force", "victory_beliefs", "payoffs")
"""Its mappings of per-world arrays (actor or deal -> array)."""
MAPPINGS = PER_WORLD_MAPPINGS + ("decisions", "ideal_sums")


def _save_part(path: Path, part: RunResult) -> None:
    """One finished chunk, written atomically (for resuming a long run)."""
    arrays = {name: getattr(part, name) for name in ARRAYS}
    for name in MAPPINGS:
        arrays.update({f"{name}/{key}": value for key, value in getattr(part, name).items()})
    buffer = io.BytesIO()
    np.savez(buffer, **arrays)
    atomic_write_bytes(path, buffer.getvalue())


def _load_part(path: Path, loaded: LoadedScenario, seed: int) -> RunResult:
    with np.load(path) as data:
        fields = {name: data[name] for name in ARRAYS}
        for name in MAPPINGS:
            fields[name] = {key.split("/", 1)[1]: data[key] for key in data.files if key.startswith(f"{name}/")}
    return _shell(loaded, seed, **fields)


def provenance(loaded: LoadedScenario, posterior: Posterior | None) -> dict:
    """What, besides the scenario's hash and the seed, made a result: overrides and posterior."""
    return {"scenario_file": str(loaded.path), "overrides": {k: loaded.overrides[k] for k in sorted(loaded.overrides)},
            "posterior": None if posterior is None else {"file": posterior.path, "sha256": posterior.sha256}}


def run_scenario(loaded: LoadedScenario, worlds: int | None = None, seed: int | None = None,
                 chunk_size: int = DEFAULT_CHUNK,
                 on_chunk: Callable[[int, int], None] | None = None, posterior=None,
                 checkpoint: str | Path | None = None, resume: bool = False,
                 reused: Callable[[int, int], None] | None = None) -> RunResult:
    """Run a loaded scenario.

    Args:
        loaded: the scenario, from :func:`sim.scenario.load_scenario`.
        worlds: number of worlds (default: the scenario's).
        seed: random seed (default: the scenario's).
        chunk_size: worlds per model run; rounded down to whole blocks of 1,000 (memory use only:
            results do not depend on it).
        on_chunk: called with (worlds done, worlds total) after each chunk.
        posterior: a :class:`~sim.calibration.posterior.Posterior` to draw parameters from instead
            of the priors.
        checkpoint: a folder where each finished chunk is saved atomically; removed when the run
            completes. A folder holding another run's chunks is refused unless ``resume``.
        resume: reuse the chunks an interrupted run left in ``checkpoint`` (same scenario, seed,
            worlds, chunking, overrides and posterior), computing only the rest.
        reused: called with (worlds reused, worlds total) when a resumed run starts.
    """
    scenario = loaded.scenario
    worlds = worlds or scenario.worlds
    check_run_size(scenario, worlds)
    seed = scenario.seed if seed is None else seed
    began = time.perf_counter()
    bounds = chunk_bounds(worlds, chunk_size)
    made_by = provenance(loaded, posterior)
    store = None
    if checkpoint:
        identity = {"scenario_sha256": loaded.sha256, "seed": seed, "worlds": worlds, "chunks": bounds,
                    "overrides": made_by["overrides"], "posterior": made_by["posterior"], "version": __version__}
        store = Checkpoint(checkpoint, "run.json", identity, resume, what="run")
        if reused is not None and resume:
            done = sum(stop - start for number, (start, stop) in enumerate(bounds) if store.has(_chunk_name(number)))
            reused(done, worlds)
    parts = []
    for number, (start, stop) in enumerate(bounds):
        name = _chunk_name(number)
        if store is not None and store.has(name):
            parts.append(_load_part(store.path(name), loaded, seed))
        else:
            model = build_model(scenario, worlds=stop - start, seed=seed, first_world=start, posterior=posterior).run()
            parts.append(result_from_model(model, loaded, seed))
            if store is not None:
                _save_part(store.path(name), parts[-1])
        if on_chunk:
            on_chunk(stop, worlds)
    result = _merge(parts)
    result.seconds = time.perf_counter() - began
    result.provenance = made_by
    if store is not None:
        store.remove()
    return result


def _chunk_name(number: int) -> str:
    return f"chunk-{number:06d}.npz"
