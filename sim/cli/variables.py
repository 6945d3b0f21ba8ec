"""``negsim variables``: list the state variables conditions can use."""

from __future__ import annotations

import argparse

from .common import load_scenario


def add_parser(commands) -> None:
    parser = commands.add_parser("variables", help="list the state variables conditions can use")
    parser.add_argument("scenario")
    parser.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    from sim.scenario.variables import state_variable_names

    loaded = load_scenario(args.scenario)
    names = state_variable_names(loaded.scenario)
    width = max(len(n) for n in names)
    print("State variables a strategy condition can use (values as of the month before):")
    for name, meaning in names.items():
        print(f"  {name:<{width}}  {meaning}")
    return 0
