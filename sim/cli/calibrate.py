"""``negsim calibrate``: approximate Bayesian computation over the judgement priors."""

from __future__ import annotations

import argparse
from pathlib import Path

from sim.scenario import ScenarioError

from .common import folder, non_negative, positive, progress_bar, record_and_scenario


def add_parser(commands) -> None:
    parser = commands.add_parser("calibrate", help="approximate Bayesian computation over the judgement priors")
    parser.add_argument("--events", default="scenarios/evidence/events.yaml")
    parser.add_argument("--scenario", help="scenario to calibrate (default: the one the record names)")
    parser.add_argument("--worlds", type=positive, default=20_000, help="prior draws (default 20,000)")
    parser.add_argument("--seed", type=non_negative)
    parser.add_argument("--out", type=folder, default="calibration", metavar="DIR", help="output folder (default calibration/)")
    parser.add_argument("--show", type=positive, default=15, help="rows of the prior/posterior table to print")
    parser.add_argument("--check-recovery", type=positive, metavar="TRIALS",
                        help="also run the recovery check on this many synthetic records")
    parser.add_argument("--quiet", action="store_true", help="no progress bar")
    parser.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    from sim.calibration.abc import calibrate, recovery_check
    from sim.report.calibration_report import plot_posterior, posterior_table
    from sim.report.io import atomic_write_bytes, save_figure

    record, loaded = record_and_scenario(args)
    with progress_bar("month", args=args) as progress:
        calibration = calibrate(loaded, record, worlds=args.worlds, seed=args.seed, progress=progress)
    if calibration.effective_sample_size < 50:
        raise ScenarioError(f"only {calibration.effective_sample_size} of {args.worlds:,} worlds reproduce the "
                            "record; run with more --worlds")
    print(posterior_table(calibration, limit=args.show))
    out = Path(args.out)
    calibration.posterior.save(out / "posterior.npz")
    atomic_write_bytes(out / "posterior.md", (posterior_table(calibration, markdown=True) + "\n").encode())
    figure = save_figure(plot_posterior(calibration), out / "posterior.png")
    print(f"\nWrote {out / 'posterior.npz'} (use it with negsim run --posterior), {out / 'posterior.md'}, {figure}")
    if args.check_recovery:
        seed = 1 if args.seed is None else args.seed   # --seed 0 is seed 0
        with progress_bar("month", args=args) as progress:
            check = recovery_check(loaded, record, candidates=args.worlds, truths=args.check_recovery, seed=seed,
                                   progress=progress)
        print(f"Recovery check on {check['trials']} synthetic records ({check['skipped']} skipped for too few "
              f"matches): the truth falls inside the posterior's central 90% in {check['coverage']:.1%} of "
              "parameter-trials (about 90% expected).")
    return 0
