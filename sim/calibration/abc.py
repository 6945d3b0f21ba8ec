"""Approximate Bayesian computation by rejection: keep the worlds whose replay matches the record.

Every world draws its judgement parameters from their priors; the replay gives each world a binary
outcome for every scored decision of the record. A world is accepted when all of them match. With
discrete data, exact matching makes this rejection sampler exact up to Monte Carlo error: the kept
parameter vectors are draws from the posterior. All kept worlds weigh the same, so the effective
sample size is their number.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from sim import __version__
from sim.engine.posterior import Posterior
from sim.engine.replay import Backtest, replay
from sim.scenario import LoadedScenario
from sim.scenario.evidence import Record
from sim.scenario.paths import scalar_paths
from sim.scenario.schema import Prior


def judgement_parameters(loaded: LoadedScenario) -> dict[str, Prior]:
    """The parameters with a prior range (not a point): what the record can inform."""
    return {path: value for path, value in scalar_paths(loaded.scenario).items()
            if isinstance(value, Prior) and not value.is_point}


def outcome_matrix(model) -> np.ndarray:
    """(worlds, scored decisions) bool: each world's replay against the record."""
    return np.stack([d.matched for d in model.decisions if not d.contested], axis=1)


def parameter_matrix(model, names: list[str]) -> np.ndarray:
    """(worlds, parameters): the values each world drew."""
    return np.stack([np.broadcast_to(model.draw.drawn[name], (model.n_worlds,)) for name in names], axis=1)


@dataclass
class Calibration:
    """The result of rejection ABC: the posterior ensemble, every prior draw, and which were accepted."""

    posterior: Posterior
    prior_values: np.ndarray     # (N, P) all worlds' draws
    accepted: np.ndarray         # (N,) bool
    backtest: Backtest

    @property
    def acceptance_rate(self) -> float:
        return float(self.accepted.mean())

    @property
    def effective_sample_size(self) -> int:
        return int(self.accepted.sum())

    def report_rows(self) -> list[dict]:
        """Prior against posterior for every parameter, most informed first."""
        rows = []
        post = self.posterior.values
        for j, name in enumerate(self.posterior.names):
            prior = self.prior_values[:, j]
            sd_prior = prior.std()
            sd_post = post[:, j].std() if len(post) > 1 else float("nan")
            shrink = 1.0 - sd_post / sd_prior if sd_prior > 0 else 0.0
            shift = (post[:, j].mean() - prior.mean()) / sd_prior if sd_prior > 0 else 0.0
            rows.append({"parameter": name, "prior_mean": float(prior.mean()),
                         "prior_5": float(np.percentile(prior, 5)), "prior_95": float(np.percentile(prior, 95)),
                         "posterior_mean": float(post[:, j].mean()),
                         "posterior_5": float(np.percentile(post[:, j], 5)),
                         "posterior_95": float(np.percentile(post[:, j], 95)),
                         "shrinkage": float(shrink), "shift": float(shift),
                         "informed": bool(shrink >= 0.2 or abs(shift) >= 0.5)})
        return sorted(rows, key=lambda r: -(abs(r["shift"]) + r["shrinkage"]))


def calibrate(loaded: LoadedScenario, record: Record, worlds: int = 20_000, seed: int | None = None,
              progress: Callable[[int, int], None] | None = None) -> Calibration:
    """Run the replay over ``worlds`` prior draws and keep those that reproduce the record
    (``progress(done, total)``: months replayed)."""
    params = judgement_parameters(loaded)
    names = list(params)
    model = replay(loaded.scenario, record, worlds, seed, progress=progress)
    accepted = outcome_matrix(model).all(axis=1)
    values = parameter_matrix(model, names)
    meta = {"version": __version__, "scenario": str(loaded.path), "scenario_sha256": loaded.sha256,
            "seed": int(model.seed), "worlds": int(worlds), "accepted": int(accepted.sum()),
            "acceptance_rate": float(accepted.mean()), "effective_sample_size": int(accepted.sum()),
            "method": "rejection ABC, exact match on every scored decision of the record",
            "decisions": [d.label for d in model.decisions if not d.contested],
            "priors": {n: [p.low, p.high, p.mode] for n, p in params.items()}}
    posterior = Posterior(names, values[accepted], meta)
    return Calibration(posterior, values, accepted, Backtest(model.decisions, worlds))


def recovery_check(loaded: LoadedScenario, record: Record, candidates: int = 20_000, truths: int = 50,
                   seed: int = 1, min_matches: int = 20, progress: Callable[[int, int], None] | None = None) -> dict:
    """Simulation-based check of the calibration: draw "true" worlds from the prior, take each one's
    replay as a synthetic record, calibrate on it, and count how often the truth falls inside the
    posterior's central 90% interval. A sound procedure gives about 90%.

    Returns the overall coverage, per-parameter coverage, and how many trials had at least
    ``min_matches`` accepted worlds (trials with fewer are skipped and counted).
    """
    names = list(judgement_parameters(loaded))
    pool = replay(loaded.scenario, record, candidates, seed, progress=progress)
    truth = replay(loaded.scenario, record, truths, seed + 1)
    pool_out, truth_out = outcome_matrix(pool), outcome_matrix(truth)
    pool_values, truth_values = parameter_matrix(pool, names), parameter_matrix(truth, names)
    inside = []
    skipped = 0
    for t in range(truths):
        keep = np.all(pool_out == truth_out[t], axis=1)
        if keep.sum() < min_matches:
            skipped += 1
            continue
        low, high = np.percentile(pool_values[keep], [5, 95], axis=0)
        inside.append((truth_values[t] >= low) & (truth_values[t] <= high))
    inside = np.array(inside)
    return {"coverage": float(inside.mean()) if inside.size else float("nan"),
            "per_parameter": dict(zip(names, inside.mean(axis=0).tolist(), strict=True)) if inside.size else {},
            "trials": int(len(inside)), "skipped": skipped, "candidates": candidates}
