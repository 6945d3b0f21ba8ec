"""``negsim bdm``: Bueno de Mesquita's expected-utility model, on a published example or a scenario."""

from __future__ import annotations

import argparse

from .common import compile_search_once, folder, made_by, non_negative, parse_overrides, positive, say


def add_parser(commands) -> None:
    parser = commands.add_parser("bdm", help="the expected-utility model (Bueno de Mesquita) as a second engine")
    parser.add_argument("scenario", nargs="?", help="scenario file (or use --example)")
    parser.add_argument("--example", choices=["ec-emissions"], help="run a published example instead")
    parser.add_argument("--rounds", type=non_negative, default=10, help="rounds of challenges (default 10)")
    parser.add_argument("--convention", choices=["paper", "scholz_code"], default="paper",
                        help="how a compromise is chosen and whether actors capitulate (see sim/engines/bdm/model.py)")
    parser.add_argument("--worlds", type=positive, help="worlds (default 1000)")
    parser.add_argument("--seed", type=non_negative)
    parser.add_argument("--capabilities", metavar="FILE", help="capability priors (default scenarios/bdm/capabilities.yaml)")
    parser.add_argument("--set", action="append", default=[], metavar="KEY=VALUE")
    parser.add_argument("--json", action="store_true", help="print JSON instead of the table")
    parser.add_argument("--out", type=folder, metavar="DIR", help="write bdm.json and bdm.png to DIR")
    parser.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    import json
    from pathlib import Path

    from sim.scenario import UserError

    if bool(args.example) == bool(args.scenario):
        raise UserError("negsim bdm: name a scenario file or --example ec-emissions (one of the two)")
    if args.example:
        from sim.engines.bdm import run as run_bdm
        from sim.engines.bdm.examples import EXAMPLES
        from sim.report.bdm_report import format_example

        example = EXAMPLES[args.example]
        print(format_example(example, run_bdm(example.actors(), args.rounds, args.convention)))
        return 0

    from sim.analysis.bdm import bdm_forecast
    from sim.engine import load_scenario
    from sim.fileio import strict
    from sim.report.bdm_report import bdm_payload, format_bdm, plot_bdm
    from sim.report.io import save_figure, write_json

    loaded = load_scenario(args.scenario, parse_overrides(args.set))
    compile_search_once(args)   # the main model runs too, for the terms it sets beside the engine's
    say(args, f"the expected-utility model issue by issue over {args.worlds or 1_000:,} worlds, and the main "
              "model's run on the same worlds...")
    forecast = bdm_forecast(loaded, worlds=args.worlds or 1_000, seed=args.seed, rounds=args.rounds,
                            capabilities=args.capabilities, convention=args.convention)
    payload = bdm_payload(forecast, made_by(args, {"scenario_file": args.scenario,
                                                   "capabilities_file": str(forecast.capabilities.path)}))
    print(json.dumps(strict(payload), indent=2, allow_nan=False) if args.json else format_bdm(forecast))
    if args.out:
        out = Path(args.out)
        write_json(out / "bdm.json", payload)
        written = [out / "bdm.json", save_figure(plot_bdm(forecast), out / "bdm.png")]
        if not args.json:
            print("\nWrote " + ", ".join(str(p) for p in written))
    return 0
