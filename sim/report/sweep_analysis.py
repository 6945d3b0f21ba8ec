"""Render a sweep's sensitivity analysis: the text summary and its figures.

* one swept parameter: the output against it, with its 95% band;
* two or more on a grid: a heatmap of the output over the first two (averaged over the rest);
* any design: a tornado chart (the output at each parameter's low end against its high end);
* a Sobol or Morris design: the indices with their confidence intervals; for Morris, mu* against sigma.
"""

from __future__ import annotations

from matplotlib.figure import Figure

from sim.analysis.sensitivity import Analysis

from . import sweep_plots


def sensitivity_figures(analysis: Analysis) -> dict[str, Figure]:
    """The analysis's figures by file stem (``line``, ``heatmap``, ``tornado``, ``indices``)."""
    ok, params, output = analysis.frame, analysis.params, analysis.output
    figures = {}
    if analysis.grid and len(params) == 1:
        figures["line"] = sweep_plots.line_with_band(ok, params[0], output)
    if analysis.grid and len(params) >= 2:
        figures["heatmap"] = sweep_plots.heatmap(ok, params[0], params[1], output, analysis.worlds)
    figures["tornado"] = sweep_plots.tornado(analysis.swings, analysis.ranking(), output, float(ok[output].mean()))
    if analysis.index_kind:
        figures["indices"] = sweep_plots.indices_chart(analysis.indices, analysis.index_kind, analysis.ranking(), output)
    if analysis.index_kind == "morris":
        figures["morris"] = sweep_plots.morris_plot(analysis.indices, output)
    return figures


def format_analysis(analysis: Analysis, figures: list | None = None) -> str:
    """The ranking of parameters with their swings and indices, and the figures written."""
    lines = [f"Sensitivity of {analysis.output} to {len(analysis.params)} parameter(s), most influential first:"]
    for rank, param in enumerate(analysis.ranking(), start=1):
        low, high = analysis.swings[param]
        text = f"  {rank}. {param}: {low:.3f} at the low end -> {high:.3f} at the high end ({high - low:+.3f})"
        if analysis.index_kind == "sobol":
            s = analysis.indices[param]
            text += f"; Sobol S1 {s['S1']:.2f} ±{s['S1_conf']:.2f}, ST {s['ST']:.2f} ±{s['ST_conf']:.2f}"
        elif analysis.index_kind == "morris":
            s = analysis.indices[param]
            text += f"; Morris mu* {s['mu_star']:.3f} ±{s['mu_star_conf']:.3f}, sigma {s['sigma']:.3f}"
        lines.append(text)
    if analysis.second_order:
        pairs = sorted(analysis.second_order.items(), key=lambda kv: -abs(kv[1][0]))[:5]
        lines.append("Second-order Sobol indices (interactions), largest first:")
        for (p, q), (value, conf) in pairs:
            beyond = "" if abs(value) > conf else " (within its interval of 0)"
            lines.append(f"  {p} x {q}: S2 {value:.3f} ±{conf:.3f}{beyond}")
    if analysis.index_kind:
        lines.append("The points " + ("share" if analysis.common_random_numbers else "do not share")
                     + " common random numbers" + ("" if analysis.common_random_numbers else
                                                   ": Monte Carlo noise inflates the indices (rerun with --crn)") + ".")
    if figures:
        lines.append("Figures: " + ", ".join(str(f) for f in figures))
    return "\n".join(lines)
