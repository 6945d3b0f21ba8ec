"""Per-world outcomes as named columns: in memory, or in a run's chunk files on disk.

A run of two million worlds cannot hold every world's outcomes in memory and stay within the
memory of one chunk; it need not either, because every statistic it reports reads one column at a
time (a percentile of one issue's terms, a share of one month). So a run writes each finished chunk
to a file and reads a column back, chunk by chunk, when a statistic asks for it: memory then grows
with one column (a few bytes per world), not with every outcome of every world. Results of a single
model (a sweep's points, a teaching run) keep their columns in memory, behind the same interface.
"""

from __future__ import annotations

import shutil
import tempfile
import weakref
from collections.abc import Sequence
from pathlib import Path

import numpy as np

PREFIX = "table/"
"""Prefix of a per-world column's name inside a chunk file (beside the chunk's paths and sums)."""


class WorldTable:
    """Per-world columns by name (world is the first axis of each), all of the same length.

    Names may be grouped with a slash (``payoff/russia``); :meth:`keys` lists a group.
    """

    def __init__(self, names: Sequence[str], worlds: int):
        self.names = list(names)
        self.worlds = worlds

    def __getitem__(self, name: str) -> np.ndarray:
        raise NotImplementedError

    def keys(self, group: str) -> list[str]:
        """The keys of a group of columns (``keys("payoff")`` -> the actors), in stored order."""
        return [n.split("/", 1)[1] for n in self.names if n.startswith(f"{group}/")]

    def group(self, group: str) -> dict[str, np.ndarray]:
        """Every column of a group, loaded (use per column where memory matters)."""
        return {key: self[f"{group}/{key}"] for key in self.keys(group)}

    def in_memory(self) -> InMemoryTable:
        return InMemoryTable({name: self[name] for name in self.names})


class InMemoryTable(WorldTable):
    """Columns held as arrays."""

    def __init__(self, columns: dict[str, np.ndarray]):
        lengths = {len(v) for v in columns.values()}
        if len(lengths) > 1:
            raise ValueError(f"columns of different lengths: {sorted(lengths)}")
        super().__init__(list(columns), lengths.pop() if lengths else 0)
        self.columns = columns

    def __getitem__(self, name: str) -> np.ndarray:
        return self.columns[name]

    def subset(self, worlds: slice) -> InMemoryTable:
        return InMemoryTable({name: column[worlds] for name, column in self.columns.items()})


class ChunkFilesTable(WorldTable):
    """Columns stored in a run's chunk files (``.npz``, one per chunk, in world order); a column is
    read from every chunk file when asked for. The folder is deleted with the last reference to
    the table."""

    def __init__(self, folder: Path, files: Sequence[Path], names: Sequence[str], worlds: int):
        super().__init__(names, worlds)
        self.files = list(files)
        weakref.finalize(self, shutil.rmtree, folder, True)

    def __getitem__(self, name: str) -> np.ndarray:
        if name not in self.names:
            raise KeyError(name)
        parts = []
        for file in self.files:
            with np.load(file) as chunk:
                parts.append(chunk[PREFIX + name])
        return np.concatenate(parts)


def chunk_folder() -> Path:
    """A new private folder for a run's chunk files (removed with the run's table)."""
    return Path(tempfile.mkdtemp(prefix="negsim-worlds-"))
