"""negsim: an agent-based, game-theoretic simulator of negotiations to end Russia's war on Ukraine."""

__version__ = "0.4.0"
"""The one place the version is written (pyproject.toml reads it): importlib.metadata would cost every
command about 50 ms of start-up."""

MODEL_VERSION = ".".join(__version__.split(".")[:2])
"""The model's version, major.minor: a release that moves any number raises at least the minor
version (CHANGELOG), a patch release moves none. So an interrupted run or sweep resumes under a later
patch release but not under another model, whose chunks it would mix with its own."""


API = ("load", "run", "compare", "sweep", "discover")
"""The notebook API (:mod:`sim.api`), imported on first use so that ``import sim`` stays light."""


def __getattr__(name: str):
    if name in API:
        from sim import api

        return getattr(api, name)
    raise AttributeError(f"module 'sim' has no attribute {name!r}")


def __dir__() -> list[str]:
    return sorted([*globals(), *API])
