"""Render a strategy comparison: terminal table, CSV, JSON and the figure (curves and a forest plot of the
paired differences)."""

from __future__ import annotations

import csv
import io
from pathlib import Path

import matplotlib
import matplotlib.ticker
import numpy as np
from matplotlib.axes import Axes
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


TABLE_WIDTH = 100
"""Columns of a terminal table: headers wrap onto more lines rather than being cut."""


PLAIN_RULE = "    \n    \n -- \n    \n    \n    \n    \n    \n"
"""rich's SIMPLE_HEAD box (a rule under the header, nothing else) in ASCII."""


def _column_width(header: str, cells: list[str]) -> int:
    """The narrowest a column can be without cutting a cell or a word of its header."""
    return max([len(cell) for cell in cells] + [len(word) for word in header.split()])


def _table(title: str, header: list[str], rows: list[list[str]], plain: bool, caption: str = "",
           width: int = TABLE_WIDTH) -> list:
    """The title (wrapped text), then rich tables of at most ``width`` columns: each column at least
    as wide as its widest cell and its header's longest word, so that only headers wrap, at spaces,
    and nothing is cut; columns that do not fit go to a further table, the scenario column repeated."""
    from rich import box
    from rich.table import Table

    names = min(max(len(row[0]) for row in rows), max(14, width // 3))   # the scenario column
    needs = [_column_width(header[k], [row[k] for row in rows]) for k in range(len(header))]

    def make(columns: list[int]) -> Table:
        # Each number column exactly as wide as it must be, so rich never squeezes one below a word,
        # then what is left widens the columns whose header would wrap, up to one line.
        widths = {k: needs[k] for k in columns[1:]}
        spare = width - names - 2 * (len(columns) - 1) - sum(widths.values())
        while spare > 0 and (growing := [k for k in columns[1:] if widths[k] < len(header[k])]):
            for k in growing[:spare]:
                widths[k] += 1
            spare -= len(growing[:spare])
        table = Table(box=box.Box(PLAIN_RULE, ascii=True) if plain else box.SIMPLE_HEAD, show_edge=False,
                      pad_edge=False, padding=(0, 1), collapse_padding=True)
        table.add_column(header[0], justify="left", overflow="fold", width=names)
        for k in columns[1:]:
            table.add_column(header[k], justify="right", overflow="fold", width=widths[k])
        for row in rows:
            table.add_row(*(row[k] for k in columns))
        return table

    groups: list[list[int]] = [[0]]
    used = names
    for k in range(1, len(header)):
        if used + needs[k] + 2 > width and len(groups[-1]) > 1:
            groups.append([0])
            used = names
        groups[-1].append(k)
        used += needs[k] + 2
    tables: list = []
    for columns in groups:
        tables += [*([""] if tables else []), make(columns)]   # a blank line between the parts of a table
    return [title, *tables, *([caption] if caption else [])]


def _render(parts: list, width: int, plain: bool) -> str:
    """``parts`` (text and rich tables) as text ``width`` columns wide; ``plain``: ASCII only and no
    colour, for a pipe, a file or a published table."""
    import io

    from rich.console import Console

    console = Console(file=io.StringIO(), width=width, color_system=None if plain else "standard",
                      force_terminal=not plain, highlight=False, emoji=False, legacy_windows=False)
    for k, part in enumerate(parts):
        if k and isinstance(part, str) and part:   # a blank line before each title or note
            console.print()
        console.print(part)
    return "\n".join(line.rstrip() for line in console.file.getvalue().rstrip("\n").split("\n"))


def format_table(rows: list[dict], months: list[int], plain: bool = True, width: int = TABLE_WIDTH) -> str:
    """A terminal table in percent: P(ceasefire) by month with intervals, the paired difference from
    the first scenario, median time, durability, key terms and casualties, ``width`` columns wide
    (headers wrap, never cut); ``plain``: ASCII only (a pipe, a file, the published tables), else
    rich's box lines for a terminal."""
    from sim.report.plots import issue_label

    first = rows[0]
    last = months[-1]
    parts: list = [f"{len(rows)} scenarios on common random numbers: {first['worlds']:,} worlds, seed "
                   f"{first['seed']}; differences are paired, per world, against '{first['scenario']}'."]
    if warning := different_starts(rows):
        parts.append(warning)

    def interval(row: dict, key: str, signed: bool = False) -> str:
        return (f"{_pct(row[key], signed)} [{_pct(row[f'{key}_low'], signed)}, "
                f"{_pct(row[f'{key}_high'], signed)}]")

    parts.extend(_table(
        "P(a first ceasefire by month), % [95% interval]",
        ["scenario", *(f"by month {m}" for m in months)],
        [[row["scenario"], *(interval(row, f"p_ceasefire_{m}m") for m in months)] for row in rows], plain, width=width))
    parts.extend(_table(
        "Time to a ceasefire, its durability and settlements",
        ["scenario", "median months to a first ceasefire", "durable first ceasefire, %",
         f"full settlement by month {last}, %"],
        [[row["scenario"], str(row["median_months_to_ceasefire"] or "-"), _pct(row["p_durable"]),
          _pct(row[f"p_settlement_{last}m"])] for row in rows], plain, width=width,
        caption="median: half the worlds have had a first ceasefire by then (- if fewer than half by the "
                "horizon); durable: the first ceasefire holds at least the scenario's durable_months; "
                "full settlement: an agreement on every issue."))
    if len(rows) > 1:
        parts.extend(_table(
            f"Paired difference from '{first['scenario']}', percentage points [95% interval]",
            ["scenario", *(f"by month {m}" for m in months)],
            [[row["scenario"], *(interval(row, f"p_ceasefire_{m}m_diff", signed=True) for m in months)]
             for row in rows[1:]], plain, width=width))
    payoff_keys = [k.removesuffix("_diff") for k in first if k.startswith("payoff_") and k.endswith("_mean_diff")]
    if payoff_keys:
        parts.extend(_table(
            "Each actor's payoff (mean discounted monthly utility, docs/model.md [9]) and its paired "
            "difference from the first scenario, in thousandths [95% interval]",
            ["scenario", *(k.removeprefix("payoff_").removesuffix("_mean") for k in payoff_keys)],
            [[row["scenario"], *(f"{1000 * row[k]:.1f} {_thousandths(row, k)}".strip() for k in payoff_keys)]
             for row in rows], plain, width=width))
    term_keys = [k for k in first if k.startswith("terms_") and k.endswith("_mean")]
    casualty_keys = [k for k in first if k.startswith("casualties_") and k.endswith("_median")]
    parts.extend(_table(
        "Mean terms of the first ceasefire (0 = Ukraine's position, 1 = Russia's)",
        ["scenario", *(issue_label(k.removeprefix("terms_").removesuffix("_mean")) for k in term_keys)],
        [[row["scenario"], *("-" if row[k] is None else f"{row[k]:.2f}" for k in term_keys)] for row in rows],
        plain, width=width))
    parts.extend(_table(
        "Median casualties over the run",
        ["scenario", *(k.removeprefix("casualties_").removesuffix("_median") for k in casualty_keys)],
        [[row["scenario"], *("-" if row[k] is None else f"{row[k]:,.0f}" for k in casualty_keys)] for row in rows],
        plain, width=width))
    return _render(parts, width, plain)


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


LINE_STYLES = ("-", "--", ":", "-.")


def plot_survival_curves(curves: Axes, rows: list[dict]) -> None:
    """P(ceasefire by month) for every scenario of :func:`comparison_rows`' rows on the axes ``curves``
    (a colour and a line style each, so ten stay apart; the first, the reference, drawn thicker)."""
    colours = matplotlib.colormaps["tab10"]
    horizon = min(len(r["p_ceasefire_by_month"]) for r in rows)
    t = np.arange(1, horizon + 2)
    for i, row in enumerate(rows):
        p = np.array(row["p_ceasefire_by_month"][:horizon], dtype=float)
        curves.step(t, np.concatenate([p, p[-1:]]), where="post", color=colours(i % 10),
                    ls=LINE_STYLES[(i // 10 + i) % len(LINE_STYLES)] if i else "-", lw=2.4 if i == 0 else 1.6,
                    label=row["scenario"] + (" (reference)" if i == 0 else ""))
    step = max(1, horizon // 8)
    curves.set_xticks(list(range(1, horizon + 1, step)))
    if different_starts(rows):
        curves.set_xlabel("months since each scenario's start (each step spans its month)")
    else:
        curves.set_xticklabels(month_labels(rows[0]["start"], horizon)[::step], rotation=30, ha="right")
        curves.set_xlabel("month (each step spans its month)")
    curves.set_xlim(1, horizon + 1)
    curves.set_ylim(0, 1)
    curves.yaxis.set_major_formatter(matplotlib.ticker.PercentFormatter(1.0))
    curves.set_ylabel("P(general ceasefire reached by month), %")
    curves.set_title("P(ceasefire by month)", fontsize=12)
    curves.grid(alpha=0.3)
    curves.legend(loc="upper left", fontsize=9.5, frameon=False)


def plot_survival(rows: list[dict], title: str = "") -> Figure:
    """The comparison as a figure: left, P(ceasefire by month) for every scenario (a colour and a line
    style each, so ten stay apart); right, a forest plot of what the table reports, each scenario's paired
    difference from the first at every report month with its 95% interval.

    Calendar months are on the axis when all scenarios start together, months since the start otherwise.
    The bands of the curves are left out: on common random numbers the marginal bands overlap where the
    paired differences are clear, so the forest plot carries the uncertainty.
    """
    fig = Figure(figsize=(13, 0.42 * len(rows) + 3.6))
    curves, forest = fig.subplots(1, 2, gridspec_kw={"width_ratios": [1.1, 1]})
    plot_survival_curves(curves, rows)

    months = sorted({int(key[len("p_ceasefire_"):-len("m_diff")]) for key in rows[0]
                     if key.startswith("p_ceasefire_") and key.endswith("m_diff")})
    others = rows[1:]
    y = np.arange(len(others))[::-1]
    markers = ("o", "s", "D", "^", "v")
    for j, month in enumerate(months):
        offset = ((len(months) - 1) / 2 - j) * 0.22  # the first month on top, as in the legend
        diff = 100 * np.array([r[f"p_ceasefire_{month}m_diff"] for r in others], dtype=float)
        low = 100 * np.array([r[f"p_ceasefire_{month}m_diff_low"] for r in others], dtype=float)
        high = 100 * np.array([r[f"p_ceasefire_{month}m_diff_high"] for r in others], dtype=float)
        forest.errorbar(diff, y + offset, xerr=[diff - low, high - diff], fmt=markers[j % len(markers)],
                        color=matplotlib.colormaps["viridis"](j / max(1, len(months) - 1) * 0.85), ms=5,
                        capsize=2, lw=1.2, label=f"by month {month}")
    forest.axvline(0, color="black", lw=1)
    forest.set_yticks(y)
    forest.set_yticklabels([r["scenario"] for r in others], fontsize=10)
    forest.set_ylim(-0.7, len(others) - 0.3)
    forest.set_xlabel(f"paired difference from '{rows[0]['scenario']}', percentage points (95% interval)")
    forest.set_title("Difference in P(ceasefire by month), same worlds", fontsize=12)
    forest.grid(axis="x", alpha=0.3)
    forest.legend(loc="best", fontsize=10, frameon=False)
    fig.suptitle(title or f"{len(rows)} scenarios on common random numbers ({rows[0]['worlds']:,} worlds each, "
                          f"seed {rows[0]['seed']}); given the scenarios' priors", fontsize=13)
    for ax in (curves, forest):   # sizes that read on a projected slide
        ax.xaxis.label.set_size(11)
        ax.yaxis.label.set_size(11)
    fig.tight_layout()
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
