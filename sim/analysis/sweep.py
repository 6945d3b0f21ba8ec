"""Run a parameter sweep on all local cores or a Dask cluster; resumable, and bit-identical whatever
the number of workers or the chunk size.

* Each point ``i`` has its own seed, derived from the scenario seed and ``i``; its worlds draw from
  streams keyed by that seed, so a point's numbers never depend on which other points share its run.
* When every swept parameter is a prior-valued parameter, many points share one model run: the
  model holds ``points x worlds`` worlds and each point's worlds get its values (vectorised over
  points as well as worlds). Otherwise each point is its own run.
* Each finished chunk of points is written atomically to ``OUT/chunks/``; ``--resume`` computes only
  the chunks that are missing. A point that fails is recorded with its error.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from sim import MODEL_VERSION, __version__
from sim.engine.build import build_model
from sim.engine.checkpoint import Checkpoint
from sim.engine.conditioning import ConditionedStart, conditioned_start
from sim.engine.defaults import SWEEP_WORLDS, SWEEP_WORLDS_PER_CHUNK
from sim.engine.executor import run_tasks
from sim.engine.limits import check_sweep_size
from sim.engine.loading import CheckedScenario as ScenarioSchema
from sim.engine.loading import check_values
from sim.engine.outputs import UNITS, outcome_columns, output_definitions
from sim.engine.posterior import Posterior
from sim.engine.run import collect_finished_model, result_from_model
from sim.engine.worlds import InMemoryTable, parquet_bytes
from sim.fileio import atomic_write_bytes, write_json
from sim.model.streams import WorldStreams
from sim.scenario import LoadedScenario, UserError
from sim.scenario.validate import set_path, validate

from .design import Design, check_paths

MANIFEST = "sweep.json"


def point_seed(seed: int, index: int, common: bool = False) -> int:
    """The seed of sweep point ``index``: derived from the scenario seed, independent of chunking.
    With ``common`` every point uses the scenario seed itself (common random numbers)."""
    if common:
        return int(seed)
    return int(np.random.SeedSequence([int(seed), int(index)]).generate_state(1, dtype=np.uint32)[0])


@dataclass
class SweepPlan:
    """Everything a worker needs to compute chunks of a sweep (picklable)."""

    loaded: LoadedScenario
    design: Design
    worlds: int
    months: list[int]
    seed: int
    vectorisable: bool
    chunk_points: int
    common_random_numbers: bool = False
    posterior: Posterior | None = None
    worlds_tables: bool = False          # also keep every point's per-world table (worlds/point-N.parquet)
    start: ConditionedStart | None = None   # the worlds replayed through the record (condition_on:), once for all points

    def seed_of(self, index: int) -> int:
        return point_seed(self.seed, index, self.common_random_numbers)

    @property
    def n_points(self) -> int:
        return int(self.design.points.shape[0])

    def chunks(self) -> list[range]:
        return [range(i, min(i + self.chunk_points, self.n_points))
                for i in range(0, self.n_points, self.chunk_points)]

    def manifest(self) -> dict:
        return {"version": __version__, "model": MODEL_VERSION, "scenario": str(self.loaded.path),
                "scenario_sha256": self.loaded.sha256, "method": self.design.method,
                "params": self.design.names, "points": self.design.points.tolist(),
                "samples": self.design.samples, "worlds": self.worlds, "months": self.months,
                "seed": self.seed, "chunk_points": self.chunk_points,
                "vectorisable": self.vectorisable, "common_random_numbers": self.common_random_numbers,
                "worlds_tables": self.worlds_tables,
                "posterior": None if self.posterior is None else {"file": self.posterior.path,
                                                                  "sha256": self.posterior.sha256},
                "conditioning": None if self.start is None else self.start.summary(),
                "problem": self.design.salib_problem(), "outcome_definitions": output_definitions(),
                "units": UNITS}


def plan_sweep(loaded: LoadedScenario, design: Design, worlds: int = SWEEP_WORLDS, months: list[int] | None = None,
               seed: int | None = None, chunk_points: int | None = None,
               common_random_numbers: bool = False, posterior: Posterior | None = None,
               worlds_tables: bool = False) -> SweepPlan:
    """Check the design against the scenario and decide how to cut it into chunks."""
    scenario = loaded.scenario
    vectorisable = check_paths(scenario, design.params)
    # Every swept value must be one the scenario accepts at that path (points that share a model
    # run bypass the schema, so their values are checked here, before anything runs).
    check_values(loaded, {name: list(design.points[:, d]) for d, name in enumerate(design.names)})
    months = sorted({m for m in (months or scenario.report_months) if 1 <= m <= scenario.horizon_months}) \
        or [scenario.horizon_months]
    if chunk_points is None:
        chunk_points = max(1, SWEEP_WORLDS_PER_CHUNK // worlds) if vectorisable else 1
    check_sweep_size(len(design.points), len(design.params),
                     worlds * (min(chunk_points, len(design.points)) if vectorisable else 1))
    seed = scenario.seed if seed is None else seed
    # A swept parameter of a conditioned scenario takes the swept value (overrides win over the
    # start); everything else starts from the worlds replayed through the record, as one run does.
    start = conditioned_start(loaded, seed=seed, posterior=posterior) if scenario.condition_on is not None else None
    return SweepPlan(loaded, design, worlds, months, seed, vectorisable, chunk_points, common_random_numbers,
                     posterior, worlds_tables, start)


def _row(plan: SweepPlan, index: int, result, tables: dict[int, bytes] | None = None) -> dict:
    """A point's row: its parameter values, then every declared output at the sweep's months; with
    ``tables``, the point's per-world table goes there as Parquet."""
    if tables is not None and plan.worlds_tables:
        tables[index] = parquet_bytes(_point_table(plan, index, result.table), {"negsim": json.dumps(
            {"point": index, "seed": plan.seed_of(index), "worlds": plan.worlds,
             "scenario_sha256": plan.loaded.sha256, "version": __version__,
             "swept": {n: float(v) for n, v in zip(plan.design.names, plan.design.points[index], strict=True)}})})
    row: dict[str, Any] = {"point": index}
    row.update({name: float(v) for name, v in zip(plan.design.names, plan.design.points[index], strict=True)})
    row.update(outcome_columns(result, plan.months))
    row["worlds"] = plan.worlds
    row["seed"] = plan.seed_of(index)
    row["error"] = None
    return row


def _point_table(plan: SweepPlan, index: int, table) -> InMemoryTable:
    """A point's per-world table with its swept values as ``param/`` columns (a point run alone sets
    them in the scenario, not as draws) and the parameters in name order, so the table is the same
    however the point was run."""
    columns = {name: table[name] for name in table.names}
    for name, value in zip(plan.design.names, plan.design.points[index], strict=True):
        columns[f"param/{name}"] = np.full(table.worlds, float(value))
    outcomes = [n for n in columns if not n.startswith("param/")]
    return InMemoryTable({n: columns[n] for n in outcomes + sorted(n for n in columns if n.startswith("param/"))})


def _error_row(plan: SweepPlan, index: int, error: BaseException) -> dict:
    row: dict[str, Any] = {"point": index}
    row.update({name: float(v) for name, v in zip(plan.design.names, plan.design.points[index], strict=True)})
    message = error.format() if isinstance(error, UserError) else f"{type(error).__name__}: {error}"
    row.update({"worlds": plan.worlds, "seed": plan.seed_of(index), "error": message})
    return row


def _run_points_separately(plan: SweepPlan, indices: Iterable[int], tables: dict[int, bytes] | None = None) -> list[dict]:
    rows = []
    for index in indices:
        try:
            raw = plan.loaded.raw
            for name, value in zip(plan.design.names, plan.design.points[index], strict=True):
                raw = set_path(raw, name, float(value))
            scenario = validate(raw, plan.loaded.source, ScenarioSchema)
            seed = plan.seed_of(index)
            model = build_model(scenario, worlds=plan.worlds, seed=seed, posterior=plan.posterior,
                                start=plan.start).run()
            rows.append(_row(plan, index, result_from_model(model, plan.loaded, seed), tables))
        except Exception as exc:  # a failing point is recorded, the sweep goes on
            rows.append(_error_row(plan, index, exc))
    return rows


def run_chunk(plan: SweepPlan, indices: range, tables: dict[int, bytes] | None = None) -> list[dict]:
    """Compute the rows of points ``indices``; a worker's unit of work. ``tables`` (if given)
    receives each point's per-world table when the plan keeps them."""
    if not plan.vectorisable or len(indices) == 1:
        return _run_points_separately(plan, indices, tables)
    try:
        scenario, w = plan.loaded.scenario, plan.worlds
        streams = WorldStreams.for_segments([(plan.seed_of(i), 0, w) for i in indices],
                                            scenario.horizon_months)
        values = plan.design.points[indices.start:indices.stop]
        overrides = {name: np.repeat(values[:, d], w) for d, name in enumerate(plan.design.names)}
        model = build_model(scenario, streams=streams, overrides=overrides, posterior=plan.posterior,
                            start=plan.start).run()
        whole = result_from_model(model, plan.loaded, plan.seed)
        return [_row(plan, index, whole.subset(slice(j * w, (j + 1) * w), plan.seed_of(index)), tables)
                for j, index in enumerate(indices)]
    except Exception:
        # Find the failing point(s) by running each alone; the others still get their rows.
        return _run_points_separately(plan, indices, tables)


def chunk_name(number: int) -> str:
    """A finished chunk's file, relative to the sweep's folder."""
    return f"chunks/chunk-{number:06d}.json"


RESUME_KEYS = ("model", "scenario_sha256", "params", "points", "worlds", "months", "seed", "chunk_points",
               "common_random_numbers", "posterior", "worlds_tables", "conditioning")
"""What must match for a sweep to be resumed (the rest of the manifest is informative)."""


def _chunk_task(plan: SweepPlan, indices: range) -> tuple[list[dict], dict[int, bytes]]:
    tables: dict[int, bytes] = {}
    rows = run_chunk(plan, indices, tables)
    collect_finished_model()
    return rows, tables


def worlds_table_name(point: int) -> str:
    """A point's per-world table, relative to the sweep's folder."""
    return f"worlds/point-{point:06d}.parquet"


def run_sweep(plan: SweepPlan, out: str | Path, workers: int | None = None, resume: bool = False,
              scheduler: str | None = None, dask_local: bool = False,
              progress: Callable[[int, int], None] | None = None) -> list[dict]:
    """Run (or finish) a sweep into ``out`` and return all rows, ordered by point.

    Args:
        plan: from :func:`plan_sweep`.
        out: output folder (``sweep.json``, ``chunks/``, then ``results.csv`` and ``results.parquet``).
        workers: local processes (default: all cores); 1 runs in this process.
        resume: finish a sweep already started in ``out``.
        scheduler: address of a Dask scheduler (``tcp://host:port``) to run on instead.
        dask_local: run on a Dask ``LocalCluster`` on this machine (loopback only).
        progress: called with (points done, points total).
    """
    out = Path(out)
    manifest = plan.manifest()
    identity = {key: manifest[key] for key in RESUME_KEYS}
    chunks = plan.chunks()
    with Checkpoint(out, MANIFEST, identity, resume, what="sweep") as store:
        write_json(out / MANIFEST, manifest)
        todo = [(n, (c,)) for n, c in enumerate(chunks) if not store.has(chunk_name(n))]
        done_points = plan.n_points - sum(len(c) for _, (c,) in todo)
        if progress:
            progress(done_points, plan.n_points)

        def finished(number: int, result: tuple[list[dict], dict[int, bytes]]) -> None:
            nonlocal done_points
            rows, tables = result
            for point, data in tables.items():   # before the chunk: a saved chunk has its tables
                atomic_write_bytes(out / worlds_table_name(point), data)
            store.save(chunk_name(number), json.dumps(rows).encode())
            done_points += len(rows)
            if progress:
                progress(done_points, plan.n_points)

        run_tasks(_chunk_task, todo, finished, workers=workers, scheduler=scheduler, dask_local=dask_local,
                  shared=plan)
        rows = sorted((row for number in range(len(chunks)) for row in json.loads(store.load(chunk_name(number)))),
                      key=lambda row: row["point"])
    write_tables(rows, out)
    return rows


def write_tables(rows: list[dict], out: Path) -> None:
    """The tidy table, one row per point: ``results.csv`` and ``results.parquet`` (atomic)."""
    import io

    import pandas as pd

    frame = pd.DataFrame(rows)
    atomic_write_bytes(out / "results.csv", frame.to_csv(index=False).encode())
    buffer = io.BytesIO()
    frame.to_parquet(buffer, index=False)
    atomic_write_bytes(out / "results.parquet", buffer.getvalue())


def failures(rows: list[dict]) -> list[dict]:
    return [row for row in rows if row.get("error")]
