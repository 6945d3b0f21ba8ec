"""The expected-utility engine on a scenario's actors, issue by issue, beside the main model.

Each issue is a separate one-dimensional contest (the expected-utility model has no package deals).
World ``w`` uses world ``w``'s draws of the scenario's priors: the same named random streams as the
main model, so an actor's ideal point and salience are those it has in world ``w`` of ``negsim run``.
Positions are the ideal points (0 = Ukraine's position, 1 = Russia's); an actor's salience on an
issue is its salience weight there divided by its largest weight across the issues (1 on the issue it
cares most about, as the model's salience is the readiness to resist on this issue); capabilities are
drawn from the capability file's priors. The main model's forecast of each issue is the terms of the
first ceasefire in the worlds that reach one.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import numpy as np

from sim.engine.run import run_scenario
from sim.engines.bdm import Actors, Trajectory, median_position, run
from sim.model.streams import WorldStreams
from sim.scenario import LoadedScenario, ScenarioError
from sim.scenario.bdm import LoadedCapabilities, load_capabilities

CAPABILITIES = Path(__file__).resolve().parents[2] / "scenarios" / "bdm" / "capabilities.yaml"
"""The shipped capability priors (used when no file is named)."""

SETTLED = 0.01
"""An issue has settled once its weighted mean moves by less than this in every later round."""


@dataclass
class IssueForecast:
    """One issue: the expected-utility trajectory and the main model's terms, over worlds."""

    issue: str
    trajectory: Trajectory
    median_start: np.ndarray          # (worlds,) the pairwise-vote winner among the initial positions
    terms: np.ndarray                 # (worlds,) the main model's first-ceasefire terms; NaN without one

    @property
    def means(self) -> np.ndarray:
        """Weighted mean position by round, (rounds + 1, worlds)."""
        return self.trajectory.means()

    def settled_after(self) -> np.ndarray:
        """Per world, the first round after which the mean moves by less than :data:`SETTLED` for
        good (the number of rounds if it never does)."""
        means = self.means
        moved = np.abs(np.diff(means, axis=0)) >= SETTLED          # (rounds, worlds)
        rounds = moved.shape[0]
        last = np.where(moved.any(axis=0), rounds - np.argmax(moved[::-1], axis=0), 0)
        return last


@dataclass
class BdmForecast:
    """The forecast of every issue, with what made it."""

    scenario: LoadedScenario
    capabilities: LoadedCapabilities
    actors: list[str]
    capability: np.ndarray            # (worlds, actors) drawn
    issues: list[IssueForecast]
    worlds: int
    seed: int
    rounds: int
    convention: str
    p_ceasefire: float                # share of the main model's worlds with a first ceasefire


def draw_inputs(loaded: LoadedScenario, capabilities: LoadedCapabilities, worlds: int,
                seed: int) -> tuple[list[str], np.ndarray, dict[str, tuple[np.ndarray, np.ndarray]]]:
    """Capabilities (worlds, actors), and per issue the positions and saliences (worlds, actors)."""
    scenario = loaded.scenario
    actors = list(scenario.actors)
    missing = [a for a in actors if a not in capabilities.spec.capability]
    if missing:
        file, line = capabilities.where("capability")
        raise ScenarioError(f"no capability for {', '.join(missing)} (the scenario's actors: {', '.join(actors)}); "
                            f"add them to the capability file", path=file or capabilities.path, line=line,
                            key="capability")
    streams = WorldStreams(seed, 0, worlds, scenario.horizon_months)

    def draw(path: str, prior) -> np.ndarray:
        return prior.from_uniform(streams.uniform(f"param:{path}"))

    capability = np.stack([draw(f"bdm.capability.{a}", capabilities.prior(a)) for a in actors], axis=1)
    issues = list(scenario.issues)
    salience = {a: np.stack([draw(f"actors.{a}.salience.{k}", scenario.actors[a].salience[k])
                             if k in scenario.actors[a].salience else np.zeros(worlds) for k in issues], axis=1)
                for a in actors}
    top = {a: np.where(s.max(axis=1, keepdims=True) > 0, s.max(axis=1, keepdims=True), 1.0) for a, s in salience.items()}
    per_issue = {}
    for k, issue in enumerate(issues):
        position = np.stack([draw(f"actors.{a}.ideal.{issue}", scenario.actors[a].ideal[issue]) for a in actors], axis=1)
        weight = np.stack([salience[a][:, k] / top[a][:, 0] for a in actors], axis=1)
        per_issue[issue] = (position, weight)
    return actors, capability, per_issue


def bdm_forecast(loaded: LoadedScenario, worlds: int = 1_000, seed: int | None = None, rounds: int = 10,
                 capabilities: str | Path | None = None, convention: str = "paper") -> BdmForecast:
    """Run the expected-utility model on every issue of the scenario, and the main model beside it."""
    seed = loaded.scenario.seed if seed is None else seed
    caps = load_capabilities(capabilities or CAPABILITIES)
    actors, capability, per_issue = draw_inputs(loaded, caps, worlds, seed)
    main = run_scenario(loaded, worlds=worlds, seed=seed)
    has_deal = main.first_ceasefire_month > 0
    forecasts = []
    for issue, (position, salience) in per_issue.items():
        issue_actors = Actors(capability, position, salience)
        terms = np.where(has_deal, main.terms(issue), np.nan)
        forecasts.append(IssueForecast(issue, run(issue_actors, rounds, convention), median_position(issue_actors),
                                       terms))
    return BdmForecast(loaded, caps, actors, capability, forecasts, worlds, seed, rounds, convention,
                       float(has_deal.mean()))
