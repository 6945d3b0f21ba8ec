"""Scenario discovery as text, JSON and figures."""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np
from matplotlib.figure import Figure

from sim import __version__

if TYPE_CHECKING:
    from sim.analysis.discovery import Discovery


def format_discovery(found: Discovery) -> str:
    """The trajectory (every box: coverage, density, mass, restricted dimensions), then the chosen
    box's limits with each restriction's quasi-p-values."""
    method = "PRIM (EMA Workbench)" if found.method == "prim" else "CART (scikit-learn), leaves densest first"
    base = float(found.outcome.values.mean())
    lines = [f"Scenario discovery, {method}: which drawn parameters lead to {found.outcome.label}?",
             f"{found.worlds:,} worlds, {len(found.parameters)} parameters drawn from priors; "
             f"{base:.1%} of worlds have the outcome.",
             "coverage: share of the outcome's worlds inside the box; density: share of the box's worlds with the "
             "outcome; mass: share of all worlds inside the box.", "",
             f"{'box':>4} {'coverage':>9} {'density':>8} {'mass':>6} {'restricted':>10}"]
    for _, row in found.trajectory.iterrows():
        mark = "  <- reported" if int(row["id"]) == found.chosen else ""
        lines.append(f"{int(row['id']):>4} {row['coverage']:>9.3f} {row['density']:>8.3f} {row['mass']:>6.3f} "
                     f"{int(row['res_dim']):>10}{mark}")
    box = found.box
    if found.method == "prim":
        lines += ["", f"Reported: {found.choice}."]
    lines += ["", f"Box {found.chosen}: coverage {box['coverage']:.3f}, density {box['density']:.3f} "
                  f"(against {base:.3f} overall), mass {box['mass']:.3f}"]
    if not found.restrictions:
        lines.append("  no restriction: the box is the whole space")
    for r in found.restrictions:
        qp = "" if found.method != "prim" else "   quasi-p " + ", ".join(
            f"{side} {v:.2g}" if v > 0 else f"{side} < 1e-300"
            for side, v in (("low", r.qp_low), ("high", r.qp_high)) if np.isfinite(v))
        lines.append(f"  {r.parameter:<48} {r.low:.4g} to {r.high:.4g}  (of {r.range_low:.4g} to {r.range_high:.4g})"
                     f"{qp}")
    if found.method == "prim":
        lines += ["", "Pick another box with --box ID; a restriction whose quasi-p-value is above 0.05 may be noise."]
    return "\n".join(lines)


def discovery_payload(found: Discovery, provenance: dict) -> dict:
    def finite(v: float) -> float | None:
        return float(v) if np.isfinite(v) else None

    return {"method": found.method, "outcome": found.outcome.label, "worlds": found.worlds,
            "share_with_outcome": float(found.outcome.values.mean()), "parameters": found.parameters,
            "trajectory": found.trajectory.to_dict(orient="records"), "box": found.chosen,
            "restrictions": [{"parameter": r.parameter, "low": r.low, "high": r.high, "range": [r.range_low, r.range_high],
                              "qp_low": finite(r.qp_low), "qp_high": finite(r.qp_high)} for r in found.restrictions],
            "version": __version__, "provenance": provenance}


def plot_tradeoff(found: Discovery) -> Figure:
    """Coverage against density for every box of the trajectory, coloured by the number of
    restricted parameters; the reported box ringed."""
    t = found.trajectory
    fig = Figure(figsize=(5.6, 4.2))
    ax = fig.subplots()
    points = ax.scatter(t["coverage"], t["density"], c=t["res_dim"], cmap="viridis", s=22)
    box = found.box
    ax.scatter([box["coverage"]], [box["density"]], s=160, facecolors="none", edgecolors="crimson", linewidths=2,
               label=f"box {found.chosen} (reported)")
    ax.axhline(found.outcome.values.mean(), color="grey", ls="--", lw=1, label="share of all worlds")
    fig.colorbar(points, ax=ax, label="parameters restricted")
    ax.set_xlabel("coverage (share of the outcome's worlds inside the box)")
    ax.set_ylabel("density (share of the box's worlds with it)")
    ax.set_title(f"{found.method.upper()}: {found.outcome.label} ({found.worlds:,} worlds)", fontsize=10)
    ax.legend(frameon=False, fontsize=8, loc="lower left")
    ax.grid(alpha=0.3)
    fig.tight_layout()
    return fig


def plot_box(found: Discovery) -> Figure:
    """The reported box: each restricted parameter's limits as a bar over its full range (0 to 1)."""
    restrictions = found.restrictions
    fig = Figure(figsize=(7.5, 1.2 + 0.45 * max(len(restrictions), 1)))
    ax = fig.subplots()
    for k, r in enumerate(restrictions):
        span = (r.range_high - r.range_low) or 1.0
        low, high = (r.low - r.range_low) / span, (r.high - r.range_low) / span
        ax.barh(k, high - low, left=low, color="steelblue", height=0.5)
        ax.text(1.01, k, f"{r.low:.3g} to {r.high:.3g}", va="center", fontsize=8)
    ax.set_yticks(range(len(restrictions)), [r.parameter for r in restrictions], fontsize=8)
    ax.set_xlim(0, 1)
    ax.invert_yaxis()
    ax.set_xlabel("limits as a share of each parameter's drawn range")
    box = found.box
    ax.set_title(f"Box {found.chosen} for {found.outcome.label}: coverage {box['coverage']:.2f}, "
                 f"density {box['density']:.2f}", fontsize=10)
    ax.grid(axis="x", alpha=0.3)
    fig.tight_layout()
    return fig
