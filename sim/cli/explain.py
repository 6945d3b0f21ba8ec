"""``negsim explain``: follow one world month by month, with reasons."""

from __future__ import annotations

import argparse
from pathlib import Path

from .common import compile_search_once, load_scenario, non_negative, one_world_draws, parse_overrides, positive


def add_parser(commands) -> None:
    parser = commands.add_parser("explain", help="follow one world month by month, with reasons")
    parser.add_argument("scenario")
    parser.add_argument("--world", type=non_negative, default=0,
                        help="which world of the run (default 0; the same world as in negsim run)")
    parser.add_argument("--seed", type=non_negative)
    parser.add_argument("--months", type=positive, help="how many months (default: the horizon)")
    parser.add_argument("--markdown", metavar="FILE", help="also write the account as Markdown")
    parser.add_argument("--set", action="append", default=[], metavar="KEY=VALUE")
    parser.add_argument("--posterior", metavar="FILE", help="draw parameters from a calibrated posterior")
    parser.add_argument("--from-priors", action="store_true",
                        help="a scenario that conditions on a record (condition_on:) starts from its priors instead")
    parser.add_argument("--counterfactual", action="store_true",
                        help="find the smallest change of this world's parameters and levers that gives a ceasefire "
                             "by --by")
    parser.add_argument("--by", type=positive, default=12, help="the month for --counterfactual (default 12)")
    parser.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    from sim.analysis.teaching import explain_world
    from sim.report.explain import describe
    from sim.report.io import atomic_write_bytes

    loaded = load_scenario(args.scenario, parse_overrides(args.set))
    compile_search_once(args)
    if args.counterfactual:
        return run_counterfactual(args, loaded)
    months = min(args.months or loaded.scenario.horizon_months, loaded.scenario.horizon_months)
    explained = explain_world(loaded.scenario, world=args.world, seed=args.seed, months=months,
                              posterior=one_world_draws(args, loaded))
    print(describe(explained), end="")
    if args.markdown:
        atomic_write_bytes(Path(args.markdown), describe(explained, markdown=True).encode())
        print(f"\nWrote {args.markdown}")
    return 0


def run_counterfactual(args: argparse.Namespace, loaded) -> int:
    from sim.analysis.counterfactual import counterfactual
    from sim.report.explain import describe_counterfactual
    from sim.scenario import UserError

    if args.by > loaded.scenario.horizon_months:
        raise UserError(f"--by: expected a month in [1, {loaded.scenario.horizon_months}] (the horizon), found {args.by}")
    found = counterfactual(loaded.scenario, args.world, args.by, seed=args.seed,
                           posterior=one_world_draws(args, loaded))
    print(describe_counterfactual(found))
    return 0
