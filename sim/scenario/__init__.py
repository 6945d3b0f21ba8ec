"""Scenario files: schema, loading with ``extends:``, and validation with clear errors."""

from .loader import ScenarioError
from .schema import Prior, Scenario
from .validate import LoadedScenario, load_scenario

__all__ = ["LoadedScenario", "Prior", "Scenario", "ScenarioError", "load_scenario"]
