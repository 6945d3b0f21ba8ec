"""Every shipped scenario before and after a change, on common random numbers.

    git worktree add /tmp/before <commit>
    .venv/bin/python experiments/before_after.py /tmp/before [worlds]     (default 4,000 worlds)

The "before" side runs the package and the scenarios of the worktree (in a subprocess with that
worktree first on the path, so the editable install does not load today's code); the "after" side
runs this checkout's. Each side prints, per scenario: P(ceasefire) by months 6, 12 and 24,
P(settlement of every issue) by 24, the mean terms of the first ceasefire on territory, arms after
the deal and guarantees (0 = Ukraine's position, 1 = Russia's), and the partial deals agreed per
world. A scenario new on one side is shown on that side only. The worlds match one for one (same
seed, same world index), so paired differences are meaningful where a scenario's draws did not
change; their intervals are in experiments/mechanisms.py's tables.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

SEED = 20250301
ROOT = Path(__file__).resolve().parent.parent

MEASURE = r"""
import json, sys
from pathlib import Path
import numpy as np
from sim.engine import load_scenario
from sim.engine.run import run_scenario

root, worlds, seed = Path(sys.argv[1]), int(sys.argv[2]), int(sys.argv[3])
rows = {}
for path in sorted((root / "scenarios").glob("*.yaml")) + sorted((root / "scenarios" / "teaching").glob("*.yaml")):
    result = run_scenario(load_scenario(path), worlds=worlds, seed=seed)
    table = result.table
    first = np.asarray(table["first_ceasefire_month"])
    settled = np.asarray(table["first_settlement_month"])
    row = {f"P{m}": float(((first > 0) & (first <= m)).mean()) for m in (6, 12, 24)}
    row["settled24"] = float(((settled > 0) & (settled <= 24)).mean())
    for issue in ("territory", "arms_after_deal", "guarantees"):
        terms = np.asarray(table[f"terms/{issue}"], dtype=float)
        row[issue] = float(np.nanmean(terms[first > 0])) if (first > 0).any() else float("nan")
    row["partial"] = {deal: float(np.mean(table[f"partial_agreements/{deal}"]))
                      for deal in table.keys("partial_agreements")}
    rows[str(path.relative_to(root))] = row
print(json.dumps(rows))
"""


def measure(root: Path, worlds: int) -> dict:
    env = {**os.environ, "PYTHONPATH": str(root)}
    done = subprocess.run([sys.executable, "-c", MEASURE, str(root), str(worlds), str(SEED)], env=env,
                          check=True, capture_output=True, text=True, cwd=root)
    return json.loads(done.stdout)


def cell(before: dict | None, after: dict | None, key: str, scale: float = 100.0, digits: int = 1) -> str:
    def fmt(row):
        return "—" if row is None else f"{scale * row[key]:.{digits}f}"
    return f"{fmt(before)} → {fmt(after)}"


def partial(row: dict | None, deal: str) -> str:
    return "—" if row is None or deal not in row["partial"] else f"{row['partial'][deal]:.2f}"


def main() -> None:
    before_root = Path(sys.argv[1])
    worlds = int(sys.argv[2]) if len(sys.argv) > 2 else 4000
    before, after = measure(before_root, worlds), measure(ROOT, worlds)
    print(f"{worlds:,} worlds, seed {SEED}; P in %, terms of the first ceasefire 0 (Ukraine) to 1 (Russia), "
          "partial deals agreed per world over the horizon\n")
    print("| scenario | P6 | P12 | P24 | settled by 24 | territory | arms after deal | guarantees "
          "| energy truce | prisoner exchange |")
    print("|---" * 10 + "|")
    for name in sorted(set(before) | set(after)):
        b, a = before.get(name), after.get(name)
        cells = [cell(b, a, key) for key in ("P6", "P12", "P24", "settled24")]
        cells += [cell(b, a, key, scale=1.0, digits=2) for key in ("territory", "arms_after_deal", "guarantees")]
        cells += [f"{partial(b, deal)} → {partial(a, deal)}" for deal in ("energy_truce", "prisoner_exchange")]
        print(f"| {name.removeprefix('scenarios/')} | " + " | ".join(cells) + " |", flush=True)


if __name__ == "__main__":
    main()
