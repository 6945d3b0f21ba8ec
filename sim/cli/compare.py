"""``negsim compare``: compare scenarios on common random numbers."""

from __future__ import annotations

import argparse
import sys

from sim.fileio import strict

from .common import (
    compile_search_once,
    folder,
    load_scenario,
    made_by,
    non_negative,
    positive,
    posterior_from,
    progress_bar,
    table_layout,
)


def add_parser(commands) -> None:
    parser = commands.add_parser("compare", help="compare scenarios on common random numbers")
    parser.add_argument("scenarios", nargs="+", help="scenario files; differences are against the first")
    parser.add_argument("--worlds", type=positive, help="worlds per scenario (default: the first's)")
    parser.add_argument("--seed", type=non_negative, help="seed shared by all (default: the first's)")
    parser.add_argument("--months", type=positive, nargs="+", default=[6, 12, 24],
                        help="months to report (default: 6 12 24)")
    form = parser.add_mutually_exclusive_group()
    form.add_argument("--json", action="store_true", help="print JSON instead of the table")
    form.add_argument("--csv", action="store_true", help="print CSV instead of the table")
    parser.add_argument("--out", type=folder, metavar="DIR", help="write comparison.json, .csv and .png to DIR")
    parser.add_argument("--posterior", metavar="FILE", help="draw parameters from a calibrated posterior")
    parser.add_argument("--quiet", action="store_true", help="no progress bar")
    parser.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    import json

    from sim.analysis.compare import compare, comparison_rows
    from sim.report.compare_report import different_starts, format_table, to_csv, to_payload, write_comparison

    loaded = [load_scenario(path) for path in args.scenarios]
    compile_search_once(args)
    with progress_bar("world", args=args) as progress:
        comparison = compare(loaded, worlds=args.worlds, seed=args.seed, months=args.months,
                             posterior=posterior_from(args), progress=progress)
    rows = comparison_rows(comparison)
    provenance = made_by(args, comparison.results[0].provenance | {"scenario_file": comparison.paths})
    payload = to_payload(rows, comparison.months, provenance)
    if (args.json or args.csv) and (warning := different_starts(rows)):
        print(f"negsim: {warning}", file=sys.stderr)
    if args.json:
        print(json.dumps(strict(payload), indent=2, allow_nan=False))
    elif args.csv:
        print(to_csv(rows), end="")
    else:
        print(format_table(rows, comparison.months, **table_layout()))
    if args.out:
        written = write_comparison(args.out, "comparison", rows, comparison.months, provenance)
        if not (args.json or args.csv):
            print("\nWrote " + ", ".join(str(path) for path in written))
    return 0
