"""What the mechanisms of scenarios/mechanisms.yaml change, measured on common random numbers.

    .venv/bin/python experiments/mechanisms.py [worlds]      (default 4,000; about 3 minutes on 2 cores)

Prints the figures of docs/findings.md, "Territory by place, learning, and what the sign of arms
hinges on": P6/P12/P24 under each encoding of Russia's Donbas demand with the paired effect of an
arms and aid surge; the knock-outs of each mechanism; the comparative statics of the pressure levers;
how many ceasefires follow the front passing the old area threshold or the Donbas being taken; how
often blame decides Ukraine's answer; the partial deals' counts.
"""

from __future__ import annotations

import sys
from pathlib import Path

import numpy as np

from sim.analysis.compare import paired_difference, reached_by
from sim.engine import build_model, load_scenario
from sim.engine.run import run_scenario

SEED = 20250301
SURGE = {"actors.us.levers.arms": 2.0, "actors.us.levers.financial_aid": 2.0, "actors.europe.levers.arms": 2.0}
ENCODINGS = {
    "baseline: an area anywhere, step cost": ("scenarios/baseline.yaml", {}),
    "by place, ramped cost, a commitment only": ("scenarios/mechanisms.yaml", {"actors.russia.red_lines.0.valued_at_war": False}),
    "by place, step cost at the Donbas": ("scenarios/mechanisms.yaml", {"actors.russia.red_lines.0.valued_at_war": False,
                                                                        "actors.russia.red_lines.0.ramp": None}),
    "by place, ramped, valued at war (mechanisms.yaml)": ("scenarios/mechanisms.yaml", {}),
    "no Donbas cost at all": ("scenarios/mechanisms.yaml", {"actors.russia.red_lines.0.cost": 0.0}),
}
KNOCK_OUTS = {
    "no true balance to learn": {"battlefield.true_advance_shift": 0.0},
    "no refusal signals": {"actors.russia.beliefs.refusal_signal": 0.0, "actors.ukraine.beliefs.refusal_signal": 0.0},
    "no Ukrainian arms and guarantee lines": {"actors.ukraine.red_lines.3.cost": 0.0, "actors.ukraine.red_lines.4.cost": 0.0},
    "no escalation once the Donbas is taken": {"actors.russia.red_lines.0.escalation": None},
    "energy truce without renewal penalty": {"partial_deals.energy_truce.renewal_penalty": 0.0},
}
LEVERS = {
    "arms and aid surge (US, Europe)": SURGE,
    "US intelligence 1.5": {"actors.us.levers.intelligence": 1.5},
    "sanctions 2 (US, Europe)": {"actors.us.levers.sanctions": 2.0, "actors.europe.levers.sanctions": 2.0},
    "US cuts arms, aid, intelligence": {"actors.us.levers.arms": 0.0, "actors.us.levers.financial_aid": 0.0,
                                        "actors.us.levers.intelligence": 0.0},
    "Russian escalation 1.5": {"actors.russia.levers.escalation": 1.5},
    "Russia's optimism +0.2": {"actors.russia.beliefs.victory": {"low": 0.55, "high": 0.85}},
}


def run(path: str, overrides: dict, worlds: int):
    return run_scenario(load_scenario(path, overrides or None), worlds=worlds, seed=SEED)


def difference(before, after, month: int) -> str:
    d, low, high = (100 * x for x in paired_difference(reached_by(before, month), reached_by(after, month)))
    return f"{d:+5.1f} [{low:+.1f}, {high:+.1f}]"


def probabilities(result) -> str:
    return "  ".join(f"{100 * reached_by(result, m).mean():5.1f}" for m in (6, 12, 24))


def diagnostics(path: str, worlds: int) -> None:
    """Thresholds crossed before the first ceasefire, and blame in Ukraine's acceptances."""
    model = build_model(load_scenario(path).scenario, worlds=worlds, keep_rounds=True)
    fronts, held = [], []
    for _ in range(model.horizon):
        model.step()
        fronts.append(model.state.war.front.copy())
        held.append(model.state.war.donbas_held_km2.copy())
    accepted = by_blame = 0
    for record in model.state.rounds:
        assessment = record.assessments["ukraine"]
        _, yes = record.answers("ukraine")
        accepted += int(yes.sum())
        by_blame += int((yes & ~(assessment.surplus - assessment.blame_avoided + record.noise["ukraine"] > 0)).sum())
    first = model.state.first_ceasefire_month
    has = first > 0
    month = np.clip(first - 1, 0, model.horizon - 1)
    front_then = np.stack(fronts, axis=1)[np.arange(worlds), month]
    print(f"{path}: blame decided {by_blame:,} of Ukraine's {accepted:,} acceptances ({100 * by_blame / max(accepted, 1):.1f}%); "
          f"of the ceasefire worlds, {100 * (front_then[has] >= 0.88).mean():.1f}% had passed 0.88 by area")
    if model.state.war.has_donbas:
        left = np.stack(held, axis=1)[np.arange(worlds), month]
        start = np.broadcast_to(model.draw.drawn.get("battlefield.donbas.held_km2", left), (worlds,))
        taken = 1.0 - left / start
        print(f"   the Donbas fully taken first in {100 * (left[has] <= 0).mean():.1f}%; share of it taken before the "
              f"ceasefire: median {np.median(taken[has]):.2f}, interquartile {np.percentile(taken[has], 25):.2f}-"
              f"{np.percentile(taken[has], 75):.2f}")


BY_PLACE = {"actors.russia.red_lines.0.below": 0.0, "actors.russia.red_lines.0.relative_to": "donbas"}
"""The record-favoured encoding of Russia's Donbas demand: measured from the Donbas, whole cost until it is taken."""
DONBAS = {2025: {"held_km2": {"low": 8200, "high": 9300}, "share_of_advance": {"low": 0.4, "high": 0.8}},
          2026: {"held_km2": {"low": 5000, "high": 6100}, "share_of_advance": {"low": 0.4, "high": 0.8}}}
"""calibration-facts.md: Ukraine held 8,000-9,000 km2 of Donetsk in spring 2025 and 5,000-5,800 km2 in December
2025, and about 1% of Luhansk (about 270 km2); 40-80% of the 2025 advance in Donetsk (a judgement range)."""


def shipped_scenarios_by_place(worlds: int) -> None:
    """Every shipped scenario with a Donbas demand, as written and with the demand by place (step)."""
    print("\nshipped scenarios, as written -> Donbas demand by place (step at the Donbas); P in %, paired change")
    paths = sorted(Path("scenarios").glob("*.yaml")) + sorted(Path("scenarios/teaching").glob("*.yaml"))
    for path in paths:
        loaded = load_scenario(path)
        lines = loaded.scenario.actors["russia"].red_lines
        if path.name == "mechanisms.yaml" or not lines or lines[0].relative_to is not None:
            continue   # no Donbas demand to re-read (a teaching file's first line is the front)
        year = 2026 if loaded.scenario.start >= "2026" else 2025
        before = run_scenario(loaded, worlds=worlds, seed=SEED)
        after = run(str(path), {**BY_PLACE, "battlefield.donbas": DONBAS[year]}, worlds)
        cells = [f"{100 * reached_by(before, m).mean():5.1f} -> {100 * reached_by(after, m).mean():5.1f} "
                 f"({difference(before, after, m)})" for m in (6, 12, 24)]
        print(f"  {loaded.scenario.name[:34]:34s} " + "   ".join(cells), flush=True)


def main() -> None:
    worlds = int(sys.argv[1]) if len(sys.argv) > 1 else 4000
    print(f"seed {SEED}, {worlds:,} worlds, common random numbers; P in %, paired differences in points [95%]\n")
    print(f"{'encoding of the Donbas demand':52s}    P6    P12    P24   surge dP12            dP24")
    for name, (path, overrides) in ENCODINGS.items():
        base, surge = run(path, overrides, worlds), run(path, {**overrides, **SURGE}, worlds)
        print(f"{name:52s} {probabilities(base)}   {difference(base, surge, 12)}  {difference(base, surge, 24)}", flush=True)
    mechanisms = run("scenarios/mechanisms.yaml", {}, worlds)
    print(f"\nknock-outs in mechanisms.yaml (P6/P12/P24 {probabilities(mechanisms)})")
    for name, overrides in KNOCK_OUTS.items():
        other = run("scenarios/mechanisms.yaml", overrides, worlds)
        print(f"  {name:40s} dP6 {difference(mechanisms, other, 6)}  dP12 {difference(mechanisms, other, 12)}  "
              f"dP24 {difference(mechanisms, other, 24)}", flush=True)
    for path in ("scenarios/baseline.yaml", "scenarios/mechanisms.yaml"):
        base = run(path, {}, worlds)
        print(f"\ncomparative statics, {path}")
        for name, overrides in LEVERS.items():
            other = run(path, overrides, worlds)
            print(f"  {name:34s} dP12 {difference(base, other, 12)}  dP24 {difference(base, other, 24)}", flush=True)
        counts = {deal: base.table[f"partial_agreements/{deal}"].mean() for deal in base.table.keys("partial_agreements")}
        print("  partial deals agreed per world over the horizon: " + ", ".join(f"{d} {c:.2f}" for d, c in counts.items()))
    print()
    for path in ("scenarios/baseline.yaml", "scenarios/mechanisms.yaml"):
        diagnostics(path, min(worlds, 3000))
    shipped_scenarios_by_place(worlds)


if __name__ == "__main__":
    main()
