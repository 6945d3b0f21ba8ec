"""The teaching lessons: every command runs as written, every answer matches the code."""

import atexit
import contextlib
import io
import json
import os
import re
import shlex
import shutil
import tempfile
from functools import cache
from pathlib import Path

import pytest

from sim.analysis.compare import paired_difference, reached_by
from sim.analysis.teaching import bargain_view
from sim.analysis.teaching import explain_world as run_one_world
from sim.cli import main
from sim.core import classic
from sim.engine import load_scenario
from sim.engine.run import run_scenario

from ..conftest import ROOT, SCENARIOS

pytestmark = pytest.mark.slow  # each lesson runs its scenarios at full size

LESSONS = sorted((ROOT / "docs" / "teaching").glob("0*.md"))


def commands(lesson: Path) -> list[str]:
    blocks = re.findall(r"```bash\n(.*?)```", lesson.read_text(), flags=re.S)
    return [line.strip() for block in blocks for line in block.splitlines() if line.strip().startswith("negsim ")]


def answers(lesson: Path) -> list[str]:
    return re.findall(r"\*\*Answer:\*\* `([^`]+)`", lesson.read_text())


@cache
def _run(name: str, seed: int, worlds: int):
    return run_scenario(load_scenario(SCENARIOS / name), worlds=worlds, seed=seed)


def compared(names: tuple[str, ...]) -> list:
    """The results ``compare`` gives for ``names`` (every scenario with the first one's seed and
    worlds), each scenario run once per test session: the baseline serves four lessons."""
    first = load_scenario(SCENARIOS / names[0]).scenario
    return [_run(n, first.seed, first.worlds) for n in names]


def p_by(names: tuple[str, ...], month: int) -> list[float]:
    return [float(reached_by(r, month).mean()) for r in compared(names)]


def paired(base: str, other: str, month: int) -> float:
    a, b = compared((base, other))
    return paired_difference(reached_by(a, month), reached_by(b, month))[0]


@cache
def run_once(line: str) -> tuple[str, Path]:
    """A lesson's command run as written, once per test session, in a fresh folder beside the
    shipped scenarios: (what it printed, the folder). Lesson 6's game takes minutes; its test and
    its answer key share this one run."""
    folder = Path(tempfile.mkdtemp(prefix="negsim-lesson-"))
    atexit.register(shutil.rmtree, folder, True)
    (folder / "scenarios").symlink_to(SCENARIOS)
    here, printed = os.getcwd(), io.StringIO()
    os.chdir(folder)
    try:
        with contextlib.redirect_stdout(printed):
            assert main(shlex.split(line)[1:]) == 0, line
    finally:
        os.chdir(here)
    return printed.getvalue(), folder


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
    if name.startswith("06"):   # from the game.json the lesson's own command wrote
        (line,) = commands(ROOT / "docs" / "teaching" / name)
        game = json.loads((run_once(line)[1] / "game" / "game.json").read_text())
        players, strategies = game["players"], game["strategies"]
        (equilibrium,) = game["equilibria"]
        assert equilibrium["pure"]

        def chosen(profile: dict) -> dict[str, str]:
            return {p: max(weights, key=weights.get) for p, weights in profile["strategies"].items()}

        played = ", ".join(f"{p} {chosen(equilibrium)[p]}" for p in players)
        documented = chosen(game["documented"])
        us_payoff = {row["strategies"]["us"]: row["payoff"]["us"] for row in game["profiles"]
                     if all(row["strategies"][p] == documented[p] for p in players if p != "us")}
        best = max(us_payoff, key=us_payoff.get)
        assert best != documented["us"] and len(us_payoff) == len(strategies["us"])
        washington = {"comply": 0.86, "carry_out": 0.83, "back_down": 0.84}
        moscow = {"comply": 0.60, "carry_out": 0.58, "back_down": 0.64}

        def threat(outcome):
            return (f"{'credible' if outcome.credible else 'not credible'}; "
                    f"Moscow {'complies' if outcome.complies else 'defies'}")

        replies = game["best_responses"]["russia"]
        always = [s for s in strategies["russia"] if all(s in r["best"] for r in replies)]
        walk = us_payoff["walk_away"]
        return [f"{played}, an equilibrium in {100 * equilibrium['robustness']:.0f}% of resamples",
                f"{best}, {game['documented']['regret']['us']:.4f}",
                f"{'yes' if walk >= us_payoff[best] else 'no'}: walk_away {walk:.4f}, {best} {us_payoff[best]:.4f}",
                threat(classic.threat_game(washington, moscow)),
                threat(classic.threat_game({**washington, "back_down": 0.82}, moscow)),
                f"{pct(equilibrium['p_ceasefire']['24'])} and {pct(game['documented']['p_ceasefire']['24'])}",
                f"{', '.join(always)}, {len(replies)} of {len(replies)}"]
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
    pictures = [tmp_path]
    for line in commands(lesson):
        if line.startswith("negsim game "):
            printed, folder = run_once(line)
            assert "Equilibrium 1" in printed and "Documented 2025 profile" in printed
            pictures.append(folder)
            continue
        assert main(shlex.split(line)[1:]) == 0, line
        assert capsys.readouterr().out.strip()
    for png in (p for folder in pictures for p in folder.glob("**/*.png")):
        assert png.stat().st_size > 10_000
