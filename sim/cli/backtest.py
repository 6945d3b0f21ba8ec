"""``negsim backtest``: replay the 2025 record and score the model's decisions."""

from __future__ import annotations

import argparse
from pathlib import Path

from .common import folder, non_negative, positive, posterior_from, progress_bar, record_and_scenario


def add_parser(commands) -> None:
    parser = commands.add_parser("backtest", help="replay the 2025 record and score the model's decisions")
    parser.add_argument("--events", default="scenarios/evidence/events.yaml")
    parser.add_argument("--scenario", help="scenario to replay (default: the one the record names)")
    parser.add_argument("--worlds", type=positive, default=10_000)
    parser.add_argument("--seed", type=non_negative)
    parser.add_argument("--posterior", metavar="FILE")
    parser.add_argument("--out", type=folder, metavar="DIR", help="write backtest.md and backtest.png to DIR")
    parser.add_argument("--quiet", action="store_true", help="no progress bar")
    parser.add_argument("--variants", action="store_true",
                        help="also fit each structural variant to the record and pool their forecasts, each weighted "
                             "by the record's likelihood under it (Bayesian model averaging; in-sample)")
    parser.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    from sim.engine.replay import backtest
    from sim.report.calibration_report import backtest_table, plot_backtest
    from sim.report.io import atomic_write_bytes, save_figure

    record, loaded = record_and_scenario(args)
    with progress_bar("month", args=args) as progress:
        result, _ = backtest(loaded.scenario, record, worlds=args.worlds, seed=args.seed,
                             posterior=posterior_from(args), progress=progress)
    print(backtest_table(result))
    if args.variants:
        from sim.calibration.pooling import pool_variants
        from sim.report.calibration_report import pooling_table

        fits, pooled = pool_variants(loaded, record, worlds=args.worlds, seed=args.seed)
        print("\n" + pooling_table(fits, pooled))
    if args.out:
        out = Path(args.out)
        atomic_write_bytes(out / "backtest.md", (backtest_table(result, markdown=True) + "\n").encode())
        figure = save_figure(plot_backtest(result), out / "backtest.png")
        print(f"\nWrote {out / 'backtest.md'}, {figure}")
    return 0
