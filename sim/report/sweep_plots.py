"""Figures for sweeps: heatmap, line with band, tornado chart, Sobol/Morris indices."""

from __future__ import annotations

import numpy as np
import pandas as pd
from matplotlib.figure import Figure

from sim.engine.outputs import wilson_interval

ACTOR_NAMES = {"us": "US", "russia": "Russia", "ukraine": "Ukraine", "europe": "Europe"}
SECTIONS = {"levers": "{} lever", "beliefs": "{} belief", "commitment": "{}", "cost_of_war": "cost of war: {}",
            "support": "support: {}"}


def _label(column: str) -> str:
    if column.startswith("p_ceasefire_"):
        return f"P(ceasefire by month {column.removeprefix('p_ceasefire_').removesuffix('m')})"
    return column.replace("_", " ")


def parameter_label(path: str) -> str:
    """A parameter in words, with its key path beneath: ``US sanctions lever\n(actors.us.levers.sanctions)``.
    Group names (no dots) are already words and are returned as they are."""
    parts = path.split(".")
    if len(parts) < 2:
        return path
    plain = [ACTOR_NAMES.get(part, part.replace("_", " ")) for part in parts]
    if parts[0] == "actors" and len(parts) == 4 and parts[2] in SECTIONS:
        words = f"{plain[1]} " + SECTIONS[parts[2]].format(plain[3])
    elif parts[0] == "actors" and len(parts) >= 4 and parts[2] == "red_lines" and parts[3].isdigit():
        words = f"{plain[1]} red line {int(parts[3]) + 1}: " + " ".join(plain[4:])
    elif parts[0] == "actors":
        words = f"{plain[1]} " + " ".join(plain[2:])
    elif parts[0] == "partial_deals" and len(parts) == 4 and parts[2] in ("value", "goodwill"):
        words = f"{plain[1]}: " + (f"value to {plain[3]}" if parts[2] == "value" else f"{plain[3]}'s goodwill")
    else:
        head, rest = (plain[1], plain[2:]) if parts[0] == "partial_deals" else (plain[0], plain[1:])
        words = f"{head}: " + " ".join(rest)
    return f"{words}\n({path})"


def _is_probability(output: str) -> bool:
    return output.startswith("p_")


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
    ax.set_xlabel(parameter_label(x))
    ax.set_ylabel(parameter_label(y))
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
    conf = np.array([v["mu_star_conf"] for v in indices.values()])
    ax.errorbar(mu, sigma, xerr=conf, fmt="o", color="#2166ac", capsize=2, label="parameter (mu* with its 95% interval)")
    for name, m, sd in zip(indices, mu, sigma, strict=True):
        ax.annotate(parameter_label(name).split("\n")[0], (m, sd), xytext=(4, 3), textcoords="offset points",
                    fontsize=7)
    top = max(float((mu + conf).max()), float(sigma.max()), 1e-12) * 1.1
    ax.plot([0, top], [0, top], color="grey", ls="--", lw=1, label="sigma = mu*")
    ax.set_xlim(0, top)
    ax.set_ylim(0, top)
    ax.set_xlabel(f"mu* (mean absolute elementary effect on {_label(output)}, with its 95% interval)")
    ax.set_ylabel("sigma (spread of the elementary effects)")
    ax.set_title("Morris screening: right = influential; near the line = non-linear or interacting", fontsize=9)
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
    ax.set_xlabel(parameter_label(x))
    ax.set_ylabel(_label(output))
    ax.grid(alpha=0.3)
    ax.legend(frameon=False)
    return fig


def tornado(swings: dict[str, tuple[float, float]], order: list[str], output: str, centre: float) -> Figure:
    """Bars from the output at each parameter's low end to its high end, largest swing on top; the centre
    line is the output's mean over the whole sweep."""
    scale, unit = (100.0, " (%)") if _is_probability(output) else (1.0, "")
    fig = Figure(figsize=(9, 0.62 * len(order) + 1.8))
    ax = fig.subplots()
    for row, param in enumerate(reversed(order)):
        low, high = (scale * v for v in swings[param])
        ax.barh(row, high - scale * centre, left=scale * centre, color="#b2182b", alpha=0.8,
                label="output at the parameter's high end" if row == 0 else None)
        ax.barh(row, low - scale * centre, left=scale * centre, color="#2166ac", alpha=0.8,
                label="output at the parameter's low end" if row == 0 else None)
    ax.axvline(scale * centre, color="black", lw=1, label=f"mean over the sweep ({scale * centre:.1f}{unit.strip(' ()')})")
    ax.set_yticks(range(len(order)), [parameter_label(p) for p in reversed(order)], fontsize=8)
    ax.set_xlabel(_label(output) + unit)
    ax.set_title("Tornado: the output at each parameter's low and high end (averaged over the others)", fontsize=10)
    ax.legend(frameon=False, loc="upper center", bbox_to_anchor=(0.5, -0.12 - 0.6 / len(order)), ncol=3, fontsize=8)
    ax.grid(axis="x", alpha=0.3)
    fig.tight_layout()
    return fig


def indices_chart(indices: dict[str, dict[str, float]], kind: str, order: list[str], output: str) -> Figure:
    """Sobol S1 and ST (or Morris mu*) for each parameter with their 95% bootstrap intervals as whiskers at
    the bar ends' centres. Sobol indices are shares in [0, 1]; an estimate or whisker beyond that range is
    sampling error of the estimator, and the figure says so."""
    fig = Figure(figsize=(9, 0.62 * len(order) + 2.0))
    ax = fig.subplots()
    rows = np.arange(len(order))[::-1]
    if kind == "sobol":
        for offset, key, colour, meaning in ((0.2, "S1", "#2166ac", "S1: the parameter alone"),
                                             (-0.2, "ST", "#b2182b", "ST: with all its interactions")):
            values = np.array([indices[p][key] for p in order])
            ax.barh(rows + offset, values, height=0.38, color=colour, label=meaning)
            ax.errorbar(values, rows + offset, xerr=[indices[p][f"{key}_conf"] for p in order], fmt="none",
                        ecolor="black", elinewidth=1, capsize=2)
        ax.axvline(0, color="black", lw=0.8)
        ax.axvline(1, color="grey", lw=0.8, ls="--")
        ax.set_xlabel(f"Sobol index of {_label(output)} (share of its variance), with 95% bootstrap intervals")
        fig.text(0.01, 0.01, "Indices are shares in [0, 1]; estimates or whiskers beyond 0 or 1 (dashed) are the "
                 "estimator's sampling error with this many samples.", fontsize=7, color="#555555")
    else:
        values = np.array([indices[p]["mu_star"] for p in order])
        ax.barh(rows, values, color="#2166ac", label="mu*: mean absolute elementary effect")
        ax.errorbar(values, rows, xerr=[indices[p]["mu_star_conf"] for p in order], fmt="none", ecolor="black",
                    elinewidth=1, capsize=2)
        ax.set_xlabel(f"Morris mu* of {_label(output)}, with 95% bootstrap intervals")
    ax.set_yticks(rows, [parameter_label(p) for p in order], fontsize=8)
    ax.legend(frameon=False, loc="lower right", fontsize=8)
    ax.grid(axis="x", alpha=0.3)
    fig.tight_layout(rect=(0, 0.03, 1, 1))
    return fig
