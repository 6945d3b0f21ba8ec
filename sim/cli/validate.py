"""``negsim validate``: check a scenario file without running it."""

from __future__ import annotations

import argparse

from .common import load_scenario, load_variants, parse_overrides


def add_parser(commands) -> None:
    parser = commands.add_parser("validate", help="check a scenario file without running it")
    parser.add_argument("scenario")
    parser.add_argument("--set", action="append", default=[], metavar="KEY=VALUE")
    parser.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    loaded = load_scenario(args.scenario, parse_overrides(args.set))
    variants = load_variants(loaded)  # each structural variant must be a valid scenario too
    s = loaded.scenario
    print(f"{args.scenario}: valid. {len(s.actors)} actors, {len(s.issues)} issues, "
          f"{s.horizon_months} months, {len(variants)} structural variants, sha256 {loaded.sha256[:16]}…")
    return 0
