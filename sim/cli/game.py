"""``negsim game``: the pressure game's equilibria, best responses and regrets."""

from __future__ import annotations

import argparse

from .common import compile_search_once, folder, made_by, non_negative, positive, progress_bar


def add_parser(commands) -> None:
    parser = commands.add_parser("game", help="find the pressure game's equilibria by simulating every profile")
    parser.add_argument("game", help="game file (see scenarios/games/)")
    parser.add_argument("--worlds", type=positive, help="worlds per profile (default: the game file's)")
    parser.add_argument("--seed", type=non_negative, help="seed shared by every profile (default: the game's)")
    parser.add_argument("--workers", type=positive, help="local processes (default: all cores)")
    parser.add_argument("--dask-local", action="store_true", help="run the profiles on a local Dask cluster")
    parser.add_argument("--scheduler", metavar="tcp://HOST:PORT", help="run the profiles on this Dask scheduler")
    parser.add_argument("--bootstrap", type=non_negative, help="resamples of the worlds for regret bounds")
    parser.add_argument("--search", choices=["all", "deviations"],
                        help="simulate every profile, or only best-response paths and their deviations "
                             "(default: the game file's)")
    parser.add_argument("--json", action="store_true", help="print JSON instead of the table")
    parser.add_argument("--out", type=folder, metavar="DIR", help="write game.json and game.png to DIR")
    parser.add_argument("--quiet", action="store_true", help="no progress bar")
    parser.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    import json
    from pathlib import Path

    from sim.analysis.games import plan_game, run_game
    from sim.fileio import strict
    from sim.report.game_report import format_game, game_payload, plot_bimatrix, plot_quantal_response, plot_regrets
    from sim.report.io import save_figure, write_json

    plan = plan_game(args.game, worlds=args.worlds, seed=args.seed)
    compile_search_once(args)
    everything = (args.search or plan.game.spec.search) == "all"
    with progress_bar("profile", len(plan.profiles()) if everything else 0, args) as progress:
        result = run_game(plan, workers=args.workers, scheduler=args.scheduler, dask_local=args.dask_local,
                          progress=progress, bootstrap=args.bootstrap, search=args.search)
    payload = game_payload(result, made_by(args, {"game_file": str(plan.game.path),
                                                  "scenario_as_written_in_game_file": plan.game.spec.scenario}))
    print(json.dumps(strict(payload), indent=2, allow_nan=False) if args.json else format_game(result))
    if args.out:
        out = Path(args.out)
        write_json(out / "game.json", payload)
        figure = plot_bimatrix(result) if len(plan.players) == 2 and result.complete else plot_regrets(result)
        written = [out / "game.json", save_figure(figure, out / "game.png")]
        if result.quantal_response:
            written.append(save_figure(plot_quantal_response(result), out / "quantal_response.png"))
        if not args.json:
            print("\nWrote " + ", ".join(str(p) for p in written))
    return 0
