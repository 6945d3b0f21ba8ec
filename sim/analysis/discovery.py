"""Scenario discovery: which combinations of drawn parameters lead to an outcome.

The input is a run's per-world table (``worlds.parquet``: every drawn parameter and every outcome
of every world). The outcome is a yes/no per world: a ceasefire by a month, none by a month, or a
column compared with a number (``terms/territory<0.8``). PRIM (Friedman and Fisher 1999), as the
EMA Workbench implements it, peels the box of parameter space step by step toward the worlds with
the outcome, tracing a trajectory from high coverage (the share of the outcome's worlds inside the
box) to high density (the share of the box's worlds with the outcome); the analyst picks a box on
it. CART (a shallow classification tree, scikit-learn) is the alternative: its densest leaf is a box.

References
----------
Friedman, J. H. and Fisher, N. I. (1999). Bump hunting in high-dimensional data. *Statistics and
Computing* 9(2), 123-143.
Bryant, B. P. and Lempert, R. J. (2010). Thinking inside the box: a participatory, computer-assisted
approach to scenario discovery. *Technological Forecasting and Social Change* 77(1), 34-49.
Kwakkel, J. H. (2017). The Exploratory Modeling Workbench. *Environmental Modelling & Software* 96, 239-250.
"""

from __future__ import annotations

import re
import warnings
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from sim.scenario import UserError

PARAM = "param/"
NAMED_OUTCOMES = ("ceasefire", "no-ceasefire")


@dataclass
class Outcome:
    """A yes/no outcome per world, and how to say it."""

    label: str
    values: np.ndarray       # bool per world


def outcome_of(frame: pd.DataFrame, name: str = "ceasefire", by: int = 12) -> Outcome:
    """The outcome ``name`` per world: ``ceasefire`` (a first ceasefire by month ``by``),
    ``no-ceasefire`` (none by then), or ``COLUMN<VALUE`` / ``COLUMN>VALUE`` on any numeric column.

    Raises:
        UserError: for an unknown outcome or column, naming the choices.
    """
    if name in NAMED_OUTCOMES:
        month = frame["first_ceasefire_month"].to_numpy()
        reached = (month > 0) & (month <= by)
        return Outcome(f"a ceasefire by month {by}" if name == "ceasefire" else f"no ceasefire by month {by}",
                       reached if name == "ceasefire" else ~reached)
    match = re.fullmatch(r"\s*([^<>]+?)\s*([<>])\s*(-?[0-9.eE+-]+)\s*", name)
    if not match:
        raise UserError(f"--outcome: expected one of {', '.join(NAMED_OUTCOMES)} or COLUMN<VALUE / COLUMN>VALUE "
                        f"(for example 'terms/territory<0.8'), found {name!r}")
    column, sign, value = match.group(1), match.group(2), float(match.group(3))
    if column not in frame.columns:
        outcomes = [c for c in frame.columns if not c.startswith(PARAM) and c != "world"]
        raise UserError(f"--outcome: no column {column!r}; outcome columns: {', '.join(outcomes)}")
    data = frame[column].to_numpy(dtype=float)
    values = data < value if sign == "<" else data > value
    return Outcome(f"{column} {sign} {value:g}", np.where(np.isnan(data), False, values))


def drawn_parameters(frame: pd.DataFrame) -> pd.DataFrame:
    """The parameters drawn from a prior (``param/`` columns that vary), named by their key path."""
    params = frame[[c for c in frame.columns if c.startswith(PARAM)]]
    varying = params.loc[:, params.nunique() > 1]
    if varying.shape[1] == 0:
        raise UserError("the table has no parameter drawn from a prior (every param/ column is constant): "
                        "nothing to discover")
    return varying.rename(columns=lambda c: c[len(PARAM):])


@dataclass
class Restriction:
    """One restricted parameter of a box: its limits, its full range, and the quasi-p-values of
    the lower and upper limits (NaN where that side is not restricted)."""

    parameter: str
    low: float
    high: float
    range_low: float
    range_high: float
    qp_low: float = float("nan")
    qp_high: float = float("nan")


@dataclass
class Discovery:
    """A discovery: the outcome, the trajectory of boxes, and the box chosen."""

    method: str
    outcome: Outcome
    worlds: int
    trajectory: pd.DataFrame         # one row per box: id, coverage, density, mass, res_dim
    chosen: int                      # the id of the box reported
    restrictions: list[Restriction]
    parameters: list[str] = field(default_factory=list)
    choice: str = "the box asked for"    # why this box was reported

    @property
    def box(self) -> pd.Series:
        return self.trajectory.set_index("id").loc[self.chosen]


def _prim_module():
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")   # the workbench warns on import about optional parallel back ends
        from ema_workbench.analysis import prim
    return prim


SIGNIFICANT = 0.05
"""A restriction whose quasi-p-value exceeds this may be an artefact of noise."""


def choose_box(trajectory: pd.DataFrame, min_coverage: float, significant: pd.Series | None = None) -> int:
    """The densest box whose coverage is at least ``min_coverage`` and, where ``significant`` (by
    box id) is given, whose every restriction has a quasi-p-value of at most :data:`SIGNIFICANT`;
    without such a box, the densest with that coverage; ties go to fewer restrictions."""
    covered = trajectory[trajectory["coverage"] >= min_coverage]
    if covered.empty:
        covered = trajectory.head(1)
    eligible = covered if significant is None else covered[significant.reindex(covered["id"]).to_numpy()]
    if eligible.empty:
        eligible = covered
    best = eligible[eligible["density"] == eligible["density"].max()]
    return int(best.sort_values(["res_dim", "id"]).iloc[0]["id"])


def _limits(found, box: int) -> pd.DataFrame:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        (_, limits), = found.inspect(box, style="data")
    return limits


def prim(frame: pd.DataFrame, outcome: Outcome, box: int | None = None, min_coverage: float = 0.5,
         peel_alpha: float = 0.05, mass_min: float = 0.05) -> Discovery:
    """PRIM over the drawn parameters (EMA Workbench): the peeling trajectory and one box's limits
    with their quasi-p-values (``box``: its id on the trajectory; default :func:`choose_box`)."""
    x = drawn_parameters(frame)
    if not outcome.values.any():
        raise UserError(f"no world has the outcome ({outcome.label}): nothing to discover")
    prim_module = _prim_module()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        found = prim_module.Prim(x.reset_index(drop=True), outcome.values.astype(int), peel_alpha=peel_alpha,
                                 mass_min=mass_min).find_box()
    trajectory = found.peeling_trajectory[["id", "coverage", "density", "mass", "res_dim"]].copy()
    trajectory["id"] = trajectory["id"].astype(int)
    trajectory["res_dim"] = trajectory["res_dim"].astype(int)
    if box is None:
        covered = trajectory["id"][trajectory["coverage"] >= min_coverage]
        significant = pd.Series({int(b): bool((np.nan_to_num(_limits(found, int(b)).to_numpy()[:, 2:].astype(float),
                                                             nan=0.0) <= SIGNIFICANT).all()) for b in covered})
        chosen = choose_box(trajectory, min_coverage, significant if len(significant) else None)
        choice = (f"the densest box with coverage of at least {min_coverage:g} whose restrictions all have "
                  f"quasi-p-values of at most {SIGNIFICANT:g}" if significant.get(chosen, False) else
                  f"the densest box with coverage of at least {min_coverage:g}")
    else:
        chosen, choice = box, f"box {box}, as asked"
    if chosen not in set(trajectory["id"]):
        raise UserError(f"--box: the trajectory has boxes 0 to {int(trajectory['id'].max())}, found {chosen}")
    limits = _limits(found, chosen)
    restrictions = []
    for parameter, row in limits.iterrows():
        values = row.to_numpy()
        restrictions.append(Restriction(str(parameter), float(values[0]), float(values[1]), float(x[parameter].min()),
                                        float(x[parameter].max()), float(values[2]), float(values[3])))
    return Discovery("prim", outcome, len(frame), trajectory, chosen, restrictions, list(x.columns), choice)


def cart(frame: pd.DataFrame, outcome: Outcome, max_depth: int = 3, mass_min: float = 0.05,
         seed: int = 0) -> Discovery:
    """A shallow classification tree (scikit-learn) over the drawn parameters; each leaf holding at
    least ``mass_min`` of the worlds is a box, and the densest is reported. The trajectory lists
    the leaves, densest first."""
    from sklearn.tree import DecisionTreeClassifier

    x = drawn_parameters(frame)
    y = outcome.values
    if not y.any():
        raise UserError(f"no world has the outcome ({outcome.label}): nothing to discover")
    tree = DecisionTreeClassifier(max_depth=max_depth, min_samples_leaf=max(1, int(mass_min * len(y))),
                                  random_state=seed).fit(x.to_numpy(), y)
    leaves = tree.apply(x.to_numpy())
    rows = []
    for leaf in np.unique(leaves):
        inside = leaves == leaf
        rows.append({"id": int(leaf), "coverage": float(y[inside].sum() / y.sum()), "density": float(y[inside].mean()),
                     "mass": float(inside.mean()), "res_dim": len(_leaf_limits(tree, leaf, x.columns))})
    trajectory = pd.DataFrame(rows).sort_values(["density", "coverage"], ascending=False).reset_index(drop=True)
    chosen = int(trajectory.iloc[0]["id"])
    restrictions = [Restriction(p, lo, hi, float(x[p].min()), float(x[p].max()))
                    for p, (lo, hi) in _leaf_limits(tree, chosen, x.columns).items()]
    for r in restrictions:   # an open side is the parameter's own range
        r.low, r.high = max(r.low, r.range_low), min(r.high, r.range_high)
    return Discovery("cart", Outcome(outcome.label, y), len(frame), trajectory, chosen, restrictions, list(x.columns))


def _leaf_limits(tree, leaf: int, columns) -> dict[str, tuple[float, float]]:
    """The box of a tree's leaf: for each parameter split on the way down, its (low, high]."""
    t = tree.tree_
    parent = {}
    for node in range(t.node_count):
        for child, side in ((t.children_left[node], "left"), (t.children_right[node], "right")):
            if child >= 0:
                parent[child] = (node, side)
    limits: dict[str, list[float]] = {}
    node = leaf
    while node in parent:
        node, side = parent[node]
        name = str(columns[t.feature[node]])
        low, high = limits.setdefault(name, [-np.inf, np.inf])
        if side == "left":
            limits[name][1] = min(high, float(t.threshold[node]))
        else:
            limits[name][0] = max(low, float(t.threshold[node]))
    return {name: (lo, hi) for name, (lo, hi) in limits.items()}
