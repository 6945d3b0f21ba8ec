"""What several commands share: argument types, ``--set`` overrides, the posterior, the record."""

from __future__ import annotations

import argparse
import sys
from contextlib import contextmanager

from sim.scenario import ScenarioError


def load_scenario(path, overrides=None, **kwargs):
    """:func:`sim.engine.load_scenario`, imported when first called: building the parser for
    ``negsim --help`` then loads no schema."""
    from sim.engine import load_scenario as load

    return load(path, overrides, **kwargs)


def load_variants(loaded):
    """:func:`sim.engine.load_variants`, imported when first called."""
    from sim.engine import load_variants as load

    return load(loaded)


def parse_overrides(items: list[str]) -> dict:
    """``--set key.path=value`` options as a mapping; each value is read as YAML with the checks a
    scenario file gets (:func:`sim.scenario.loader.read_value`)."""
    from sim.scenario.loader import read_value, shorten

    overrides = {}
    for item in items:
        key, sep, value = item.partition("=")
        if not sep or not key:
            raise ScenarioError(f"--set expects key.path=value, found {shorten(item)!r}")
        overrides[key.strip()] = read_value(value, option=f"--set {shorten(key.strip(), 60)}")
    return overrides


def whole_at_least(minimum: int):
    """An argparse type: a whole number of at least ``minimum``."""
    def parse(text: str) -> int:
        # int() also takes other scripts' digits (١٠) and underscores (1_000): plain ASCII digits only.
        if not (text.isascii() and text.strip().isdigit()):
            raise argparse.ArgumentTypeError(f"expected a whole number in plain digits 0-9, found {text[:40]!r}")
        if len(text.strip()) > 18:
            raise argparse.ArgumentTypeError(f"expected a whole number of at most 18 digits, found one of "
                                             f"{len(text.strip())}")
        value = int(text)
        if value < minimum:
            raise argparse.ArgumentTypeError(f"expected a number of at least {minimum}, found {value}")
        return value
    return parse


positive = whole_at_least(1)
non_negative = whole_at_least(0)


def calendar_date(text: str):
    """An argparse type: a date written YYYY-MM-DD."""
    import datetime as dt

    try:
        return dt.date.fromisoformat(text) if len(text) == 10 else dt.date.fromisoformat("")
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a date as YYYY-MM-DD, found {text[:40]!r}") from None


def folder(text: str) -> str:
    """An argparse type: an output folder, existing or not, but never an existing file."""
    from pathlib import Path

    if not text.strip():
        raise argparse.ArgumentTypeError("expected the name of a folder, found an empty name")
    path = Path(text)
    if path.exists() and not path.is_dir():
        raise argparse.ArgumentTypeError(f"{text!r} is a file; --out names a folder to write into (it is created "
                                         "if missing)")
    return text


def posterior_from(args: argparse.Namespace):
    """The ``--posterior`` file, loaded and checked, or None."""
    if not getattr(args, "posterior", None):
        return None
    from sim.engine.posterior import Posterior

    return Posterior.load(args.posterior)


def one_world_draws(args: argparse.Namespace, loaded):
    """What the worlds of a one-world view (explain, bargain) draw their parameters from: for a
    scenario that conditions on a record (condition_on:), the worlds replayed through it (which
    drew from ``--posterior`` if given), unless ``--from-priors``; else the ``--posterior``, or None."""
    posterior = posterior_from(args)
    if loaded.scenario.condition_on is None or getattr(args, "from_priors", False):
        return posterior
    from sim.engine.conditioning import conditioned_start

    return conditioned_start(loaded, seed=getattr(args, "seed", None), posterior=posterior)


def record_and_scenario(args: argparse.Namespace):
    """The documented record (``--events``) and the scenario it names (or ``--scenario``)."""
    from sim.scenario.evidence import load_events

    record, scenario_path = load_events(args.events)
    return record, load_scenario(args.scenario or scenario_path)


def made_by(args: argparse.Namespace, provenance: dict | None = None) -> dict:
    """Provenance for an output: what the engine recorded, plus the command line that asked for it."""
    return {**(provenance or {}), "command": args.command_line}


def table_layout() -> dict:
    """How a table prints here: rich's box lines and the terminal's width (at most 100) on a terminal,
    plain ASCII 100 columns wide into a pipe or a file (what the published tables show)."""
    import shutil

    from sim.report.compare_report import TABLE_WIDTH

    if sys.stdout.isatty():
        return {"plain": False, "width": min(TABLE_WIDTH, shutil.get_terminal_size().columns)}
    return {"plain": True, "width": TABLE_WIDTH}


def shows_progress(args: argparse.Namespace) -> bool:
    """Whether progress and notes go to stderr: on a terminal by default, always with ``--verbose``
    (a log file), never with ``--quiet``. Every command takes both options (:func:`sim.cli.build_parser`)."""
    if getattr(args, "quiet", False):
        return False
    return bool(getattr(args, "verbose", False)) or sys.stderr.isatty()


def say(args: argparse.Namespace, message: str) -> None:
    """A progress note on stderr (``negsim: ...``), when :func:`shows_progress`."""
    if shows_progress(args):
        print(f"negsim: {message}", file=sys.stderr, flush=True)


def compile_search_once(args: argparse.Namespace) -> None:
    """Compile the mediator's search now if numba's disk cache does not hold it for this Python,
    saying so and how long it took: the first run after an install spends about 25 s there, which
    would otherwise look like a hang."""
    import time

    from sim.core.compiled_search import is_cached, warm_up

    if is_cached():
        return
    say(args, "compiling the mediator's search for this Python, once (about 30 s; later runs load it "
              "from numba's cache)...")
    started = time.perf_counter()
    warm_up()
    say(args, f"compiled in {time.perf_counter() - started:.0f} s")


@contextmanager
def progress_bar(unit: str, total: int = 0, args: argparse.Namespace | None = None):
    """A progress bar with an ETA on stderr (tqdm) when :func:`shows_progress` (a terminal that
    reports no width gets 80 columns, not an empty bar); yields the callback ``progress(done,
    total)`` the long-running functions take (a ``total`` that grows, as a game search plans
    profiles, grows the bar)."""
    import shutil

    from tqdm import tqdm

    shown = shows_progress(args) if args is not None else sys.stderr.isatty()
    columns = shutil.get_terminal_size((80, 24)).columns
    bar = tqdm(total=total, unit=unit, file=sys.stderr, disable=not shown, ncols=columns if columns >= 40 else 80)

    def progress(done: int, new_total: int) -> None:
        bar.total = max(bar.total or 0, new_total)
        bar.n = done
        bar.refresh()

    try:
        yield progress
    finally:
        bar.close()
