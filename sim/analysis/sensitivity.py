"""Sensitivity of a finished sweep: which parameters move the ceasefire forecast, and how.

* any design: each parameter's swing (the output at its low end against its high end);
* a Sobol design: first-order, total and second-order Sobol indices (SALib); a Morris design:
  mu* and sigma.

The figures are drawn by :mod:`sim.report.sweep_analysis`.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd

from sim.scenario import ScenarioError

from .sweep import MANIFEST


@dataclass
class Analysis:
    """Sensitivity of one output of a finished sweep."""

    output: str
    params: list[str]
    swings: dict[str, tuple[float, float]]           # parameter -> (output at low end, at high end)
    indices: dict[str, dict[str, float]] = field(default_factory=dict)   # Sobol or Morris, by parameter
    index_kind: str | None = None
    frame: pd.DataFrame | None = field(default=None, repr=False)   # the successful points
    grid: bool = False
    second_order: dict[tuple[str, str], tuple[float, float]] = field(default_factory=dict)   # Sobol S2 and its CI
    worlds: int = 0                                   # worlds per point (for a cell's Monte Carlo interval)
    common_random_numbers: bool = False

    def ranking(self) -> list[str]:
        if self.index_kind == "sobol":
            return sorted(self.params, key=lambda p: -self.indices[p]["ST"])
        if self.index_kind == "morris":
            return sorted(self.params, key=lambda p: -self.indices[p]["mu_star"])
        return sorted(self.params, key=lambda p: -abs(self.swings[p][1] - self.swings[p][0]))


def load_sweep(folder: str | Path) -> tuple[dict, pd.DataFrame]:
    folder = Path(folder)
    manifest_path = folder / MANIFEST
    if not manifest_path.exists():
        raise ScenarioError(f"{folder} holds no sweep (no {MANIFEST}); run negsim sweep --out {folder} first")
    manifest = json.loads(manifest_path.read_text())
    for name in ("results.parquet", "results.csv"):
        if (folder / name).exists():
            frame = pd.read_parquet(folder / name) if name.endswith("parquet") else pd.read_csv(folder / name)
            return manifest, frame
    raise ScenarioError(f"{folder} has no results yet; finish the sweep with negsim sweep --resume")


def swing(frame: pd.DataFrame, param: str, output: str, grid: bool) -> tuple[float, float]:
    """Output at the parameter's low and high end: level means on a grid, else the means of the
    lowest and highest fifth of the sample."""
    if grid:
        means = frame.groupby(param)[output].mean()
        return float(means.iloc[0]), float(means.iloc[-1])
    low_cut, high_cut = frame[param].quantile([0.2, 0.8])
    return (float(frame.loc[frame[param] <= low_cut, output].mean()),
            float(frame.loc[frame[param] >= high_cut, output].mean()))


def analyze(folder: str | Path, output: str | None = None) -> Analysis:
    """Sensitivity of ``output`` (default: P(ceasefire) at the sweep's last month) in a finished sweep."""
    folder = Path(folder)
    manifest, frame = load_sweep(folder)
    params = manifest["params"]
    output = output or f"p_ceasefire_{manifest['months'][-1]}m"
    if output not in frame.columns:
        choices = [c for c in frame.columns if c.startswith(("p_", "casualties_", "occupied", "terms_"))]
        raise ScenarioError(f"no output column '{output}'; choose one of {', '.join(choices)}")
    failed = frame["error"].notna() if "error" in frame else np.zeros(len(frame), dtype=bool)
    ok = frame.loc[~failed]
    grid = manifest["method"] == "grid"
    result = Analysis(output, params, {p: swing(ok, p, output, grid) for p in params}, frame=ok, grid=grid,
                      worlds=int(manifest.get("worlds", 0)),
                      common_random_numbers=bool(manifest.get("common_random_numbers", False)))
    if manifest["method"] in ("sobol", "morris") and not failed.any():
        problem = manifest["problem"]
        y = frame.sort_values("point")[output].to_numpy()
        if manifest["method"] == "sobol":
            from SALib.analyze import sobol

            indices = sobol.analyze(problem, y, calc_second_order=True, seed=manifest["seed"])
            result.indices = {p: {"S1": float(indices["S1"][i]), "S1_conf": float(indices["S1_conf"][i]),
                                  "ST": float(indices["ST"][i]), "ST_conf": float(indices["ST_conf"][i])}
                              for i, p in enumerate(params)}
            result.second_order = {(p, q): (float(indices["S2"][i, j]), float(indices["S2_conf"][i, j]))
                                   for i, p in enumerate(params) for j, q in enumerate(params) if j > i}
        else:
            from SALib.analyze import morris

            x = np.array(manifest["points"])
            indices = morris.analyze(problem, x, y, num_levels=4, seed=manifest["seed"])
            result.indices = {p: {"mu_star": float(indices["mu_star"][i]), "sigma": float(indices["sigma"][i]),
                                  "mu_star_conf": float(indices["mu_star_conf"][i])}
                              for i, p in enumerate(params)}
        result.index_kind = manifest["method"]
    return result
