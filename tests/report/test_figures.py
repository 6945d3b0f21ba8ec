"""Each figure carries the labelled elements a reader needs (titles, units, legend entries, provenance),
and what it draws agrees with the numbers it was given."""

import types

import matplotlib.ticker
import numpy as np
import pytest
from matplotlib.collections import LineCollection
from matplotlib.container import ErrorbarContainer
from matplotlib.figure import Figure

from sim.analysis.teaching import bargain_view
from sim.engine import load_scenario
from sim.engine.outputs import summarise
from sim.engine.run import run_scenario
from sim.report.bargain import plot_bargain
from sim.report.calibration_report import plot_posterior
from sim.report.compare_report import plot_survival
from sim.report.plots import plot_ceasefire_curve, plot_terms, plot_war
from sim.report.sweep_plots import indices_chart, morris_plot, parameter_label, tornado

from ..conftest import SCENARIOS


def legend_texts(figure: Figure) -> set[str]:
    legends = [ax.get_legend() for ax in figure.axes if ax.get_legend()] + list(figure.legends)
    return {text.get_text() for legend in legends for text in legend.get_texts()}


def figure_texts(figure: Figure) -> str:
    return " ".join(text.get_text() for text in figure.texts)


@pytest.fixture(scope="module")
def run(baseline):
    result = run_scenario(baseline, worlds=1000)
    return result, summarise(result)


def test_the_ceasefire_curve_shows_the_last_month_in_percent_with_its_provenance(run):
    result, summary = run
    figure = plot_ceasefire_curve(summary)
    ax = figure.axes[0]
    n = len(summary["months"])
    assert ax.get_xlim() == (1, n + 1)  # the horizon's month has its width
    step = next(line for line in ax.get_lines() if line.get_label() == "P(a ceasefire reached by the month)")
    assert step.get_xdata()[-1] == n + 1 and step.get_ydata()[-1] == summary["p_ceasefire_by_month"][-1]
    assert isinstance(ax.yaxis.get_major_formatter(), matplotlib.ticker.PercentFormatter)
    assert "%" in ax.get_ylabel()
    assert {"95% interval (Monte Carlo)", "P(a ceasefire in force that month)"} <= legend_texts(figure)
    last = summary["report_months"][-1]
    annotations = {child.get_text() for child in ax.texts}
    assert f"{100 * last['p_ceasefire']:.1f}% by {summary['months'][last['month'] - 1]}" in annotations
    assert "Given the scenario's priors" in figure_texts(figure) and str(summary["seed"]) in figure_texts(figure)
    assert summary["scenario_sha256"][:12] in figure_texts(figure)


def test_the_terms_figure_draws_the_5_95_range_the_report_states_and_keeps_ideals_apart(run):
    result, summary = run
    figure = plot_terms(result, summary)
    ax = figure.axes[0]
    assert {"5%-95% of worlds with a ceasefire", "median", "Russia's ideal (mean)",
            "Ukraine's ideal (mean)"} <= legend_texts(figure)
    ranges = next(c for c in ax.collections if isinstance(c, LineCollection) and
                  c.get_label() == "5%-95% of worlds with a ceasefire")
    has_deal = result.first_ceasefire_month > 0
    for segment, issue in zip(ranges.get_segments(), result.issue_names, strict=True):
        expected = np.percentile(result.terms(issue)[has_deal], [5, 95])
        assert segment[:, 0] == pytest.approx(expected)
    labels = [tick.get_text() for tick in ax.get_yticklabels()]
    assert not any("_" in label for label in labels) and "NATO membership" in labels
    rows = {c.get_label(): c.get_offsets()[:, 1] for c in ax.collections if "ideal" in str(c.get_label())}
    assert np.all(rows["Russia's ideal (mean)"] != rows["Ukraine's ideal (mean)"])  # never on top of each other


def test_the_war_figure_names_what_it_counts_and_since_when(run):
    result, summary = run
    figure = plot_war(result, summary)
    titles = [ax.get_title() for ax in figure.axes]
    assert titles[0] == "area occupied by Russia" and figure.axes[0].get_ylabel() == "km²"
    assert all(f"killed and wounded since {summary['months'][0]}" in title for title in titles[1:])
    assert "in a ceasefire" in figure_texts(figure)


def comparison_rows(count: int) -> list[dict]:
    rng = np.random.default_rng(1)
    rows = []
    for i in range(count):
        p = np.sort(rng.uniform(0, 1, 24))
        row = {"scenario": f"scenario {i}", "start": "2025-03", "worlds": 1000, "seed": 7,
               "p_ceasefire_by_month": list(p), "ci95_by_month": [[v - 0.02, v + 0.02] for v in p]}
        for month in (6, 12, 24):
            diff = 0.0 if i == 0 else rng.uniform(-0.2, 0.2)
            row |= {f"p_ceasefire_{month}m_diff": diff, f"p_ceasefire_{month}m_diff_low": diff - 0.01,
                    f"p_ceasefire_{month}m_diff_high": diff + 0.02}
        rows.append(row)
    return rows


def test_the_comparison_draws_the_paired_differences_the_table_reports():
    rows = comparison_rows(10)
    figure = plot_survival(rows)
    curves, forest = figure.axes
    styles = {(line.get_color(), line.get_linestyle()) for line in curves.get_lines()}
    assert len(styles) == 10  # ten scenarios, ten distinguishable lines
    assert [t.get_text() for t in forest.get_yticklabels()] == [r["scenario"] for r in rows[1:]]
    assert {"by month 6", "by month 12", "by month 24"} <= legend_texts(figure)
    for container in forest.containers:
        month = int(container.get_label().split()[-1])
        points = container.lines[0].get_xdata()
        assert points == pytest.approx([100 * r[f"p_ceasefire_{month}m_diff"] for r in rows[1:]])
    assert "percentage points" in forest.get_xlabel() and "scenario 0" in forest.get_xlabel()
    assert "10 scenarios" in figure._suptitle.get_text()
    assert plot_survival(rows, title="my own title")._suptitle.get_text() == "my own title"


def test_sweep_figures_label_parameters_in_words_and_mark_the_centre():
    order = ["actors.us.levers.sanctions", "actors.russia.beliefs.victory"]
    figure = tornado({order[0]: (0.5, 0.7), order[1]: (0.55, 0.6)}, order, "p_ceasefire_24m", 0.6)
    labels = [t.get_text() for t in figure.axes[0].get_yticklabels()]
    assert labels == [parameter_label(order[1]), parameter_label(order[0])]
    assert parameter_label(order[0]) == "US sanctions lever\n(actors.us.levers.sanctions)"
    assert parameter_label("actors.russia.red_lines.0.cost").startswith("Russia red line 1: cost\n")
    assert parameter_label("partial_deals.energy_truce.value.russia").startswith("energy truce: value to Russia\n")
    assert parameter_label("russia: patience") == "russia: patience"  # a group's name is already words
    assert "mean over the sweep (60.0%)" in legend_texts(figure)
    assert figure.axes[0].get_xlabel() == "P(ceasefire by month 24) (%)"


def test_sobol_whiskers_sit_on_the_bar_centres_and_the_range_is_explained():
    indices = {"a.b": {"S1": 0.9, "S1_conf": 0.3, "ST": 1.1, "ST_conf": 0.4},
               "c.d": {"S1": 0.1, "S1_conf": 0.05, "ST": 0.2, "ST_conf": 0.1}}
    figure = indices_chart(indices, "sobol", ["a.b", "c.d"], "p_ceasefire_24m")
    ax = figure.axes[0]
    bars = [(patch.get_width(), patch.get_y() + patch.get_height() / 2) for patch in ax.patches]
    whiskers = [((segment[0][0] + segment[1][0]) / 2, segment[0][1])
                for container in ax.containers if isinstance(container, ErrorbarContainer)
                for segment in container.lines[2][0].get_segments()]
    assert np.allclose(sorted(bars), sorted(whiskers))
    assert "beyond 0 or 1" in figure_texts(figure) and "95%" in ax.get_xlabel()


def test_the_morris_plot_shows_every_interval_whole():
    indices = {"a.b": {"mu_star": 0.2, "mu_star_conf": 0.1, "sigma": 0.05},
               "c.d": {"mu_star": 0.05, "mu_star_conf": 0.01, "sigma": 0.08}}
    ax = morris_plot(indices, "p_ceasefire_24m").axes[0]
    assert ax.get_xlim()[1] >= 0.3 and "sigma" in ax.get_ylabel() and "mu*" in ax.get_xlabel()


def test_the_posterior_panels_have_a_density_axis_and_readable_titles():
    rng = np.random.default_rng(0)
    names = [f"actors.russia.levers.p{i}" for i in range(5)]
    calibration = types.SimpleNamespace(
        report_rows=lambda: [{"parameter": name} for name in names],
        posterior=types.SimpleNamespace(names=names, values=rng.uniform(0.2, 0.6, (50, 5))),
        prior_values=rng.uniform(0, 1, (400, 5)))
    figure = plot_posterior(calibration)
    shown = [ax for ax in figure.axes if ax.axison]
    assert len(shown) == 5
    assert all(ax.get_ylabel() == "density" and len(ax.get_yticks()) for ax in shown)
    assert shown[0].get_title() == parameter_label(names[0])


@pytest.fixture(scope="module")
def base_and_pressure():
    base = load_scenario(SCENARIOS / "baseline.yaml").scenario
    other = load_scenario(SCENARIOS / "europe_steps_up.yaml").scenario
    return base, other, {name: k for k, name in enumerate(base.issues)}


def test_the_two_issue_bargain_puts_every_mark_in_the_legend(base_and_pressure):
    base, other, index = base_and_pressure
    views = [bargain_view(s, ["army_limits", "guarantees"], month=4, seed=base.seed) for s in (base, other)]
    figure = plot_bargain(views, index)
    entries = legend_texts(figure)
    assert {"Russia's ideal", "Ukraine's ideal", "mediator's proposal (searching every issue)",
            "the belligerents' contract curve (held inside the red lines)", "United States' ideal"} <= entries
    assert {"Russia: edge of what it accepts", "Ukraine: edge of what it accepts"} <= entries
    for ax in figure.axes:  # at most one filled region (the zone): no stacked translucent fills
        assert sum(1 for c in ax.collections if getattr(c, "filled", False)) <= 1


def test_fearons_line_diagram_draws_the_red_lines_that_decide(base_and_pressure):
    base, _, index = base_and_pressure
    view = bargain_view(base, ["territory"], month=4)
    figure = plot_bargain([view], index)
    line_diagram = figure.axes[0]
    assert "Fearon's line diagram" in line_diagram.get_title()
    assert {"hard red line (no deal beyond it)", "bargaining range",
            "where it expects fighting to leave the line"} <= legend_texts(figure)
    assert "bargaining range" in [t.get_text() for t in line_diagram.get_yticklabels()]
    xs = view.axes[0]
    ukraine_rule = np.isnan(view.surplus["ukraine"])
    edge = xs[np.flatnonzero(np.diff(ukraine_rule.astype(int)))[0]]
    bars = [line.get_xdata()[0] for line in line_diagram.get_lines()
            if line.get_color() == "black" and len(line.get_xdata()) == 2]
    assert any(abs(x - edge) < 0.01 for x in bars)  # Ukraine's red line is drawn where its set ends
