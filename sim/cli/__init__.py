"""The ``negsim`` command: a dispatcher over one module per command.

    negsim run scenarios/baseline.yaml [--out DIR] [--worlds N] [--seed S] [--set key.path=value]
    negsim compare A.yaml B.yaml ... [--worlds N] [--json | --csv] [--out DIR]
    negsim sweep scenarios/baseline.yaml --param actors.us.levers.sanctions=0:1:11 --out DIR
    negsim game scenarios/games/pressure_2025.yaml [--worlds N] [--out DIR]
    negsim bdm scenarios/baseline.yaml [--out DIR] | negsim bdm --example ec-emissions [--rounds N]
    negsim analyze DIR | negsim discover DIR [--outcome ceasefire --by 12] [--method prim|cart]
    negsim explain | bargain | variables | validate SCENARIO;  negsim schema [--reference]
    negsim serve [SCENARIO] [--export page.html]   the classroom page on 127.0.0.1
    negsim evidence, negsim backtest, negsim calibrate

Mistakes in the input (a bad scenario file, a bad option, an output folder that cannot be written)
print one clear paragraph and exit with status 2; they never print a traceback. Faults outside the
input (a full disk, a worker process killed, a Dask cluster lost) print one paragraph and exit
with status 1, keeping every finished chunk for ``--resume``. A command module has ``add_parser(commands)`` and
``run(args)``; adding a command is adding a module and its name to :data:`COMMANDS`.
"""

from __future__ import annotations

import argparse
import importlib
import os
import shlex
import sys

from sim import __version__
from sim.scenario import ExecutionFault, UserError

EXIT_FAULT = 1
EXIT_USER_ERROR = 2
EXIT_INTERRUPTED = 130

COMMANDS = ("run", "compare", "sweep", "discover", "game", "bdm", "analyze", "explain", "bargain", "serve", "evidence",
            "backtest", "score", "calibrate", "variables", "validate", "schema")
"""The commands in the order ``negsim --help`` lists them; each is the module ``sim.cli.<name>``."""


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="negsim", description="Simulate negotiations to end Russia's war on Ukraine.")
    parser.add_argument("--version", action="version", version=f"negsim {__version__}")
    parser.add_argument("--allow-extends", action="append", default=[], metavar="FOLDER",
                        help="let scenarios 'extends:' files in FOLDER too (besides their own folder and the shipped "
                             "scenarios); repeatable")
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    for name in COMMANDS:
        importlib.import_module(f"{__name__}.{name}").add_parser(commands)
    for command in commands.choices.values():   # one way for every command (sim.cli.common.shows_progress)
        given = command._option_string_actions
        if "--quiet" not in given:
            command.add_argument("--quiet", action="store_true", help="nothing on stderr but errors")
        if "--verbose" not in given:
            command.add_argument("--verbose", action="store_true",
                                 help="progress and notes on stderr even when it is not a terminal")
    return parser


def main(argv: list[str] | None = None) -> int:
    # The command line writes files; it never opens a window. Choosing the backend by environment
    # spares commands that draw nothing the import of matplotlib (about 0.13 s of start-up).
    if "matplotlib" in sys.modules:
        sys.modules["matplotlib"].use("Agg")
    else:
        os.environ["MPLBACKEND"] = "Agg"
    argv = sys.argv[1:] if argv is None else list(argv)
    args = build_parser().parse_args(argv)
    args.command_line = shlex.join(["negsim", *argv])
    _allow_extends(args.allow_extends)
    try:
        return args.func(args)
    except UserError as exc:
        print(f"negsim: error: {exc.format()}", file=sys.stderr)
        return EXIT_USER_ERROR
    except KeyboardInterrupt:
        print("negsim: interrupted" + _resume_hint(args), file=sys.stderr)
        return EXIT_INTERRUPTED
    except ExecutionFault as exc:
        print(f"negsim: failed: {exc}{_resume_hint(args)}", file=sys.stderr)
        return EXIT_FAULT
    except BrokenPipeError:  # e.g. negsim run ... | head: the reader left; not an error of ours
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        return 0
    except OSError as exc:  # after BrokenPipeError, which is one
        return _file_problem(exc, args)


def _allow_extends(folders: list[str]) -> None:
    """Add ``--allow-extends`` folders to ``NEGSIM_EXTENDS_PATH`` (worker processes inherit it)."""
    if folders:
        from sim.scenario.loader import EXTENDS_PATH_VARIABLE

        listed = [p for p in os.environ.get(EXTENDS_PATH_VARIABLE, "").split(os.pathsep) if p]
        os.environ[EXTENDS_PATH_VARIABLE] = os.pathsep.join([*listed, *folders])


def _file_problem(exc: OSError, args: argparse.Namespace) -> int:
    """A file that could not be read or written: the user's folder (read-only, not permitted: exit
    2) or the machine (a full disk, an I/O error: exit 1); either way one paragraph."""
    import errno

    where = f" {exc.filename}" if exc.filename else ""
    reason = exc.strerror or str(exc) or type(exc).__name__
    if exc.errno in (errno.ENOSPC, errno.EDQUOT, errno.EIO):
        print(f"negsim: failed: cannot write{where}: {reason}; free some space{_resume_hint(args)}", file=sys.stderr)
        return EXIT_FAULT
    hint = "; choose a folder you can write to (--out)" if exc.errno in (errno.EROFS, errno.EACCES, errno.EPERM) else ""
    print(f"negsim: error: cannot read or write{where}: {reason}{hint}", file=sys.stderr)
    return EXIT_USER_ERROR


def _resume_hint(args: argparse.Namespace) -> str:
    """How to finish an interrupted run or sweep, if it saved any of its chunks."""
    from pathlib import Path

    out = getattr(args, "out", None)
    if out and args.command in ("run", "sweep") and any(
            (Path(out) / marker).exists() for marker in (".checkpoint/run.json", "sweep.json")):
        return "; finished chunks are saved: add --resume to the same command to finish it"
    return ""


if __name__ == "__main__":
    sys.exit(main())
