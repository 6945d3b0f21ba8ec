"""Per-world outcomes as named columns: in memory, or in a run's chunk files.

A run of two million worlds cannot hold every world's outcomes in memory and stay within the
memory of one chunk; it need not either, because every statistic it reports reads one column at a
time (a percentile of one issue's terms, a share of one month). So a run writes each finished chunk
to a file and reads a column back, chunk by chunk, when a statistic asks for it: memory then grows
with one column (a few bytes per world), not with every outcome of every world. The files go to the
system's folder in memory when it has room, else to disk (:func:`chunk_folder`). Results of a single
model (a sweep's points, a teaching run) keep their columns in memory, behind the same interface.
"""

from __future__ import annotations

import os
import shutil
import tempfile
import weakref
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np

from sim.fileio import atomic_write
from sim.model.war import TERRITORY_DEALS

if TYPE_CHECKING:
    from sim.model.model import NegotiationModel

PREFIX = "table/"
"""Prefix of a per-world column's name inside a chunk file (beside the chunk's paths and sums)."""


@dataclass(frozen=True)
class WorldColumn:
    """One per-world outcome of a run, declared once: its name (``<actor>``, ``<issue>`` or ``<deal>``
    stands for a group of columns), unit and meaning, and how it is read from a model that has run
    (``read(model)`` gives the columns by full name; None for the world index, added by the table)."""

    name: str
    unit: str
    meaning: str
    read: Callable[[NegotiationModel], dict[str, np.ndarray]] | None = None

    def describe(self) -> str:
        """The meaning with its unit, as the table's documentation gives it."""
        return f"{self.meaning} ({self.unit})" if self.unit else self.meaning


def _calendar(start: str, months: np.ndarray) -> np.ndarray:
    """Scenario months (1 = ``start``, "YYYY-MM"; 0 = none) as calendar months YYYYMM (0 = none)."""
    year, month = (int(part) for part in start.split("-"))
    index = year * 12 + month - 1 + months.astype(np.int64) - 1
    return np.where(months > 0, (index // 12) * 100 + index % 12 + 1, 0).astype(np.int32)


def _horizon(model: NegotiationModel, key: str) -> np.ndarray:
    return model.state.history[key][:, -1].copy()


WORLD_COLUMN_TABLE: tuple[WorldColumn, ...] = (
    WorldColumn("world", "", "the world's index: world w of negsim run is world w of negsim explain and negsim bdm"),
    WorldColumn("first_ceasefire_month", "month", "month of the first ceasefire (1 = the scenario's first month); "
                "0: none by the horizon", lambda m: {"first_ceasefire_month": m.state.first_ceasefire_month}),
    WorldColumn("first_ceasefire_yyyymm", "calendar month", "the calendar month of the first ceasefire as YYYYMM "
                "(202512 = December 2025); 0: none by the horizon",
                lambda m: {"first_ceasefire_yyyymm": _calendar(m.spec.start, m.state.first_ceasefire_month)}),
    WorldColumn("first_ceasefire_end", "month", "month the first ceasefire broke down; 0: it held to the horizon "
                "(or there was none)", lambda m: {"first_ceasefire_end": m.state.first_ceasefire_end}),
    WorldColumn("first_settlement_month", "month", "month every issue was settled; 0: never by the horizon",
                lambda m: {"first_settlement_month": m.state.first_settlement_month}),
    WorldColumn("terms/<issue>", "position on the issue scale", "terms of the package agreed at the first ceasefire "
                "(0 = Ukraine's position, 1 = Russia's); NaN without a ceasefire",
                lambda m: {f"terms/{issue}": m.state.first_terms[:, k].copy()
                           for k, issue in enumerate(m.facts.issue_names)}),
    WorldColumn("territory_deal", "", "what the first ceasefire's territory term does, by index into "
                + ", ".join(f"{i} {name}" for i, name in enumerate(TERRITORY_DEALS)) + " (seeds 001, 003)",
                lambda m: {"territory_deal": m.state.first_territory_deal.copy()}),
    WorldColumn("casualties_at_horizon/<actor>", "people, cumulative", "the actor's killed and wounded from the "
                "run's start to the horizon",
                lambda m: {f"casualties_at_horizon/{a}": _horizon(m, f"casualties_{a}") for a in m.state.war.casualty_rate}),
    WorldColumn("occupied_km2_at_horizon", "km2", "area Russia occupies at the horizon",
                lambda m: {"occupied_km2_at_horizon": _horizon(m, "occupied_km2")}),
    WorldColumn("partial_first_month/<deal>", "month", "month the partial deal was first in force; 0: never",
                lambda m: {f"partial_first_month/{d}": deal.first_month for d, deal in m.state.partial.items()}),
    WorldColumn("partial_agreements/<deal>", "count", "how many times the partial deal was agreed by the horizon",
                lambda m: {f"partial_agreements/{d}": deal.agreements for d, deal in m.state.partial.items()}),
    WorldColumn("partial_in_force_at_horizon/<deal>", "", "1 if the partial deal is in force at the horizon, else 0",
                lambda m: {f"partial_in_force_at_horizon/{d}": _horizon(m, f"partial_{d}") for d in m.state.partial}),
    WorldColumn("payoff/<actor>", "utility per month", "the actor's mean discounted monthly utility over the horizon "
                "(docs/model.md [9])", lambda m: {f"payoff/{a}": p for a, p in m.state.payoff.items()}),
    WorldColumn("param/<key.path>", "", "every parameter drawn from a prior in this world, by its dotted key path in "
                "the scenario (for example param/actors.russia.beliefs.victory)",
                lambda m: {f"param/{path}": np.broadcast_to(np.asarray(value, dtype=float), (m.n_worlds,)).copy()
                           for path, value in m.draw.drawn.items()}),
)
"""The per-world table's columns (``worlds.parquet``, a run's chunk files), declared once."""

WORLD_COLUMNS: dict[str, str] = {column.name: column.describe() for column in WORLD_COLUMN_TABLE}
"""The per-world table's columns: name pattern and meaning with its unit (from :data:`WORLD_COLUMN_TABLE`)."""


def world_columns(model: NegotiationModel) -> dict[str, np.ndarray]:
    """Every per-world column of a model that has run, in declared order."""
    columns: dict[str, np.ndarray] = {}
    for column in WORLD_COLUMN_TABLE:
        if column.read is not None:
            columns.update(column.read(model))
    return columns


class WorldTable:
    """Per-world columns by name (world is the first axis of each), all of the same length.

    Names may be grouped with a slash (``payoff/russia``); :meth:`keys` lists a group.
    """

    def __init__(self, names: Sequence[str], worlds: int):
        self.names = list(names)
        self.worlds = worlds

    def __getitem__(self, name: str) -> np.ndarray:
        raise NotImplementedError

    def subset(self, worlds: slice) -> WorldTable:
        """The columns of a slice of worlds (tables held in memory only)."""
        raise NotImplementedError(f"{type(self).__name__} cannot take a subset of its worlds")

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


ROW_GROUP_WORLDS = 10_000
"""Worlds per Parquet row group: ten random blocks (:data:`~sim.model.streams.BLOCK_SIZE`), so that
the writer's metadata (a few hundred bytes per column per row group, held until the file closes)
stays a few megabytes at a million worlds, and the blocks buffered for a group about 15 MB."""


def _write_parquet(table: WorldTable, sink, metadata: dict[str, str] | None) -> None:
    import pyarrow as pa
    import pyarrow.parquet as pq

    writer: pq.ParquetWriter | None = None
    pending: list[pa.Table] = []      # blocks not yet written: fewer than ROW_GROUP_WORLDS worlds
    world = 0
    for block in table.blocks():
        size = len(next(iter(block.values()))) if block else 0
        batch = pa.table({"world": np.arange(world, world + size), **block}).replace_schema_metadata(metadata or {})
        world += size
        if writer is None:
            writer = pq.ParquetWriter(sink, batch.schema, compression="zstd")
        pending.append(batch)
        if sum(len(t) for t in pending) >= ROW_GROUP_WORLDS:
            pending = _write_row_groups(writer, pending, final=False)
    if writer is None:
        raise ValueError("an empty table")
    _write_row_groups(writer, pending, final=True)
    writer.close()


def _write_row_groups(writer, pending: list, final: bool) -> list:
    """Write the pending blocks as row groups of exactly :data:`ROW_GROUP_WORLDS` worlds (and, when
    ``final``, the shorter rest), whatever the chunks, so that the file's bytes do not depend on the
    chunk size; returns what is left to write."""
    import pyarrow as pa

    if not pending:
        return []
    whole = pa.concat_tables(pending)
    cut = len(whole) if final else len(whole) - len(whole) % ROW_GROUP_WORLDS
    if cut:
        writer.write_table(whole.slice(0, cut), row_group_size=ROW_GROUP_WORLDS)
    return [whole.slice(cut)] if cut < len(whole) else []


SCRATCH_PREFIX = "negsim-worlds-"
"""Chunk folders are named ``negsim-worlds-<process id>-<random>``."""


MEMORY_FOLDER = Path("/dev/shm")
"""The system's folder in memory (tmpfs), where there is one: a run's chunk files go there when it
has room (:func:`chunk_folder`), as joblib puts its memory-mapped arrays."""

SCRATCH_BYTES_PER_WORLD = 4096
"""A generous bound on a run's chunk files per world, to judge whether they fit in memory (the
baseline's are 1,220 bytes a world, 1,820 in the chunk that keeps the first worlds' paths)."""

MEMORY_BUDGET = 512 * 2**20
"""The most a run's chunk files may take in memory, by :data:`SCRATCH_BYTES_PER_WORLD` (runs of up to
131,072 worlds; about 160 MB for the baseline's 100,000). Larger runs write them to disk, so that a
run's memory stays bounded whatever its size (issue 33)."""


def chunk_folder(worlds: int = 0) -> Path:
    """A new private folder for the chunk files of a run of ``worlds`` worlds (removed with the run's
    table). In memory (:data:`MEMORY_FOLDER`) when the system has one with room for twice the run's
    files, they are within :data:`MEMORY_BUDGET` and no temporary folder is asked for (``TMPDIR``);
    else in the temporary folder. A write to a disk's file system may wait for its journal: on this
    project's test machine a chunk file of 14 MB took 3 ms or, in whole runs at a time, 31 ms (7% of
    a 100,000-world run); in memory 5 ms, always. Folders left in memory by a run that was killed
    are removed by the next (their process is gone)."""
    if "TMPDIR" not in os.environ and MEMORY_FOLDER.is_dir() and os.access(MEMORY_FOLDER, os.W_OK):
        _remove_orphans(MEMORY_FOLDER)
        try:
            files = worlds * SCRATCH_BYTES_PER_WORLD
            if files <= MEMORY_BUDGET and 2 * files <= shutil.disk_usage(MEMORY_FOLDER).free:
                return Path(tempfile.mkdtemp(prefix=f"{SCRATCH_PREFIX}{os.getpid()}-", dir=MEMORY_FOLDER))
        except OSError:
            pass   # not usable after all: the temporary folder
    return Path(tempfile.mkdtemp(prefix=f"{SCRATCH_PREFIX}{os.getpid()}-"))


def _remove_orphans(parent: Path) -> None:
    """Remove the chunk folders in ``parent`` whose process has ended (killed before it could)."""
    for folder in parent.glob(f"{SCRATCH_PREFIX}*-*"):
        pid = folder.name[len(SCRATCH_PREFIX):].split("-", 1)[0]
        try:
            mine = folder.stat().st_uid == os.getuid()
        except OSError:   # removed meanwhile by another run
            continue
        if pid.isdigit() and mine and not _alive(int(pid)):
            shutil.rmtree(folder, ignore_errors=True)


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:   # another user's process
        return True
    return True
