"""One checkpoint/resume implementation for every long computation (runs and sweeps).

A checkpoint folder holds a manifest naming the computation (scenario hash, seed, worlds, chunking,
overrides, posterior) and one file per finished chunk, each written atomically. Its behaviour:

* one process at a time: the folder is locked while a computation writes into it, and a second
  writer is told which process holds it (the lock is the operating system's, so a killed process
  leaves none behind);
* a folder that already holds a computation is never overwritten: without ``resume`` it is an
  error that says to add ``--resume`` or choose another folder;
* with ``resume`` the manifest must match, or the error names what differs;
* finished chunks are reused, the rest computed; each chunk file starts with a tag of the identity
  of the computation that wrote it, and a chunk with another tag (copied in from elsewhere, left by
  a different run) is refused, never mixed in;
* a computation that fails before saving any chunk leaves nothing behind, so the retry (after a
  wrong Dask address, say) needs no ``--resume``.

Used as a context manager: ``with Checkpoint(...) as store: ...``.
"""

from __future__ import annotations

import fcntl
import hashlib
import json
import os
import shutil
from pathlib import Path
from typing import Any

from sim.fileio import atomic_write_bytes, write_json
from sim.scenario import ResumeError

IGNORED_ON_RESUME = ("version", "command")
"""Manifest keys that may differ between the interrupted computation and its resumption."""
CHUNK_HEADER = b"negsim-chunk "
"""Start of every chunk file, followed by the computation's tag and a newline, then the data."""
LOCK = ".lock"
"""The lock file inside a checkpoint folder (holds the writer's process id, for the error message)."""


def stored_identity(folder: str | Path, manifest: str) -> dict[str, Any] | None:
    """The identity an interrupted computation stored in ``folder`` (None if it holds none, or one
    that cannot be read: opening the checkpoint then says what is wrong)."""
    try:
        return json.loads((Path(folder) / manifest).read_text())
    except (OSError, ValueError):
        return None


class Checkpoint:
    """A folder of finished chunks of one computation, locked while it is written.

    Args:
        folder: where the manifest and the chunks live.
        manifest: the manifest's file name.
        identity: what the computation is; stored in the manifest and compared on resume.
        resume: reuse the chunks of an interrupted computation with the same identity.
        what: a word for error messages ("run", "sweep").
    """

    def __init__(self, folder: str | Path, manifest: str, identity: dict[str, Any], resume: bool,
                 what: str = "run"):
        self.folder = Path(folder)
        self.manifest = self.folder / manifest
        self.identity = json.loads(json.dumps(identity))  # tuples -> lists, as stored
        self.tag = _tag(self.identity)
        self.saved = 0
        if self.folder.exists() and not self.folder.is_dir():
            raise ResumeError(f"{self.folder} is a file, not a folder; choose another --out")
        self.made_folder = not self.folder.exists()
        self.folder.mkdir(parents=True, exist_ok=True)
        self._lock: int | None = _lock(self.folder / LOCK, what)
        self.fresh = not self.manifest.exists()
        try:
            self._check(resume, what)
        except BaseException:
            self.close(failed=True)
            raise

    def _check(self, resume: bool, what: str) -> None:
        if not self.fresh:
            if not resume:
                raise ResumeError(f"{self.folder} already holds an interrupted {what}; add --resume to finish "
                                  "it, or choose another --out")
            try:
                found = json.loads(self.manifest.read_text())
            except (OSError, ValueError) as exc:
                raise ResumeError(f"cannot read {self.manifest} ({exc}); choose another --out") from None
            changed = [key for key in self.identity
                       if key not in IGNORED_ON_RESUME and found.get(key) != self.identity[key]]
            if changed:
                raise ResumeError(f"cannot resume: the {what} in {self.folder} differs in {', '.join(changed)}")
            return
        if resume:
            raise ResumeError(f"nothing to resume: {self.folder} holds no interrupted {what}")
        write_json(self.manifest, self.identity)

    def __enter__(self) -> Checkpoint:
        return self

    def __exit__(self, kind, value, traceback) -> None:
        self.close(failed=kind is not None)

    def path(self, name: str) -> Path:
        return self.folder / name

    def has(self, name: str) -> bool:
        return self.path(name).exists()

    def save(self, name: str, data: bytes) -> None:
        """Write a finished chunk atomically, tagged with this computation's identity."""
        atomic_write_bytes(self.path(name), CHUNK_HEADER + self.tag + b"\n" + data)
        self.saved += 1

    def load(self, name: str) -> bytes:
        """A finished chunk's data; refused if another computation wrote it."""
        header, _, data = self.path(name).read_bytes().partition(b"\n")
        if header != CHUNK_HEADER + self.tag:
            raise ResumeError(f"{self.path(name)} was not written by this computation (its identity differs); "
                              "remove it to have it computed again, or choose another --out")
        return data

    def remove(self) -> None:
        """Delete the folder (the computation finished and its outputs are written)."""
        shutil.rmtree(self.folder, ignore_errors=True)

    def close(self, failed: bool = False) -> None:
        """Release the lock; after a failure that saved nothing of a computation this process began,
        take away what it wrote, so a retry starts afresh."""
        if self._lock is None:
            return
        if failed and self.fresh and self.saved == 0:
            if self.made_folder:
                shutil.rmtree(self.folder, ignore_errors=True)
            else:
                self.manifest.unlink(missing_ok=True)
        (self.folder / LOCK).unlink(missing_ok=True)
        os.close(self._lock)
        self._lock = None


def _tag(identity: dict[str, Any]) -> bytes:
    """A short fingerprint of a computation's identity (the keys that must match on resume)."""
    kept = {k: v for k, v in identity.items() if k not in IGNORED_ON_RESUME}
    return hashlib.sha256(json.dumps(kept, sort_keys=True).encode()).hexdigest()[:16].encode()


def _lock(path: Path, what: str) -> int:
    """An exclusive lock on ``path`` held until the descriptor is closed (or the process dies)."""
    while True:
        fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o644)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            holder = os.pread(fd, 32, 0).decode(errors="replace").strip() or "unknown"
            os.close(fd)
            raise ResumeError(f"{path.parent} is being written by another negsim {what} (process {holder}); "
                              "wait for it to finish, or choose another --out") from None
        # The holder before us may have removed the file after we opened it: lock the file that is there.
        try:
            if os.stat(path).st_ino == os.fstat(fd).st_ino:
                break
        except FileNotFoundError:
            pass
        os.close(fd)
    os.ftruncate(fd, 0)
    os.pwrite(fd, str(os.getpid()).encode(), 0)
    return fd
