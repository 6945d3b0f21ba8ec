"""Random numbers that belong to worlds, not to runs.

Every random quantity has a name ("battle", "param:actors.russia.patience", ...). World ``w`` draws
that quantity from its own stream, keyed by (seed, block of ``w``, name). So:

* the same seed gives the same numbers however the worlds are split into chunks or processes
  (chunks are made of whole blocks);
* two scenarios run with the same seed see the same shocks in the same world (common random
  numbers), because a stream depends on its name, not on the order in which the model asks for it.
"""

from __future__ import annotations

import zlib

import numpy as np

from sim.core.random_streams import NORMAL, UNIFORM, block_prefix, draw_stream
from sim.scenario.paths import scalar_paths
from sim.scenario.schema import Scenario

BLOCK_SIZE = 1000
"""Worlds per random block. Chunks of a run are whole blocks, which keeps results chunk-invariant."""


def _name_key(name: str) -> int:
    return zlib.crc32(name.encode("utf-8"))


class WorldStreams:
    """Named random streams for worlds ``first_world`` to ``first_world + n_worlds - 1``.

    Args:
        seed: the scenario seed (a non-negative integer).
        first_world: index of the first world; must be a multiple of :data:`BLOCK_SIZE`.
        n_worlds: how many consecutive worlds.
        months: how many monthly draws a per-month stream holds.
    """

    def __init__(self, seed: int, first_world: int, n_worlds: int, months: int):
        self.months = months
        self.n_worlds = 0
        self._blocks: list[tuple[int, int, int]] = []   # (seed, block index, worlds in block)
        self._pools: list[list[int]] = []               # each block's seed sequence, its name not yet mixed in
        self._constants: list[int] = []
        self._cache: dict[tuple[str, str], np.ndarray] = {}
        self.add_segment(seed, first_world, n_worlds)

    @classmethod
    def for_segments(cls, segments: list[tuple[int, int, int]], months: int) -> WorldStreams:
        """Streams for several runs side by side: ``(seed, first_world, n_worlds)`` each.

        A parameter sweep runs many points in one model this way; each point keeps the numbers it
        would have had alone."""
        seed, first, n = segments[0]
        streams = cls(seed, first, n, months)
        for seed, first, n in segments[1:]:
            streams.add_segment(seed, first, n)
        return streams

    def add_segment(self, seed: int, first_world: int, n_worlds: int) -> None:
        if first_world % BLOCK_SIZE:
            raise ValueError(f"first_world must be a multiple of {BLOCK_SIZE}, got {first_world}")
        first_block = first_world // BLOCK_SIZE
        for start in range(0, n_worlds, BLOCK_SIZE):
            block = (int(seed), first_block + start // BLOCK_SIZE, min(BLOCK_SIZE, n_worlds - start))
            pool, constant = block_prefix(*block[:2])
            self._blocks.append(block)
            self._pools.append(pool)
            self._constants.append(constant)
        self.n_worlds += n_worlds

    def _block_arrays(self) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """The blocks' seed-sequence pools (B, 4), hash constants (B,) and sizes (B,), as the compiled
        draws take them (:func:`sim.core.random_streams.draw_stream`)."""
        return (np.array(self._pools, dtype=np.int64), np.array(self._constants, dtype=np.int64),
                np.array([size for _, _, size in self._blocks], dtype=np.int64))

    def _draw(self, kind: str, name: str, per_month: bool) -> np.ndarray:
        key = (kind, name)
        if key not in self._cache:
            # A month's draws are read as a column over worlds (``[:, t]``): kept worlds innermost in
            # memory (Fortran order), each such column is contiguous. Each block's draws are the same
            # numbers in the same places; only their layout differs.
            drawn = np.empty((self.n_worlds, self.months) if per_month else self.n_worlds, order="F")
            pools, constants, sizes = self._block_arrays()
            draw_stream(pools, constants, _name_key(name), sizes, NORMAL if kind == "normal" else UNIFORM,
                        drawn if per_month else drawn[:, None])
            self._cache[key] = drawn
        return self._cache[key]

    def uniform(self, name: str) -> np.ndarray:
        """One U[0, 1) draw per world, shape (n_worlds,)."""
        return self._draw("uniform", name, per_month=False)

    def monthly_normal(self, name: str) -> np.ndarray:
        """Standard normal shocks, shape (n_worlds, months), worlds innermost in memory."""
        return self._draw("normal", name, per_month=True)

    def monthly_uniform(self, name: str) -> np.ndarray:
        """U[0, 1) draws, shape (n_worlds, months), worlds innermost in memory."""
        return self._draw("uniform", name, per_month=True)


class RepeatedWorld(WorldStreams):
    """Streams that give each of ``copies`` worlds every draw of world ``world`` of a run.

    Copies of one world, differing only in the parameters a caller overrides, meet the same shocks:
    a search over what would have changed that world's course (``negsim explain --counterfactual``)
    runs them side by side in one model.
    """

    def __init__(self, seed: int, world: int, copies: int, months: int):
        first = (world // BLOCK_SIZE) * BLOCK_SIZE
        self._source = WorldStreams(seed, first, world - first + 1, months)
        self._row = world - first
        self.months = months
        self.n_worlds = copies
        self._cache = {}

    def _draw(self, kind: str, name: str, per_month: bool) -> np.ndarray:
        key = (kind, name)
        if key not in self._cache:
            row = self._source._draw(kind, name, per_month)[self._row]
            self._cache[key] = np.asfortranarray(np.repeat(np.asarray(row)[None, ...], self.n_worlds, axis=0))
        return self._cache[key]


class ParameterDraws:
    """Every parameter a run draws per world, named by its key path in the checked scenario.

    ``draw(path, prior)`` returns the point value, or one draw per world from the prior (stream
    ``param:<path>``); a sweep or posterior overrides it with a value per world keyed by the same
    path. The path must be one of the scenario's own (:func:`sim.scenario.paths.scalar_paths`), and
    ``prior`` the value found there: a mistyped path fails when the model is built instead of
    silently escaping sweeps and posteriors. ``drawn`` keeps every value not a point, by path.
    """

    def __init__(self, scenario: Scenario, streams: WorldStreams, overrides: dict[str, np.ndarray] | None = None):
        self.streams = streams
        self.overrides = dict(overrides or {})
        self.known = scalar_paths(scenario)
        self.drawn: dict[str, np.ndarray] = {}
        self.asked: set[str] = set()

    def __call__(self, path: str, prior) -> np.ndarray | float:
        found = self.known.get(path, _MISSING)
        if found is not prior and found != prior:
            raise KeyError(f"the model draws {path!r}, which is not a parameter of the scenario"
                           if found is _MISSING else f"the model draws {path!r} from a prior the scenario does not give")
        self.asked.add(path)
        if path in self.overrides:
            value = self.overrides[path]
        elif prior.is_point:
            return prior.low
        else:
            value = prior.from_uniform(self.streams.uniform(f"param:{path}"))
        self.drawn[path] = value
        return value


_MISSING = object()
