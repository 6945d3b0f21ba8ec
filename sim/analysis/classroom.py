"""What the classroom page computes: its controls, the forecast against the defaults, the bargain
picture and one world's story, as plain numbers ready for JSON.

The page (:mod:`sim.web`) only renders these. Each function builds its own model through the
engine, so concurrent requests never share state. Every control is a dotted key path of the
scenario, set as ``negsim run --set`` would set it, so a setting on the page is a command a student
can rerun.

The controls are declared once, here (:func:`controls`): each actor's levers that reach the model
(:func:`sim.scenario.levers.lever_without_channel`), each belligerent's optimism (its prior belief
in a decisive victory) and the kind of each of its red lines; each links to the lesson that uses it
(:data:`LESSONS`).
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import Any

import numpy as np

from sim.engine.loading import load_scenario
from sim.engine.outputs import mean_ci, month_labels, wilson_interval
from sim.engine.run import run_scenario
from sim.scenario import LoadedScenario, UserError, with_overrides
from sim.scenario.levers import LEVER_TABLE, lever_without_channel
from sim.scenario.params import Prior
from sim.scenario.schema import Scenario

from .teaching import BargainView, bargain_view

INTERACTIVE_WORLDS = 400
"""Worlds per update on the page: about a second on one core of the reference machine (docs/guide.md).
A probability's 95% interval is then at most +-4.9 points; the difference from the defaults is
paired world by world (common random numbers), so its interval is much tighter."""

PRECISE_WORLDS = 4000
"""Worlds for the page's precise run (+-1.5 points at worst)."""

MAX_WORLDS = 20_000
"""The most worlds one request may ask for, so that one browser cannot hold the server for minutes."""

LESSONS: dict[str, tuple[str, str]] = {
    "optimism": ("02-private-information.md", "Lesson 2: private information and optimism"),
    "red_line": ("01-bargaining-range.md", "Lesson 1: the bargaining range"),
}
"""For the controls that are not levers, the lesson (a file of ``docs/teaching``) that uses it; each
lever's lesson is in its entry of :data:`sim.scenario.levers.LEVER_TABLE`."""


@dataclass(frozen=True)
class Control:
    """One control of the page: a scenario value by its dotted key path.

    ``written`` is the value as the scenario writes it (a prior's mean for a prior range, shown as
    the slider's start; leaving the control there keeps the prior); ``low``/``high``/``step`` give
    a slider's range; ``choices`` make it a choice instead.
    """

    key: str
    label: str
    group: str
    help: str
    written: float | str
    prior: tuple[float, float] | None = None
    low: float = 0.0
    high: float = 1.0
    step: float = 0.05
    choices: tuple[str, ...] = ()
    lesson: str = ""
    lesson_title: str = ""

    def as_dict(self) -> dict:
        return asdict(self)


def _written(value: Any) -> tuple[float, tuple[float, float] | None]:
    if isinstance(value, Prior):
        return round(value.mean, 6), (None if value.is_point else (value.low, value.high))
    return float(value), None


def controls(scenario: Scenario) -> list[Control]:
    """Every control of the page for ``scenario``, grouped by actor, in the scenario's actor order."""
    out = []
    for actor_id, actor in scenario.actors.items():
        for lever in LEVER_TABLE:
            if lever_without_channel(lever.name, actor_id, scenario) is not None:
                continue
            value, prior = _written(getattr(actor.levers, lever.name))
            low, high = lever.sweep_range
            lesson, title = lever.lesson if lever.lesson is not None else ("", "")
            out.append(Control(f"actors.{actor_id}.levers.{lever.name}", lever.name.replace("_", " "), actor.name,
                               lever.description, value, prior, low, max(high, value), 0.05,
                               lesson=lesson, lesson_title=title))
        if actor.role != "belligerent":
            continue
        value, prior = _written(actor.beliefs.victory)
        lesson, title = LESSONS["optimism"]
        out.append(Control(f"actors.{actor_id}.beliefs.victory", "optimism", actor.name,
                           "prior belief that fighting on brings a decisive victory, 0-1", value, prior,
                           0.0, 1.0, 0.01, lesson=lesson, lesson_title=title))
        for k, line in enumerate(actor.red_lines):
            side, bound = ("above", line.above) if line.above is not None else ("below", line.below)
            where = f"{bound:+g} from the front" if line.relative_to == "front" else f"{bound:g}"
            cost = line.cost.mean if isinstance(line.cost, Prior) else float(line.cost)
            lesson, title = LESSONS["red_line"]
            out.append(Control(f"actors.{actor_id}.red_lines.{k}.kind", f"red line: {line.issue} {side} {where}",
                               actor.name, "hard: never accepted; audience: accepted at a domestic cost "
                               f"(as written, {cost:.3g} utility)", line.kind, choices=("hard", "audience"),
                               lesson=lesson, lesson_title=title))
    return out


def overrides_for(scenario: Scenario, values: dict[str, Any]) -> dict[str, Any]:
    """The ``--set`` overrides of a page's settings: only controls moved from where the scenario
    writes them (so a prior stays a prior until its slider moves). Unknown keys are refused."""
    known = {c.key: c for c in controls(scenario)}
    unknown = sorted(set(values) - set(known))
    if unknown:
        raise UserError(f"the page has no control {unknown[0]!r}; the controls are the levers, optimism and "
                            "red-line kinds of this scenario", key=unknown[0])
    out = {}
    for key, value in values.items():
        control = known[key]
        if control.choices:
            if value not in control.choices:
                raise UserError(f"expected one of {', '.join(control.choices)}, found {value!r}", key=key)
            if value != control.written:
                out[key] = value
            continue
        if isinstance(value, bool) or not isinstance(value, (int, float)) or not np.isfinite(value):
            raise UserError(f"expected a number, found {value!r}", key=key)
        if abs(float(value) - float(control.written)) > 1e-9:
            out[key] = float(value)
    return out


def with_settings(loaded: LoadedScenario, values: dict[str, Any]) -> LoadedScenario:
    """The scenario with the page's settings applied and validated (a value outside the schema's
    range is a :class:`~sim.scenario.ScenarioError` naming the key path and the allowed range)."""
    overrides = overrides_for(loaded.scenario, values)
    if not overrides:
        return loaded
    return with_overrides(loaded, overrides, schema=type(loaded.scenario))


def check_worlds(worlds: int) -> int:
    if not 1 <= worlds <= MAX_WORLDS:
        raise UserError(f"expected a number of worlds in [1, {MAX_WORLDS:,}], found {worlds}", key="worlds")
    return worlds


def _curve(first: np.ndarray, horizon: int) -> dict:
    months = np.arange(1, horizon + 1)
    reached = ((first[None, :] > 0) & (first[None, :] <= months[:, None])).sum(axis=1)
    band = wilson_interval(reached, first.size)
    return {"p": (reached / first.size).tolist(), "low": band[:, 0].tolist(), "high": band[:, 1].tolist()}


def first_ceasefire_months(loaded: LoadedScenario, values: dict[str, Any], worlds: int = INTERACTIVE_WORLDS,
                           seed: int | None = None) -> np.ndarray:
    """Each world's first ceasefire month (0: none within the horizon) under the page's settings:
    world ``w`` is world ``w`` of ``negsim run`` with the same seed and ``--set`` values."""
    check_worlds(worlds)
    current = with_settings(loaded, values)
    return np.asarray(run_scenario(current, worlds=worlds, seed=seed).first_ceasefire_month)


PEACE_WORLDS = 50
"""How many worlds with a ceasefire the forecast lists for "show me a world where peace comes"."""


def forecast_from(current: np.ndarray, defaults: np.ndarray, scenario: Scenario) -> dict:
    """P(first ceasefire by month) under the settings (``current``: each world's first ceasefire
    month) and as written (``defaults``, the same worlds), with 95% Wilson bands, and the paired
    difference by month with its 95% interval (common random numbers: world ``w`` is the same
    world in both). ``peace_worlds``: the first worlds with a ceasefire under the settings."""
    if current.shape != defaults.shape:
        raise ValueError("current and defaults must cover the same worlds")
    horizon = scenario.horizon_months
    diff = [mean_ci(((current > 0) & (current <= m)).astype(float) - ((defaults > 0) & (defaults <= m)))
            for m in range(1, horizon + 1)]
    return {"scenario": scenario.name, "worlds": int(current.size),
            "months": month_labels(scenario.start, horizon),
            "current": _curve(current, horizon), "defaults": _curve(defaults, horizon),
            "difference": {"mean": [d[0] for d in diff], "low": [d[1] for d in diff], "high": [d[2] for d in diff]},
            "peace_worlds": np.flatnonzero(current > 0)[:PEACE_WORLDS].tolist()}


def forecast(loaded: LoadedScenario, values: dict[str, Any], worlds: int = INTERACTIVE_WORLDS,
             seed: int | None = None) -> dict:
    """:func:`forecast_from` of two runs: the page's settings and the scenario as written."""
    current = first_ceasefire_months(loaded, values, worlds, seed)
    defaults = current if not overrides_for(loaded.scenario, values) else first_ceasefire_months(loaded, {}, worlds, seed)
    return forecast_from(current, defaults, loaded.scenario)


def bargain(loaded: LoadedScenario, values: dict[str, Any], issues: list[str], month: int = 3,
            world: int = 0, seed: int | None = None) -> dict:
    """The picture of ``negsim bargain`` for two issues, as arrays: each decider's acceptance set
    over the grid (a string of 0 and 1, the first issue varying slowest), the zone of possible
    agreement, the contract curve, the mediator's proposal and each actor's ideal point."""
    if len(issues) != 2:
        raise UserError(f"choose two issues for the bargaining picture, found {len(issues)}", key="issues")
    scenario = with_settings(loaded, values).scenario
    if not 1 <= month <= scenario.horizon_months:
        raise UserError(f"expected a month in [1, {scenario.horizon_months}], found {month}", key="month")
    view = bargain_view(scenario, issues, month=month, world=world, seed=seed)
    return view_as_dict(view, scenario)


def _bits(mask: np.ndarray) -> str:
    return "".join("1" if b else "0" for b in np.asarray(mask, dtype=bool).ravel())


def view_as_dict(view: BargainView, scenario: Scenario) -> dict:
    """A :class:`~sim.analysis.teaching.BargainView` of two issues as JSON-ready numbers."""
    k = [list(scenario.issues).index(i) for i in view.issues]
    proposed = view.proposal if view.put_forward is None else view.put_forward
    deciders = [a for a in view.accept if view.deciders is None or a in view.deciders]
    return {"issues": view.issues, "month": view.month, "label": view.label,
            "x": view.axes[0].tolist(), "y": view.axes[1].tolist(),
            "accept": {a: _bits(view.accept[a]) for a in deciders},
            "zone": _bits(view.zone), "has_zone": bool(view.zone.any()),
            "zone_share": float(view.zone.mean()),
            "curve": [view.curve[:, k[0]].tolist(), view.curve[:, k[1]].tolist()],
            "proposal": [float(proposed[k[0]]), float(proposed[k[1]])],
            "agreed": [float(view.proposal[k[0]]), float(view.proposal[k[1]])],
            "refused_by": view.refused_by,
            "ideals": {a: [float(v[k[0]]), float(v[k[1]])] for a, v in view.ideals.items()},
            "names": view.names, "search": view.search}


def scenario_of(path: str, values: dict[str, Any] | None = None) -> LoadedScenario:
    """A scenario file with the page's settings (for callers that hold only a path)."""
    loaded = load_scenario(path)
    return with_settings(loaded, values or {})
