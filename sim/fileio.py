"""Writing files so that a crash never leaves a half-written one behind.

A module of the package's bottom layer: it imports nothing from ``sim``, so every layer may use it.
"""

from __future__ import annotations

import json
import math
import os
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import Any


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


def atomic_write_bytes(path: str | Path, data: bytes) -> None:
    """Write ``data`` to ``path`` via a temporary file in the same folder and an atomic rename.

    The file gets the permissions a plain ``open`` would give it (0666 less the umask), not the
    0600 of the temporary file.
    """
    def write(tmp: Path) -> None:
        with open(tmp, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())

    atomic_write(path, write)


def atomic_write(path: str | Path, write: Callable[[Path], None]) -> None:
    """Let ``write`` fill a temporary file beside ``path``, then rename it into place: readers see
    the old file or the whole new one, never a part. Permissions as :func:`atomic_write_bytes`;
    an ``OSError`` names ``path``."""
    path = Path(path)
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
        os.close(fd)
    except OSError as exc:
        raise _naming(exc, path) from None
    try:
        write(Path(tmp))
        os.chmod(tmp, 0o666 & ~_umask())
        os.replace(tmp, path)
    except BaseException as exc:
        Path(tmp).unlink(missing_ok=True)
        if isinstance(exc, OSError):
            raise _naming(exc, path) from None
        raise


def _naming(exc: OSError, path: Path) -> OSError:
    """The error with the file the user asked for (a write to a full disk names no file)."""
    return exc if exc.filename else type(exc)(exc.errno, exc.strerror, str(path))


def strict(value: Any) -> Any:
    """``value`` with every NaN or infinite float replaced by None, so the JSON is strict (no ``NaN``
    or ``Infinity`` tokens, which strict parsers refuse): null means "undefined here"."""
    if isinstance(value, float):
        return value if math.isfinite(value) else None
    if isinstance(value, dict):
        return {k: strict(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [strict(v) for v in value]
    return value


def write_json(path: str | Path, payload: dict[str, Any]) -> None:
    """Atomically write ``payload`` as indented, strict JSON (undefined numbers as null)."""
    text = json.dumps(strict(payload), indent=2, allow_nan=False)
    atomic_write_bytes(path, (text + "\n").encode("utf-8"))


def portable_path(path: str | Path | None) -> str | None:
    """``path`` as an output records it: relative to the working folder when it lies below it, so that
    committed outputs do not carry the absolute paths of the machine that made them; else absolute.
    ``None`` (a posterior or scenario made in memory, never read from a file) stays ``None``."""
    if path is None:
        return None
    absolute = Path(path).resolve()
    try:
        return absolute.relative_to(Path.cwd().resolve()).as_posix()
    except ValueError:
        return str(absolute)
