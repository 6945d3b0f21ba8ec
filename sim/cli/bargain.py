"""``negsim bargain``: draw acceptance sets and the zone of agreement."""

from __future__ import annotations

import argparse
from pathlib import Path

from .common import compile_search_once, load_scenario, non_negative, one_world_draws, positive


def add_parser(commands) -> None:
    parser = commands.add_parser("bargain", help="draw acceptance sets and the zone of agreement")
    parser.add_argument("scenario")
    parser.add_argument("--issues", nargs="+", required=True, metavar="ISSUE",
                        help="two issues for the acceptance sets, or one for a Fearon range diagram")
    parser.add_argument("--month", type=positive, default=3, help="the month's round (default 3)")
    parser.add_argument("--world", type=non_negative, default=0)
    parser.add_argument("--seed", type=non_negative)
    parser.add_argument("--after", metavar="SCENARIO", help="draw the same world under this scenario too")
    parser.add_argument("--out", default="bargain.png", help="PNG file to write (default bargain.png)")
    parser.add_argument("--posterior", metavar="FILE", help="draw parameters from a calibrated posterior")
    parser.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    from sim.analysis.teaching import bargain_view
    from sim.report.bargain import plot_bargain
    from sim.report.io import save_figure

    loaded = [load_scenario(f) for f in [args.scenario, *([args.after] if args.after else [])]]
    compile_search_once(args)
    scenarios = [one.scenario for one in loaded]
    seed = args.seed if args.seed is not None else scenarios[0].seed  # same worlds before and after
    args.seed = seed
    views = [bargain_view(one.scenario, args.issues, month=args.month, world=args.world, seed=seed,
                          posterior=one_world_draws(args, one)) for one in loaded]
    index = {name: k for k, name in enumerate(scenarios[0].issues)}
    out = Path(args.out)
    save_figure(plot_bargain(views, index), out)
    for view in views:
        zone = view.zone
        where = ""
        if zone.any() and len(view.issues) == 1:
            xs = view.axes[0][zone]
            where = (f": {view.issues[0]} at {xs[0]:.3f} only" if xs.size == 1 else
                     f": {view.issues[0]} from {xs.min():.3f} to {xs.max():.3f}")
        elif zone.any():
            where = f": {zone.mean():.1%} of the {view.issues[0]} x {view.issues[1]} square"
        print(f"{view.scenario}, month {view.month} ({view.label}): "
              f"{'a zone of possible agreement' + where if zone.any() else 'no zone of possible agreement'}")
    print(f"Wrote {out}")
    return 0
