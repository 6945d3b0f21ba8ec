"""The agent model: Mesa agents and model, war dynamics, strategy rules and world-keyed streams.

Build models through :mod:`sim.engine`; this package's names are imported lazily so that loading a
scenario (which needs only :mod:`sim.model.rules`) does not import Mesa.
"""

from importlib import import_module

_EXPORTS = {"NegotiationModel": ".model", "Intervention": ".model", "RoundRecord": ".state", "WorldState": ".state",
            "Facts": ".state", "Actor": ".agents", "Belligerent": ".agents", "Mediator": ".agents",
            "Supporter": ".agents"}

__all__ = sorted(_EXPORTS)


def __getattr__(name: str):
    if name in _EXPORTS:
        return getattr(import_module(_EXPORTS[name], __name__), name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
