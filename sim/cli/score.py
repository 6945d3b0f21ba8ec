"""``negsim score``: the model's forecasts of dated questions, scored beside other forecasters'."""

from __future__ import annotations

import argparse
import json
from pathlib import Path

from .common import folder, positive


def add_parser(commands) -> None:
    parser = commands.add_parser("score", help="score the model's forecasts of dated binary questions")
    parser.add_argument("questions", metavar="QUESTIONS.yaml", help="a questions file (docs/guide.md, Scoring forecasts)")
    parser.add_argument("--worlds", type=positive, help="worlds per scenario (default: each scenario's own)")
    parser.add_argument("--json", action="store_true", help="print the scores as JSON instead of tables")
    parser.add_argument("--out", type=folder, metavar="DIR", help="write scores.json, scores.md and reliability.png")
    parser.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    from sim.analysis.scoring import score
    from sim.report.io import atomic_write_bytes, save_figure
    from sim.report.score_report import plot_reliability, score_tables
    from sim.scenario.questions import load_questions

    scores = score(load_questions(args.questions), worlds=args.worlds)
    data = scores.as_json()
    print(json.dumps(data, indent=1) if args.json else score_tables(scores))
    if args.out:
        out = Path(args.out)
        atomic_write_bytes(out / "scores.json", (json.dumps(data, indent=1) + "\n").encode())
        atomic_write_bytes(out / "scores.md", (score_tables(scores, markdown=True) + "\n").encode())
        figure = save_figure(plot_reliability(scores), out / "reliability.png")
        if not args.json:
            print(f"\nWrote {out / 'scores.json'}, {out / 'scores.md'}, {figure}")
    return 0
