"""``negsim sweep``: sweep scenario parameters over a grid or a design."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from sim.engine.defaults import SWEEP_WORLDS, SWEEP_WORLDS_PER_CHUNK
from sim.scenario.errors import SweepError

from .common import compile_search_once, folder, load_scenario, non_negative, positive, posterior_from, progress_bar


def add_parser(commands) -> None:
    parser = commands.add_parser("sweep", help="sweep scenario parameters over a grid or a design")
    parser.add_argument("file", help="a scenario file (with --param) or a sweep file")
    parser.add_argument("--param", action="append", default=[], metavar="PATH=SPEC",
                        help="dotted.path=low:high:steps (grid), low:high (sampled designs) or v1,v2,...")
    parser.add_argument("--method", choices=["grid", "random", "lhs", "sobol", "morris"])
    parser.add_argument("--samples", type=non_negative, help="sample size for random/lhs/sobol/morris")
    parser.add_argument("--worlds", type=positive, help=f"worlds per point (default {SWEEP_WORLDS:,})")
    parser.add_argument("--months", type=positive, nargs="+", help="months to report")
    parser.add_argument("--seed", type=non_negative)
    parser.add_argument("--out", type=folder, required=True, metavar="DIR", help="output folder")
    parser.add_argument("--workers", type=positive, help="local processes (default: all cores)")
    parser.add_argument("--chunk-points", type=positive,
                        help=f"points per chunk (default: about {SWEEP_WORLDS_PER_CHUNK:,} worlds' worth "
                             "when points share runs, else 1)")
    parser.add_argument("--resume", action="store_true", help="finish a sweep started in --out")
    parser.add_argument("--crn", action=argparse.BooleanOptionalAction, default=None,
                        help="common random numbers: every point runs on the same worlds (smoother surfaces, "
                             "indices free of Monte Carlo noise); default on for sobol and morris, off otherwise")
    parser.add_argument("--scheduler", metavar="tcp://HOST:PORT", help="run on this Dask scheduler")
    parser.add_argument("--dask-local", action="store_true", help="run on a local Dask cluster")
    parser.add_argument("--posterior", metavar="FILE", help="draw parameters from a calibrated posterior")
    parser.add_argument("--worlds-table", action="store_true",
                        help="also write every point's per-world table to DIR/worlds/point-N.parquet (large)")
    parser.add_argument("--quiet", action="store_true")
    parser.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
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
        method, samples, worlds, months, seed = "grid", 0, SWEEP_WORLDS, None, None
    method = args.method or method
    samples = args.samples if args.samples is not None else samples
    worlds = args.worlds or worlds
    months = args.months or months
    seed = args.seed if args.seed is not None else seed
    loaded = load_scenario(scenario_path)
    design = build_design(method, params, samples, seed if seed is not None else loaded.scenario.seed)
    # Sensitivity indices measure the design's effect, not Monte Carlo noise: those designs share worlds by default.
    common = args.crn if args.crn is not None else method in ("sobol", "morris")
    plan = plan_sweep(loaded, design, worlds=worlds, months=months, seed=seed, chunk_points=args.chunk_points,
                      common_random_numbers=common, posterior=posterior_from(args), worlds_tables=args.worlds_table)
    where = (f"Dask scheduler {args.scheduler}" if args.scheduler else
             "a local Dask cluster" if args.dask_local else f"{args.workers or 'all'} local process(es)")
    if not args.quiet:
        merged = f" ({plan.design.merged:,} repeated points merged)" if plan.design.merged else ""
        print(f"Sweep: {plan.n_points:,} distinct points{merged} x {worlds:,} worlds ({method}), "
              f"{len(plan.chunks())} chunks, on {where}; "
              + ("points share model runs" if plan.vectorisable else "one model run per point"),
              file=sys.stderr)
        from sim.engine.limits import estimate_note

        note = estimate_note(plan.n_points * worlds * loaded.scenario.horizon_months, None if args.scheduler or args.dask_local
                             else args.workers)
        if note:
            print(note, file=sys.stderr)
    if not (args.scheduler or args.dask_local):   # a cluster's workers compile where they run
        compile_search_once(args)
    with progress_bar("point", plan.n_points, args) as progress:
        rows = run_sweep(plan, args.out, workers=args.workers, resume=args.resume,
                         scheduler=args.scheduler, dask_local=args.dask_local, progress=progress)
    failed = failures(rows)
    print(f"{len(rows) - len(failed):,} points done, {len(failed)} failed; wrote "
          f"{Path(args.out) / 'results.csv'} and {Path(args.out) / 'results.parquet'}")
    for row in failed[:5]:
        print(f"  point {row['point']}: {row['error']}")
    if failed and len(failed) == len(rows):
        raise SweepError(f"every point of the sweep failed ({len(rows):,}); the first: {failed[0]['error']}")
    return 0
