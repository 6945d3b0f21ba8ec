"""``negsim evidence``: check the documented positions and the event record."""

from __future__ import annotations

import argparse
from pathlib import Path

from .common import load_scenario


def add_parser(commands) -> None:
    parser = commands.add_parser("evidence", help="check the documented positions and the event record")
    parser.add_argument("--positions", default="scenarios/evidence/positions.yaml")
    parser.add_argument("--events", default="scenarios/evidence/events.yaml")
    parser.add_argument("--scenario", help="scenario to check (default: the one the record names)")
    parser.add_argument("--seeds", help="folder of the seed files (default: as positions.yaml says)")
    parser.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    from sim.scenario.evidence import (
        FACTS_FILE,
        calibrated_parameters,
        check_event_citations,
        load_events,
        load_positions,
        seeds_directory,
    )

    record, scenario_path = load_events(args.events)
    loaded = load_scenario(args.scenario or scenario_path)
    positions = load_positions(args.positions, loaded.scenario, seeds_dir=args.seeds)
    facts_file = seeds_directory(Path(args.positions), positions, args.seeds).parent / FACTS_FILE
    quoted = check_event_citations(record, positions, facts_file)
    items = positions.evidence
    print(f"{args.positions}: {len(items)} documented parameters cover all "
          f"{len(calibrated_parameters(loaded.scenario))} calibrated parameters of {loaded.path}; "
          f"{sum(1 for e in items if e.seed)} rest on a seed passage, {sum(1 for e in items if e.facts)} on "
          f"public reporting, {sum(1 for e in items if e.judgement)} are judgement. Every value agrees with "
          f"the scenario, every one of the {len(positions.seeds)} cited seed files exists, and each of the "
          f"{sum(1 for e in items if e.quote)} quoted fragments was found word for word in the text it cites.")
    print(f"{args.events}: {len(record.events)} events, every citation names a known seed, and each of the "
          f"{quoted} fragments quoted from the facts was found word for word in {FACTS_FILE}.")
    return 0
