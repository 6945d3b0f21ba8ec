"""A calibrated posterior ensemble: parameter vectors of the worlds that reproduced the record.

Forecasting with it: each world of a run takes one of the ensemble's vectors, chosen by the world's
own random stream (so chunking and common random numbers are unaffected). A parameter is replaced
only where the scenario left it as the calibration scenario had it: a scenario that changes a
lever keeps its change.
"""

from __future__ import annotations

import hashlib
import io
import json
import zipfile
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from sim.fileio import atomic_write_bytes
from sim.scenario import PosteriorError
from sim.scenario.params import Prior
from sim.scenario.paths import scalar_paths
from sim.scenario.schema import Scenario

MAX_POSTERIOR_BYTES = 200_000_000
"""Largest posterior file read (one of 20,000 worlds and 131 parameters is about 20 MB)."""


@dataclass
class Posterior:
    """A calibrated ensemble: M accepted parameter vectors over P named parameters."""

    names: list[str]
    values: np.ndarray          # (M, P)
    meta: dict
    path: str | None = None     # the file it was read from
    sha256: str | None = None   # hash of that file's bytes (provenance of every output that used it)

    def save(self, path: str | Path) -> None:
        buffer = io.BytesIO()
        np.savez_compressed(buffer, names=np.array(self.names), values=self.values,
                            meta=np.array(json.dumps(self.meta)))
        atomic_write_bytes(path, buffer.getvalue())

    @classmethod
    def load(cls, path: str | Path) -> Posterior:
        """Read and check a posterior file: a regular file of at most :data:`MAX_POSTERIOR_BYTES`,
        the arrays ``negsim calibrate`` writes with consistent shapes, finite values, and a prior
        for every parameter in its metadata. Each problem is a :class:`PosteriorError`."""
        path = Path(path)
        try:
            if not path.exists():
                raise PosteriorError("posterior file not found; make one with 'negsim calibrate'", path=path)
            if not path.is_file():
                raise PosteriorError("not a regular file (a posterior is the .npz file 'negsim calibrate' writes)",
                                     path=path)
            with path.open("rb") as handle:
                blob = handle.read(MAX_POSTERIOR_BYTES + 1)
        except OSError as exc:
            raise PosteriorError(f"cannot read the file ({exc.strerror or exc})", path=path) from None
        if len(blob) > MAX_POSTERIOR_BYTES:
            raise PosteriorError(f"the file is larger than {MAX_POSTERIOR_BYTES:,} bytes; a posterior of 20,000 "
                                 "worlds is a few megabytes", path=path)
        try:
            with np.load(io.BytesIO(blob), allow_pickle=False) as data:
                names, values, meta = data["names"], data["values"], json.loads(str(data["meta"]))
        except (OSError, ValueError, KeyError, EOFError, zipfile.BadZipFile) as exc:
            raise PosteriorError(f"not a negsim posterior file ({str(exc)[:200]})", path=path) from None
        posterior = cls([str(n) for n in np.atleast_1d(names)], values, meta, str(path),
                        hashlib.sha256(blob).hexdigest())
        posterior._check_structure()
        return posterior

    def _check_structure(self) -> None:
        def fail(message: str) -> PosteriorError:
            return PosteriorError(message, path=self.path)

        if not isinstance(self.meta, dict) or not isinstance(self.meta.get("priors"), dict):
            raise fail("its metadata has no 'priors' (the prior of each parameter when it was calibrated); "
                       "make the file with 'negsim calibrate'")
        if self.values.ndim != 2 or self.values.shape[1] != len(self.names) or self.values.shape[0] < 1:
            raise fail(f"expected a values array of shape (worlds, {len(self.names)}) for its {len(self.names)} "
                       f"parameter names, found shape {self.values.shape}")
        if not np.issubdtype(self.values.dtype, np.number) or not np.isfinite(self.values).all():
            raise fail("its values must be finite numbers; found NaN, infinity or text")
        missing = [n for n in self.names if not (isinstance(self.meta["priors"].get(n), list)
                                                 and len(self.meta["priors"][n]) == 3)]
        if missing:
            raise fail(f"its metadata gives no prior [low, high, mode] for {', '.join(missing[:5])}"
                       + (f" and {len(missing) - 5} more" if len(missing) > 5 else ""))

    def applicable(self, scenario: Scenario) -> list[int]:
        """Indices of the parameters this scenario left exactly as in the calibration's priors; each
        one's values must lie within that prior (a posterior is a sample of it)."""
        known = scalar_paths(scenario)
        priors = self.meta["priors"]
        keep = []
        for j, name in enumerate(self.names):
            prior = known.get(name)
            if isinstance(prior, Prior) and [prior.low, prior.high, prior.mode] == priors[name]:
                column = self.values[:, j]
                outside = (column < prior.low - 1e-9 * abs(prior.low)) | (column > prior.high + 1e-9 * abs(prior.high))
                if outside.any():
                    raise PosteriorError(f"'{name}': expected values within its prior [{prior.low:g}, {prior.high:g}], "
                                         f"found {column[outside][0]:g} ({int(outside.sum())} of {column.size} "
                                         "values outside)", path=self.path)
                keep.append(j)
        return keep

    def overrides(self, scenario: Scenario, streams) -> dict[str, np.ndarray]:
        """Per-world parameter values: world w takes ensemble member ``floor(u_w * M)``."""
        rows = np.minimum((streams.uniform("posterior:member") * len(self.values)).astype(int),
                          len(self.values) - 1)
        return {self.names[j]: self.values[rows, j] for j in self.applicable(scenario)}
