"""Scenario files: the schema with checked ranges, loading with ``extends:``, clear errors.

The bottom layer: it imports nothing else from ``sim``. The strategy rule kinds are declared by
the model layer and handed to :func:`load_scenario`; :func:`sim.engine.load_scenario` does that.
"""

from .errors import ClusterError, ExecutionFault, PosteriorError, ResumeError, ScenarioError, SweepError, UserError
from .levers import LEVERS
from .params import Prior
from .schema import Scenario, build_schema
from .validate import LoadedScenario, load_with_schema, with_overrides

__all__ = ["ClusterError", "ExecutionFault", "LEVERS", "LoadedScenario", "PosteriorError", "Prior", "ResumeError",
           "Scenario", "ScenarioError", "SweepError", "UserError", "build_schema", "load_with_schema", "with_overrides"]
