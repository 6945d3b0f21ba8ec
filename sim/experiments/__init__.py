"""Experiments: running scenarios over many worlds (and, later, comparing and sweeping them)."""

from .run import RunResult, run_scenario

__all__ = ["RunResult", "run_scenario"]
