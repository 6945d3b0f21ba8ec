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
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from sim.fileio import atomic_write_bytes
from sim.scenario import PosteriorError
from sim.scenario.params import Prior
from sim.scenario.paths import scalar_paths
from sim.scenario.schema import Scenario


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
        try:
            digest = hashlib.sha256(Path(path).read_bytes()).hexdigest()
            with np.load(path, allow_pickle=False) as data:
                return cls(list(data["names"]), data["values"], json.loads(str(data["meta"])), str(path), digest)
        except FileNotFoundError:
            raise PosteriorError("posterior file not found; make one with 'negsim calibrate'", path=path) from None
        except (OSError, ValueError, KeyError) as exc:
            raise PosteriorError(f"not a negsim posterior file ({exc})", path=path) from None

    def applicable(self, scenario: Scenario) -> list[int]:
        """Indices of the parameters this scenario left exactly as in the calibration's priors."""
        known = scalar_paths(scenario)
        priors = self.meta["priors"]
        keep = []
        for j, name in enumerate(self.names):
            prior = known.get(name)
            if isinstance(prior, Prior) and [prior.low, prior.high, prior.mode] == priors[name]:
                keep.append(j)
        return keep

    def overrides(self, scenario: Scenario, streams) -> dict[str, np.ndarray]:
        """Per-world parameter values: world w takes ensemble member ``floor(u_w * M)``."""
        rows = np.minimum((streams.uniform("posterior:member") * len(self.values)).astype(int),
                          len(self.values) - 1)
        return {self.names[j]: self.values[rows, j] for j in self.applicable(scenario)}
