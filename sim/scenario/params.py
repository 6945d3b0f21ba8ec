"""Building blocks of the scenario schema: strict objects, checked ranges and prior-valued parameters.

Every number in a scenario has an allowed range (an :class:`Interval`, in the spirit of
scikit-learn's parameter constraints). A value outside it, NaN, infinity, ``true`` or text where a
number belongs, is refused when the file is loaded, with the range in the message. A judgement
number may be written as a prior range, ``{low: 0.1, high: 0.3}`` (uniform) or ``{low: 0.1, high:
0.3, mode: 0.2}`` (triangular); its low, mode and high must each lie in the parameter's range.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Annotated, Any

import numpy as np
from pydantic import AfterValidator, BaseModel, BeforeValidator, ConfigDict, WithJsonSchema, model_validator


class Strict(BaseModel):
    """Base for schema objects: unknown keys are errors, never silently ignored."""

    model_config = ConfigDict(extra="forbid", frozen=True)


@dataclass(frozen=True)
class Interval:
    """An allowed range of a number: ``[low, high]``, with either end open (``(`` or ``)``)."""

    low: float
    high: float
    meaning: str
    open_low: bool = False
    open_high: bool = False

    def contains(self, x: float) -> bool:
        """Whether ``x`` is a finite number inside the range (NaN and infinities never are)."""
        if not math.isfinite(x):
            return False
        above = x > self.low if self.open_low else x >= self.low
        below = x < self.high if self.open_high else x <= self.high
        return above and below

    def __str__(self) -> str:
        def end(v: float) -> str:
            return "inf" if v == math.inf else "-inf" if v == -math.inf else f"{v:g}"
        return (f"{'(' if self.open_low else '['}{end(self.low)}, {end(self.high)}"
                f"{')' if self.open_high else ']'}")

    def describe(self) -> str:
        """``a probability in [0, 1]``: what the range means, for error messages."""
        return f"{self.meaning} in {str(self)}"

    def json_schema(self) -> dict[str, Any]:
        """This range as JSON Schema keywords (for editors and the generated reference)."""
        schema: dict[str, Any] = {"type": "number", "title": self.describe()}
        if math.isfinite(self.low):
            schema["exclusiveMinimum" if self.open_low else "minimum"] = self.low
        if math.isfinite(self.high):
            schema["exclusiveMaximum" if self.open_high else "maximum"] = self.high
        return schema


INF = math.inf
PROBABILITY = Interval(0.0, 1.0, "a probability")
SHARE = Interval(0.0, 1.0, "a share")
POSITION = Interval(0.0, 1.0, "a position on the issue scale")
DISCOUNT = Interval(0.0, 1.0, "a monthly discount factor", open_low=True, open_high=True)
LARGEST = 1e9
"""The largest number any key takes (no area, count or rate of this model comes near it): a bound
for the ranges that would otherwise be open-ended, so that no prior's draws overflow to infinity."""
NON_NEGATIVE = Interval(0.0, LARGEST, "a non-negative number")
POSITIVE = Interval(0.0, LARGEST, "a positive number", open_low=True)
LEVER_LEVEL = Interval(0.0, 10.0, "a lever level (0 = none, 1 = the 2022-24 average)")
LEARNING_RATE = Interval(0.0, 1.0, "a learning rate", open_low=True)
AT_LEAST_ONE = Interval(1.0, LARGEST, "a factor of at least 1")
GROWTH = Interval(-1.0, LARGEST, "a monthly growth rate", open_low=True)
FINITE = Interval(-100.0, 100.0, "a utility or level")
RELATIVE_POSITION = Interval(-1.0, 1.0, "a distance on the issue scale")


def _reject_non_numbers(value: Any) -> Any:
    """YAML's ``true`` and quoted text are not numbers, whatever Python's lax coercion says."""
    if isinstance(value, bool) or isinstance(value, str):
        raise ValueError(f"expected a number, found {value!r}")
    return value


def _number_in(interval: Interval):
    def check(value: float) -> float:
        if not interval.contains(value):
            raise ValueError(f"expected {interval.describe()}, found {value!r}")
        return value
    return check


def number(interval: Interval) -> Any:
    """A plain number (never prior-valued) that must lie in ``interval``."""
    return Annotated[float, BeforeValidator(_reject_non_numbers), AfterValidator(_number_in(interval)),
                     WithJsonSchema(interval.json_schema())]


class Prior(Strict):
    """A parameter's prior: a point (``low == high``), uniform on [low, high], or triangular with ``mode``."""

    low: Annotated[float, BeforeValidator(_reject_non_numbers)]
    high: Annotated[float, BeforeValidator(_reject_non_numbers)]
    mode: Annotated[float | None, BeforeValidator(_reject_non_numbers)] = None

    @model_validator(mode="after")
    def _ordered(self) -> Prior:
        for name in ("low", "high", "mode"):
            value = getattr(self, name)
            if value is not None and not math.isfinite(value):
                raise ValueError(f"{name} must be a finite number, found {value!r}")
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
    if isinstance(value, bool) or isinstance(value, str):
        raise ValueError(f"expected a number or a prior range such as {{low: 0.1, high: 0.3}}, found {value!r}")
    if isinstance(value, (int, float)):
        return {"low": float(value), "high": float(value)}
    if isinstance(value, (dict, Prior)):
        return value
    raise ValueError(f"expected a number or a prior range such as {{low: 0.1, high: 0.3}}, "
                     f"found {value!r}")


def _prior_in(interval: Interval):
    def check(prior: Prior) -> Prior:
        for name in ("low", "mode", "high"):
            value = getattr(prior, name)
            if value is not None and not interval.contains(value):
                what = "" if prior.is_point else f"the prior's {name} "
                raise ValueError(f"expected {what}{'to be ' if what else ''}{interval.describe()}, "
                                 f"found {value!r}")
        return prior
    return check


def param(interval: Interval) -> Any:
    """A number or a prior range whose low, mode and high must all lie in ``interval``."""
    bound = interval.json_schema()
    prior = {"type": "object", "additionalProperties": False, "required": ["low", "high"],
             "properties": {"low": bound, "high": bound, "mode": bound},
             "title": "a prior range: uniform on [low, high], triangular with mode"}
    return Annotated[Prior, BeforeValidator(_to_prior), AfterValidator(_prior_in(interval)),
                     WithJsonSchema({"anyOf": [bound, prior], "title": f"{interval.describe()}, "
                                     "or a prior range {low, high[, mode]} in it"})]


Param = param(FINITE)
"""A finite number, or a prior range sampled per world (no further range)."""
Probability = param(PROBABILITY)
Share = param(SHARE)
Position = param(POSITION)
Discount = param(DISCOUNT)
NonNegative = param(NON_NEGATIVE)
Positive = param(POSITIVE)
LeverLevel = param(LEVER_LEVEL)
Unit = number(SHARE)
"""A plain number in [0, 1] (documented shares and positions that are never prior-valued)."""


def whole(low: int, high: int, meaning: str = "a whole number") -> Any:
    """A whole number in [low, high]; ``true`` and text are refused (no lax coercion)."""
    def check(value: int) -> int:
        if not low <= value <= high:
            raise ValueError(f"expected {meaning} in [{low}, {high}], found {value!r}")
        return value
    def refuse(value: Any) -> Any:
        if isinstance(value, (bool, str)):
            raise ValueError(f"expected a whole number, found {value!r}")
        return value
    return Annotated[int, BeforeValidator(refuse), AfterValidator(check),
                     WithJsonSchema({"type": "integer", "minimum": low, "maximum": high,
                                     "title": f"{meaning} in [{low}, {high}]"})]


def point(x: float) -> Prior:
    return Prior(low=x, high=x)


# Named field types of the schemas (a type checker reads a named type where it would refuse a call).
PlainPosition = number(POSITION)
RelativePosition = number(RELATIVE_POSITION)
PlainShare = number(SHARE)
PositiveShare = number(Interval(0.0, 1.0, "a share", open_low=True))
PlainLeverLevel = number(LEVER_LEVEL)
EscalationLevel = number(Interval(0.0, 10.0, "a lever level"))
AreaKm2 = number(Interval(1.0, 1e9, "an area in km²"))
RampWidth = number(Interval(0.0, 1.0, "a distance on the issue scale", open_low=True))
LearningRate = param(LEARNING_RATE)
Growth = param(GROWTH)
AtLeastOne = param(AT_LEAST_ONE)
MonthsPrior = param(Interval(1.0, 240.0, "a number of months"))
CAPABILITY = Interval(0.0, 100.0, "a capability", open_low=True)
Capability = param(CAPABILITY)
Month = whole(1, 240, "a month")
Months = whole(1, 240, "a number of months")
MonthsFromZero = whole(0, 240, "a number of months")
GridPoints = whole(3, 101, "a number of grid points")
GridPointsPerIssue = whole(2, 21, "a number of grid points per issue")
Passes = whole(1, 8, "a number of passes over the issues")
Seed = whole(0, 2**63 - 1, "a seed")
WorldCount = whole(1, 10_000_000, "a number of worlds")
GameWorlds = whole(10, 1_000_000, "a whole number of worlds")
GameSeed = whole(0, 2 ** 32 - 1, "a seed")
Resamples = whole(0, 100_000, "a number of bootstrap resamples")
RandomStarts = whole(0, 1_000, "a number of random starts")
