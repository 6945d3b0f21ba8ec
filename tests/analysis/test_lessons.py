"""The teaching lessons: every command runs as written, every answer matches the code."""

import re
import shlex
from functools import cache
from pathlib import Path

import numpy as np
import pytest

from sim.analysis.compare import compare, paired_difference, reached_by
from sim.analysis.games import deviation_table, plan_game, run_game
from sim.analysis.teaching import bargain_view
from sim.analysis.teaching import explain_world as run_one_world
from sim.cli import main
from sim.core import classic
from sim.engine import load_scenario

from ..conftest import ROOT, SCENARIOS

pytestmark = pytest.mark.slow  # each lesson runs its scenarios at full size

LESSONS = sorted((ROOT / "docs" / "teaching").glob("0*.md"))


def commands(lesson: Path) -> list[str]:
    blocks = re.findall(r"```bash\n(.*?)```", lesson.read_text(), flags=re.S)
    return [line.strip() for block in blocks for line in block.splitlines() if line.strip().startswith("negsim ")]


def answers(lesson: Path) -> list[str]:
    return re.findall(r"\*\*Answer:\*\* `([^`]+)`", lesson.read_text())


@cache
def p_by(names: tuple[str, ...], month: int) -> list[float]:
    results = compare([load_scenario(SCENARIOS / n) for n in names]).results
    return [float(reached_by(r, month).mean()) for r in results]


@cache
def paired(base: str, other: str, month: int) -> float:
    a, b = compare([load_scenario(SCENARIOS / base), load_scenario(SCENARIOS / other)]).results
    return paired_difference(reached_by(a, month), reached_by(b, month))[0]


@cache
def shipped_game():
    """The pressure game at its defaults, as the lesson's command runs it (on all cores: the numbers
    do not depend on the process count)."""
    return run_game(plan_game(SCENARIOS / "games" / "pressure_2025.yaml"), workers=None)


def pct(p: float) -> str:
    return f"{100 * p:.1f}%"


def expected_answers(name: str) -> list[str]:
    if name.startswith("01"):
        lo, hi = classic.fearon_range(0.6, 0.1, 0.15)
        lo2, hi2 = classic.fearon_range(0.6, 0.2, 0.3)
        base = bargain_view(load_scenario(SCENARIOS / "baseline.yaml").scenario, ["territory"], month=4)
        costly = bargain_view(load_scenario(SCENARIOS / "teaching/costly_war.yaml").scenario, ["territory"], month=4)
        zone = costly.axes[0][costly.zone]
        assert zone.size == 1
        return [f"[{lo:.2f}, {hi:.2f}]", f"[{lo2:.2f}, {hi2:.2f}]", "yes" if base.zone.any() else "no",
                f"{zone[0]:.3f}"]
    if name.startswith("02"):
        a, b = classic.fearon_private_information(0.5, 0.05, 0.25), classic.fearon_private_information(0.5, 0.05, 0.1)
        base, calm = p_by(("baseline.yaml", "teaching/no_optimism.yaml"), 12)
        world = run_one_world(load_scenario(SCENARIOS / "baseline.yaml").scenario, months=6)
        trend = "falls" if world.states[-1]["victory"]["russia"] < world.states[0]["victory"]["russia"] else "rises"
        return [f"x* = {a.offer:.3f}, P(war) = {a.p_war:.3f}", f"x* = {b.offer:.3f}, P(war) = {b.p_war:.3f}",
                f"{pct(base)} and {pct(calm)}", trend]
    if name.startswith("03"):
        def deal(pi):
            value = (1 - pi) * 0.6 + pi * (0.55 - 0.1)
            return f"D = {value:.3f}, {'accept' if value >= 0.55 else 'reject'}"
        g = 1 - (0.05 / 0.15) / 0.4
        return [deal(0.4), deal(0.1), f"g = {g:.3f}",
                f"{100 * paired('baseline.yaml', 'europe_steps_up.yaml', 24):+.1f}",
                f"{100 * paired('teaching/europe_steps_up_no_troops.yaml', 'europe_steps_up.yaml', 24):+.1f}"]
    if name.startswith("04"):
        _, pressure, away = p_by(("baseline.yaml", "maximum_pressure.yaml", "us_walks_away.yaml"), 24)
        return [f"{classic.rubinstein_breakdown(0.2, 0.3, 0.1):.3f}", f"{classic.rubinstein_breakdown(0.2, 0.1, 0.1):.3f}",
                f"{classic.rubinstein(0.9, 0.95)[0]:.3f}", f"{pct(pressure)} and {pct(away)}"]
    if name.startswith("05"):
        split = classic.baron_ferejohn(5, 0.9)
        credibility = 0.8 * 0.5 ** 3
        return [f"{credibility:.3f}", f"{credibility * 0.02:.3f}", f"{split.proposer:.3f} and {split.partner:.3f}",
                f"{100 * paired('baseline.yaml', 'us_2025_approach.yaml', 24):+.1f}"]
    if name.startswith("06"):
        game = shipped_game()
        (equilibrium,) = game.equilibria
        assert equilibrium.is_pure and equilibrium.robustness == 1.0
        played = ", ".join(f"{player} {names[int(np.argmax(m))]}" for player, names, m
                           in zip(game.plan.players, game.plan.strategies, equilibrium.mixed, strict=True))
        us = deviation_table(game, game.documented.mixed)[game.plan.players.index("us")]
        regret = game.documented.regret[game.plan.players.index("us")]
        walk, best = us["payoffs"]["walk_away"], us["payoffs"][us["best"]]
        washington = {"comply": 0.86, "carry_out": 0.83, "back_down": 0.84}
        moscow = {"comply": 0.60, "carry_out": 0.58, "back_down": 0.64}

        def threat(outcome):
            return (f"{'credible' if outcome.credible else 'not credible'}; "
                    f"Moscow {'complies' if outcome.complies else 'defies'}")

        by_24 = game.plan.game.spec.months.index(24)
        russia = game.plan.players.index("russia")
        mask = np.moveaxis(game.best_responses(russia), russia, 0).reshape(game.plan.shape[russia], -1)
        always = [name for name, row in zip(game.plan.strategies[russia], mask, strict=True) if row.all()]
        return [played, f"{us['best']}, {regret:.4f}",
                f"{'yes' if walk >= best else 'no'}: walk_away {walk:.4f}, {us['best']} {best:.4f}",
                threat(classic.threat_game(washington, moscow)),
                threat(classic.threat_game({**washington, "back_down": 0.82}, moscow)),
                f"{pct(equilibrium.p_ceasefire[by_24])} and {pct(game.documented.p_ceasefire[by_24])}",
                f"{', '.join(always)}, {mask.shape[1]} of {mask.shape[1]}"]
    raise AssertionError(f"no answer key for {name}")


def test_there_are_at_least_four_lessons_with_commands_and_answers():
    assert len(LESSONS) >= 4
    for lesson in LESSONS:
        assert commands(lesson) and len(answers(lesson)) >= 3, lesson.name


@pytest.mark.parametrize("lesson", LESSONS, ids=lambda p: p.stem)
def test_lesson_answers_match_the_code(lesson):
    assert answers(lesson) == expected_answers(lesson.name)


@pytest.mark.parametrize("lesson", LESSONS, ids=lambda p: p.stem)
def test_lesson_commands_run_as_written(lesson, tmp_path, monkeypatch, capsys):
    (tmp_path / "scenarios").symlink_to(SCENARIOS)
    monkeypatch.chdir(tmp_path)
    for line in commands(lesson):
        assert main(shlex.split(line)[1:]) == 0, line
        assert capsys.readouterr().out.strip()
    for png in tmp_path.glob("**/*.png"):
        assert png.stat().st_size > 10_000
