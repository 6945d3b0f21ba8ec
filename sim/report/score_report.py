"""Tables and the reliability diagram of ``negsim score``."""

from __future__ import annotations

import numpy as np
from matplotlib.figure import Figure

from sim.analysis.scoring import forecast_bins


def _cell(value: float | None, digits: int = 3) -> str:
    return "—" if value is None else f"{value:.{digits}f}"


def score_tables(scores, markdown: bool = False) -> str:
    """Per question: the model's probability and interval, the outcome and the scores; then totals."""
    data = scores.as_json()
    rows = []
    for q in data["questions"]:
        outcome = {True: "yes", False: "no", None: "open"}[q["outcome"]]
        others = "; ".join(f"{name} {f['p']:.2f}" for name, f in q["forecasters"].items())
        rows.append((q["id"], q["by"], f"{q['p']:.3f} [{q['p_low']:.3f}, {q['p_high']:.3f}]", outcome,
                     _cell(q["brier"]), _cell(q["log_score"]), others))
    totals = [(name, t["n"], _cell(t["brier"]), _cell(t["log_score"]), _cell(t["reliability"]),
               _cell(t["resolution"]), _cell(t["uncertainty"])) for name, t in data["totals"].items()]
    worlds = f"{data['worlds']:,} worlds per scenario" if data["worlds"] else "each scenario's own worlds"
    note = (f"Model probabilities from {worlds} (95% Wilson intervals); "
            "Brier (p - o)^2 and log score -ln p(outcome), lower is better; totals over resolved questions, "
            "each forecaster on the questions it answered; Murphy's decomposition over ten bins: "
            "Brier = reliability - resolution + uncertainty (+ the spread within bins).")
    if markdown:
        lines = ["| question | by | P(model) [95%] | outcome | Brier | log score | other forecasts |",
                 "|---|---|---|---|---|---|---|"]
        lines += ["| " + " | ".join(row) + " |" for row in rows]
        lines += ["", "| forecaster | questions | Brier | log score | reliability | resolution | uncertainty |",
                  "|---|---|---|---|---|---|---|"]
        lines += ["| " + " | ".join(str(c) for c in row) + " |" for row in totals]
        return "\n".join(lines + ["", note])
    width = max(len(r[0]) for r in rows)
    lines = [f"{'question':<{width}}  {'by':<10}  {'P(model) [95%]':<22}  outcome  Brier  log sc.  other forecasts",
             "-" * (width + 72)]
    lines += [f"{a:<{width}}  {b:<10}  {c:<22}  {d:<7}  {e:>5}  {f:>7}  {g}" for a, b, c, d, e, f, g in rows]
    lines += ["", f"{'forecaster':<24} {'n':>3}  Brier  log sc.  reliab.  resol.  uncert.", "-" * 68]
    lines += [f"{a:<24} {b:>3}  {c:>5}  {d:>7}  {e:>7}  {f:>6}  {g:>7}" for a, b, c, d, e, f, g in totals]
    return "\n".join(lines + ["", note])


def plot_reliability(scores) -> Figure:
    """Observed frequency against forecast, in ten bins, for the model and each forecaster."""
    data = scores.as_json()
    fig = Figure(figsize=(5.5, 5))
    ax = fig.subplots()
    ax.plot([0, 1], [0, 1], color="grey", lw=1, ls="--", label="perfectly calibrated")
    names = ["model", *sorted({n for q in data["questions"] for n in q["forecasters"]})]
    for name in names:
        pairs = [(q["p"] if name == "model" else q["forecasters"][name]["p"], q["outcome"])
                 for q in data["questions"] if q["outcome"] is not None and (name == "model" or name in q["forecasters"])]
        if not pairs:
            continue
        p, o = np.array([a for a, _ in pairs]), np.array([b for _, b in pairs], dtype=float)
        index = forecast_bins(p)
        bins = np.unique(index)
        ax.plot([p[index == b].mean() for b in bins], [o[index == b].mean() for b in bins], "o-",
                label=f"{name} ({len(pairs)} questions)",
                markersize=4 + 2 * np.sqrt([np.sum(index == b) for b in bins]).mean())
    ax.set_xlim(0, 1)
    ax.set_ylim(-0.02, 1.02)
    ax.set_xlabel("forecast probability (bin mean)")
    ax.set_ylabel("share of questions that resolved yes")
    ax.set_title("Reliability of the forecasts", fontsize=10)
    ax.legend(fontsize=8, loc="upper left")
    ax.grid(alpha=0.3)
    return fig
