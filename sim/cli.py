"""The ``negsim`` command.

    negsim run scenarios/baseline.yaml [--out DIR] [--worlds N] [--seed S] [--set key.path=value]
    negsim validate scenarios/my_scenario.yaml

Mistakes in the input (a bad scenario file, a bad option) print one clear paragraph and exit with
status 2; they never print a traceback.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

import yaml

from sim import __version__
from sim.scenario import ScenarioError, load_scenario

EXIT_USER_ERROR = 2


def _parse_overrides(items: list[str]) -> dict:
    overrides = {}
    for item in items:
        key, sep, value = item.partition("=")
        if not sep or not key:
            raise ScenarioError(f"--set expects key.path=value, found {item!r}")
        try:
            overrides[key.strip()] = yaml.safe_load(value)
        except yaml.YAMLError:
            raise ScenarioError(f"--set {key}: cannot read the value {value!r}") from None
    return overrides


def _positive(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a whole number, found {text!r}") from None
    if value < 1:
        raise argparse.ArgumentTypeError(f"expected a number of at least 1, found {value}")
    return value


def _non_negative(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a whole number, found {text!r}") from None
    if value < 0:
        raise argparse.ArgumentTypeError(f"expected a number of at least 0, found {value}")
    return value


def _cmd_run(args: argparse.Namespace) -> int:
    from sim.experiments.run import run_scenario
    from sim.report.io import write_json
    from sim.report.summary import summarise
    from sim.report.text import format_report

    loaded = load_scenario(args.scenario, _parse_overrides(args.set))
    worlds = args.worlds or loaded.scenario.worlds
    progress = None
    if not args.quiet and sys.stderr.isatty():
        def progress(done: int, total: int) -> None:
            print(f"\r  {done:,}/{total:,} worlds", end="" if done < total else "\n", file=sys.stderr)
    result = run_scenario(loaded, worlds=worlds, seed=args.seed, chunk_size=args.chunk_size,
                          on_chunk=progress)
    summary = summarise(result)
    print(format_report(summary))
    if args.out:
        from sim.report.plots import write_plots

        out = Path(args.out)
        write_json(out / "results.json", summary)
        written = [out / "results.json", *write_plots(result, summary, out)]
        print("\nWrote " + ", ".join(str(p) for p in written))
    return 0


def _cmd_validate(args: argparse.Namespace) -> int:
    loaded = load_scenario(args.scenario, _parse_overrides(args.set))
    s = loaded.scenario
    print(f"{args.scenario}: valid. {len(s.actors)} actors, {len(s.issues)} issues, "
          f"{s.horizon_months} months, sha256 {loaded.sha256[:16]}…")
    return 0


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="negsim", description="Simulate negotiations to end Russia's war on Ukraine.")
    parser.add_argument("--version", action="version", version=f"negsim {__version__}")
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    run = commands.add_parser("run", help="run a scenario and report the ceasefire forecast")
    run.add_argument("scenario", help="scenario YAML file")
    run.add_argument("--out", metavar="DIR", help="write results.json and PNG plots to DIR")
    run.add_argument("--worlds", type=_positive, help="number of worlds (default: the scenario's)")
    run.add_argument("--seed", type=_non_negative, help="random seed (default: the scenario's)")
    run.add_argument("--chunk-size", type=_positive, default=20_000,
                     help="worlds per model run; changes memory use, never the numbers")
    run.add_argument("--set", action="append", default=[], metavar="KEY=VALUE",
                     help="override a scenario value, e.g. --set actors.us.levers.sanctions=0.8")
    run.add_argument("--quiet", action="store_true", help="no progress output")
    run.set_defaults(func=_cmd_run)

    validate = commands.add_parser("validate", help="check a scenario file without running it")
    validate.add_argument("scenario")
    validate.add_argument("--set", action="append", default=[], metavar="KEY=VALUE")
    validate.set_defaults(func=_cmd_validate)
    return parser


def main(argv: list[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    try:
        return args.func(args)
    except ScenarioError as exc:
        print(f"negsim: error: {exc.format()}", file=sys.stderr)
        return EXIT_USER_ERROR
    except KeyboardInterrupt:
        print("negsim: interrupted", file=sys.stderr)
        return 130


if __name__ == "__main__":
    sys.exit(main())
