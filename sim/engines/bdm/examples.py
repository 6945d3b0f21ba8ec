"""Published examples of the expected-utility model, for exact checks."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from .model import Actors


@dataclass(frozen=True)
class Example:
    """A published case: actor names and their (capability, position, salience)."""

    name: str
    source: str
    names: tuple[str, ...]
    capability: tuple[float, ...]
    position: tuple[float, ...]
    salience: tuple[float, ...]

    def actors(self) -> Actors:
        """The case as one world."""
        return Actors(*(np.array([v], dtype=float) for v in (self.capability, self.position, self.salience)))


EC_EMISSIONS = Example(
    name="ec-emissions",
    source=("Bueno de Mesquita (1994), 'Political forecasting: an expected utility method', in Bueno de "
            "Mesquita and Stokman (eds.), European Community Decision Making, Yale UP: the European "
            "Community's car-emission standards; the data as used by Scholz, Calbert and Smith (2011)"),
    names=("Netherlands", "Belgium", "Luxembourg", "Germany", "France", "Italy", "UK", "Ireland", "Denmark",
           "Greece"),
    capability=(0.08, 0.08, 0.03, 0.16, 0.16, 0.16, 0.16, 0.05, 0.05, 0.08),
    position=(4, 7, 4, 4, 10, 10, 10, 7, 4, 7),
    salience=(0.8, 0.4, 0.2, 0.8, 0.6, 0.6, 0.9, 0.1, 1.0, 0.7),
)
"""The example every replication of the model starts from (positions 4 = strict, 10 = lax)."""

EXAMPLES = {EC_EMISSIONS.name: EC_EMISSIONS}
