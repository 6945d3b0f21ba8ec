"""The agent model: Mesa agents and model, war dynamics, and world-keyed random streams."""

from .agents import Actor, Belligerent, Europe, Mediator, Russia, Supporter, Ukraine, UnitedStates
from .model import NegotiationModel

__all__ = ["Actor", "Belligerent", "Europe", "Mediator", "NegotiationModel", "Russia", "Supporter",
           "Ukraine", "UnitedStates"]
