"""negsim: an agent-based, game-theoretic simulator of negotiations to end Russia's war on Ukraine."""

from importlib.metadata import PackageNotFoundError, version

try:
    __version__ = version("negsim")
except PackageNotFoundError:  # running from a source tree that was not installed
    __version__ = "0.0.0+source"
