"""Figures for one run: the ceasefire curve with its band, the terms, the front and the casualties."""

from __future__ import annotations

from typing import TYPE_CHECKING

import matplotlib.ticker
import numpy as np
from matplotlib import cbook
from matplotlib.axes import Axes
from matplotlib.figure import Figure

if TYPE_CHECKING:
    from sim.engine.run import RunResult

ACTOR_COLOURS = {"russia": "#b2182b", "ukraine": "#2166ac", "us": "#4d4d4d", "europe": "#1b7837"}


def _month_ticks(ax: Axes, months: list[str]) -> None:
    step = max(1, len(months) // 8)
    ticks = list(range(1, len(months) + 1, step))
    ax.set_xticks(ticks)
    ax.set_xticklabels([months[t - 1] for t in ticks], rotation=30, ha="right")


def plot_ceasefire_curve(summary: dict) -> Figure:
    """P(ceasefire by month t) with its 95% band, and P(a ceasefire is in force at t)."""
    months = summary["months"]
    t = np.arange(1, len(months) + 1)
    p = np.array(summary["p_ceasefire_by_month"])
    ci = np.array(summary["ci95_by_month"])
    fig = Figure(figsize=(8, 4.5))
    ax = fig.subplots()
    ax.fill_between(t, ci[:, 0], ci[:, 1], color="#2166ac", alpha=0.25, step="post",
                    label="95% interval")
    ax.step(t, p, where="post", color="#2166ac", lw=2, label="P(ceasefire reached by month)")
    ax.step(t, summary["p_in_ceasefire_by_month"], where="post", color="#b2182b", lw=1.5, ls="--",
            label="P(a ceasefire in force that month)")
    ax.set_ylim(0, max(0.05, min(1.0, float(ci[:, 1].max()) * 1.15)))
    ax.set_xlim(1, len(months))
    ax.set_ylabel("probability")
    ax.set_title(f"{summary['scenario']}: likelihood of a general ceasefire "
                 f"({summary['worlds']:,} worlds)")
    _month_ticks(ax, months)
    ax.grid(alpha=0.3)
    ax.legend(loc="upper left", frameon=False)
    return fig


def plot_terms(result: RunResult, summary: dict) -> Figure:
    """Distribution of the first ceasefire's terms per issue, with each actor's ideal point."""
    has_deal = result.first_ceasefire_month > 0
    issues = result.issue_names
    fig = Figure(figsize=(8, 0.55 * len(issues) + 1.6))
    ax = fig.subplots()
    y = np.arange(len(issues))[::-1]
    if has_deal.any():
        # One issue's terms at a time (a run of millions of worlds reads them column by column),
        # with violinplot's own default density estimate.
        stats = [cbook.violin_stats([result.terms(issue)[has_deal]], ("GaussianKDE", None))[0] for issue in issues]
        parts = ax.violin(stats, positions=y, orientation="horizontal", widths=0.8, showmedians=True)
        for body in parts["bodies"]:
            body.set_facecolor("#999999")
            body.set_alpha(0.5)
    else:
        ax.text(0.5, y.mean(), "no ceasefire in any world", ha="center", va="center")
    for actor, ideal in summary["ideal_points"].items():
        ax.scatter(ideal, y, marker="|", s=220, lw=2.5, color=ACTOR_COLOURS.get(actor, "#7570b3"),
                   label=f"{summary['actors'].get(actor, actor)} ideal", zorder=3)
    ax.set_yticks(y)
    ax.set_yticklabels(issues)
    ax.set_xlim(-0.03, 1.03)
    ax.set_xlabel("0 = Ukraine's position        term of the deal        1 = Russia's position")
    ax.set_title(f"Terms of the first ceasefire ({int(has_deal.sum()):,} of {result.worlds:,} worlds)")
    ax.grid(axis="x", alpha=0.3)
    ax.legend(loc="upper center", bbox_to_anchor=(0.5, -0.10), ncol=4, frameon=False)
    return fig


def plot_war(result: RunResult, summary: dict) -> Figure:
    """Occupied area and cumulative casualties: medians with 5%-95% bands across worlds (the first
    :data:`~sim.engine.run.PATH_WORLDS` of a larger run: the worlds whose paths a run keeps)."""
    months = summary["months"]
    shown = len(result.occupied_km2)
    t = np.arange(1, len(months) + 1)
    panels = [("occupied_km2", "area occupied by Russia (km²)", result.occupied_km2, "#444444")]
    for actor, values in result.casualties.items():
        panels.append((actor, f"{summary['actors'].get(actor, actor)}: cumulative casualties", values,
                       ACTOR_COLOURS.get(actor, "#7570b3")))
    fig = Figure(figsize=(4.2 * len(panels), 3.8))
    axes = fig.subplots(1, len(panels))
    for ax, (_, title, values, colour) in zip(np.atleast_1d(axes), panels, strict=True):
        low, mid, high = np.percentile(values, [5, 50, 95], axis=0)
        ax.fill_between(t, low, high, color=colour, alpha=0.25,
                        label="5%-95% of worlds" + (f" (first {shown:,})" if shown < result.worlds else ""))
        ax.plot(t, mid, color=colour, lw=2, label="median")
        ax.set_title(title, fontsize=10)
        ax.yaxis.set_major_formatter(matplotlib.ticker.FuncFormatter(lambda v, _: f"{v:,.0f}"))
        _month_ticks(ax, months)
        ax.grid(alpha=0.3)
    np.atleast_1d(axes)[0].legend(loc="upper left", frameon=False, fontsize=8)
    fig.tight_layout()
    return fig


def run_figures(result: RunResult, summary: dict) -> dict[str, Figure]:
    """Every figure of a run, by file stem (``ceasefire``, ``terms``, ``war``)."""
    return {"ceasefire": plot_ceasefire_curve(summary), "terms": plot_terms(result, summary),
            "war": plot_war(result, summary)}
