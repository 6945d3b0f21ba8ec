"""The Python API for notebooks: load, run, compare, sweep and discover, with tidy DataFrames.

``import sim`` gives these five functions (imported on first use, so ``import sim`` stays light
and never touches matplotlib's backend)::

    import sim
    base = sim.load("scenarios/baseline.yaml")
    run = sim.run(base, worlds=2000)
    run.to_frame()               # one row per month: p_ceasefire and its 95% interval
    run.to_frame("world")        # one row per world: drawn parameters and outcomes (worlds.parquet)
    run.plot()                   # a matplotlib Figure
    both = sim.compare("scenarios/baseline.yaml", "scenarios/maximum_pressure.yaml", worlds=2000)
    both.to_frame()              # one row per scenario and month, with the paired difference
    grid = sim.sweep(base, {"actors.us.levers.sanctions": [0, 1, 2]}, worlds=500)
    grid.to_frame()              # one row per point: parameter values and every declared output
    box = sim.discover(run)      # PRIM over the run's drawn parameters

Every function takes the same seeds, sizes and defaults as the command line (all cores) and gives the
same numbers. In Jupyter a result shows itself as a short table, and ``plot()``'s figure shows as an
image with no ``%matplotlib`` magic; ``plot(ax=...)`` draws on an axes of the caller's own figure.
"""

from __future__ import annotations

import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np

if TYPE_CHECKING:
    import pandas as pd
    from matplotlib.axes import Axes
    from matplotlib.figure import Figure

    from sim.analysis.compare import Comparison
    from sim.analysis.discovery import Discovery
    from sim.engine.run import RunResult
    from sim.scenario import LoadedScenario


def load(path: str | Path, overrides: dict[str, Any] | None = None) -> LoadedScenario:
    """A scenario file, validated (``overrides``: dotted key paths and values, as ``--set``)."""
    from sim.engine import load_scenario

    return load_scenario(path, overrides)


def _loaded(scenario) -> LoadedScenario:
    return scenario if hasattr(scenario, "scenario") else load(scenario)


def _shown(figure: Figure) -> Figure:
    """``figure``, displayable in IPython: matplotlib's inline backend registers a PNG formatter for
    figures only once pyplot is imported, and negsim never imports pyplot (it would take over the
    caller's backend), so the formatter is registered here when an IPython shell runs and has none."""
    import sys

    if "IPython" in sys.modules:
        from IPython import get_ipython
        from matplotlib.figure import Figure

        shell = get_ipython()
        if shell is not None:
            png = shell.display_formatter.formatters["image/png"]
            try:
                png.lookup_by_type(Figure)
            except KeyError:
                from IPython.core.pylabtools import print_figure

                png.for_type(Figure, lambda fig: print_figure(fig, "png", bbox_inches="tight"))
    return figure


def _percent(p: float | None) -> str:
    return "n/a" if p is None else f"{100 * p:.1f}%"


def _html_table(header: list[str], rows: list[list[str]], caption: str) -> str:
    from html import escape

    head = "".join(f"<th>{escape(h)}</th>" for h in header)
    body = "".join("<tr>" + "".join(f"<td>{escape(c)}</td>" for c in row) + "</tr>" for row in rows)
    return f"<table><caption>{escape(caption)}</caption><tr>{head}</tr>{body}</table>"


@dataclass(repr=False)
class Run:
    """A run's results: ``result`` (the engine's :class:`~sim.engine.run.RunResult`) and its summary
    (the content of ``results.json``)."""

    result: RunResult
    summary: dict

    def _headline(self) -> tuple[str, list[list[str]]]:
        s = self.summary
        caption = f"{s['scenario']}: {s['worlds']:,} worlds, seed {s['seed']}, from {s['start']}"
        rows = [[f"by {s['months'][r['month'] - 1]} (month {r['month']})", _percent(r["p_ceasefire"]),
                 f"{_percent(r['ci95'][0])} to {_percent(r['ci95'][1])}"] for r in s["report_months"]]
        return caption, rows

    def __repr__(self) -> str:
        caption, rows = self._headline()
        return f"<Run {caption}; P(ceasefire) " + ", ".join(f"{r[0]}: {r[1]}" for r in rows) + ">"

    def _repr_html_(self) -> str:
        caption, rows = self._headline()
        return _html_table(["a first ceasefire", "probability", "95% interval"], rows, caption)

    def to_frame(self, by: str = "month") -> pd.DataFrame:
        """``by="month"``: one row per month (``month``, ``date``, ``p_ceasefire``: a first ceasefire by
        then, ``ci_low``, ``ci_high``: its 95% Wilson interval, ``p_in_ceasefire``: a ceasefire in
        force that month). ``by="world"``: one row per world, the columns of ``worlds.parquet``
        (:data:`sim.engine.worlds.WORLD_COLUMNS`)."""
        import pandas as pd

        if by == "month":
            s = self.summary
            low, high = np.array(s["ci95_by_month"], dtype=float).T
            return pd.DataFrame({"month": np.arange(1, len(s["p_ceasefire_by_month"]) + 1), "date": s["months"],
                                 "p_ceasefire": s["p_ceasefire_by_month"], "ci_low": low, "ci_high": high,
                                 "p_in_ceasefire": s["p_in_ceasefire_by_month"]})
        if by == "world":
            table = self.result.table
            return pd.DataFrame({"world": np.arange(table.worlds), **{n: table[n] for n in table.names}})
        raise ValueError(f"by must be 'month' or 'world', found {by!r}")

    def plot(self, ax: Axes | None = None) -> Figure:
        """P(ceasefire by month) with its band (on ``ax`` if given); returns the figure."""
        from sim.report.plots import plot_ceasefire_curve

        return _shown(plot_ceasefire_curve(self.summary, ax=ax))

    def save(self, folder: str | Path, worlds_table: bool = True) -> list[Path]:
        """Write exactly what ``negsim run --out FOLDER`` writes (``results.json``, the figures and
        ``worlds.parquet``); returns the paths."""
        from sim.report.run_files import write_run

        return write_run(self.result, self.summary, folder, worlds_table=worlds_table)


def run(scenario, worlds: int | None = None, seed: int | None = None, posterior=None,
        workers: int | None = None) -> Run:
    """Run a scenario (a path or :func:`load`'s result) on ``workers`` local processes (default: all
    cores, as the command line); the same numbers as ``negsim run``."""
    from sim.engine.outputs import summarise
    from sim.engine.posterior import Posterior
    from sim.engine.run import run_scenario

    if isinstance(posterior, (str, Path)):   # a posterior file, as --posterior takes
        posterior = Posterior.load(posterior)
    result = run_scenario(_loaded(scenario), worlds=worlds, seed=seed, posterior=posterior, workers=workers)
    summary = summarise(result)
    call = ", ".join([repr(str(result.provenance.get("scenario_file")))]
                     + [f"{name}={value!r}" for name, value in (("worlds", worlds), ("seed", seed)) if value is not None])
    summary["provenance"] = {**result.provenance, "command": f"sim.run({call})"}
    return Run(result, summary)


@dataclass(repr=False)
class Compared:
    """Scenarios run on common random numbers (``comparison``: the engine's
    :class:`~sim.analysis.compare.Comparison`)."""

    comparison: Comparison

    def _headline(self) -> tuple[str, list[str], list[list[str]]]:
        from sim.engine.outputs import reached_by

        comparison = self.comparison
        months = list(comparison.months)
        first = comparison.results[0]
        caption = (f"{len(comparison.names)} scenarios on common random numbers: {first.worlds:,} worlds, "
                   f"seed {first.seed}; P(a first ceasefire by month)")
        rows = []
        for name, result in zip(comparison.names, comparison.results, strict=True):
            rows.append([name, *(_percent(float(reached_by(result, m).mean())) for m in months)])
        return caption, ["scenario", *(f"by month {m}" for m in months)], rows

    def __repr__(self) -> str:
        caption, header, rows = self._headline()
        return f"<Compared {caption}: " + "; ".join(
            f"{row[0]} " + ", ".join(f"{h[3:]} {v}" for h, v in zip(header[1:], row[1:], strict=True)) for row in rows) + ">"

    def _repr_html_(self) -> str:
        caption, header, rows = self._headline()
        return _html_table(header, rows, caption)

    def to_frame(self) -> pd.DataFrame:
        """One row per scenario and month: ``scenario``, ``month``, ``p_ceasefire`` with ``ci_low`` and
        ``ci_high``, and ``diff``, ``diff_low``, ``diff_high``: the paired difference from the first
        scenario, world by world, with its 95% interval."""
        import pandas as pd

        from sim.analysis.compare import paired_difference, reached_by

        base = self.comparison.results[0]
        rows = []
        for name, result in zip(self.comparison.names, self.comparison.results, strict=True):
            curve = Run(result, _summary(result)).to_frame()
            for month, p, low, high in curve[["month", "p_ceasefire", "ci_low", "ci_high"]].itertuples(index=False):
                diff = paired_difference(reached_by(base, int(month)), reached_by(result, int(month)))
                rows.append({"scenario": name, "month": int(month), "p_ceasefire": p, "ci_low": low, "ci_high": high,
                             "diff": diff[0], "diff_low": diff[1], "diff_high": diff[2]})
        return pd.DataFrame(rows)

    def plot(self, ax: Axes | None = None) -> Figure:
        """The scenarios' ceasefire curves on one chart and, beside them, the paired differences from
        the first scenario with their intervals; with ``ax``, the curves alone on that axes (the
        differences are :meth:`to_frame`'s ``diff`` columns). Returns the figure."""
        from sim.analysis.compare import comparison_rows
        from sim.report.compare_report import plot_survival, plot_survival_curves

        rows = comparison_rows(self.comparison)
        if ax is not None:
            plot_survival_curves(ax, rows)
            return _shown(ax.figure)
        return _shown(plot_survival(rows))


def _summary(result: RunResult) -> dict:
    from sim.engine.outputs import summarise

    return summarise(result)


def compare(*scenarios, worlds: int | None = None, seed: int | None = None) -> Compared:
    """Run scenarios (paths or loaded) on common random numbers, as ``negsim compare``."""
    from sim.analysis.compare import compare as compare_loaded

    return Compared(compare_loaded([_loaded(s) for s in scenarios], worlds=worlds, seed=seed))


@dataclass(repr=False)
class Swept:
    """A sweep's rows (one per point) and where its files are."""

    rows: list[dict]
    folder: Path
    params: list[str]

    def __repr__(self) -> str:
        return f"<Swept {len(self.rows)} points over {', '.join(self.params)}; files in {self.folder}>"

    def _repr_html_(self) -> str:
        outcomes = [key for key in ("p_ceasefire_6m", "p_ceasefire_12m", "p_ceasefire_24m") if self.rows and key in self.rows[0]]
        rows = [[*(f"{row[p]:g}" for p in self.params), *(_percent(row[k]) for k in outcomes)] for row in self.rows]
        return _html_table([*self.params, *outcomes], rows, f"{len(self.rows)} points; files in {self.folder}")

    def to_frame(self) -> pd.DataFrame:
        """One row per point: ``point``, each swept parameter by its key path, then every declared
        output (the columns of ``results.csv``)."""
        import pandas as pd

        return pd.DataFrame(self.rows)

    def plot(self, outcome: str = "p_ceasefire_12m", ax: Axes | None = None) -> Figure:
        """The outcome against the first swept parameter (one line per value of the second, if any), on
        ``ax`` if given; returns the figure."""
        from matplotlib.figure import Figure

        frame = self.to_frame()
        if ax is None:
            fig = Figure(figsize=(6, 4))
            ax = fig.subplots()
        x = self.params[0]
        groups = frame.groupby(self.params[1]) if len(self.params) > 1 else [(None, frame)]
        for value, group in groups:
            group = group.sort_values(x)
            ax.plot(group[x], group[outcome], marker="o", label=None if value is None else f"{self.params[1]} = {value:g}")
        ax.set_xlabel(x)
        ax.set_ylabel(outcome)
        if len(self.params) > 1:
            ax.legend(frameon=False, fontsize=8)
        ax.grid(alpha=0.3)
        ax.figure.tight_layout()
        return _shown(ax.figure)


def sweep(scenario, params: dict[str, list[float]], worlds: int = 1000, seed: int | None = None,
          out: str | Path | None = None, workers: int | None = None, common_random_numbers: bool = True) -> Swept:
    """A grid over ``params`` (key path -> values), as ``negsim sweep``; ``out`` keeps the files
    (default: a temporary folder); ``workers`` local processes (default: all cores, as the command
    line; the numbers do not depend on it)."""
    from sim.analysis.design import ParamRange, build_design
    from sim.analysis.sweep import plan_sweep, run_sweep

    design = build_design("grid", [ParamRange(path, values=[float(v) for v in values]) for path, values in params.items()])
    plan = plan_sweep(_loaded(scenario), design, worlds=worlds, seed=seed, common_random_numbers=common_random_numbers)
    folder = Path(out) if out is not None else Path(tempfile.mkdtemp(prefix="negsim-sweep-"))
    return Swept(run_sweep(plan, folder, workers=workers), folder, list(params))


def discover(run_or_frame, outcome: str = "ceasefire", by: int = 12, method: str = "prim",
             box: int | None = None) -> Discovery:
    """Scenario discovery over a run's drawn parameters (a :class:`Run` or a per-world DataFrame),
    as ``negsim discover``; the result's ``trajectory`` is a DataFrame, ``restrictions`` the box."""
    from sim.analysis.discovery import cart, outcome_of, prim

    frame = run_or_frame.to_frame("world") if isinstance(run_or_frame, Run) else run_or_frame
    found_outcome = outcome_of(frame, outcome, by)
    return prim(frame, found_outcome, box=box) if method == "prim" else cart(frame, found_outcome)
