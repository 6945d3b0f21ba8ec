"""The ``negsim`` command.

    negsim run scenarios/baseline.yaml [--out DIR] [--worlds N] [--seed S] [--set key.path=value]
    negsim compare A.yaml B.yaml ... [--worlds N] [--json | --csv] [--out DIR]
    negsim sweep scenarios/baseline.yaml --param actors.us.levers.sanctions=0:1:11 --out DIR
    negsim analyze DIR
    negsim variables scenarios/baseline.yaml
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
from sim.engine import load_scenario
from sim.scenario import ScenarioError, UserError

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


def _whole_at_least(minimum: int):
    """An argparse type: a whole number of at least ``minimum``."""
    def parse(text: str) -> int:
        try:
            value = int(text)
        except ValueError:
            raise argparse.ArgumentTypeError(f"expected a whole number, found {text!r}") from None
        if value < minimum:
            raise argparse.ArgumentTypeError(f"expected a number of at least {minimum}, found {value}")
        return value
    return parse


_positive = _whole_at_least(1)
_non_negative = _whole_at_least(0)


def _posterior(args: argparse.Namespace):
    if not getattr(args, "posterior", None):
        return None
    from sim.engine.posterior import Posterior

    return Posterior.load(args.posterior)


def _record(args: argparse.Namespace):
    from sim.calibration.evidence import load_events

    record, scenario_path = load_events(args.events)
    return record, load_scenario(args.scenario or scenario_path)


def _cmd_evidence(args: argparse.Namespace) -> int:
    from sim.calibration.evidence import calibrated_parameters, check_event_citations, load_events, load_positions

    record, scenario_path = load_events(args.events)
    loaded = load_scenario(args.scenario or scenario_path)
    positions = load_positions(args.positions, loaded.scenario, seeds_dir=args.seeds)
    check_event_citations(record, positions)
    items = positions.evidence
    print(f"{args.positions}: {len(items)} documented parameters cover all "
          f"{len(calibrated_parameters(loaded.scenario))} calibrated parameters of {loaded.path}; "
          f"{sum(1 for e in items if e.seed)} rest on a seed passage, {sum(1 for e in items if e.facts)} on "
          f"public reporting, {sum(1 for e in items if e.judgement)} are judgement. Every value agrees with "
          f"the scenario and every one of the {len(positions.seeds)} cited seed files exists.")
    print(f"{args.events}: {len(record.events)} events, every citation names a known seed.")
    return 0


def _cmd_backtest(args: argparse.Namespace) -> int:
    from sim.calibration.replay import backtest
    from sim.report.calibration_report import backtest_table, plot_backtest
    from sim.report.io import atomic_write_bytes

    record, loaded = _record(args)
    result, _ = backtest(loaded.scenario, record, worlds=args.worlds, seed=args.seed, posterior=_posterior(args))
    print(backtest_table(result))
    if args.out:
        out = Path(args.out)
        atomic_write_bytes(out / "backtest.md", (backtest_table(result, markdown=True) + "\n").encode())
        figure = plot_backtest(result, out / "backtest.png")
        print(f"\nWrote {out / 'backtest.md'}, {figure}")
    return 0


def _cmd_calibrate(args: argparse.Namespace) -> int:
    from sim.calibration.abc import calibrate, recovery_check
    from sim.report.calibration_report import plot_posterior, posterior_table
    from sim.report.io import atomic_write_bytes

    record, loaded = _record(args)
    calibration = calibrate(loaded, record, worlds=args.worlds, seed=args.seed)
    if calibration.effective_sample_size < 50:
        raise ScenarioError(f"only {calibration.effective_sample_size} of {args.worlds:,} worlds reproduce the "
                            "record; run with more --worlds")
    print(posterior_table(calibration, limit=args.show))
    out = Path(args.out)
    calibration.posterior.save(out / "posterior.npz")
    atomic_write_bytes(out / "posterior.md", (posterior_table(calibration, markdown=True) + "\n").encode())
    figure = plot_posterior(calibration, out / "posterior.png")
    print(f"\nWrote {out / 'posterior.npz'} (use it with negsim run --posterior), {out / 'posterior.md'}, {figure}")
    if args.check_recovery:
        check = recovery_check(loaded, record, candidates=args.worlds, truths=args.check_recovery, seed=args.seed or 1)
        print(f"Recovery check on {check['trials']} synthetic records ({check['skipped']} skipped for too few "
              f"matches): the truth falls inside the posterior's central 90% in {check['coverage']:.1%} of "
              "parameter-trials (about 90% expected).")
    return 0


def _cmd_run(args: argparse.Namespace) -> int:
    from sim.engine.outputs import summarise
    from sim.engine.run import run_scenario
    from sim.report.io import write_json
    from sim.report.text import format_report

    loaded = load_scenario(args.scenario, _parse_overrides(args.set))
    worlds = args.worlds or loaded.scenario.worlds
    progress = None
    if not args.quiet and sys.stderr.isatty():
        def progress(done: int, total: int) -> None:
            print(f"\r  {done:,}/{total:,} worlds", end="" if done < total else "\n", file=sys.stderr)
    checkpoint = Path(args.out) / ".checkpoint" if args.out else None
    if args.resume and checkpoint is None:
        raise ScenarioError("--resume needs the --out folder of the interrupted run")
    result = run_scenario(loaded, worlds=worlds, seed=args.seed, chunk_size=args.chunk_size,
                          on_chunk=progress, posterior=_posterior(args), checkpoint=checkpoint,
                          resume=args.resume)
    summary = summarise(result)
    print(format_report(summary))
    if args.out:
        from sim.report.plots import write_plots

        out = Path(args.out)
        write_json(out / "results.json", summary)
        written = [out / "results.json", *write_plots(result, summary, out)]
        print("\nWrote " + ", ".join(str(p) for p in written))
    return 0


def _cmd_compare(args: argparse.Namespace) -> int:
    import json

    from sim.analysis.compare import compare, comparison_rows
    from sim.report.compare_report import format_table, plot_survival, to_csv, to_payload
    from sim.report.io import atomic_write_bytes, write_json

    loaded = [load_scenario(path) for path in args.scenarios]
    comparison = compare(loaded, worlds=args.worlds, seed=args.seed, months=args.months,
                         posterior=_posterior(args))
    rows = comparison_rows(comparison)
    start = loaded[0].scenario.start
    payload = to_payload(rows, comparison.months, start)
    if args.json:
        print(json.dumps(payload, indent=2))
    elif args.csv:
        print(to_csv(rows), end="")
    else:
        print(format_table(rows, comparison.months))
    if args.out:
        out = Path(args.out)
        write_json(out / "comparison.json", payload)
        atomic_write_bytes(out / "comparison.csv", to_csv(rows).encode())
        figure = plot_survival(rows, start, out / "comparison.png")
        if not (args.json or args.csv):
            print(f"\nWrote {out / 'comparison.json'}, {out / 'comparison.csv'}, {figure}")
    return 0


def _cmd_sweep(args: argparse.Namespace) -> int:
    from sim.analysis.design import build_design, is_sweep_file, parse_param, read_sweep_file
    from sim.analysis.sweep import failures, plan_sweep, run_sweep
    from sim.scenario.loader import read_yaml

    path = Path(args.file)
    raw, _ = read_yaml(path)
    if is_sweep_file(raw):
        spec, params = read_sweep_file(path)
        scenario_path = path.parent / spec.scenario
        method, samples, worlds, months, seed = spec.method, spec.samples, spec.worlds, spec.months, spec.seed
        params += [parse_param(p) for p in args.param]
    else:
        scenario_path, params = path, [parse_param(p) for p in args.param]
        method, samples, worlds, months, seed = "grid", 0, 1000, None, None
    method = args.method or method
    samples = args.samples if args.samples is not None else samples
    worlds = args.worlds or worlds
    months = args.months or months
    seed = args.seed if args.seed is not None else seed
    loaded = load_scenario(scenario_path)
    design = build_design(method, params, samples, seed if seed is not None else loaded.scenario.seed)
    plan = plan_sweep(loaded, design, worlds=worlds, months=months, seed=seed, chunk_points=args.chunk_points,
                      common_random_numbers=args.crn)
    where = (f"Dask scheduler {args.scheduler}" if args.scheduler else
             "a local Dask cluster" if args.dask_local else f"{args.workers or 'all'} local process(es)")
    if not args.quiet:
        print(f"Sweep: {plan.n_points:,} points x {worlds:,} worlds ({method}), "
              f"{len(plan.chunks())} chunks, on {where}; "
              + ("points share model runs" if plan.vectorisable else "one model run per point"),
              file=sys.stderr)
    bar = None
    if not args.quiet:
        from tqdm import tqdm

        bar = tqdm(total=plan.n_points, unit="point", file=sys.stderr, disable=None)

    def progress(done: int, total: int) -> None:
        if bar is not None:
            bar.n = done
            bar.refresh()

    try:
        rows = run_sweep(plan, args.out, workers=args.workers, resume=args.resume,
                         scheduler=args.scheduler, dask_local=args.dask_local, progress=progress)
    finally:
        if bar is not None:
            bar.close()
    failed = failures(rows)
    print(f"{len(rows) - len(failed):,} points done, {len(failed)} failed; wrote "
          f"{Path(args.out) / 'results.csv'} and {Path(args.out) / 'results.parquet'}")
    for row in failed[:5]:
        print(f"  point {row['point']}: {row['error']}")
    return 0


def _cmd_analyze(args: argparse.Namespace) -> int:
    from sim.report.sweep_analysis import analyze, format_analysis

    print(format_analysis(analyze(args.folder, output=args.output)))
    return 0


def _cmd_explain(args: argparse.Namespace) -> int:
    from sim.analysis.teaching import explain_world
    from sim.report.explain import describe
    from sim.report.io import atomic_write_bytes

    loaded = load_scenario(args.scenario, _parse_overrides(args.set))
    months = min(args.months or loaded.scenario.horizon_months, loaded.scenario.horizon_months)
    explained = explain_world(loaded.scenario, world=args.world, seed=args.seed, months=months)
    print(describe(explained), end="")
    if args.markdown:
        atomic_write_bytes(Path(args.markdown), describe(explained, markdown=True).encode())
        print(f"\nWrote {args.markdown}")
    return 0


def _cmd_bargain(args: argparse.Namespace) -> int:
    from sim.analysis.teaching import bargain_view
    from sim.report.bargain import plot_bargain

    scenarios = [load_scenario(f).scenario for f in [args.scenario, *([args.after] if args.after else [])]]
    seed = args.seed if args.seed is not None else scenarios[0].seed  # same worlds before and after
    views = [bargain_view(s, args.issues, month=args.month, world=args.world, seed=seed) for s in scenarios]
    index = {name: k for k, name in enumerate(scenarios[0].issues)}
    out = Path(args.out)
    plot_bargain(views, index, out)
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


def _cmd_variables(args: argparse.Namespace) -> int:
    from sim.scenario.variables import state_variable_names

    loaded = load_scenario(args.scenario)
    names = state_variable_names(loaded.scenario)
    width = max(len(n) for n in names)
    print("State variables a strategy condition can use (values as of the month before):")
    for name, meaning in names.items():
        print(f"  {name:<{width}}  {meaning}")
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
    run.add_argument("--chunk-size", type=_positive, default=4_000,
                     help="worlds per model run; changes memory use, never the numbers")
    run.add_argument("--set", action="append", default=[], metavar="KEY=VALUE",
                     help="override a scenario value, e.g. --set actors.us.levers.sanctions=0.8")
    run.add_argument("--quiet", action="store_true", help="no progress output")
    run.add_argument("--posterior", metavar="FILE", help="draw parameters from a calibrated posterior")
    run.add_argument("--resume", action="store_true",
                     help="finish an interrupted run: reuse the chunks it saved in --out")
    run.set_defaults(func=_cmd_run)

    comp = commands.add_parser("compare", help="compare scenarios on common random numbers")
    comp.add_argument("scenarios", nargs="+", help="scenario files; differences are against the first")
    comp.add_argument("--worlds", type=_positive, help="worlds per scenario (default: the first's)")
    comp.add_argument("--seed", type=_non_negative, help="seed shared by all (default: the first's)")
    comp.add_argument("--months", type=_positive, nargs="+", default=[6, 12, 24],
                      help="months to report (default: 6 12 24)")
    form = comp.add_mutually_exclusive_group()
    form.add_argument("--json", action="store_true", help="print JSON instead of the table")
    form.add_argument("--csv", action="store_true", help="print CSV instead of the table")
    comp.add_argument("--out", metavar="DIR", help="write comparison.json, .csv and .png to DIR")
    comp.add_argument("--posterior", metavar="FILE", help="draw parameters from a calibrated posterior")
    comp.set_defaults(func=_cmd_compare)

    sweep = commands.add_parser("sweep", help="sweep scenario parameters over a grid or a design")
    sweep.add_argument("file", help="a scenario file (with --param) or a sweep file")
    sweep.add_argument("--param", action="append", default=[], metavar="PATH=SPEC",
                       help="dotted.path=low:high:steps (grid), low:high (sampled designs) or v1,v2,...")
    sweep.add_argument("--method", choices=["grid", "random", "lhs", "sobol", "morris"])
    sweep.add_argument("--samples", type=_non_negative, help="sample size for random/lhs/sobol/morris")
    sweep.add_argument("--worlds", type=_positive, help="worlds per point (default 1000)")
    sweep.add_argument("--months", type=_positive, nargs="+", help="months to report")
    sweep.add_argument("--seed", type=_non_negative)
    sweep.add_argument("--out", required=True, metavar="DIR", help="output folder")
    sweep.add_argument("--workers", type=_positive, help="local processes (default: all cores)")
    sweep.add_argument("--chunk-points", type=_positive, help="points per chunk (default: ~20,000 worlds)")
    sweep.add_argument("--resume", action="store_true", help="finish a sweep started in --out")
    sweep.add_argument("--crn", action="store_true",
                       help="common random numbers: every point runs on the same worlds (smoother surfaces)")
    sweep.add_argument("--scheduler", metavar="tcp://HOST:PORT", help="run on this Dask scheduler")
    sweep.add_argument("--dask-local", action="store_true", help="run on a local Dask cluster")
    sweep.add_argument("--quiet", action="store_true")
    sweep.set_defaults(func=_cmd_sweep)

    analysis = commands.add_parser("analyze", help="sensitivity plots and indices for a finished sweep")
    analysis.add_argument("folder")
    analysis.add_argument("--output", help="output column (default: P(ceasefire) at the last month)")
    analysis.set_defaults(func=_cmd_analyze)

    explain = commands.add_parser("explain", help="follow one world month by month, with reasons")
    explain.add_argument("scenario")
    explain.add_argument("--world", type=_non_negative, default=0,
                         help="which world of the run (default 0; the same world as in negsim run)")
    explain.add_argument("--seed", type=_non_negative)
    explain.add_argument("--months", type=_positive, help="how many months (default: the horizon)")
    explain.add_argument("--markdown", metavar="FILE", help="also write the account as Markdown")
    explain.add_argument("--set", action="append", default=[], metavar="KEY=VALUE")
    explain.set_defaults(func=_cmd_explain)

    bargain = commands.add_parser("bargain", help="draw acceptance sets and the zone of agreement")
    bargain.add_argument("scenario")
    bargain.add_argument("--issues", nargs="+", required=True, metavar="ISSUE",
                         help="two issues for the acceptance sets, or one for a Fearon range diagram")
    bargain.add_argument("--month", type=_positive, default=3, help="the month's round (default 3)")
    bargain.add_argument("--world", type=_non_negative, default=0)
    bargain.add_argument("--seed", type=_non_negative)
    bargain.add_argument("--after", metavar="SCENARIO", help="draw the same world under this scenario too")
    bargain.add_argument("--out", default="bargain.png", help="PNG file to write (default bargain.png)")
    bargain.set_defaults(func=_cmd_bargain)

    evidence = commands.add_parser("evidence", help="check the documented positions and the event record")
    evidence.add_argument("--positions", default="scenarios/evidence/positions.yaml")
    evidence.add_argument("--events", default="scenarios/evidence/events.yaml")
    evidence.add_argument("--scenario", help="scenario to check (default: the one the record names)")
    evidence.add_argument("--seeds", help="folder of the seed files (default: as positions.yaml says)")
    evidence.set_defaults(func=_cmd_evidence)

    back = commands.add_parser("backtest", help="replay the 2025 record and score the model's decisions")
    back.add_argument("--events", default="scenarios/evidence/events.yaml")
    back.add_argument("--scenario", help="scenario to replay (default: the one the record names)")
    back.add_argument("--worlds", type=_positive, default=10_000)
    back.add_argument("--seed", type=_non_negative)
    back.add_argument("--posterior", metavar="FILE")
    back.add_argument("--out", metavar="DIR", help="write backtest.md and backtest.png to DIR")
    back.set_defaults(func=_cmd_backtest)

    cal = commands.add_parser("calibrate", help="approximate Bayesian computation over the judgement priors")
    cal.add_argument("--events", default="scenarios/evidence/events.yaml")
    cal.add_argument("--scenario", help="scenario to calibrate (default: the one the record names)")
    cal.add_argument("--worlds", type=_positive, default=20_000, help="prior draws (default 20,000)")
    cal.add_argument("--seed", type=_non_negative)
    cal.add_argument("--out", default="calibration", metavar="DIR", help="output folder (default calibration/)")
    cal.add_argument("--show", type=_positive, default=15, help="rows of the prior/posterior table to print")
    cal.add_argument("--check-recovery", type=_positive, metavar="TRIALS",
                     help="also run the recovery check on this many synthetic records")
    cal.set_defaults(func=_cmd_calibrate)

    variables = commands.add_parser("variables", help="list the state variables conditions can use")
    variables.add_argument("scenario")
    variables.set_defaults(func=_cmd_variables)

    validate = commands.add_parser("validate", help="check a scenario file without running it")
    validate.add_argument("scenario")
    validate.add_argument("--set", action="append", default=[], metavar="KEY=VALUE")
    validate.set_defaults(func=_cmd_validate)
    return parser


def main(argv: list[str] | None = None) -> int:
    import matplotlib

    matplotlib.use("Agg")  # the command line writes files; it never opens a window
    parser = build_parser()
    args = parser.parse_args(argv)
    try:
        return args.func(args)
    except UserError as exc:
        print(f"negsim: error: {exc.format()}", file=sys.stderr)
        return EXIT_USER_ERROR
    except KeyboardInterrupt:
        print("negsim: interrupted" + _resume_hint(args), file=sys.stderr)
        return 130
    except BrokenPipeError:  # e.g. negsim run ... | head: the reader left; not an error of ours
        import os

        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        return 0


def _resume_hint(args: argparse.Namespace) -> str:
    """How to finish an interrupted run or sweep, if it was saving its chunks."""
    if getattr(args, "out", None) and args.command in ("run", "sweep"):
        return "; finished chunks are saved: add --resume to the same command to finish it"
    return ""


if __name__ == "__main__":
    sys.exit(main())
