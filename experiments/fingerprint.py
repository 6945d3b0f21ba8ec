"""Hash every array a model run leaves, for several scenarios and protocol variants.

    python experiments/fingerprint.py [worlds]      (default 3,000)

A restructuring or an optimisation must change no number: run this before and after (on a
worktree of the earlier commit, e.g. ``git worktree add /tmp/before <commit>``) and compare the
lines. Each line is the case, the first 16 hex digits of the SHA-256 of all its arrays (history,
payoffs, decision counts, first-ceasefire and settlement records), and the share of worlds in a
ceasefire at the horizon.
"""

from __future__ import annotations

import hashlib
import json
import sys

import numpy as np

from sim.engine import build_model, load_scenario
from sim.engine.conditioning import conditioned_start

CASES = [("scenarios/baseline.yaml", {}), ("scenarios/europe_steps_up.yaml", {}),
         ("scenarios/maximum_pressure.yaml", {}), ("scenarios/us_walks_away.yaml", {}),
         ("scenarios/early_2026.yaml", {}), ("scenarios/coordinated_deadline.yaml", {}),
         ("scenarios/baseline.yaml", {"negotiation.search": "curve"}),
         ("scenarios/baseline.yaml", {"negotiation.objective": "acceptance"}),
         ("scenarios/baseline.yaml", {"negotiation.agreement": "ceasefire"}),
         ("scenarios/baseline.yaml", {"negotiation.supporter_veto": "package"}),
         ("scenarios/baseline.yaml", {"negotiation.mediator_bias": 0.3}),
         ("scenarios/europe_steps_up.yaml", {"negotiation.agreement": "ceasefire"})]

RECORDS = ("first_ceasefire_month", "first_ceasefire_end", "first_terms", "first_settlement_month", "breakdowns",
           "failed_rounds", "ceasefire_terms", "ceasefire_settled")


def digest(model) -> str:
    state = model.state
    arrays = dict(state.history)
    arrays.update({f"payoff_{k}": v for k, v in state.payoff.items()})
    arrays.update({f"counts_{k}": v for k, v in state.decision_counts.items()})
    arrays.update({name: getattr(state, name) for name in RECORDS})
    h = hashlib.sha256()
    for key in sorted(arrays):
        h.update(key.encode())
        h.update(np.ascontiguousarray(arrays[key]).tobytes())
    return h.hexdigest()


CONDITIONED = ["scenarios/early_2026.yaml"]
"""Scenarios with ``condition_on:``, also run from the worlds replayed through their record (the
cases above build every scenario from its priors)."""


def main() -> None:
    worlds = int(sys.argv[1]) if len(sys.argv) > 1 else 3000
    for path, overrides in CASES:
        model = build_model(load_scenario(path, overrides or None).scenario, worlds=worlds).run()
        print(path + json.dumps(overrides), digest(model)[:16], float(model.state.history["in_ceasefire"][:, -1].mean()),
              flush=True)
    for path in CONDITIONED:
        loaded = load_scenario(path)
        model = build_model(loaded.scenario, worlds=worlds, start=conditioned_start(loaded)).run()
        print(path + ' {"start": "condition_on"}', digest(model)[:16],
              float(model.state.history["in_ceasefire"][:, -1].mean()), flush=True)


if __name__ == "__main__":
    main()
