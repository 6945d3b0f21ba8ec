"""``negsim serve --export page.html``: the classroom page as one file, for handouts.

The page's results are precomputed on a small grid of its controls (every combination), with
plotly.js and the data inlined, so a student opens it from disk without Python or internet. The
same page code reads the grid instead of asking a server (``window.NEGSIM_STATIC``).
"""

from __future__ import annotations

import itertools
from collections.abc import Callable
from concurrent.futures import Executor
from pathlib import Path

import numpy as np

from sim.analysis import classroom
from sim.analysis.classroom import Control
from sim.fileio import atomic_write_bytes
from sim.report.plots import ACTOR_COLOURS
from sim.scenario import UserError

from . import work
from .app import page_html

DEFAULT_GRID = ("actors.us.levers.sanctions", "actors.europe.levers.troop_offer", "actors.russia.beliefs.victory")
"""The controls an export varies unless told otherwise (those of them the scenario has), each at
:func:`default_values`: 125 settings for three controls."""


def default_values(control: Control) -> list[float]:
    """Five stops of an exported slider: its two ends, the value as written and the midpoints
    between them, each on the slider's step (three stops made the slider jump from end to end)."""
    low, written, high = float(control.low), float(control.written), float(control.high)

    def on_step(value: float) -> float:
        return round(low + round((value - low) / control.step) * control.step, 10)

    return sorted({low, on_step((low + written) / 2), written, on_step((written + high) / 2), high})


def js_text(value: float | str) -> str:
    """A grid value as JavaScript's ``String()`` writes it (the page's lookup key): 2.0 is "2"."""
    if isinstance(value, str):
        return value
    text = repr(float(value))
    return text[:-2] if text.endswith(".0") else text


def grid_for(controls: list[Control], vary: dict[str, list] | None) -> dict[str, list]:
    """The values of each varied control: ``vary`` (key path -> values), or :data:`DEFAULT_GRID`."""
    known = {c.key: c for c in controls}
    if vary:
        unknown = [k for k in vary if k not in known]
        if unknown:
            raise UserError(f"the page has no control {unknown[0]!r}; controls of this scenario: "
                            f"{', '.join(known)}", key="--vary")
        return {k: [str(v) if known[k].choices else float(v) for v in values] for k, values in vary.items()}
    grid = {}
    for key in DEFAULT_GRID:
        if key in known:
            grid[key] = default_values(known[key])
    if not grid:
        raise UserError("none of the default export controls is in this scenario; name some with --vary KEY=V1,V2",
                        key="--vary")
    return grid


def export_page(path: str, out: Path, executor: Executor, vary: dict[str, list] | None = None,
                worlds: int = classroom.INTERACTIVE_WORLDS, issues: list[str] | None = None, month: int = 3,
                progress: Callable[[int, int], None] | None = None) -> int:
    """Write the page with every grid setting precomputed; returns the number of settings."""
    loaded = work.scenario(path)
    scenario = loaded.scenario
    controls = classroom.controls(scenario)
    grid = grid_for(controls, vary)
    written = {c.key: c.written for c in controls}
    issues = issues or [i for i in ("territory", "guarantees") if i in scenario.issues] or list(scenario.issues)[:2]
    keys = list(grid)
    settings = [dict(zip(keys, combo, strict=True)) for combo in itertools.product(*(grid[k] for k in keys))]
    for values in settings:  # every setting valid before an hour of computing
        classroom.with_settings(loaded, values)
    classroom.check_worlds(worlds)
    defaults = executor.submit(work.first_months, path, {}, worlds)
    jobs = [(executor.submit(work.first_months, path, v, worlds), executor.submit(work.bargain, path, v, issues, month, 0),
             executor.submit(work.story, path, v, 0)) for v in settings]
    results, done = {}, 0
    for values, (first, bargain, story) in zip(settings, jobs, strict=True):
        forecast = classroom.forecast_from(np.asarray(first.result()), np.asarray(defaults.result()), scenario)
        peace = forecast["peace_worlds"][:1]
        forecast["peace_worlds"] = peace
        key = "|".join(js_text(values.get(k, written[k])) for k in keys)
        results[key] = {"forecast": forecast, "bargain": bargain.result(), "story": story.result(),
                        "peace_story": work.story(path, values, peace[0]) if peace else None}
        done += 1
        if progress:
            progress(done, len(settings))
    data = {"scenario": Path(path).name, "worlds": worlds, "issues": issues, "month": month,
            "controls": {"scenario": Path(path).name, "name": scenario.name, "description": scenario.description,
                         "horizon": scenario.horizon_months, "seed": scenario.seed, "issues": list(scenario.issues),
                         "colours": ACTOR_COLOURS, "controls": [c.as_dict() for c in controls]},
            "grid": {"keys": keys, "values": grid, "written": {k: written[k] for k in keys}},
            "results": results}
    atomic_write_bytes(out, page_html(live=False, data=data, inline_plotly=True).encode("utf-8"))
    return len(settings)
