"""Scenario files: the schema with checked ranges, loading with ``extends:``, clear errors.

The bottom layer: it imports nothing else from ``sim``. The strategy rule kinds are declared by
the model layer and handed to :func:`load_with_schema`; :func:`sim.engine.load_scenario` does that.

The errors are imported at once (every command needs them, and they are light); the schema and the
loader only when first used, so ``negsim --help`` does not build the schema (pydantic and every
checked range: about a quarter of a second).
"""

from importlib import import_module

from .errors import ClusterError, ExecutionFault, PosteriorError, ResumeError, ScenarioError, SweepError, UserError

_LAZY = {"LEVERS": ".levers", "Prior": ".params", "Scenario": ".schema", "build_schema": ".schema",
         "LoadedScenario": ".validate", "load_with_schema": ".validate", "with_overrides": ".validate"}

__all__ = ["ClusterError", "ExecutionFault", "LEVERS", "LoadedScenario", "PosteriorError", "Prior", "ResumeError",
           "Scenario", "ScenarioError", "SweepError", "UserError", "build_schema", "load_with_schema", "with_overrides"]


def __getattr__(name: str):
    if name in _LAZY:
        return getattr(import_module(_LAZY[name], __name__), name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
