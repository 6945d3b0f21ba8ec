"""The engine: the only code that builds a model, runs it over worlds and checkpoints it.

* :func:`load_scenario`: load and validate a scenario with every registered rule kind;
* :func:`load_variants`: its named structural variants, each validated;
* :func:`build_model`: the one constructor call of :class:`~sim.model.model.NegotiationModel`;
* :func:`run_scenario`: a scenario over many worlds, in chunks, resumable, as a :class:`RunResult`;
* :func:`trace_world`: one world month by month (teaching);
* :class:`Posterior`: a calibrated ensemble to draw parameters from;
* :func:`run_tasks`: the executor (this process, local processes, Dask) sweeps and others use.

Names are imported lazily, so ``import sim.engine`` stays cheap.
"""

from importlib import import_module

_EXPORTS = {"load_scenario": ".loading", "load_variants": ".loading", "CheckedScenario": ".loading", "build_model": ".build",
            "trace_world": ".build", "Trace": ".build", "run_scenario": ".run", "RunResult": ".run",
            "DEFAULT_CHUNK": ".defaults", "Posterior": ".posterior", "run_tasks": ".executor",
            "Checkpoint": ".checkpoint"}

__all__ = sorted(_EXPORTS)


def __getattr__(name: str):
    if name in _EXPORTS:
        return getattr(import_module(_EXPORTS[name], __name__), name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
