"""``negsim run``: run a scenario and report the ceasefire forecast."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from sim.engine.defaults import DEFAULT_CHUNK
from sim.scenario import ScenarioError, UserError

from .common import (
    calendar_date,
    compile_search_once,
    folder,
    load_scenario,
    load_variants,
    made_by,
    non_negative,
    parse_overrides,
    positive,
    posterior_from,
    shows_progress,
    table_layout,
)


def add_parser(commands) -> None:
    parser = commands.add_parser("run", help="run a scenario and report the ceasefire forecast")
    parser.add_argument("scenario", help="scenario YAML file")
    parser.add_argument("--out", type=folder, metavar="DIR",
                        help="write results.json, PNG plots and worlds.parquet (one row per world) to DIR")
    parser.add_argument("--no-worlds-table", action="store_true", help="do not write worlds.parquet")
    parser.add_argument("--worlds", type=positive, help="number of worlds (default: the scenario's)")
    parser.add_argument("--seed", type=non_negative, help="random seed (default: the scenario's)")
    parser.add_argument("--chunk-size", type=positive,
                        help=f"worlds per model run (default: at most {DEFAULT_CHUNK:,}, an equal share for each "
                             "process); changes memory use and speed, never the numbers")
    parser.add_argument("--workers", type=positive,
                        help="local processes that run the chunks (default: all cores); never changes the numbers")
    parser.add_argument("--set", action="append", default=[], metavar="KEY=VALUE",
                        help="override a scenario value, e.g. --set actors.us.levers.sanctions=0.8")
    parser.add_argument("--by", action="append", default=[], type=calendar_date, metavar="YYYY-MM-DD",
                        help="also print P(ceasefire by this date) (its month counts); repeatable")
    parser.add_argument("--quiet", action="store_true", help="no progress output")
    parser.add_argument("--posterior", metavar="FILE", help="draw parameters from a calibrated posterior")
    parser.add_argument("--from-priors", action="store_true",
                        help="a scenario that conditions on a record (condition_on:) starts from its priors instead")
    parser.add_argument("--resume", action="store_true",
                        help="finish an interrupted run: reuse the chunks it saved in --out")
    parser.add_argument("--variants", action="store_true",
                        help="run the scenario and each of its structural variants (its 'variants:' block) on "
                             "common random numbers and report the spread; --out gets variants.json/.csv/.png")
    parser.set_defaults(func=run)


def _say_reused(done: int, total: int) -> None:
    print(f"Resuming: {done:,} of {total:,} worlds reused from the saved chunks, {total - done:,} to run",
          file=sys.stderr)


def run(args: argparse.Namespace) -> int:
    from sim.engine.outputs import summarise
    from sim.engine.run import run_scenario
    from sim.report.text import format_report

    loaded = load_scenario(args.scenario, parse_overrides(args.set))
    if args.variants:
        return run_variants(args, loaded)
    load_variants(loaded)  # a broken variant is refused before hours of running, not when first used
    by_months = months_of_dates(loaded.scenario, args.by)   # a date outside the run is refused before it runs
    worlds = args.worlds or loaded.scenario.worlds
    if not args.quiet:
        from sim.engine.limits import check_run_size, estimate_note

        check_run_size(loaded.scenario, worlds)     # a request that cannot fit is refused before any estimate
        note = estimate_note(worlds * loaded.scenario.horizon_months, args.workers)
        if note:
            print(note, file=sys.stderr)
    progress = None
    compile_search_once(args)
    if shows_progress(args):
        def progress(done: int, total: int) -> None:
            print(f"\r  {done:,}/{total:,} worlds", end="" if done < total else "\n", file=sys.stderr)
    checkpoint = Path(args.out) / ".checkpoint" if args.out else None
    if args.resume and checkpoint is None:
        raise ScenarioError("--resume needs the --out folder of the interrupted run")
    result = run_scenario(loaded, worlds=worlds, seed=args.seed, chunk_size=args.chunk_size,
                          on_chunk=progress, posterior=posterior_from(args), checkpoint=checkpoint,
                          resume=args.resume, reused=None if args.quiet else _say_reused, workers=args.workers,
                          conditioned=not args.from_priors)
    summary = summarise(result)
    summary["provenance"] = made_by(args, result.provenance)
    if by_months:
        summary["p_ceasefire_by_date"] = ceasefire_by_date(summary, by_months)
    print(format_report(summary))
    for date, entry in summary.get("p_ceasefire_by_date", {}).items():
        low, high = entry["ci95"]
        print(f"P(ceasefire by {date}) = {100 * entry['p']:.1f}% [{100 * low:.1f}%, {100 * high:.1f}%] "
              f"(month {entry['month']}, {entry['calendar_month']})")
    if args.out:
        from sim.report.run_files import write_run

        written = write_run(result, summary, args.out, worlds_table=not args.no_worlds_table)
        print("\nWrote " + ", ".join(str(p) for p in written))
    return 0


def months_of_dates(scenario, dates) -> dict[str, int]:
    """Each ``--by`` date's scenario month; a date outside the run's months is a clear error."""
    from sim.scenario.questions import month_of

    months = {}
    for date in dates:
        month = month_of(scenario.start, date)
        if not 1 <= month <= scenario.horizon_months:
            raise UserError(f"--by {date.isoformat()}: expected a date within the run's months ({scenario.start} and "
                            f"the {scenario.horizon_months - 1} months after it), found month {month} of the run")
        months[date.isoformat()] = month
    return months


def ceasefire_by_date(summary: dict, months: dict[str, int]) -> dict[str, dict]:
    """P(ceasefire by each date) from the summary's monthly forecast: the month containing the date counts."""
    return {date: {"month": m, "calendar_month": summary["months"][m - 1], "p": summary["p_ceasefire_by_month"][m - 1],
                   "ci95": summary["ci95_by_month"][m - 1]} for date, m in months.items()}


def run_variants(args: argparse.Namespace, loaded) -> int:
    """The scenario beside its structural variants, on common random numbers."""
    from sim.analysis.compare import compare_variants, comparison_rows
    from sim.report.compare_report import format_spread, format_table, write_comparison

    if args.resume:
        raise ScenarioError("--resume applies to a single run, not to --variants")
    months = list(loaded.scenario.report_months)
    comparison = compare_variants(loaded, worlds=args.worlds, seed=args.seed, months=months,
                                  chunk_size=args.chunk_size, posterior=posterior_from(args))
    rows = comparison_rows(comparison)
    print(format_table(rows, comparison.months, **table_layout()))
    print(format_spread(rows, comparison.months))
    if args.out:
        title = (f"{loaded.scenario.name}: structural variants ({comparison.worlds:,} worlds each, common random "
                 "numbers)")
        written = write_comparison(args.out, "variants", rows, comparison.months,
                                   made_by(args, comparison.results[0].provenance), title)
        print("\nWrote " + ", ".join(str(path) for path in written))
    return 0
