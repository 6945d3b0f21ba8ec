"""``negsim analyze``: sensitivity plots and indices for a finished sweep."""

from __future__ import annotations

import argparse
from pathlib import Path


def add_parser(commands) -> None:
    parser = commands.add_parser("analyze", help="sensitivity plots and indices for a finished sweep")
    parser.add_argument("folder")
    parser.add_argument("--output", help="output column (default: P(ceasefire) at the last month)")
    parser.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    from sim.analysis.sensitivity import analyze
    from sim.report.io import save_figures
    from sim.report.sweep_analysis import format_analysis, sensitivity_figures

    analysis = analyze(args.folder, output=args.output)
    written = save_figures(sensitivity_figures(analysis), Path(args.folder) / "analysis")
    print(format_analysis(analysis, written))
    return 0
