"""Saving figures atomically (text and JSON writes are in :mod:`sim.fileio`)."""

from __future__ import annotations

import io
from pathlib import Path

from sim.fileio import atomic_write_bytes, write_json

__all__ = ["atomic_write_bytes", "save_figure", "write_json"]


def save_figure(fig, path: str | Path, dpi: int = 150) -> Path:
    """Render a matplotlib figure to PNG, write it atomically, close the figure; returns the path."""
    import matplotlib.pyplot as plt

    buffer = io.BytesIO()
    fig.savefig(buffer, format="png", dpi=dpi, bbox_inches="tight")
    plt.close(fig)
    atomic_write_bytes(path, buffer.getvalue())
    return Path(path)
