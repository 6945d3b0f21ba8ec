"""negsim: an agent-based, game-theoretic simulator of negotiations to end Russia's war on Ukraine."""

from importlib.metadata import PackageNotFoundError, version

try:
    __version__ = version("negsim")
except PackageNotFoundError:  # running from a source tree that was not installed
    __version__ = "0.0.0+source"


API = ("load", "run", "compare", "sweep", "discover")
"""The notebook API (:mod:`sim.api`), imported on first use so that ``import sim`` stays light."""


def __getattr__(name: str):
    if name in API:
        from sim import api

        return getattr(api, name)
    raise AttributeError(f"module 'sim' has no attribute {name!r}")


def __dir__() -> list[str]:
    return sorted([*globals(), *API])
