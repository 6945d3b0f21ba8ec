"""One checkpoint/resume implementation for every long computation (runs and sweeps).

A checkpoint folder holds a manifest naming the computation (scenario hash, seed, worlds, chunking,
overrides, posterior) and one file per finished chunk, each written atomically. Its one behaviour:

* a folder that already holds a computation is never overwritten: without ``resume`` it is an
  error that says to add ``--resume`` or choose another folder;
* with ``resume`` the manifest must match, or the error names what differs;
* finished chunks are reused, the rest computed.
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path
from typing import Any

from sim.fileio import atomic_write_bytes, write_json
from sim.scenario import ResumeError

IGNORED_ON_RESUME = ("version", "command")
"""Manifest keys that may differ between the interrupted computation and its resumption."""


class Checkpoint:
    """A folder of finished chunks of one computation.

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
        if self.folder.exists() and not self.folder.is_dir():
            raise ResumeError(f"{self.folder} is a file, not a folder; choose another --out")
        if self.manifest.exists():
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
        self.folder.mkdir(parents=True, exist_ok=True)
        write_json(self.manifest, self.identity)

    def path(self, name: str) -> Path:
        return self.folder / name

    def has(self, name: str) -> bool:
        return self.path(name).exists()

    def save(self, name: str, data: bytes) -> None:
        atomic_write_bytes(self.path(name), data)

    def load(self, name: str) -> bytes:
        return self.path(name).read_bytes()

    def remove(self) -> None:
        """Delete the folder (the computation finished and its outputs are written)."""
        shutil.rmtree(self.folder, ignore_errors=True)
