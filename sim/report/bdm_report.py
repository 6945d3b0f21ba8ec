"""The expected-utility engine's forecasts as text, JSON and a figure."""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np
from matplotlib.figure import Figure

from sim import __version__

if TYPE_CHECKING:
    from sim.analysis.bdm import BdmForecast
    from sim.engines.bdm import Example, Trajectory

from sim.engines.bdm.model import MOVES

from .plots import issue_label


def format_example(example: Example, trajectory: Trajectory) -> str:
    """A published example round by round: the mean on a line ``round N mean M``, then each actor's
    position and move (plain text, for comparison with the literature)."""
    means = trajectory.means()[:, 0]
    names = example.names
    lines = [f"{example.name}: {example.source}", "",
             f"round 0 mean {float(means[0])!r}"]
    lines += [f"  {name:<12} {x:.6f}" for name, x in zip(names, trajectory.actors.position[0], strict=True)]
    for k, step in enumerate(trajectory.rounds, 1):
        lines += ["", f"round {k} mean {float(means[k])!r}"]
        for i, name in enumerate(names):
            move, partner = int(step.move[0, i]), int(step.partner[0, i])
            how = MOVES[move] + (f" {names[partner]}" if partner >= 0 else "")
            lines.append(f"  {name:<12} {step.position[0, i]:.6f}  risk {step.risk[0, i]:.6f}  {how}")
    return "\n".join(lines)


def _interval(values: np.ndarray) -> tuple[float, float, float] | None:
    values = values[np.isfinite(values)]
    if values.size == 0:
        return None
    return float(np.mean(values)), float(np.quantile(values, 0.05)), float(np.quantile(values, 0.95))


def _summary(forecast: BdmForecast) -> list[dict]:
    rows = []
    for issue in forecast.issues:
        means = issue.means
        rows.append({"issue": issue.issue, "start": _interval(means[0]), "end": _interval(means[-1]),
                     "median_start": _interval(issue.median_start),
                     "settled_after_rounds": float(np.median(issue.settled_after())),
                     "main_model_terms": _interval(issue.terms)})
    return rows


def format_bdm(forecast: BdmForecast) -> str:
    """Issue by issue: where the expected-utility model's weighted mean starts and ends (mean and
    90% interval over worlds), how many rounds it takes to settle, and the main model's terms."""
    def show(cell):
        return "-" if cell is None else f"{cell[0]:.2f} [{cell[1]:.2f}, {cell[2]:.2f}]"

    scenario = forecast.scenario.scenario
    lines = [f"{scenario.name}: the expected-utility model (Bueno de Mesquita; Scholz et al. 2011), {forecast.rounds} "
             f"rounds, {forecast.worlds:,} worlds, seed {forecast.seed}, convention '{forecast.convention}'",
             "Positions: 0 = Ukraine's position, 1 = Russia's; each cell is the mean over worlds [90% interval]. "
             "The main model's terms are the package on the table at the first ceasefire, in the "
             f"{forecast.p_ceasefire:.0%} of worlds that reach one (issues a ceasefire does not settle stay open).",
             "Capabilities (" + str(forecast.capabilities.path.name) + "): "
             + ", ".join(f"{a} {p.low:g}-{p.high:g}" for a, p in
                         ((a, forecast.capabilities.prior(a)) for a in forecast.actors)), "",
             f"{'issue':<18}{'start (weighted mean)':<24}{'after ' + str(forecast.rounds) + ' rounds':<24}"
             f"{'settled after':<15}{'main model terms':<22}"]
    for row in _summary(forecast):
        lines.append(f"{row['issue']:<18}{show(row['start']):<24}{show(row['end']):<24}"
                     f"{row['settled_after_rounds']:<15.0f}{show(row['main_model_terms']):<22}")
    return "\n".join(lines)


def bdm_payload(forecast: BdmForecast, provenance: dict) -> dict:
    """The forecast in machine-readable form, with what made it."""
    def cell(c):
        return None if c is None else {"mean": c[0], "p05": c[1], "p95": c[2]}

    rows = [{**{k: v for k, v in row.items() if k in ("issue", "settled_after_rounds")},
             **{k: cell(row[k]) for k in ("start", "end", "median_start", "main_model_terms")}}
            for row in _summary(forecast)]
    return {"engine": "expected-utility (Scholz, Calbert and Smith 2011)", "scenario": forecast.scenario.scenario.name,
            "scenario_sha256": forecast.scenario.sha256, "worlds": forecast.worlds, "seed": forecast.seed,
            "rounds": forecast.rounds, "convention": forecast.convention,
            "capabilities": {a: {"low": forecast.capabilities.prior(a).low, "high": forecast.capabilities.prior(a).high,
                                 "why": forecast.capabilities.spec.capability[a].why} for a in forecast.actors},
            "p_ceasefire_main_model": forecast.p_ceasefire, "issues": rows,
            "mean_by_round": {i.issue: [float(m) for m in i.means.mean(axis=1)] for i in forecast.issues},
            "version": __version__, "provenance": provenance}


def plot_bdm(forecast: BdmForecast) -> Figure:
    """Per issue: each actor's position round by round (median over worlds), the weighted mean with
    its 90% band, and the main model's first-ceasefire terms (median and 90% band) at the right."""
    issues = forecast.issues
    columns = min(4, len(issues))
    rows = int(np.ceil(len(issues) / columns))
    fig = Figure(figsize=(3.1 * columns, 2.6 * rows + 0.6))
    axes = np.atleast_1d(fig.subplots(rows, columns, sharex=True, sharey=True)).ravel()
    rounds = np.arange(forecast.rounds + 1)
    for ax, issue in zip(axes, issues, strict=False):
        positions = issue.trajectory.positions()                       # (rounds + 1, worlds, actors)
        for a, actor in enumerate(forecast.actors):
            ax.plot(rounds, np.median(positions[:, :, a], axis=1), color=f"C{a}", lw=1.2, label=actor)
        means = issue.means
        ax.fill_between(rounds, np.quantile(means, 0.05, axis=1), np.quantile(means, 0.95, axis=1), color="black",
                        alpha=0.15, lw=0)
        ax.plot(rounds, np.median(means, axis=1), color="black", lw=2, label="weighted mean")
        terms = issue.terms[np.isfinite(issue.terms)]
        if terms.size:
            x = forecast.rounds + 0.6
            low, mid, high = np.quantile(terms, [0.05, 0.5, 0.95])
            ax.errorbar([x], [mid], yerr=[[mid - low], [high - mid]], fmt="D", color="crimson", ms=5, capsize=3,
                        label="main model's terms")
        ax.set_title(issue_label(issue.issue), fontsize=10)
        ax.set_ylim(-0.05, 1.05)
        ax.grid(alpha=0.3)
    for ax in axes[len(issues):]:
        ax.set_visible(False)
    for ax in axes[::columns]:
        ax.set_ylabel("position (0 Ukraine, 1 Russia)", fontsize=8)
    for ax in axes[-columns:]:
        ax.set_xlabel("round", fontsize=8)
    # One legend for every panel, below them: inside a panel it covered the lines.
    handles, labels = axes[0].get_legend_handles_labels()
    fig.legend(handles, labels, loc="lower center", ncol=len(labels), frameon=False, fontsize=9)
    fig.suptitle(f"{forecast.scenario.scenario.name}: expected-utility model, issue by issue "
                 f"({forecast.worlds:,} worlds, seed {forecast.seed}; lines: medians over worlds, band: 90%)",
                 fontsize=11)
    fig.tight_layout(rect=(0, 0.06, 1, 1))
    return fig
