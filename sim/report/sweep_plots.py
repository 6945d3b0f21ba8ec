"""Figures for sweeps: heatmap, line with band, tornado chart, Sobol/Morris indices."""

from __future__ import annotations

import numpy as np
import pandas as pd
from matplotlib.figure import Figure

from sim.engine.outputs import wilson_interval


def _label(column: str) -> str:
    if column.startswith("p_ceasefire_"):
        return f"P(ceasefire by month {column.removeprefix('p_ceasefire_').removesuffix('m')})"
    return column.replace("_", " ")


def heatmap(frame: pd.DataFrame, x: str, y: str, output: str, worlds: int = 0) -> Figure:
    """Mean of ``output`` over a grid of two parameters (averaged over any others), annotated. A
    probability is shown in percent throughout (cells, colour bar, title), each cell with the
    half-width of its 95% Monte Carlo interval (Wilson, from ``worlds`` per point and the points
    the cell averages), so a reader sees which differences between cells are within noise."""
    percent = output.startswith("p_")
    scale = 100.0 if percent else 1.0
    table = frame.pivot_table(index=y, columns=x, values=output, aggfunc="mean").sort_index(ascending=False)
    counts = frame.pivot_table(index=y, columns=x, values=output, aggfunc="count").reindex_like(table)
    values = table.to_numpy() * scale
    fig = Figure(figsize=(1.4 + 0.95 * table.shape[1], 1.2 + 0.55 * table.shape[0]))
    ax = fig.subplots()
    image = ax.imshow(values, cmap="viridis", aspect="auto")
    ax.set_xticks(range(table.shape[1]), [f"{v:.3g}" for v in table.columns])
    ax.set_yticks(range(table.shape[0]), [f"{v:.3g}" for v in table.index])
    ax.set_xlabel(x)
    ax.set_ylabel(y)
    threshold = np.nanmean(values)
    if table.size <= 300:
        for (i, j), value in np.ndenumerate(values):
            text = f"{value:.0f}" if percent else f"{value:.2g}"
            if percent and worlds and np.isfinite(value):
                n = worlds * int(counts.to_numpy()[i, j])
                low, high = wilson_interval(round(value / 100 * n), n)
                text += f"\n±{100 * (high - low) / 2:.1f}"
            ax.text(j, i, text, ha="center", va="center", fontsize=7, color="white" if value < threshold else "black")
    unit = " (%)" if percent else ""
    fig.colorbar(image, ax=ax, label=_label(output) + unit)
    note = f"; ± the 95% Monte Carlo interval ({worlds:,} worlds per point)" if percent and worlds else ""
    ax.set_title(_label(output) + unit + note, fontsize=9)
    return fig


def morris_plot(indices: dict[str, dict[str, float]], output: str) -> Figure:
    """Morris's mu* against sigma: far right matters, high up acts through interactions or
    non-linearly (sigma near mu*), low and right acts alone and linearly."""
    fig = Figure(figsize=(6.5, 4.8))
    ax = fig.subplots()
    mu = np.array([v["mu_star"] for v in indices.values()])
    sigma = np.array([v["sigma"] for v in indices.values()])
    ax.errorbar(mu, sigma, xerr=[v["mu_star_conf"] for v in indices.values()], fmt="o", color="#2166ac", capsize=2)
    for name, m, sd in zip(indices, mu, sigma, strict=True):
        ax.annotate(name, (m, sd), xytext=(4, 3), textcoords="offset points", fontsize=7)
    top = max(float(mu.max()), float(sigma.max()), 1e-12) * 1.1
    ax.plot([0, top], [0, top], color="grey", ls="--", lw=1, label="sigma = mu*")
    ax.set_xlim(0, top)
    ax.set_ylim(0, top)
    ax.set_xlabel(f"mu* (mean absolute elementary effect on {_label(output)})")
    ax.set_ylabel("sigma (spread of the effects)")
    ax.legend(frameon=False, fontsize=8)
    ax.grid(alpha=0.3)
    return fig


def line_with_band(frame: pd.DataFrame, x: str, output: str) -> Figure:
    data = frame.sort_values(x)
    fig = Figure(figsize=(7, 4))
    ax = fig.subplots()
    if f"{output}_low" in data:
        ax.fill_between(data[x], data[f"{output}_low"], data[f"{output}_high"], alpha=0.25,
                        label="95% interval")
    ax.plot(data[x], data[output], marker="o", lw=2, label=_label(output))
    ax.set_xlabel(x)
    ax.set_ylabel(_label(output))
    ax.grid(alpha=0.3)
    ax.legend(frameon=False)
    return fig


def tornado(swings: dict[str, tuple[float, float]], order: list[str], output: str, centre: float) -> Figure:
    """Bars from the output at each parameter's low end to its high end, largest swing on top."""
    fig = Figure(figsize=(8, 0.5 * len(order) + 1.5))
    ax = fig.subplots()
    for row, param in enumerate(reversed(order)):
        low, high = swings[param]
        ax.barh(row, high - centre, left=centre, color="#b2182b", alpha=0.8,
                label="high end" if row == 0 else None)
        ax.barh(row, low - centre, left=centre, color="#2166ac", alpha=0.8,
                label="low end" if row == 0 else None)
    ax.axvline(centre, color="black", lw=1)
    ax.set_yticks(range(len(order)), list(reversed(order)))
    ax.set_xlabel(_label(output))
    ax.set_title("Tornado: output at each parameter's low and high end", fontsize=10)
    ax.legend(frameon=False, loc="lower right")
    ax.grid(axis="x", alpha=0.3)
    return fig


def indices_chart(indices: dict[str, dict[str, float]], kind: str, order: list[str], output: str) -> Figure:
    fig = Figure(figsize=(8, 0.5 * len(order) + 1.5))
    ax = fig.subplots()
    rows = np.arange(len(order))
    if kind == "sobol":
        for offset, key, colour in ((-0.2, "S1", "#2166ac"), (0.2, "ST", "#b2182b")):
            ax.barh(rows[::-1] + offset, [indices[p][key] for p in order], height=0.4,
                    xerr=[indices[p][f"{key}_conf"] for p in order], color=colour, label=key)
        ax.set_xlabel(f"Sobol index of {_label(output)}")
    else:
        ax.barh(rows[::-1], [indices[p]["mu_star"] for p in order],
                xerr=[indices[p]["mu_star_conf"] for p in order], color="#2166ac", label="mu*")
        ax.set_xlabel(f"Morris mu* of {_label(output)}")
    ax.set_yticks(rows[::-1], order)
    ax.legend(frameon=False)
    ax.grid(axis="x", alpha=0.3)
    return fig
