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


ISSUE_LABELS = {"nato": "NATO membership", "army_limits": "army limits", "sanctions_relief": "sanctions relief",
                "arms_after_deal": "arms after the deal", "guarantees": "security guarantees"}
"""Plain-English names for the baseline's issues (others: the key with spaces for underscores)."""

IDEAL_MARKERS = {"russia": ("D", 0.22), "us": ("s", 0.11), "europe": ("^", -0.11), "ukraine": ("o", -0.22)}
"""Each actor's ideal-point marker and its offset from the issue's row, so ideals at 0 or 1 stay apart."""


def issue_label(issue: str) -> str:
    return ISSUE_LABELS.get(issue, issue.replace("_", " "))


def possessive(name: str) -> str:
    """``Russia's``, ``the United States'``."""
    return f"{name}'" if name.endswith("s") else f"{name}'s"


def _month_ticks(ax: Axes, months: list[str]) -> None:
    step = max(1, len(months) // 8)
    ticks = list(range(1, len(months) + 1, step))
    ax.set_xticks(ticks)
    ax.set_xticklabels([months[t - 1] for t in ticks], rotation=30, ha="right")


def _provenance_line(summary: dict) -> str:
    return (f"Given the scenario's priors. Scenario '{summary['scenario']}' (sha256 {summary['scenario_sha256'][:12]}), "
            f"seed {summary['seed']}, {summary['worlds']:,} worlds, negsim {summary['version']}.")


def _steps(values) -> np.ndarray:
    """Monthly values with the last one repeated, so that ``where="post"`` gives the last month its width."""
    values = np.asarray(values, dtype=float)
    return np.concatenate([values, values[-1:]])


def plot_ceasefire_curve(summary: dict, ax: Axes | None = None) -> Figure:
    """P(ceasefire by month t) with its 95% band, and P(a ceasefire is in force at t), in percent, on
    ``ax`` (default: a new 8 x 4.8 inch figure, with the provenance line under the axes); returns
    the figure.

    Month t is drawn as the step from t to t + 1, so the horizon's month has its width; the report
    months are marked and labelled with their value.
    """
    months = summary["months"]
    n = len(months)
    t = np.arange(1, n + 2)
    p = np.array(summary["p_ceasefire_by_month"])
    ci = np.array(summary["ci95_by_month"])
    own_figure = ax is None
    if ax is None:
        ax = Figure(figsize=(8, 4.8)).subplots()
    fig = ax.figure
    ax.fill_between(t, _steps(ci[:, 0]), _steps(ci[:, 1]), color="#2166ac", alpha=0.25, step="post",
                    label="95% interval (Monte Carlo)")
    ax.step(t, _steps(p), where="post", color="#2166ac", lw=2, label="P(a ceasefire reached by the month)")
    ax.step(t, _steps(summary["p_in_ceasefire_by_month"]), where="post", color="#b2182b", lw=1.5, ls="--",
            label="P(a ceasefire in force that month)")
    for month in (row["month"] for row in summary.get("report_months", [])):
        if 1 <= month <= n:
            value = p[month - 1]
            ax.plot(month + 0.5, value, "o", color="#2166ac", ms=5)
            ax.annotate(f"{100 * value:.1f}% by {months[month - 1]}", (month + 0.5, value), xytext=(-6, 8),
                        textcoords="offset points", ha="right", fontsize=9, color="#2166ac")
    ax.set_ylim(0, max(0.05, min(1.0, float(ci[:, 1].max()) * 1.15)))
    ax.set_xlim(1, n + 1)
    ax.yaxis.set_major_formatter(matplotlib.ticker.PercentFormatter(1.0))
    ax.set_ylabel("probability (%)")
    ax.set_xlabel("month (each step spans its month)")
    ax.set_title(f"{summary['scenario']}: likelihood of a general ceasefire")
    _month_ticks(ax, months)
    ax.grid(alpha=0.3)
    ax.legend(loc="upper left", frameon=False)
    if own_figure:
        fig.text(0.01, 0.01, _provenance_line(summary), fontsize=7, color="#555555")
        fig.tight_layout(rect=(0, 0.03, 1, 1))
    return fig


def plot_terms(result: RunResult, summary: dict) -> Figure:
    """Distribution of the first ceasefire's terms per issue (density, median and 5%-95% range, as the
    report's table), with each actor's ideal point."""
    has_deal = result.first_ceasefire_month > 0
    issues = result.issue_names
    fig = Figure(figsize=(8.5, 0.6 * len(issues) + 2.0))
    ax = fig.subplots()
    y = np.arange(len(issues))[::-1]
    if has_deal.any():
        # One issue's terms at a time (a run of millions of worlds reads them column by column),
        # with violinplot's own default density estimate.
        terms = [result.terms(issue)[has_deal] for issue in issues]
        stats = [cbook.violin_stats([values], ("GaussianKDE", None))[0] for values in terms]
        parts = ax.violin(stats, positions=y, orientation="horizontal", widths=0.8, showmedians=False,
                          showextrema=False)
        for body in parts["bodies"]:
            body.set_facecolor("#bbbbbb")
            body.set_edgecolor("none")
            body.set_alpha(0.6)
        ranges = np.array([np.percentile(values, [5, 50, 95]) for values in terms])
        ax.hlines(y, ranges[:, 0], ranges[:, 2], color="black", lw=2.2, label="5%-95% of worlds with a ceasefire")
        ax.plot(ranges[:, 1], y, "o", color="white", mec="black", mew=1.5, ms=6, label="median", zorder=4)
    else:
        ax.text(0.5, y.mean(), "no ceasefire in any world", ha="center", va="center")
    for actor, ideal in summary["ideal_points"].items():
        marker, offset = IDEAL_MARKERS.get(actor, ("x", 0.0))
        ax.scatter(ideal, y + offset, marker=marker, s=34, color=ACTOR_COLOURS.get(actor, "#7570b3"),
                   edgecolor="white", lw=0.5, label=f"{possessive(summary['actors'].get(actor, actor))} ideal (mean)",
                   zorder=5)
    ax.set_yticks(y)
    ax.set_yticklabels([issue_label(issue) for issue in issues])
    ax.set_xlim(-0.04, 1.04)
    ax.set_xlabel("term of the deal: 0 = Ukraine's stated position, 1 = Russia's")
    ax.set_title(f"Terms of the first ceasefire ({int(has_deal.sum()):,} of {result.worlds:,} worlds reach one)")
    ax.grid(axis="x", alpha=0.3)
    ax.legend(loc="upper center", bbox_to_anchor=(0.5, -0.13), ncol=3, frameon=False, fontsize=8)
    fig.text(0.01, 0.01, "Grey: the density of the terms over worlds. " + _provenance_line(summary),
             fontsize=6.5, color="#555555")
    fig.tight_layout(rect=(0, 0.03, 1, 1))
    return fig


def plot_war(result: RunResult, summary: dict) -> Figure:
    """Occupied area and casualties (killed and wounded) since the start: medians with 5%-95% bands across
    worlds (the first :data:`~sim.engine.run.PATH_WORLDS` of a larger run: the worlds whose paths a run keeps)."""
    months = summary["months"]
    shown = len(result.occupied_km2)
    t = np.arange(1, len(months) + 1)
    since = months[0]
    panels = [("occupied_km2", "area occupied by Russia", "km²", result.occupied_km2, "#444444")]
    for actor, values in result.casualties.items():
        panels.append((actor, f"{summary['actors'].get(actor, actor)}: killed and wounded since {since}",
                       "people (cumulative)", values, ACTOR_COLOURS.get(actor, "#7570b3")))
    fig = Figure(figsize=(4.3 * len(panels), 4.3))
    axes = fig.subplots(1, len(panels))
    for ax, (_, title, unit, values, colour) in zip(np.atleast_1d(axes), panels, strict=True):
        low, mid, high = np.percentile(values, [5, 50, 95], axis=0)
        ax.fill_between(t, low, high, color=colour, alpha=0.25,
                        label="5%-95% of worlds" + (f" (first {shown:,})" if shown < result.worlds else ""))
        ax.plot(t, mid, color=colour, lw=2, label="median")
        ax.set_title(title, fontsize=12)
        ax.set_ylabel(unit, fontsize=11)
        ax.tick_params(labelsize=10)
        ax.yaxis.set_major_formatter(matplotlib.ticker.FuncFormatter(lambda v, _: f"{v:,.0f}"))
        _month_ticks(ax, months)
        ax.grid(alpha=0.3)
    np.atleast_1d(axes)[0].legend(loc="upper left", frameon=False, fontsize=10)
    fig.text(0.01, 0.01, "The lower edge of a band flattens where worlds are in a ceasefire: the front freezes and "
             "casualties fall to a small share of the war's rate.\n" + _provenance_line(summary),
             fontsize=8, color="#555555")
    fig.tight_layout(rect=(0, 0.08, 1, 1))
    return fig


def run_figures(result: RunResult, summary: dict) -> dict[str, Figure]:
    """Every figure of a run, by file stem (``ceasefire``, ``terms``, ``war``)."""
    return {"ceasefire": plot_ceasefire_curve(summary), "terms": plot_terms(result, summary),
            "war": plot_war(result, summary)}
