"""One forecast from the structural variants, each weighted by how well it reproduces the record.

A scenario's variants are different encodings of the same negotiation (docs/model.md, Structural
variants). Each one's weight is its posterior probability given the 2025 record with equal prior
weights, ``w_v ∝ L_v``, where ``L_v`` is the record's Monte Carlo marginal likelihood under the variant
(:meth:`~sim.engine.replay.Backtest.log_likelihood`): Bayesian model averaging (Hoeting et al.
1999). The pooled P(ceasefire by month) is ``Σ_v w_v P_v``. The record is in-sample for every
variant, so the weights say which encodings are consistent with 2025, not which forecast best;
stacking on held-out questions (Yao et al. 2018) needs questions the record does not contain.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from sim.engine.loading import load_variants
from sim.engine.replay import backtest
from sim.engine.run import run_scenario
from sim.scenario import LoadedScenario
from sim.scenario.evidence import Record


@dataclass
class VariantFit:
    """One encoding: its record log-likelihood, Brier score, weight, and forecast by report month."""

    name: str
    log_likelihood: float
    brier: float
    weight: float
    forecast: dict[int, float]


def pool_variants(loaded: LoadedScenario, record: Record, worlds: int, seed: int | None = None,
                  only: list[str] | None = None) -> tuple[list[VariantFit], dict[int, float]]:
    """Each encoding (as written, then every variant, or the variants named in ``only``) fitted to the
    record and forecast on common random numbers; and the pooled forecast by report month."""
    variants = load_variants(loaded)
    encodings = {"as written": loaded, **{k: v for k, v in variants.items() if only is None or k in only}}
    months = loaded.scenario.report_months
    rows = []
    for name, variant in encodings.items():
        scored, _ = backtest(variant.scenario, record, worlds=worlds, seed=seed)
        result = run_scenario(variant, worlds=worlds, seed=seed)
        first = result.first_ceasefire_month
        rows.append((name, scored.log_likelihood(), scored.brier,
                     {m: float(np.mean((first > 0) & (first <= m))) for m in months}))
    logs = np.array([r[1] for r in rows])
    weights = np.exp(logs - logs.max()) if np.isfinite(logs.max()) else np.full(len(rows), 1.0)
    weights = weights / weights.sum()
    fits = [VariantFit(name, log, brier, float(w), forecast)
            for (name, log, brier, forecast), w in zip(rows, weights, strict=True)]
    pooled = {m: float(sum(f.weight * f.forecast[m] for f in fits)) for m in months}
    return fits, pooled
