"""Render a strategy comparison: terminal table, CSV, JSON and the overlaid survival figure."""

from __future__ import annotations

import csv
import io
from pathlib import Path

import matplotlib
import numpy as np
from matplotlib.figure import Figure

from sim import __version__
from sim.engine.outputs import UNITS, month_labels, output_definitions

from .io import atomic_write_bytes, save_figure, write_json

LIST_COLUMNS = ("p_ceasefire_by_month", "ci95_by_month")


def _pct(p: float | None, signed: bool = False) -> str:
    if p is None or (isinstance(p, float) and np.isnan(p)):
        return "n/a"
    return f"{100 * p:+.1f}" if signed else f"{100 * p:.1f}"


def different_starts(rows: list[dict]) -> str:
    """A warning when the scenarios start in different months (empty when they all start together)."""
    starts = {row["start"] for row in rows}
    if len(starts) == 1:
        return ""
    listed = ", ".join(f"{row['scenario']} {row['start']}" for row in rows)
    return (f"Note: these scenarios start in different months ({listed}). Month m counts from each "
            "scenario's own start, so a column compares the same time elapsed, not the same calendar month.")


def _thousandths(row: dict, key: str) -> str:
    """A paired payoff difference and its interval in thousandths of utility: ``+1.2 [+0.8, +1.6]``."""
    diff, low, high = (1000 * row[f"{key}_diff{end}"] for end in ("", "_low", "_high"))
    if diff == 0 and low == high:
        return ""
    return f"{diff:+.1f} [{low:+.1f},{high:+.1f}]"


def format_table(rows: list[dict], months: list[int]) -> str:
    """A terminal table in percent: P(ceasefire) by month with intervals, the paired difference from
    the first scenario, median time, durability, key terms and casualties."""
    first = rows[0]
    name_width = max(12, *(len(r["scenario"]) for r in rows)) + 1
    lines = [f"{len(rows)} scenarios on common random numbers: {first['worlds']:,} worlds, seed "
             f"{first['seed']}; differences are paired, per world, against '{first['scenario']}'."]
    if warning := different_starts(rows):
        lines.append(warning)
    lines.append("")
    last = months[-1]
    header = f"{'scenario':<{name_width}}" + "".join(
        f"{f'P by {m} months, %':>24}" for m in months) + f"{'median':>8}{'durable':>9}{f'settled {last}m':>12}"
    lines += [header, "-" * len(header)]
    for row in rows:
        cells = "".join(
            f"{_pct(row[f'p_ceasefire_{m}m']):>7} [{_pct(row[f'p_ceasefire_{m}m_low'])}, "
            f"{_pct(row[f'p_ceasefire_{m}m_high'])}]".rjust(24) for m in months)
        median = row["median_months_to_ceasefire"]
        lines.append(f"{row['scenario']:<{name_width}}{cells}{(str(median) if median else '-'):>8}"
                     f"{_pct(row['p_durable']):>8}%{_pct(row[f'p_settlement_{last}m']):>11}%")
    lines += ["", "Paired difference from the first scenario, percentage points [95% interval]"]
    header = f"{'scenario':<{name_width}}" + "".join(f"{f'by {m} months':>24}" for m in months)
    lines += [header, "-" * len(header)]
    for row in rows[1:]:
        cells = "".join(
            f"{_pct(row[f'p_ceasefire_{m}m_diff'], True):>7} [{_pct(row[f'p_ceasefire_{m}m_diff_low'], True)}, "
            f"{_pct(row[f'p_ceasefire_{m}m_diff_high'], True)}]".rjust(24) for m in months)
        lines.append(f"{row['scenario']:<{name_width}}{cells}")
    payoff_keys = [k.removesuffix("_diff") for k in first if k.startswith("payoff_") and k.endswith("_mean_diff")]
    if payoff_keys:
        lines += ["", "Each actor's payoff (mean discounted monthly utility, docs/model.md [9]) and its paired "
                      "difference from the first scenario, in thousandths [95% interval]"]
        header = f"{'scenario':<{name_width}}" + "".join(
            f"{k.removeprefix('payoff_').removesuffix('_mean'):>24}" for k in payoff_keys)
        lines += [header, "-" * len(header)]
        for row in rows:
            cells = "".join(f"{1000 * row[k]:>7.1f} {_thousandths(row, k)}".rjust(24) for k in payoff_keys)
            lines.append(f"{row['scenario']:<{name_width}}{cells}")
    term_keys = [k for k in first if k.startswith("terms_") and k.endswith("_mean")]
    casualty_keys = [k for k in first if k.startswith("casualties_") and k.endswith("_median")]
    lines += ["", "Mean terms of the first ceasefire (0 = Ukraine's position, 1 = Russia's) and "
                  "median casualties over the run"]
    header = f"{'scenario':<{name_width}}" + "".join(
        f"{k.removeprefix('terms_').removesuffix('_mean')[:9]:>10}" for k in term_keys) + "".join(
        f"{k.removeprefix('casualties_').removesuffix('_median') + ' cas.':>15}" for k in casualty_keys)
    lines += [header, "-" * len(header)]
    for row in rows:
        terms = "".join(f"{row[k]:>10.2f}" if row[k] is not None else f"{'-':>10}" for k in term_keys)
        cas = "".join(f"{row[k]:>15,.0f}" if row[k] is not None else f"{'-':>15}" for k in casualty_keys)
        lines.append(f"{row['scenario']:<{name_width}}{terms}{cas}")
    return "\n".join(lines)


def format_spread(rows: list[dict], months: list[int]) -> str:
    """How far the structural variants move the forecast: the lowest and highest P(ceasefire) and
    P(settlement) across them, per month."""
    def span(column: str) -> str:
        values = [row[column] for row in rows]
        return f"{_pct(min(values))} to {_pct(max(values))}"

    lines = ["", "Spread across the structural variants (lowest to highest), %"]
    lines += [f"  by {m:>3} months: ceasefire {span(f'p_ceasefire_{m}m')}; settlement {span(f'p_settlement_{m}m')}"
              for m in months]
    return "\n".join(lines)


def to_csv(rows: list[dict]) -> str:
    """One row per scenario; the per-month curves are left to the JSON."""
    columns = [k for k in rows[0] if k not in LIST_COLUMNS]
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=columns, extrasaction="ignore", lineterminator="\n")
    writer.writeheader()
    writer.writerows(rows)
    return buffer.getvalue()


def to_payload(rows: list[dict], months: list[int], provenance: dict | None = None) -> dict:
    """The comparison as JSON: the rows, what each column means, and what made it."""
    payload = {"version": __version__, "months": months, "start": rows[0]["start"],
               "units": UNITS + "; paired differences are differences of fractions",
               "outcome_definitions": output_definitions(), "scenarios": rows}
    if warning := different_starts(rows):
        payload["warning"] = warning
    if provenance:
        payload["provenance"] = provenance
    return payload


def plot_survival(rows: list[dict], title: str = "") -> Figure:
    """Overlay P(ceasefire by month) with 95% bands for every scenario (calendar months on the axis
    when all start together, months since the start otherwise)."""
    fig = Figure(figsize=(9, 5))
    ax = fig.subplots()
    colours = matplotlib.colormaps["tab10"]
    horizon = min(len(r["p_ceasefire_by_month"]) for r in rows)
    t = np.arange(1, horizon + 1)
    for i, row in enumerate(rows):
        p = np.array(row["p_ceasefire_by_month"][:horizon])
        ci = np.array(row["ci95_by_month"][:horizon])
        colour = colours(i % 10)
        ax.fill_between(t, ci[:, 0], ci[:, 1], step="post", color=colour, alpha=0.18, lw=0)
        ax.step(t, p, where="post", color=colour, lw=2, label=row["scenario"])
    step = max(1, horizon // 8)
    ax.set_xticks(list(range(1, horizon + 1, step)))
    if different_starts(rows):
        ax.set_xlabel("months since each scenario's start")
    else:
        ax.set_xticklabels(month_labels(rows[0]["start"], horizon)[::step], rotation=30, ha="right")
    ax.set_xlim(1, horizon)
    top = max(float(np.max(np.array(r["ci95_by_month"])[:horizon, 1])) for r in rows)
    ax.set_ylim(0, min(1.0, max(0.05, top * 1.15)))
    ax.set_ylabel("P(general ceasefire reached by month)")
    ax.set_title(title or f"Pressure strategies compared ({rows[0]['worlds']:,} worlds each, common "
                          "random numbers; bands: 95% intervals)", fontsize=11)
    ax.grid(alpha=0.3)
    ax.legend(loc="upper left", fontsize=8, frameon=False, ncol=2)
    return fig


def write_comparison(out: str | Path, stem: str, rows: list[dict], months: list[int],
                     provenance: dict | None = None, title: str = "") -> list[Path]:
    """Write ``{stem}.json`` (:func:`to_payload`), ``{stem}.csv`` and ``{stem}.png`` (:func:`plot_survival`)
    to ``out``, atomically; returns the paths written."""
    out = Path(out)
    write_json(out / f"{stem}.json", to_payload(rows, months, provenance))
    atomic_write_bytes(out / f"{stem}.csv", to_csv(rows).encode())
    figure = save_figure(plot_survival(rows, title=title), out / f"{stem}.png")
    return [out / f"{stem}.json", out / f"{stem}.csv", figure]
