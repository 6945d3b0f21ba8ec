"""``negsim discover``: scenario discovery (PRIM or CART) over a run's per-world table."""

from __future__ import annotations

import argparse

from .common import folder, made_by, non_negative, positive, say


def add_parser(commands) -> None:
    parser = commands.add_parser("discover", help="which drawn parameters lead to an outcome (PRIM, CART)")
    parser.add_argument("run_folder", metavar="DIR", help="the --out folder of a negsim run (with worlds.parquet)")
    parser.add_argument("--outcome", default="ceasefire",
                        help="ceasefire (default), no-ceasefire, or COLUMN<VALUE / COLUMN>VALUE on a worlds.parquet column")
    parser.add_argument("--by", type=positive, default=12, help="the month for ceasefire outcomes (default 12)")
    parser.add_argument("--method", choices=["prim", "cart"], default="prim")
    parser.add_argument("--box", type=non_negative, help="the box on the PRIM trajectory to report (default: the densest "
                                                        "with coverage of at least --min-coverage)")
    parser.add_argument("--min-coverage", type=float, default=0.5, help="for the default box (default 0.5)")
    parser.add_argument("--json", action="store_true", help="print JSON instead of the table")
    parser.add_argument("--out", type=folder, metavar="DIR", help="write discover.json and figures to DIR")
    parser.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    import json
    from pathlib import Path

    import pandas as pd

    from sim.analysis.discovery import cart, outcome_of, prim
    from sim.fileio import strict
    from sim.report.discovery_report import discovery_payload, format_discovery, plot_box, plot_tradeoff
    from sim.report.io import save_figure, write_json
    from sim.scenario import UserError

    table = Path(args.run_folder) / "worlds.parquet"
    if not table.is_file():
        raise UserError(f"{table}: not found; make it with 'negsim run SCENARIO --out {args.run_folder}'")
    if not 0 <= args.min_coverage <= 1:
        raise UserError(f"--min-coverage: expected a share in [0, 1], found {args.min_coverage}")
    say(args, f"reading {table}...")
    try:
        frame = pd.read_parquet(table)
    except Exception as error:   # pyarrow raises several types for a file that is not Parquet
        raise UserError(f"{table}: not a readable Parquet table ({error})") from None
    outcome = outcome_of(frame, args.outcome, args.by)
    say(args, f"{'PRIM' if args.method == 'prim' else 'CART'} over {len(frame):,} worlds "
              f"({int(outcome.values.sum()):,} with {outcome.label})...")
    found = (prim(frame, outcome, box=args.box, min_coverage=args.min_coverage) if args.method == "prim"
             else cart(frame, outcome))
    payload = discovery_payload(found, made_by(args, {"table": str(table)}))
    print(json.dumps(strict(payload), indent=2, allow_nan=False) if args.json else format_discovery(found))
    if args.out:
        out = Path(args.out)
        write_json(out / "discover.json", payload)
        written = [out / "discover.json", save_figure(plot_tradeoff(found), out / "discover_tradeoff.png"),
                   save_figure(plot_box(found), out / "discover_box.png")]
        if not args.json:
            print("\nWrote " + ", ".join(str(p) for p in written))
    return 0
