"""Sweep designs: which parameter values to run, over a grid or a sampled design.

A parameter is any scalar of a scenario, addressed by its dotted path
(``actors.us.levers.sanctions``, ``battlefield.arms_effect``, ``actors.russia.red_lines.0.cost``).
Designs:

* ``grid``: every combination of each parameter's values (``low:high:steps`` or a list);
* ``random``: ``samples`` points uniform in each parameter's ``low:high`` range;
* ``lhs``: a Latin hypercube of ``samples`` points (scipy.stats.qmc);
* ``sobol``: Saltelli's scheme for Sobol' indices, ``samples * (2D + 2)`` points (SALib);
* ``morris``: ``samples`` Morris trajectories, ``samples * (D + 1)`` points (SALib).
"""

from __future__ import annotations

import difflib
import math
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

import numpy as np
from pydantic import Field

from sim.engine.limits import check_sweep_size
from sim.scenario import ScenarioError
from sim.scenario.errors import SweepError
from sim.scenario.loader import SourceMap, read_number, read_yaml, shorten
from sim.scenario.paths import scalar_paths
from sim.scenario.schema import Prior, Scenario, Strict
from sim.scenario.validate import validate_as

METHODS = ("grid", "random", "lhs", "sobol", "morris")


@dataclass
class ParamRange:
    """One swept parameter: explicit values (grid) or a range [low, high] (sampled designs)."""

    path: str
    values: list[float] | None = None
    low: float | None = None
    high: float | None = None

    @property
    def bounds(self) -> tuple[float, float]:
        if self.low is not None:
            return self.low, self.high
        return min(self.values), max(self.values)


@dataclass
class Design:
    """A full design: the parameters, the method and the points (rows) it produces."""

    method: str
    params: list[ParamRange]
    samples: int = 0
    seed: int = 0
    points: np.ndarray = field(default_factory=lambda: np.zeros((0, 0)))
    merged: int = 0          # grid points dropped because a value was listed more than once

    @property
    def names(self) -> list[str]:
        return [p.path for p in self.params]

    def salib_problem(self) -> dict:
        return {"num_vars": len(self.params), "names": self.names,
                "bounds": [list(p.bounds) for p in self.params]}


def parse_param(text: str) -> ParamRange:
    """``path=low:high:steps`` (a grid), ``path=low:high`` (a range) or ``path=v1,v2,...`` (a list);
    each number plain ASCII decimal (:func:`~sim.scenario.loader.read_number`)."""
    path, sep, spec = text.partition("=")
    path, spec = path.strip(), spec.strip()
    if not sep or not path or not spec:
        raise ScenarioError(f"expected path=low:high:steps, path=low:high or path=v1,v2,...; "
                            f"found {shorten(text)!r}", path="--param")
    option = f"--param {shorten(path, 60)}"
    parts = spec.split(":")
    if len(parts) > 3 or (len(parts) > 1 and "," in spec):
        raise ScenarioError(f"cannot read {shorten(spec)!r}; expected low:high:steps, low:high "
                            "or v1,v2,... with numbers", path=option)
    if len(parts) == 1:
        return ParamRange(path, values=[read_number(x, option) for x in spec.split(",")])
    numbers = [read_number(x, option) for x in parts]
    if len(numbers) == 2:
        if numbers[0] > numbers[1]:
            raise ScenarioError(f"low ({numbers[0]:g}) is above high ({numbers[1]:g})", path=option)
        return ParamRange(path, low=numbers[0], high=numbers[1])
    low, high, steps = numbers
    if steps < 1 or steps != int(steps):
        raise ScenarioError(f"steps must be a whole number >= 1, found {shorten(spec)!r}", path=option)
    if steps == 1:
        return ParamRange(path, values=[low])
    check_sweep_size(int(steps), 1, 0)
    return ParamRange(path, values=list(np.linspace(low, high, int(steps))), low=low, high=high)


def param_from_yaml(path: str, spec: Any) -> ParamRange:
    """A parameter as written in a sweep file: a list, ``{low, high}`` or ``{low, high, steps}``."""
    if isinstance(spec, list) and spec and all(isinstance(v, (int, float)) and not isinstance(v, bool)
                                               for v in spec):
        if not all(math.isfinite(v) for v in spec):
            raise SweepError(f"sweep parameter '{path}': every value must be a finite number, found {spec!r}")
        return ParamRange(path, values=[float(v) for v in spec])
    if isinstance(spec, dict) and set(spec) <= {"low", "high", "steps"} and {"low", "high"} <= set(spec):
        text = f"{path}={spec['low']}:{spec['high']}" + (f":{spec['steps']}" if "steps" in spec else "")
        return parse_param(text)
    raise ScenarioError(f"sweep parameter '{path}': expected a list of numbers or {{low, high[, steps]}}, "
                        f"found {spec!r}")


class SweepFile(Strict):
    """A sweep written as YAML: the scenario, the design and its parameters."""

    scenario: str
    method: Literal["grid", "random", "lhs", "sobol", "morris"] = "grid"
    samples: int = Field(0, ge=0)
    worlds: int = Field(1000, ge=1)
    months: list[int] | None = None
    seed: int | None = Field(None, ge=0)
    params: dict[str, Any] = Field(min_length=1)


def is_sweep_file(raw: dict) -> bool:
    return "params" in raw and "scenario" in raw


def read_sweep_file(path: Path) -> tuple[SweepFile, list[ParamRange]]:
    """Load and check a sweep YAML file (errors name the file and line)."""
    raw, places = read_yaml(path)
    source = SourceMap(places)
    spec = validate_as(SweepFile, raw, source)
    params = []
    for name, value in spec.params.items():
        try:
            params.append(param_from_yaml(name, value))
        except ScenarioError as exc:
            file, line = source.locate(f"params.{name}")
            raise ScenarioError(exc.message, path=file, line=line, key=f"params.{name}") from None
    return spec, params


def check_paths(scenario: Scenario, params: list[ParamRange]) -> bool:
    """Raise a clear error for a path that is not a scalar of the scenario; return whether every
    path is a prior-valued parameter (then points can share one model run, one value per world)."""
    known = scalar_paths(scenario)
    vectorisable = True
    for param in params:
        if param.path not in known:
            close = difflib.get_close_matches(param.path, list(known), n=5, cutoff=0.6)
            hint = f" Near matches: {', '.join(close)}." if close else ""
            raise ScenarioError(f"'{param.path}' is not a number in this scenario.{hint} "
                                "Paths are dotted keys, e.g. actors.us.levers.sanctions.")
        vectorisable &= isinstance(known[param.path], Prior)
    return vectorisable


def build_design(method: str, params: list[ParamRange], samples: int = 0, seed: int = 0) -> Design:
    """The points of a design, shape (P, D)."""
    if method not in METHODS:
        raise ScenarioError(f"unknown design method {method!r}; expected one of {', '.join(METHODS)}")
    if not params:
        raise ScenarioError("a sweep needs at least one --param")
    names = [p.path for p in params]
    if len(set(names)) != len(names):
        raise ScenarioError("each parameter may be swept only once")
    design = Design(method, params, samples, seed)
    if method == "grid":
        missing = [p.path for p in params if p.values is None]
        if missing:
            raise ScenarioError(f"a grid needs values for every parameter (low:high:steps or a list); "
                                f"{', '.join(missing)} only has a range")
        # A value listed twice would run the same point twice: each counts once, in its first place.
        distinct = [list(dict.fromkeys(p.values)) for p in params]
        design.merged = math.prod(len(p.values) for p in params) - math.prod(len(v) for v in distinct)
        check_sweep_size(math.prod(len(v) for v in distinct), len(params), 0)
        mesh = np.meshgrid(*[np.asarray(v) for v in distinct], indexing="ij")
        design.points = np.stack([m.ravel() for m in mesh], axis=-1)
        return design
    if samples < 1:
        raise ScenarioError(f"the {method} design needs --samples >= 1")
    per_sample = {"sobol": 2 * len(params) + 2, "morris": len(params) + 1}.get(method, 1)
    check_sweep_size(samples * per_sample, len(params), 0)
    lows = np.array([p.bounds[0] for p in params])
    highs = np.array([p.bounds[1] for p in params])
    rng = np.random.default_rng(seed)
    if method == "random":
        unit = rng.random((samples, len(params)))
    elif method == "lhs":
        from scipy.stats import qmc

        unit = qmc.LatinHypercube(d=len(params), seed=rng).random(samples)
    elif method == "sobol":
        from SALib.sample import sobol

        design.points = sobol.sample(design.salib_problem(), samples, calc_second_order=True, seed=seed)
        return design
    else:
        from SALib.sample import morris

        design.points = morris.sample(design.salib_problem(), samples, num_levels=4, seed=seed)
        return design
    design.points = lows + unit * (highs - lows)
    return design
