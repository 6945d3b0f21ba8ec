"""Saving figures atomically (text and JSON writes are in :mod:`sim.fileio`)."""

from __future__ import annotations

import io
from pathlib import Path

from sim.fileio import atomic_write_bytes, write_json

__all__ = ["atomic_write_bytes", "save_figure", "write_json"]


def save_figure(fig, path: str | Path, dpi: int = 150) -> Path:
    """Render a matplotlib Figure to PNG and write it atomically; returns the path.

    The report's plot functions build figures with :class:`matplotlib.figure.Figure`, outside
    pyplot's state, so nothing needs closing and no backend is ever switched.
    """
    buffer = io.BytesIO()
    fig.savefig(buffer, format="png", dpi=dpi, bbox_inches="tight")
    atomic_write_bytes(path, buffer.getvalue())
    return Path(path)


def save_figures(figures: dict, folder: str | Path) -> list[Path]:
    """Save ``{stem: Figure}`` as ``folder/stem.png``; returns the paths in order."""
    return [save_figure(figure, Path(folder) / f"{stem}.png") for stem, figure in figures.items()]
