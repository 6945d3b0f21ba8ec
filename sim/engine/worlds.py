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
from collections.abc import Iterator, Sequence
from pathlib import Path

import numpy as np

from sim.fileio import atomic_write

PREFIX = "table/"
"""Prefix of a per-world column's name inside a chunk file (beside the chunk's paths and sums)."""

WORLD_COLUMNS = {
    "world": "the world's index: world w of negsim run is world w of negsim explain and negsim bdm",
    "first_ceasefire_month": "month of the first ceasefire (1 = the scenario's first month); 0: none by the horizon",
    "first_ceasefire_end": "month the first ceasefire broke down; 0: it held to the horizon (or there was none)",
    "first_settlement_month": "month every issue was settled; 0: never by the horizon",
    "terms/<issue>": "terms of the package agreed at the first ceasefire (0 = Ukraine's position, 1 = Russia's); "
                     "NaN without a ceasefire",
    "casualties_at_horizon/<actor>": "the actor's casualties in the horizon's month (people a month)",
    "occupied_km2_at_horizon": "area Russia occupies at the horizon, km2",
    "partial_first_month/<deal>": "month the partial deal was first in force; 0: never",
    "partial_in_force_at_horizon/<deal>": "1 if the partial deal is in force at the horizon, else 0",
    "payoff/<actor>": "the actor's mean discounted monthly utility over the horizon (docs/model.md [9])",
    "param/<key.path>": "every parameter drawn from a prior in this world, by its dotted key path in the scenario "
                        "(for example param/actors.russia.beliefs.victory)",
}
"""The per-world table's columns (``worlds.parquet``), declared once: name pattern and meaning."""


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

    def blocks(self, names: Sequence[str] | None = None) -> Iterator[dict[str, np.ndarray]]:
        """The columns ``names`` (default all) block of worlds by block, in world order: the way to
        read every column of a large run without holding it all."""
        names = self.names if names is None else list(names)
        yield {name: self[name] for name in names}


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

    def blocks(self, names: Sequence[str] | None = None, size: int = 100_000) -> Iterator[dict[str, np.ndarray]]:
        names = self.names if names is None else list(names)
        for start in range(0, max(self.worlds, 1), size):
            yield {name: self.columns[name][start:start + size] for name in names}


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

    def blocks(self, names: Sequence[str] | None = None) -> Iterator[dict[str, np.ndarray]]:
        names = self.names if names is None else list(names)
        for file in self.files:
            with np.load(file) as chunk:
                yield {name: chunk[PREFIX + name] for name in names}


def write_parquet(table: WorldTable, path: Path, metadata: dict[str, str] | None = None) -> Path:
    """The per-world table as Parquet, one row group per block of worlds, written atomically; a
    ``world`` column comes first, and ``metadata`` (what made the table) goes into the file's
    key-value metadata. Returns ``path``."""
    atomic_write(path, lambda tmp: _write_parquet(table, tmp, metadata))
    return Path(path)


def parquet_bytes(table: WorldTable, metadata: dict[str, str] | None = None) -> bytes:
    """The same Parquet file as :func:`write_parquet`, in memory (a sweep point's, sent from a worker)."""
    import pyarrow as pa

    sink = pa.BufferOutputStream()
    _write_parquet(table, sink, metadata)
    return sink.getvalue().to_pybytes()


def _write_parquet(table: WorldTable, sink, metadata: dict[str, str] | None) -> None:
    import pyarrow as pa
    import pyarrow.parquet as pq

    writer, world = None, 0
    for block in table.blocks():
        size = len(next(iter(block.values()))) if block else 0
        batch = pa.table({"world": np.arange(world, world + size), **block})
        world += size
        if writer is None:
            writer = pq.ParquetWriter(sink, batch.schema.with_metadata(metadata or {}), compression="zstd")
        writer.write_table(batch.replace_schema_metadata(metadata or {}))
    if writer is None:
        raise ValueError("an empty table")
    writer.close()


def chunk_folder() -> Path:
    """A new private folder for a run's chunk files (removed with the run's table)."""
    return Path(tempfile.mkdtemp(prefix="negsim-worlds-"))
