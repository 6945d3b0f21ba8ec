"""Bueno de Mesquita's expected-utility (group decision) model, as formulated by Scholz, Calbert and
Smith (2011), vectorised over worlds. See :mod:`sim.engines.bdm.model`."""

from .examples import EC_EMISSIONS, Example
from .model import Actors, Round, Trajectory, median_position, run, weighted_mean

__all__ = ["EC_EMISSIONS", "Actors", "Example", "Round", "Trajectory", "median_position", "run", "weighted_mean"]
