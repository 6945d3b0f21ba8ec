"""What the server's worker processes compute: one model per request, never shared.

Each function takes plain values (a scenario file, the page's settings) and returns plain values,
so it runs the same in a worker process, a thread, or the export. A worker keeps each scenario
file it has loaded (they are read-only) and nothing else.
"""

from __future__ import annotations

from functools import lru_cache
from typing import Any

import numpy as np

from sim.analysis import classroom
from sim.analysis.teaching import explain_world
from sim.engine.loading import load_scenario
from sim.report.explain import describe
from sim.scenario import LoadedScenario


@lru_cache(maxsize=32)
def _scenario(path: str, mtime: float) -> LoadedScenario:
    return load_scenario(path)


def scenario(path: str) -> LoadedScenario:
    """The scenario file, loaded once per process and again when it changes on disk."""
    from pathlib import Path

    return _scenario(path, Path(path).stat().st_mtime)


def quiet_worker() -> None:
    """A worker's initializer: Ctrl-C in the terminal reaches the whole process group, and the
    server, not each worker, handles it (shutting the workers down without their tracebacks)."""
    import signal

    signal.signal(signal.SIGINT, signal.SIG_IGN)


def warm_up() -> int:
    """Import everything a request needs (a worker's first request would otherwise pay for it)."""
    return 0


def first_months(path: str, values: dict[str, Any], worlds: int) -> np.ndarray:
    return classroom.first_ceasefire_months(scenario(path), values, worlds).astype(np.int16)


def bargain(path: str, values: dict[str, Any], issues: list[str], month: int, world: int) -> dict:
    return classroom.bargain(scenario(path), values, issues, month=month, world=world)


def story(path: str, values: dict[str, Any], world: int) -> dict:
    """World ``world`` month by month under the settings (``negsim explain``'s text)."""
    loaded = classroom.with_settings(scenario(path), values)
    if not 0 <= world < classroom.MAX_WORLDS:
        from sim.scenario import UserError

        raise UserError(f"expected a world in [0, {classroom.MAX_WORLDS - 1:,}], found {world}", key="world")
    return {"world": world, "text": describe(explain_world(loaded.scenario, world=world))}
