"""``negsim serve``: the classroom page on 127.0.0.1, or ``--export`` it as one HTML file."""

from __future__ import annotations

import argparse
from pathlib import Path

from sim.scenario import UserError

from .common import compile_search_once, non_negative, positive, progress_bar, say

DEFAULT_SCENARIO = "scenarios/baseline.yaml"


def add_parser(commands) -> None:
    parser = commands.add_parser("serve", help="the classroom page: move the pressure in a browser (offline)")
    parser.add_argument("scenario", nargs="?", default=DEFAULT_SCENARIO,
                        help=f"the scenario shown first (default {DEFAULT_SCENARIO}); the page's picker offers every "
                             "scenario in its folder tree")
    parser.add_argument("--port", type=non_negative, default=0, help="port on 127.0.0.1 (default: a free one)")
    parser.add_argument("--workers", type=positive, help="worker processes (default: one per core)")
    parser.add_argument("--open", action="store_true", help="open the page in the default browser")
    parser.add_argument("--export", metavar="FILE.html",
                        help="write the page as one self-contained HTML file (results precomputed on a grid) and stop")
    parser.add_argument("--vary", action="append", default=[], metavar="KEY=V1,V2,...",
                        help="with --export: a control to vary and its values (repeatable; default: US sanctions, "
                             "Europe's troop offer and Russia's optimism, 3 values each)")
    parser.add_argument("--worlds", type=positive, help="with --export: worlds per setting (default 400)")
    parser.add_argument("--issues", nargs=2, metavar="ISSUE", help="with --export: the bargain picture's issues")
    parser.add_argument("--month", type=positive, default=3, help="with --export: the bargain picture's month")
    parser.set_defaults(func=run)


def scenario_folder(path: Path) -> Path:
    """The ``scenarios`` folder the file is in (the page's picker lists it), else the file's folder."""
    for folder in path.resolve().parents:
        if folder.name == "scenarios":
            return folder
    return path.resolve().parent


def parse_vary(items: list[str]) -> dict[str, list]:
    import yaml

    vary = {}
    for item in items:
        key, sep, values = item.partition("=")
        if not sep or not values:
            raise UserError(f"--vary expects KEY=V1,V2,..., found {item!r}", key="--vary")
        vary[key.strip()] = [yaml.safe_load(v) for v in values.split(",")]
    return vary


def run(args: argparse.Namespace) -> int:
    from sim.engine import load_scenario
    from sim.web.app import Classroom, default_workers, find_lessons, find_scenarios, free_socket, serve

    path = Path(args.scenario)
    load_scenario(path)  # a bad file is refused here, with its line and key
    workers = args.workers or default_workers()
    if args.export:
        return export(args, path, workers)
    folder = scenario_folder(path)
    scenarios = find_scenarios(folder)
    first = path.resolve().relative_to(folder).as_posix()
    scenarios.setdefault(first, path)
    compile_search_once(args)
    say(args, f"starting {workers} worker process(es) and precomputing the first page...")
    room = Classroom(scenarios, first, lessons=find_lessons(folder), workers=workers)
    sock = free_socket(args.port)

    def ready(url: str) -> None:
        print(f"negsim classroom: {url}  ({len(scenarios)} scenarios, {workers} worker processes; Ctrl-C stops)",
              flush=True)
        if args.open:
            import webbrowser

            webbrowser.open(url)

    serve(room, sock, on_ready=ready)
    return 0


def export(args: argparse.Namespace, path: Path, workers: int) -> int:
    import multiprocessing
    from concurrent.futures import ProcessPoolExecutor

    from sim.analysis.classroom import INTERACTIVE_WORLDS
    from sim.web import work
    from sim.web.export import export_page

    out = Path(args.export)
    if out.is_dir():
        raise UserError(f"{out} is a folder; --export names the HTML file to write", key="--export")
    with ProcessPoolExecutor(workers, mp_context=multiprocessing.get_context("spawn"),
                             initializer=work.quiet_worker) as executor, \
            progress_bar("settings", args=args) as progress:
        count = export_page(str(path), out, executor, vary=parse_vary(args.vary), worlds=args.worlds or INTERACTIVE_WORLDS,
                            issues=args.issues, month=args.month, progress=progress)
    print(f"Wrote {out}: {count} settings precomputed, {out.stat().st_size / 1e6:.1f} MB; open it in any browser, "
          "no Python or internet needed")
    return 0
