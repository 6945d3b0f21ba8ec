"""A run's files, written in one place: ``negsim run --out DIR`` and ``sim.run(...).save(DIR)`` both call
:func:`write_run`, so a notebook saves exactly what the command saves."""

from __future__ import annotations

import json
from pathlib import Path

from sim.engine.run import RunResult
from sim.engine.worlds import write_parquet
from sim.fileio import strict, write_json

from .io import save_figures

RUN_SPECIFIC = ("seconds", "command")
"""What two runs of the same scenario, seed and worlds may differ in (the time taken; the command
line, which names the folder, the chunk size, the processes): written to ``run.json``, so that
``results.json`` and ``worlds.parquet`` are byte for byte the same however the run was made."""


def split_run_specifics(summary: dict) -> tuple[dict, dict]:
    """``summary`` without :data:`RUN_SPECIFIC` (the top-level ``seconds``, the provenance's
    ``command``), and those entries."""
    reproducible = {key: value for key, value in summary.items() if key != "seconds"}
    provenance = dict(reproducible.get("provenance") or {})
    specifics = {"seconds": summary.get("seconds"), "command": provenance.pop("command", None)}
    reproducible["provenance"] = provenance
    return reproducible, specifics


def write_run(result: RunResult, summary: dict, out: str | Path, worlds_table: bool = True) -> list[Path]:
    """Write ``results.json`` (``summary``, as :func:`~sim.engine.outputs.summarise` made it, with its
    provenance, less what differs between identical runs), ``run.json`` (that: the time taken and
    the command line), the run's figures and, unless told not to, ``worlds.parquet`` into ``out``;
    returns the paths written, in order. Every file is written atomically."""
    from sim.report.plots import run_figures

    out = Path(out)
    reproducible, specifics = split_run_specifics(summary)
    write_json(out / "results.json", reproducible)
    write_json(out / "run.json", specifics)
    written = [out / "results.json", out / "run.json", *save_figures(run_figures(result, summary), out)]
    if worlds_table:
        written.append(write_worlds_table(result, reproducible, out / "worlds.parquet"))
    return written


def write_worlds_table(result: RunResult, summary: dict, path: Path) -> Path:
    """``worlds.parquet``: one row per world, its drawn parameters and outcomes (columns:
    :data:`sim.engine.worlds.WORLD_COLUMNS`), with the run's provenance in the file's metadata."""
    made = {key: summary[key] for key in ("worlds", "seed", "scenario_sha256", "version", "provenance")}
    return write_parquet(result.table, path, {"negsim": json.dumps(strict(made), allow_nan=False)})
