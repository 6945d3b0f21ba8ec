"""What the mechanisms of scenarios/mechanisms.yaml change, measured on common random numbers.

    .venv/bin/python experiments/mechanisms.py [worlds]      (default 4,000; about a minute on 2 cores)

Prints the figures of docs/findings.md, "Territory by place, learning, and what the sign of arms
hinges on": P6/P12/P24 under each encoding of Russia's Donbas demand with the paired effect of an
arms and aid surge; the knock-outs of each mechanism; the comparative statics of the pressure levers;
how many ceasefires follow the front passing the old area threshold or the Donbas being taken; how
often blame decides Ukraine's answer; the partial deals' counts.
"""

from __future__ import annotations

import sys

import numpy as np

from sim.analysis.compare import paired_difference, reached_by
from sim.engine import build_model, load_scenario
from sim.engine.run import run_scenario

SEED = 20250301
SURGE = {"actors.us.levers.arms": 2.0, "actors.us.levers.financial_aid": 2.0, "actors.europe.levers.arms": 2.0}
MECHANISMS = "scenarios/mechanisms.yaml"
VARIANTS = load_scenario(MECHANISMS).scenario.variants
ENCODINGS = {
    "baseline: by place, step cost at the Donbas": "",
    "by place, ramped cost, a commitment only": "donbas_cost_ramped",
    "by place, ramped, valued at war": "donbas_valued_at_war",
    "by place, step, valued at war": "donbas_step_valued_at_war",
    "an area anywhere, step cost (before issue 30)": "donbas_demand_as_an_area",
    "no Donbas cost at all": "no_donbas_cost",
}
"""Each reading of Russia's Donbas demand: a variant of scenarios/mechanisms.yaml ('' is the baseline)."""
KNOCK_OUTS = ("no_true_balance", "no_refusal_signals", "no_ukrainian_arms_and_guarantee_lines",
              "no_escalation_of_the_demand", "one_off_exchange_and_plain_truce")
LEVERS = {
    "arms and aid surge (US, Europe)": SURGE,
    "US intelligence 1.5": {"actors.us.levers.intelligence": 1.5},
    "sanctions 2 (US, Europe)": {"actors.us.levers.sanctions": 2.0, "actors.europe.levers.sanctions": 2.0},
    "US cuts arms, aid, intelligence": {"actors.us.levers.arms": 0.0, "actors.us.levers.financial_aid": 0.0,
                                        "actors.us.levers.intelligence": 0.0},
    "Russian escalation 1.5": {"actors.russia.levers.escalation": 1.5},
    "Russia's optimism +0.2": {"actors.russia.beliefs.victory": {"low": 0.55, "high": 0.85}},
}


def variant(name: str) -> dict:
    return dict(VARIANTS[name].set) if name else {}


def run(path: str, overrides: dict, worlds: int):
    return run_scenario(load_scenario(path, overrides or None), worlds=worlds, seed=SEED)


def difference(before, after, month: int) -> str:
    d, low, high = (100 * x for x in paired_difference(reached_by(before, month), reached_by(after, month)))
    return f"{d:+5.1f} [{low:+.1f}, {high:+.1f}]"


def acceptance(result, actor: str) -> float:
    """The share of the mediator's packages put to ``actor`` that it accepted, over worlds and months."""
    asked, accepted = result.decisions[actor].sum(axis=0)
    return accepted / asked


def probabilities(result) -> str:
    return "  ".join(f"{100 * reached_by(result, m).mean():5.1f}" for m in (6, 12, 24))


def diagnostics(label: str, overrides: dict, worlds: int) -> None:
    """Thresholds crossed before the first ceasefire, and blame in Ukraine's acceptances."""
    model = build_model(load_scenario(MECHANISMS, overrides or None).scenario, worlds=worlds, seed=SEED,
                        keep_rounds=True)
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
    share = 100 * by_blame / max(accepted, 1)
    print(f"{label}: blame decided {by_blame:,} of Ukraine's {accepted:,} acceptances ({share:.1f}%); "
          f"of the ceasefire worlds, {100 * (front_then[has] >= 0.88).mean():.1f}% had passed 0.88 by area")
    if model.state.war.has_donbas:
        left = np.stack(held, axis=1)[np.arange(worlds), month]
        start = np.broadcast_to(model.draw.drawn.get("battlefield.donbas.held_km2", left), (worlds,))
        taken = 1.0 - left / start
        print(f"   the Donbas fully taken first in {100 * (left[has] <= 0).mean():.1f}%; share of it taken before the "
              f"ceasefire: median {np.median(taken[has]):.2f}, interquartile {np.percentile(taken[has], 25):.2f}-"
              f"{np.percentile(taken[has], 75):.2f}")


def conquest(overrides: dict, worlds: int) -> tuple[np.ndarray, np.ndarray]:
    """Per world: a ceasefire by the horizon, and Russia holding the whole Donbas at the horizon."""
    model = build_model(load_scenario(MECHANISMS, overrides or None).scenario, worlds=worlds, seed=SEED).run()
    return model.state.first_ceasefire_month > 0, model.state.war.donbas_held_km2 <= 0


def conquest_decomposition(worlds: int) -> None:
    """Each lever's change of P(ceasefire by 24 months): in the worlds where Russia takes the whole
    Donbas in neither run, and from the worlds where it takes it in one of them (its demand met by conquest)."""
    print("\nP24 change by whether Russia takes the whole Donbas (baseline; points of all worlds)")
    base, taken = conquest({}, worlds)
    for name, overrides in LEVERS.items():
        other, other_taken = conquest(overrides, worlds)
        neither = ~taken & ~other_taken
        change = other.astype(float) - base
        print(f"  {name:34s} taken without it {100 * taken.mean():4.1f}%, with it {100 * other_taken.mean():4.1f}%; "
              f"dP24 {100 * change.mean():+5.1f} = {100 * change[neither].sum() / worlds:+5.1f} where neither takes it "
              f"({100 * change[neither].mean():+.1f} there) {100 * change[~neither].sum() / worlds:+5.1f} where one does",
              flush=True)


def main() -> None:
    worlds = int(sys.argv[1]) if len(sys.argv) > 1 else 4000
    print(f"seed {SEED}, {worlds:,} worlds, common random numbers; P in %, paired differences in points [95%]\n")
    print(f"{'encoding of the Donbas demand':52s}    P6    P12    P24   surge dP12            dP24")
    for name, variant_name in ENCODINGS.items():
        overrides = variant(variant_name)
        base, surge = run(MECHANISMS, overrides, worlds), run(MECHANISMS, {**overrides, **SURGE}, worlds)
        print(f"{name:52s} {probabilities(base)}   {difference(base, surge, 12)}  {difference(base, surge, 24)}", flush=True)
    baseline = run(MECHANISMS, {}, worlds)
    print(f"\nknock-outs of the baseline's mechanisms (P6/P12/P24 {probabilities(baseline)})")
    for name in KNOCK_OUTS:
        other = run(MECHANISMS, variant(name), worlds)
        print(f"  {name:40s} dP6 {difference(baseline, other, 6)}  dP12 {difference(baseline, other, 12)}  "
              f"dP24 {difference(baseline, other, 24)}", flush=True)
    for label, variant_name in (("baseline", ""), ("ramped, valued at war", "donbas_valued_at_war")):
        base = run(MECHANISMS, variant(variant_name), worlds)
        print(f"\ncomparative statics, {label}")
        for name, overrides in LEVERS.items():
            other = run(MECHANISMS, {**variant(variant_name), **overrides}, worlds)
            answers = "  ".join(f"{actor} accepts {100 * acceptance(base, actor):.2f}% -> {100 * acceptance(other, actor):.2f}%"
                                for actor in ("russia", "ukraine"))
            print(f"  {name:34s} dP12 {difference(base, other, 12)}  dP24 {difference(base, other, 24)}  {answers}",
                  flush=True)
        counts = {deal: base.table[f"partial_agreements/{deal}"].mean() for deal in base.table.keys("partial_agreements")}
        print("  partial deals agreed per world over the horizon: " + ", ".join(f"{d} {c:.2f}" for d, c in counts.items()))
    conquest_decomposition(worlds)
    print()
    for label, variant_name in (("baseline", ""), ("area reading", "donbas_demand_as_an_area"),
                                ("ramped, valued at war", "donbas_valued_at_war")):
        diagnostics(label, variant(variant_name), min(worlds, 3000))


if __name__ == "__main__":
    main()
