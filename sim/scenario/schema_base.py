"""Building blocks of the scenario schema: strict objects and prior-valued parameters."""

from __future__ import annotations

from typing import Annotated, Any

import numpy as np
from pydantic import BaseModel, BeforeValidator, ConfigDict, Field, model_validator


class Strict(BaseModel):
    """Base for schema objects: unknown keys are errors, never silently ignored."""

    model_config = ConfigDict(extra="forbid", frozen=True)


class Prior(Strict):
    """A parameter's prior: a point (``low == high``), uniform on [low, high], or triangular with ``mode``."""

    low: float
    high: float
    mode: float | None = None

    @model_validator(mode="after")
    def _ordered(self) -> Prior:
        if self.low > self.high:
            raise ValueError(f"low ({self.low}) must not exceed high ({self.high})")
        if self.mode is not None and not self.low <= self.mode <= self.high:
            raise ValueError(f"mode ({self.mode}) must lie between low and high")
        return self

    @property
    def is_point(self) -> bool:
        return self.low == self.high

    @property
    def mean(self) -> float:
        if self.mode is None:
            return 0.5 * (self.low + self.high)
        return (self.low + self.high + self.mode) / 3.0

    def from_uniform(self, u: np.ndarray) -> np.ndarray:
        """Map uniform draws ``u`` in [0, 1) to this prior by its inverse CDF (same ``u``, same quantile)."""
        lo, hi = self.low, self.high
        if self.is_point:
            return np.full_like(u, lo, dtype=float)
        if self.mode is None:
            return lo + (hi - lo) * u
        c = (self.mode - lo) / (hi - lo)
        left = lo + np.sqrt(u * (hi - lo) * (self.mode - lo))
        right = hi - np.sqrt((1.0 - u) * (hi - lo) * (hi - self.mode))
        return np.where(u < c, left, right)


def _to_prior(value: Any) -> Any:
    if isinstance(value, bool):
        raise ValueError(f"expected a number or a prior range such as {{low: 0.1, high: 0.3}}, found {value}")
    if isinstance(value, (int, float)):
        return {"low": float(value), "high": float(value)}
    if isinstance(value, list) and len(value) == 2 and all(isinstance(v, (int, float)) for v in value):
        return {"low": float(value[0]), "high": float(value[1])}
    if isinstance(value, (dict, Prior)):
        return value
    raise ValueError(f"expected a number or a prior range such as {{low: 0.1, high: 0.3}}, "
                     f"found {value!r}")


Param = Annotated[Prior, BeforeValidator(_to_prior)]
"""A number, or a prior range sampled per world."""

Unit = Annotated[float, Field(ge=0.0, le=1.0)]


def point(x: float) -> Prior:
    return Prior(low=x, high=x)
