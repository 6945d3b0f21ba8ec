"""Game files: a base scenario, the players, and each player's named pressure strategies.

A game file turns exogenous pressure rules into choices. Each strategy is a short overlay of the
player's own levers, rules and red lines, written as the dotted ``set:`` a structural variant uses
(``actors.us.levers.sanctions: 1.5``, ``actors.us.strategy: [...]``), with the reason and the seed
passage behind it. ``negsim game`` runs every profile (one strategy per player) on common random
numbers and finds the equilibria of the resulting normal-form game.

Example::

    name: The pressure game of 2025
    scenario: ../baseline.yaml
    documented: {us: documented_2025, russia: fight_on}
    players:
      us:
        documented_2025:
          why: threats on Moscow not carried out, pressure on Kyiv (seed 001, 002)
          set: {actors.us.levers.relief_offer: 0.8}
        walk_away:
          why: ...
          set: {actors.us.levers.engagement: 0.0, actors.us.levers.arms: 0.0}
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

from pydantic import Field

from .errors import ScenarioError
from .loader import SourceMap, extends_roots
from .params import GameSeed, GameWorlds, Month, RandomStarts, Resamples, Strict
from .validate import _error_at, read_as

MAX_STRATEGIES = 8
"""Most strategies one player may have (the game's size is the product over players)."""
MAX_PROFILES = 4_096
"""Most strategy profiles a game may simulate all of (``search: all``)."""


class GameStrategy(Strict):
    """One named strategy: why a player might choose it, and what it sets."""

    why: str = Field(min_length=1, description="the rationale, with the seed file and passage behind it")
    set: dict[str, Any] = Field(default_factory=dict,
                                description="values to set, by dotted key path under actors.<player>.")


class GameSpec(Strict):
    """A whole game file."""

    name: str
    description: str = ""
    scenario: str = Field(description="the base scenario file, relative to the game file")
    players: dict[str, dict[str, GameStrategy]] = Field(min_length=2)
    documented: dict[str, str] = Field(default_factory=dict,
                                       description="the documented (2025) strategy of each player, by name")
    worlds: GameWorlds = 1_000
    seed: GameSeed | None = None
    months: list[Month] = Field(default_factory=lambda: [12, 24], min_length=1)
    bootstrap: Resamples = 400
    search: Literal["all", "deviations"] = Field(
        "all", description="'all' simulates every profile; 'deviations' only the profiles best-response "
                           "dynamics visit and their unilateral deviations (for games too large to enumerate)")
    restarts: RandomStarts = 4


@dataclass(frozen=True)
class LoadedGame:
    """A validated game file, where it is, and where its keys were written."""

    spec: GameSpec
    path: Path
    scenario_path: Path
    source: SourceMap

    def where(self, key: str) -> tuple[str | None, int | None]:
        return self.source.locate(key)


def load_game(path: str | Path) -> LoadedGame:
    """Read and check a game file (the base scenario is loaded by the engine, which knows the rules).

    Raises:
        ScenarioError: naming the file, line and key path of the first problem.
    """
    path = Path(path)
    spec, source = read_as(GameSpec, path)
    problems = _check(spec)
    if problems:
        key, message = problems[0]
        raise _error_at(key, message, source, extra=len(problems) - 1)
    scenario_path = (path.resolve().parent / spec.scenario).resolve()
    roots = extends_roots(path)
    if not any(scenario_path.is_relative_to(root) for root in roots):
        raise _error_at("scenario", f"'{spec.scenario}' lies outside the folders a game may read scenarios from "
                                    f"({', '.join(str(r) for r in roots)}); allow it with 'negsim --allow-extends'",
                        source)
    return LoadedGame(spec, path, scenario_path, source)


def _check(spec: GameSpec) -> list[tuple[str, str]]:
    problems = []
    size = 1
    for player, strategies in spec.players.items():
        if not 2 <= len(strategies) <= MAX_STRATEGIES:
            problems.append((f"players.{player}", f"a player needs 2 to {MAX_STRATEGIES} strategies, found "
                                                  f"{len(strategies)}."))
        size *= max(len(strategies), 1)
        for name, strategy in strategies.items():
            for key in strategy.set:
                if not key.startswith(f"actors.{player}."):
                    problems.append((f"players.{player}.{name}.set.{key}",
                                     f"a strategy sets only its own player's choices: keys under 'actors.{player}.', "
                                     f"found '{key}'."))
    if size > MAX_PROFILES and spec.search == "all":
        problems.append(("players", f"the game has {size:,} strategy profiles, more than {MAX_PROFILES:,} to simulate "
                                    "them all; give the players fewer strategies, or set 'search: deviations'."))
    for player, name in spec.documented.items():
        if player not in spec.players:
            problems.append((f"documented.{player}", f"'{player}' is not a player of this game "
                                                     f"(players: {', '.join(spec.players)})."))
        elif name not in spec.players[player]:
            problems.append((f"documented.{player}", f"'{name}' is not one of {player}'s strategies "
                                                     f"({', '.join(spec.players[player])})."))
    if spec.documented and set(spec.documented) != set(spec.players):
        missing = sorted(set(spec.players) - set(spec.documented))
        problems.append(("documented", f"name the documented strategy of every player; missing: {', '.join(missing)}."))
    return problems


def check_game_against(game: LoadedGame, actors: set[str], horizon: int) -> None:
    """The players are actors of the base scenario and the months lie within its horizon."""
    for player in game.spec.players:
        if player not in actors:
            file, line = game.where(f"players.{player}")
            raise ScenarioError(f"'{player}' is not an actor of {game.spec.scenario} (actors: "
                                f"{', '.join(sorted(actors))})", path=file, line=line, key=f"players.{player}")
    for i, month in enumerate(game.spec.months):
        if month > horizon:
            file, line = game.where(f"months.{i}")
            raise ScenarioError(f"month {month} is after the scenario's horizon ({horizon})", path=file, line=line,
                                key=f"months.{i}")

