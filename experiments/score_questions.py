"""The model scored on the questions the seed articles resolve (published under docs/figures/score/).

    .venv/bin/python experiments/score_questions.py      (about 15 seconds)

Runs ``negsim score scenarios/evidence/questions.yaml`` at each scenario's own worlds and seed and
writes scores.json, scores.md (every question and the totals), reliability.png and totals.md (the
totals table alone, pasted into README.md). Every resolved question is in-sample: the baseline's
priors were written knowing these outcomes.
"""

from __future__ import annotations

from pathlib import Path

from sim.cli import main

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "docs" / "figures" / "score"

if __name__ == "__main__":
    assert main(["score", str(ROOT / "scenarios" / "evidence" / "questions.yaml"), "--out", str(OUT)]) == 0
    table = (OUT / "scores.md").read_text()
    totals = table[table.index("| forecaster |"):]
    (OUT / "totals.md").write_text(totals)
