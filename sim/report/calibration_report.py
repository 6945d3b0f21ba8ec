"""Reports for the backtest and the calibration: tables (text and Markdown) and figures."""

from __future__ import annotations

import matplotlib.ticker
import numpy as np
from matplotlib.figure import Figure

from .sweep_plots import parameter_label


def _against_naive(backtest) -> str:
    """The model's Brier score beside those of forecasts with no model in them."""
    from sim.engine.replay import TRIVIAL_RULE
    return (f"Against forecasts with no model in them: the trivial rule ({TRIVIAL_RULE}) scores Brier "
            f"{backtest.rule_brier:.3f}; a base rate (each acceptance at the record's share of acceptances, "
            f"other outcomes at one half) scores {backtest.base_rate_brier:.3f}. The model scores "
            f"{'better' if backtest.brier < backtest.base_rate_brier else 'no better'} than the base rate and "
            f"{'better' if backtest.brier < backtest.rule_brier else 'no better'} than the rule.")


def backtest_table(backtest, markdown: bool = False) -> str:
    """One row per documented decision: what happened, the model's probability of it, majority?"""
    rows = []
    for d in backtest.decisions:
        mark = "contested" if d.contested else ("yes" if d.p > 0.5 else "NO")
        rows.append((d.date, d.label, f"{d.p:.2f}", mark))
    if markdown:
        lines = ["| date | documented decision | P(model) | majority choice |", "|---|---|---|---|"]
        lines += [f"| {a} | {b} | {c} | {e} |" for a, b, c, e in rows]
        lines.append(f"\nBrier score {backtest.brier:.3f}, log score {backtest.log_score:.3f} "
                     f"({len(backtest.scored)} scored decisions, {backtest.worlds:,} worlds; contested "
                     "accounts are shown, not scored).")
        lines.append(f"\n{_against_naive(backtest)}")
        return "\n".join(lines)
    width = max(len(r[1]) for r in rows)
    lines = [f"{'date':<11} {'documented decision':<{width}}  P(model)  majority", "-" * (width + 33)]
    lines += [f"{a:<11} {b:<{width}}  {c:>8}  {e}" for a, b, c, e in rows]
    lines += ["", f"Brier score {backtest.brier:.3f}  log score {backtest.log_score:.3f}  "
                  f"({len(backtest.scored)} scored decisions, {backtest.worlds:,} worlds)",
              "documented choice is the model's majority choice for every scored decision: "
              + ("yes" if backtest.all_majority else "NO"), _against_naive(backtest)]
    return "\n".join(lines)


def plot_backtest(backtest) -> Figure:
    decisions = backtest.decisions
    fig = Figure(figsize=(9, 0.38 * len(decisions) + 1.4))
    ax = fig.subplots()
    y = np.arange(len(decisions))[::-1]
    colours = ["#bbbbbb" if d.contested else ("#1b7837" if d.p > 0.5 else "#b2182b") for d in decisions]
    ax.barh(y, [d.p for d in decisions], color=colours)
    ax.axvline(0.5, color="black", lw=1, ls="--")
    ax.set_yticks(y, [f"{d.date}  {d.label}" for d in decisions], fontsize=8)
    ax.set_xlim(0, 1)
    ax.set_xlabel("model's probability of what happened (grey: contested accounts, not scored)")
    ax.set_title(f"Backtest against the 2025 record: Brier {backtest.brier:.3f}, log score "
                 f"{backtest.log_score:.3f}", fontsize=10)
    ax.grid(axis="x", alpha=0.3)
    return fig


def posterior_table(calibration, markdown: bool = False, limit: int | None = None) -> str:
    rows = calibration.report_rows()[:limit]
    head = (f"Rejection ABC: {calibration.effective_sample_size:,} of {len(calibration.accepted):,} worlds "
            f"reproduce the record (acceptance rate {calibration.acceptance_rate:.1%}, effective sample "
            f"size {calibration.effective_sample_size:,}).")
    if markdown:
        lines = [head, "", "| parameter | prior mean [5%, 95%] | posterior mean [5%, 95%] | shrinkage | shift (prior s.d.) | the record... |",  # noqa: E501
                 "|---|---|---|---|---|---|"]
        for r in rows:
            lines.append(f"| `{r['parameter']}` | {r['prior_mean']:.3g} [{r['prior_5']:.3g}, {r['prior_95']:.3g}] | "
                         f"{r['posterior_mean']:.3g} [{r['posterior_5']:.3g}, {r['posterior_95']:.3g}] | "
                         f"{r['shrinkage']:.2f} | {r['shift']:+.2f} | {'informs it' if r['informed'] else 'leaves it open'} |")
        return "\n".join(lines)
    width = max(len(r["parameter"]) for r in rows)
    lines = [head, "", f"{'parameter':<{width}}  {'prior mean [5%, 95%]':>26}  {'posterior mean [5%, 95%]':>26}  shrink  shift"]
    for r in rows:
        lines.append(f"{r['parameter']:<{width}}  {r['prior_mean']:>8.3g} [{r['prior_5']:.3g}, {r['prior_95']:.3g}]".ljust(width + 30)  # noqa: E501
                     + f"{r['posterior_mean']:>8.3g} [{r['posterior_5']:.3g}, {r['posterior_95']:.3g}]".ljust(28)
                     + f"{r['shrinkage']:>6.2f}  {r['shift']:+.2f}")
    informed = sum(r["informed"] for r in calibration.report_rows())
    lines += ["", f"The record informs {informed} of {len(calibration.report_rows())} judgement parameters "
                  "(shrinkage >= 0.2 or a shift of half a prior s.d.); it leaves the others open."]
    return "\n".join(lines)


def plot_posterior(calibration, panels: int = 12) -> Figure:
    """Prior against posterior density for the parameters the record moves most (one panel each, with a
    density axis), labelled in words with the key path beneath."""
    rows = calibration.report_rows()[:panels]
    names = calibration.posterior.names
    cols = 4
    n_rows = int(np.ceil(len(rows) / cols))
    fig = Figure(figsize=(16, 3.4 * n_rows + 0.9))
    axes = np.atleast_2d(fig.subplots(n_rows, cols))
    for ax, row in zip(np.ravel(axes), rows, strict=False):
        j = names.index(row["parameter"])
        prior = calibration.prior_values[:, j]
        bins = np.linspace(prior.min(), prior.max(), 30)
        ax.hist(prior, bins=bins, density=True, color="#999999", alpha=0.5, label="prior")
        ax.hist(calibration.posterior.values[:, j], bins=bins, density=True, histtype="step", lw=2,
                color="#2166ac", label="posterior")
        ax.set_title(parameter_label(row["parameter"]), fontsize=10)
        ax.tick_params(labelsize=9)
        ax.xaxis.set_major_locator(matplotlib.ticker.MaxNLocator(5))   # at most 5 labels: they overlapped
        ax.set_ylabel("density", fontsize=9)
        ax.set_xlabel("parameter value", fontsize=9)
    for ax in np.ravel(axes)[len(rows):]:
        ax.axis("off")
    np.ravel(axes)[0].legend(fontsize=9, frameon=False)
    fig.suptitle(f"Prior (grey) against posterior (blue line) of the {len(rows)} parameters the 2025 record moves "
                 f"most (ABC, {len(calibration.posterior.values):,} accepted draws)", fontsize=13)
    fig.tight_layout()
    return fig


def pooling_table(fits, pooled: dict[int, float]) -> str:
    """Each encoding's fit to the record, its weight and forecast; then the pooled forecast."""
    months = list(pooled)
    width = max(len("pooled (weighted)"), *(len(f.name) for f in fits))
    head = f"{'encoding':<{width}}  log L    Brier  weight  " + "  ".join(f"P{m:<5}" for m in months)
    lines = ["Structural variants weighted by the record's likelihood under each (in-sample; equal prior weights)",
             head, "-" * len(head)]
    for f in fits:
        cells = "  ".join(f"{100 * f.forecast[m]:5.1f}%" for m in months)
        lines.append(f"{f.name:<{width}}  {f.log_likelihood:6.2f}  {f.brier:5.3f}  {f.weight:6.3f}  {cells}")
    cells = "  ".join(f"{100 * pooled[m]:5.1f}%" for m in months)
    lines.append(f"{'pooled (weighted)':<{width}}  {'':6}  {'':5}  {1.0:6.3f}  {cells}")
    return "\n".join(lines)
