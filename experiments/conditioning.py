"""The early-2026 forecast from the record, and what each part of the conditioning does.

    .venv/bin/python experiments/conditioning.py      (about a minute and a half)

``scenarios/early_2026.yaml`` starts from the baseline's worlds replayed through the 2025 record
(``condition_on:``, :mod:`sim.engine.conditioning`). This runs it four ways on common random numbers
and writes docs/figures/conditioning/table.md (pasted into README.md and docs/calibration.md):

* from its priors (``--from-priors``): the judgement priors of early_2026.yaml for the state in
  March 2026, every parameter from the baseline's priors;
* the record's weights only: parameters drawn from the replayed worlds by the record's weight,
  the state still from the judgement priors (the state handover knocked out);
* the record's state only: the replayed worlds' state handed over, every replayed world equally
  likely (the weights knocked out);
* conditioned (both): the forecast ``negsim run scenarios/early_2026.yaml`` gives;

and beside them the ABC posterior of ``negsim calibrate`` (parameters only, as the calibration page
reports it), then the replayed state one variable at a time (which part of the state moves it).
"""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import numpy as np

from sim.engine import load_scenario
from sim.engine.conditioning import conditioned_start
from sim.engine.outputs import summarise
from sim.engine.posterior import Posterior
from sim.engine.run import run_scenario
from sim.fileio import atomic_write_bytes

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "docs" / "figures" / "conditioning"
WORLDS = 10_000
MONTHS = (6, 12, 24)


def row(label: str, result, note: str) -> str:
    summary = summarise(result)
    cells = []
    for m in MONTHS:
        low, high = summary["ci95_by_month"][m - 1]
        cells.append(f"{100 * summary['p_ceasefire_by_month'][m - 1]:.1f} [{100 * low:.1f}, {100 * high:.1f}]")
    return f"| {label} | " + " | ".join(cells) + f" | {note} |"


def main() -> None:
    loaded = load_scenario(ROOT / "scenarios" / "early_2026.yaml")
    start = conditioned_start(loaded)
    keep = list(range(start.meta["states_carried"], len(start.names)))   # the state's columns come first
    weights_only = replace(start, names=[start.names[j] for j in keep], values=start.values[:, keep],
                           meta={**start.meta, "states_carried": 0})
    state_only = replace(start, weights=np.full(len(start.weights), 1.0 / len(start.weights)))
    ess = start.effective_sample_size
    rows = [
        row("from the priors (`--from-priors`)", run_scenario(loaded, worlds=WORLDS, conditioned=False),
            "judgement priors for March 2026"),
        row("the record's weights only", run_scenario(loaded, worlds=WORLDS, start=weights_only),
            f"parameters by the record's weight (ESS {weights_only.effective_sample_size:,.0f}); state from the priors"),
        row("the record's state only", run_scenario(loaded, worlds=WORLDS, start=state_only),
            "the replayed state, every replayed world equally likely"),
        row("**conditioned on the record** (as shipped)", run_scenario(loaded, worlds=WORLDS),
            f"both; ESS {ess:,.0f} of {start.meta['worlds_replayed']:,} replayed worlds"),
    ]
    posterior_file = ROOT / "docs" / "figures" / "calibration" / "posterior.npz"
    if posterior_file.exists():
        rows.append(row("ABC posterior (`--posterior`, `--from-priors`)",
                        run_scenario(loaded, worlds=WORLDS, posterior=Posterior.load(posterior_file),
                                     conditioned=False),
                        "parameters only, worlds that matched the record exactly"))
    # The replayed state alone, one variable at a time (the others from the judgement priors).
    uniform = np.full(len(start.weights), 1.0 / len(start.weights))
    singles = []
    for j in range(start.meta["states_carried"]):
        if np.ptp(start.values[:, j]) == 0.0:
            continue     # the same in every replayed world (a supporter's belief in a victory it cannot win)
        alone = replace(start, names=[start.names[j]], values=start.values[:, [j]], weights=uniform,
                        meta={**start.meta, "states_carried": 1})
        singles.append(row(f"the replayed `{start.names[j]}` alone", run_scenario(loaded, worlds=WORLDS, start=alone),
                           f"mean {np.mean(start.values[:, j]):,.3g} over the replayed worlds"))
    area = start.values[:, start.names.index("battlefield.start_occupied_km2")]
    beliefs = {name.split(".")[1]: float(np.sum(start.weights * start.values[:, start.names.index(name)]))
               for name in start.names if name.endswith("beliefs.victory") and name.split(".")[1] in ("russia", "ukraine")}
    table = "\n".join([
        f"| start of `early_2026.yaml` ({WORLDS:,} worlds, common random numbers) | P by 6 months | P by 12 months "
        "| P by 24 months | what it takes from the record |",
        "|---|---|---|---|---|",
        *rows,
        *singles,
        "",
        f"Percent, with 95% intervals (for a conditioned start they count the effective sample size too). The "
        f"replay: {start.meta['worlds_replayed']:,} worlds of the baseline through the {start.meta['months_replayed']} "
        f"months of scenarios/evidence/events.yaml, weighed by {start.meta['decisions_weighed']} documented decisions "
        f"and outcomes; {start.meta['worlds_consistent']:,} have a positive weight; effective sample size {ess:,.0f}. "
        f"Handed over in March 2026 (weighted means): {np.sum(start.weights * area):,.0f} km2 occupied (the "
        f"scenario's prior says 116,000-117,500), belief in victory Russia {beliefs.get('russia', float('nan')):.2f} "
        f"(prior 0.25-0.55), Ukraine {beliefs.get('ukraine', float('nan')):.2f} (prior 0.02-0.10).",
    ])
    OUT.mkdir(parents=True, exist_ok=True)
    atomic_write_bytes(OUT / "table.md", (table + "\n").encode())
    # The README's two rows: the forecast as shipped and from the priors.
    header, rule = table.split("\n")[:2]
    headline = "\n".join([header, rule, rows[3], rows[0], "",
                          f"Percent, 95% intervals; effective sample size {ess:,.0f} of "
                          f"{start.meta['worlds_replayed']:,} replayed worlds."])
    atomic_write_bytes(OUT / "headline.md", (headline + "\n").encode())
    print(table)


if __name__ == "__main__":
    main()
