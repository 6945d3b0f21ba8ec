"""The pressure game: every strategy profile simulated on common random numbers, then its equilibria.

Each profile (one strategy per player) is the base scenario with the players' strategy overlays
set, run with the same seed, so every profile meets the same worlds (the same drawn parameters and
shocks): payoff differences between profiles are paired, and their noise small. A player's payoff
in a profile is its mean discounted monthly payoff over the worlds (``payoff_by_actor``,
``docs/model.md`` [9]). On the table of mean payoffs:

* its equilibria: for two players every equilibrium, pure or mixed, by support enumeration
  (nashpy); for more, every isolated equilibrium by enumerating supports and solving each one's
  polynomial system, and the limit of the logit QRE branch (pygambit);
* each equilibrium's regret, and a bootstrap over worlds of it: the worlds are resampled with
  replacement (the same resample for every profile, which keeps the pairing), the game is rebuilt
  and the equilibrium's regret recomputed; the 95th percentile bounds what Monte Carlo noise could
  hide, and the share of resamples in which the profile is still an equilibrium says how robust it is;
* every player's best responses, and the documented profile's regrets: what each actor could have
  gained by deviating alone;
* the logit quantal response equilibrium from random play to full rationality (pygambit).

A game too large to simulate whole is searched instead (``search: deviations``): best-response
dynamics from the documented profile and random starts, simulating each visited profile's
unilateral deviations, so every pure equilibrium reported is confirmed against all its deviations.

References
----------
Nash, J. (1951). Non-cooperative games. *Annals of Mathematics* 54(2), 286-295.
Wellman, M. P. (2006). Methods for empirical game-theoretic analysis. *AAAI* 2006, 1552-1555
(estimating a game's payoffs by simulation, and the regret of a candidate equilibrium).
McKelvey, R. D. and Palfrey, T. R. (1995). Quantal response equilibria for normal form games.
*Games and Economic Behavior* 10(1), 6-38.
"""

from __future__ import annotations

import itertools
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from sim.core.normal_form import (
    best_response_mask,
    best_response_search,
    deviation_payoffs,
    pure,
    pure_equilibria,
    regrets,
)
from sim.engine.executor import run_tasks
from sim.engine.loading import CheckedScenario, load_scenario
from sim.engine.outputs import reached_by, wilson_interval
from sim.engine.run import run_scenario
from sim.scenario import LoadedScenario, ScenarioError, with_overrides
from sim.scenario.game import LoadedGame, check_game_against, load_game


@dataclass
class GamePlan:
    """A game ready to run: the base scenario, the players and their strategies, the profiles."""

    game: LoadedGame
    base: LoadedScenario
    worlds: int
    seed: int

    @property
    def players(self) -> list[str]:
        return list(self.game.spec.players)

    @property
    def strategies(self) -> list[list[str]]:
        return [list(s) for s in self.game.spec.players.values()]

    @property
    def shape(self) -> tuple[int, ...]:
        return tuple(len(s) for s in self.strategies)

    def profiles(self) -> list[tuple[int, ...]]:
        return list(itertools.product(*(range(n) for n in self.shape)))

    def overrides(self, profile: tuple[int, ...]) -> dict:
        values: dict = {}
        for player, names, k in zip(self.players, self.strategies, profile, strict=True):
            values.update(self.game.spec.players[player][names[k]].set)
        return values

    def scenario(self, profile: tuple[int, ...]) -> LoadedScenario:
        return with_overrides(self.base, self.overrides(profile), schema=CheckedScenario)

    def documented_profile(self) -> tuple[int, ...] | None:
        documented = self.game.spec.documented
        return tuple(names.index(documented[p]) for p, names in zip(self.players, self.strategies, strict=True)) \
            if documented else None

    def label(self, profile: tuple[int, ...]) -> dict[str, str]:
        return {p: names[k] for p, names, k in zip(self.players, self.strategies, profile, strict=True)}


def plan_game(path: str | Path, worlds: int | None = None, seed: int | None = None) -> GamePlan:
    """Load a game file and its base scenario, and check every strategy against the scenario.

    Raises:
        ScenarioError: naming the game file's line and key path (or the scenario's) of the first problem.
    """
    game = load_game(path)
    base = load_scenario(game.scenario_path)
    check_game_against(game, set(base.scenario.actors), base.scenario.horizon_months)
    plan = GamePlan(game, base, worlds or game.spec.worlds,
                    seed if seed is not None else (game.spec.seed if game.spec.seed is not None else base.scenario.seed))
    for player, strategies in game.spec.players.items():
        for name, strategy in strategies.items():
            try:
                with_overrides(base, strategy.set, schema=CheckedScenario)
            except ScenarioError as error:
                key = f"players.{player}.{name}.set" + (f".{error.key}" if error.key else "")
                file, line = game.where(f"players.{player}.{name}.set")
                raise ScenarioError(f"strategy '{name}' of {player}: {error.message}", path=file or game.path,
                                    line=line, key=key) from None
    return plan


@dataclass
class ProfileOutcome:
    """What one profile's run gives: each player's per-world payoff and the ceasefire odds."""

    payoffs: np.ndarray          # (players, worlds)
    p_ceasefire: list[float]     # by each of the game's months
    p_deal: float                # share of worlds with a first ceasefire by the horizon
    terms: dict[str, float | None]   # mean terms of the first ceasefire (where there is one), by issue


def _run_profile(plan: GamePlan, profile: tuple[int, ...]) -> ProfileOutcome:
    result = run_scenario(plan.scenario(profile), worlds=plan.worlds, seed=plan.seed)
    has_deal = result.first_ceasefire_month > 0
    terms = {issue: (float(np.nanmean(result.terms(issue)[has_deal])) if has_deal.any() else None)
             for issue in result.issue_names}
    return ProfileOutcome(payoffs=np.stack([result.payoff(p) for p in plan.players]),
                          p_ceasefire=[float(reached_by(result, m).mean()) for m in plan.game.spec.months],
                          p_deal=float(has_deal.mean()), terms=terms)


@dataclass
class Equilibrium:
    """A (possibly mixed) equilibrium of the estimated game, with its robustness to payoff noise."""

    mixed: list[np.ndarray]
    regret: np.ndarray               # (players,) on the mean payoffs (0 up to rounding)
    regret_upper: np.ndarray         # (players,) 95th percentile over bootstrap resamples of worlds
    robustness: float                # share of resamples in which every regret is within tolerance
    p_ceasefire: list[float]         # by month, the profile's (a mixture's: weighted over profiles)
    terms: dict[str, float | None]   # mean terms of the first ceasefire where one is reached

    @property
    def is_pure(self) -> bool:
        return all(np.isclose(m.max(), 1.0) for m in self.mixed)


@dataclass
class GameResult:
    """The estimated game: per-profile outcomes, the payoff tensor and its analysis."""

    plan: GamePlan
    outcomes: dict[tuple[int, ...], ProfileOutcome]
    payoffs: np.ndarray              # (players, s_1, ..., s_n) mean payoffs
    standard_errors: np.ndarray      # same shape: Monte Carlo standard error of each mean
    equilibria: list[Equilibrium]
    documented: Equilibrium | None   # the documented profile, analysed like an equilibrium
    tolerance: float
    simulated: int
    quantal_response: list[QuantalResponse]   # the logit QRE branch (empty unless every profile is simulated)
    notes: list[str] = field(default_factory=list)

    @property
    def complete(self) -> bool:
        """Every profile was simulated (otherwise only confirmed pure equilibria are known)."""
        return self.simulated == int(np.prod(self.plan.shape))

    def best_responses(self, player: int) -> np.ndarray:
        return best_response_mask(self.payoffs, player)


def _tensor(plan: GamePlan, values: dict[tuple[int, ...], np.ndarray]) -> np.ndarray:
    """Per-profile vectors (players,) arranged as the game's payoff tensor (players, s_1, ..., s_n)."""
    out = np.full((len(plan.players), *plan.shape), np.nan)   # NaN: a profile not simulated
    for profile, vector in values.items():
        out[(slice(None), *profile)] = vector
    return out


def _mixed_equilibria(payoffs: np.ndarray) -> list[list[np.ndarray]]:
    """Every equilibrium of a two-player game by support enumeration (nashpy); pure ones included."""
    import warnings

    import nashpy

    game = nashpy.Game(payoffs[0], payoffs[1])
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # nashpy warns on degenerate games; the regrets below check each
        return _distinct([np.asarray(a, float), np.asarray(b, float)]
                         for a, b in game.support_enumeration(non_degenerate=False))


def equilibria_of(payoffs: np.ndarray, tolerance: float = 1e-12) -> list[list[np.ndarray]]:
    """Every equilibrium of a fully estimated game: nashpy for two players; for more, pygambit's
    with the pure ones by enumeration (in a degenerate game pygambit may report a component instead)."""
    if payoffs.shape[0] == 2:
        return _mixed_equilibria(payoffs)
    shape = payoffs.shape[1:]
    return _distinct([*(pure(p, shape) for p in pure_equilibria(payoffs, tolerance)), *_n_player_equilibria(payoffs)])


def _gambit(payoffs: np.ndarray):
    import pygambit

    return pygambit.StrategicGame.from_arrays(*payoffs)


def _as_arrays(profile, game) -> list[np.ndarray]:
    """A pygambit mixed profile as one probability vector per player."""
    return [np.array([float(p) for _, p in profile[player]]) for player in game.players]


def _n_player_equilibria(payoffs: np.ndarray) -> list[list[np.ndarray]]:
    """Equilibria of a game of any size (pygambit): every isolated one by enumerating supports and
    solving each support's polynomial system, and the limit of the logit QRE's principal branch."""
    import pygambit

    game = _gambit(payoffs)
    found = [_as_arrays(e, game) for e in pygambit.nash.enumpoly_solve(game, use_strategic=True).equilibria]
    found.append(_as_arrays(pygambit.nash.logit_solve(game).equilibrium, game))
    return _distinct(found)


def _distinct(candidates) -> list[list[np.ndarray]]:
    """Candidates with probabilities below 1e-6 set to 0 (solvers stop a hair from the boundary),
    without repeats: two profiles within 1e-3 of each other in every probability are one (the logit
    branch's limit stops short of a pure equilibrium by about 1e-5, far inside the payoffs' noise)."""
    found: list[list[np.ndarray]] = []
    for candidate in candidates:
        cleaned = []
        for m in candidate:
            m = np.where(np.asarray(m, float) < 1e-6, 0.0, np.asarray(m, float))
            cleaned.append(m / m.sum())
        if not any(all(np.allclose(x, y, atol=1e-3) for x, y in zip(cleaned, other, strict=True)) for other in found):
            found.append(cleaned)
    return found


@dataclass
class QuantalResponse:
    """One point of the logit quantal response equilibrium's principal branch."""

    rationality: float               # lambda, per unit of utility per month (0: uniform choice)
    mixed: list[np.ndarray]


def logit_branch(payoffs: np.ndarray) -> list[QuantalResponse]:
    """The principal branch of the logit QRE, from uniform play (lambda = 0) to a Nash equilibrium.

    In a logit QRE each player chooses strategy ``k`` with probability proportional to
    ``exp(lambda * u_k)``, ``u_k`` its expected payoff against the others' choice probabilities: at
    lambda = 0 every strategy is equally likely, and as lambda grows play approaches the equilibrium
    the branch selects (McKelvey and Palfrey 1995; traced by pygambit).
    """
    import pygambit

    game = _gambit(payoffs)
    return [QuantalResponse(float(point.lam), _as_arrays(point.profile, game))
            for point in pygambit.qre.logit_solve_branch(game)]


def run_game(plan: GamePlan, workers: int | None = 1, scheduler: str | None = None, dask_local: bool = False,
             progress: Callable[[int, int], None] | None = None, bootstrap: int | None = None,
             search: str | None = None) -> GameResult:
    """Simulate the profiles on common random numbers and analyse the estimated game.

    ``search`` ('all' or 'deviations', default the game file's) says whether every profile is
    simulated, or only those best-response dynamics visit from the documented profile and
    ``restarts`` random profiles, with each one's unilateral deviations.
    """
    spec = plan.game.spec
    search = search or spec.search
    outcomes: dict[tuple[int, ...], ProfileOutcome] = {}
    planned = [0]

    def simulate(profiles: list[tuple[int, ...]]) -> dict[tuple[int, ...], np.ndarray]:
        planned[0] += len(profiles)

        def finished(profile, outcome: ProfileOutcome) -> None:
            outcomes[profile] = outcome
            if progress:
                progress(len(outcomes), planned[0])

        run_tasks(_run_profile, [(p, (p,)) for p in profiles], finished, workers=workers, scheduler=scheduler,
                  dask_local=dask_local, shared=plan)
        return {p: outcomes[p].payoffs.mean(axis=1) for p in profiles}

    tolerance = 1e-12
    documented = plan.documented_profile()
    notes: list[str] = []
    if search == "all":
        simulate(plan.profiles())
    else:
        rng = np.random.default_rng([plan.seed, 12])
        starts = ([documented] if documented else []) + [tuple(int(rng.integers(n)) for n in plan.shape)
                                                         for _ in range(spec.restarts)]
        found = best_response_search(plan.shape, starts, simulate, tolerance)
        notes.append(f"only the profiles best-response dynamics visit from {len(starts)} starts, and their unilateral "
                     f"deviations, were simulated: the pure equilibria listed are confirmed, but there may be others, "
                     f"and mixed equilibria, best responses and the quantal response branch need every profile")
    complete = len(outcomes) == int(np.prod(plan.shape))
    per_world = {p: o.payoffs for p, o in outcomes.items()}          # (players, worlds) each
    payoffs = _tensor(plan, {p: u.mean(axis=1) for p, u in per_world.items()})
    errors = _tensor(plan, {p: u.std(axis=1, ddof=1) / np.sqrt(u.shape[1]) for p, u in per_world.items()})
    if not complete:
        candidates = [pure(p, plan.shape) for p in found]
    else:
        candidates = equilibria_of(payoffs, tolerance)
    resampled = _bootstrap_games(plan, per_world, bootstrap if bootstrap is not None else spec.bootstrap)
    equilibria = [_assess(plan, outcomes, payoffs, resampled, mixed, tolerance) for mixed in candidates]
    equilibria.sort(key=lambda eq: (not eq.is_pure, [-m for m in np.concatenate(eq.mixed)]))
    assessed = None if documented is None else _assess(plan, outcomes, payoffs, resampled,
                                                       pure(documented, plan.shape), tolerance)
    return GameResult(plan, outcomes, payoffs, errors, equilibria, assessed, tolerance, len(outcomes),
                      logit_branch(payoffs) if complete else [], notes)


def _bootstrap_games(plan: GamePlan, per_world: dict, resamples: int) -> list[np.ndarray]:
    """The game rebuilt on ``resamples`` resamples of the worlds (the same resample for every
    profile, keeping the pairing of common random numbers)."""
    rng = np.random.default_rng([plan.seed, 16])
    worlds = next(iter(per_world.values())).shape[1]
    games = []
    for _ in range(resamples):
        pick = rng.integers(0, worlds, size=worlds)
        games.append(_tensor(plan, {p: u[:, pick].mean(axis=1) for p, u in per_world.items()}))
    return games


def _assess(plan, outcomes, payoffs, resampled, mixed, tolerance) -> Equilibrium:
    regret = regrets(payoffs, mixed)
    sampled = np.array([regrets(g, mixed) for g in resampled]) if resampled else np.full((1, len(mixed)), np.nan)
    weights = {p: float(np.prod([m[k] for m, k in zip(mixed, p, strict=True)])) for p in outcomes}
    p_ceasefire = [sum(w * outcomes[p].p_ceasefire[i] for p, w in weights.items())
                   for i in range(len(plan.game.spec.months))]
    # Terms over the worlds that reach a ceasefire: each profile weighted by its probability of being
    # played times its share of such worlds.
    deal_weight = {p: w * outcomes[p].p_deal for p, w in weights.items() if w > 0}
    total = sum(deal_weight.values())
    terms = {issue: (sum(wt * outcomes[p].terms[issue] for p, wt in deal_weight.items() if wt > 0) / total
                     if total > 0 else None)
             for issue in plan.base.scenario.issues}
    return Equilibrium(mixed=mixed, regret=regret,
                       regret_upper=np.percentile(sampled, 95, axis=0) if resampled else np.full(len(mixed), np.nan),
                       robustness=float(np.mean(np.all(sampled <= tolerance, axis=1))) if resampled else float("nan"),
                       p_ceasefire=p_ceasefire, terms=terms)


def deviation_table(result: GameResult, mixed: list[np.ndarray]) -> list[dict]:
    """For each player: its payoff from each of its strategies against the others' ``mixed``."""
    rows = []
    for i, player in enumerate(result.plan.players):
        values = deviation_payoffs(result.payoffs, mixed, i)
        rows.append({"player": player, "payoffs": dict(zip(result.plan.strategies[i], map(float, values), strict=True)),
                     "best": result.plan.strategies[i][int(np.argmax(values))]})
    return rows


def ceasefire_interval(p: float, worlds: int) -> list[float]:
    return [float(x) for x in wilson_interval(round(p * worlds), worlds)]
