"""The expected-utility engine: the published EC example to 1e-6, later rounds against an independent
one-actor-at-a-time implementation, invariances, many worlds at once, and the command as a user runs it."""

import json

import numpy as np
import pytest

from sim.analysis.bdm import draw_inputs
from sim.cli import main
from sim.engine import build_model, load_scenario
from sim.engines.bdm import EC_EMISSIONS, Actors, median_position, run, weighted_mean
from sim.engines.bdm.model import COMPROMISE, CONFRONTATION
from sim.scenario.bdm import load_capabilities

from ..conftest import ROOT, SCENARIOS

NAMES = list(EC_EMISSIONS.names)
# Round-1 values of the public replication of Scholz, Calbert and Smith (2011), as the issue lists them.
RISK_ROUND_1 = {"Netherlands": 1.405653, "Belgium": 0.754196, "Luxembourg": 0.508864, "Germany": 1.405653,
                "France": 1.046524, "Italy": 1.046524, "UK": 1.964898, "Ireland": 0.5, "Denmark": 2.0,
                "Greece": 1.112125}


def test_the_ec_example_reproduces_the_published_replication_to_1e_6():
    actors = EC_EMISSIONS.actors()
    assert weighted_mean(actors)[0] == pytest.approx(7.389955686853767, abs=1e-6)
    assert median_position(actors)[0] == 7
    first = run(actors, rounds=1).rounds[0]
    np.testing.assert_allclose(first.risk[0], [RISK_ROUND_1[n] for n in NAMES], atol=1e-6)
    moved = {NAMES[i]: (int(first.move[0, i]), NAMES[first.partner[0, i]], first.position[0, i])
             for i in range(len(NAMES)) if first.move[0, i]}
    assert set(moved) == {"Belgium", "Luxembourg", "Ireland"}
    assert moved["Belgium"][:2] == (COMPROMISE, "France")
    assert moved["Belgium"][2] == pytest.approx(8.415932315426764, abs=1e-6)
    assert moved["Luxembourg"] == (CONFRONTATION, "Belgium", 7.0)
    assert moved["Ireland"] == (CONFRONTATION, "Luxembourg", 4.0)
    assert weighted_mean(actors, first.position)[0] == pytest.approx(7.461314378277189, abs=1e-6)


def reference_run(c, x, s, rounds, compromise_rule="least change", capitulation=True):
    """The model written one actor and one pair at a time, straight from the equations in
    sim/engines/bdm/model.py: an independent check of the vectorised code."""
    c, x, s = (list(map(float, v)) for v in (c, x, s))
    n, span = len(x), max(x) - min(x)
    same = 1e-6 * span     # positions (and ranking keys) this close count as equal: SAME in the model

    def vote(k, xa, xb, r):
        return c[k] * s[k] * ((abs(x[k] - xb) / span) ** r[k] - (abs(x[k] - xa) / span) ** r[k])

    def prevail(a, b, r):
        if abs(x[a] - x[b]) <= same:
            return 0.0
        total = sum(abs(vote(k, x[i], x[j], r)) for k in range(n) for i in range(n) for j in range(n))
        return sum(max(0.0, vote(k, x[a], x[b], r)) for k in range(n)) / total

    def eu(p, a, b, r):   # a challenges b, as p sees it
        d = abs(x[a] - x[b]) / span
        win, lose, quo = 2 - 4 * (0.5 - 0.5 * d) ** r[p], 2 - 4 * (0.5 + 0.5 * d) ** r[p], 2 - 4 * 0.5 ** r[p]
        pr = prevail(a, b, r)
        return s[b] * (pr * win + (1 - pr) * lose) + (1 - s[b]) * win - quo

    means = []
    for _ in range(rounds):
        ones = [1.0] * n
        danger = [sum(eu(i, j, i, ones) for j in range(n) if j != i) for i in range(n)]
        hi, lo = max(danger), min(danger)
        r = [(1 - a / 3) / (1 + a / 3) for a in ((2 * d - hi - lo) / (hi - lo) for d in danger)]
        new = list(x)
        for i in range(n):
            offers = {"confrontation": [], "compromise": [], "capitulation": []}
            for j in range(n):
                if abs(x[i] - x[j]) <= same:
                    continue
                e_ij, e_ji = eu(i, i, j, r), eu(i, j, i, r)
                if e_ji > e_ij > 0:
                    offers["confrontation"].append((abs(x[j] - x[i]), x[j]))
                elif e_ji > 0 > e_ij and e_ji > abs(e_ij):
                    at = x[i] + (x[j] - x[i]) * abs(e_ij / e_ji)
                    key = (abs(at - x[i]) if compromise_rule == "least change"
                           else (abs(e_ij) * x[i] + abs(e_ji) * x[j]) / (abs(e_ij) + abs(e_ji)))
                    offers["compromise"].append((key, at))
                elif e_ji > 0 > e_ij and e_ji < abs(e_ij) and capitulation:
                    offers["capitulation"].append((abs(x[j] - x[i]), x[j]))
            for kind in ("confrontation", "compromise", "capitulation"):
                if offers[kind]:
                    lowest = min(key for key, _ in offers[kind])
                    new[i] = next(at for key, at in offers[kind] if key <= lowest + same)   # the first on ties
                    break
        x = new
        weight = [ci * si for ci, si in zip(c, s, strict=True)]
        means.append(sum(w * xi for w, xi in zip(weight, x, strict=True)) / sum(weight))
    return means


@pytest.mark.parametrize("convention, rule, capitulation", [("paper", "least change", True),
                                                            ("scholz_code", "weighted position", False)])
def test_ten_rounds_of_the_ec_example_match_the_one_actor_at_a_time_implementation(convention, rule, capitulation):
    e = EC_EMISSIONS
    expected = reference_run(e.capability, e.position, e.salience, 10, rule, capitulation)
    np.testing.assert_allclose(run(e.actors(), 10, convention).means()[1:, 0], expected, rtol=0, atol=1e-12)


def test_the_capitulation_test_changes_nothing_in_ten_rounds_but_the_compromise_rule_changes_round_four():
    """The documented conventions: capitulation as the paper states it or as coded never matters in
    the example's first ten rounds; the code's compromise rule does, from round 4 (Belgium turns to
    the Netherlands, as the replication's author observed)."""
    e = EC_EMISSIONS
    for rule in ("least change", "weighted position"):
        assert (reference_run(e.capability, e.position, e.salience, 10, rule, True)
                == reference_run(e.capability, e.position, e.salience, 10, rule, False))
    paper, code = run(e.actors(), 10, "paper"), run(e.actors(), 10, "scholz_code")
    np.testing.assert_array_equal(paper.positions()[:4], code.positions()[:4])
    belgium = NAMES.index("Belgium")
    assert NAMES[paper.rounds[3].partner[0, belgium]] == "France"
    assert NAMES[code.rounds[3].partner[0, belgium]] == "Netherlands"
    # The later rounds, pinned (this implementation; equal to the independent one above).
    np.testing.assert_allclose(paper.means()[1:, 0], [
        7.461314378277189, 7.552500865855845, 7.590144997451547, 7.603860574707436, 7.606805820772572,
        7.388362879558863, 7.395195688066312, 7.462283580381571, 7.54440459971435, 7.58983526618528], atol=1e-9)
    np.testing.assert_allclose(code.means()[1:, 0], [
        7.461314378277189, 7.552500865855845, 7.590144997451547, 7.358130531334199, 7.3491739896752115,
        7.414877545372957, 7.51045718367722, 7.572447097550299, 7.324989065683666, 7.242130958473938], atol=1e-9)


def random_actors(rng, worlds, n):
    return Actors(rng.uniform(0.05, 1, (worlds, n)), rng.choice(np.linspace(0, 1, 6), (worlds, n)),
                  rng.uniform(0, 1, (worlds, n)))


@pytest.mark.parametrize("convention", ["paper", "scholz_code"])
def test_many_worlds_at_once_equal_each_world_alone(convention):
    actors = random_actors(np.random.default_rng(5), 40, 5)
    together = run(actors, 6, convention).positions()
    for w in range(40):
        alone = Actors(actors.capability[w], actors.position[w], actors.salience[w])
        np.testing.assert_array_equal(run(alone, 6, convention).positions()[:, 0], together[:, w])


def test_rescaling_positions_or_capabilities_changes_nothing_but_the_units():
    """Only distances relative to the span and capability ratios enter the equations."""
    actors = random_actors(np.random.default_rng(9), 30, 6)
    base = run(actors, 8).positions()
    shifted = run(Actors(actors.capability, 3.0 + 5.0 * actors.position, actors.salience), 8).positions()
    np.testing.assert_allclose(shifted, 3.0 + 5.0 * base, atol=1e-9)
    scaled = run(Actors(7.0 * actors.capability, actors.position, actors.salience), 8).positions()
    np.testing.assert_allclose(scaled, base, atol=1e-12)


def test_risk_exponents_run_from_one_half_for_the_most_exposed_to_two_for_the_least():
    actors = random_actors(np.random.default_rng(2), 50, 5)
    risk = run(actors, 1).rounds[0].risk
    np.testing.assert_allclose(risk.min(axis=1), 0.5)
    np.testing.assert_allclose(risk.max(axis=1), 2.0)


def test_a_scenarios_worlds_give_the_bdm_engine_the_main_models_draws():
    """World w of negsim bdm has the ideal points world w of negsim run has (same named streams)."""
    loaded = load_scenario(SCENARIOS / "baseline.yaml")
    caps = load_capabilities(ROOT / "scenarios" / "bdm" / "capabilities.yaml")
    actors, _, per_issue = draw_inputs(loaded, caps, 300, loaded.scenario.seed)
    model = build_model(loaded.scenario, worlds=300, seed=loaded.scenario.seed)
    issues = list(loaded.scenario.issues)
    for a, actor in enumerate(actors):
        for k, issue in enumerate(issues):
            np.testing.assert_array_equal(per_issue[issue][0][:, a], model.actors[actor].ideal[:, k])
    assert np.ptp(per_issue["army_limits"][0][:, actors.index("russia")]) > 0   # a drawn prior, not a point


def test_the_example_command_prints_every_round_for_comparison(capsys):
    assert main(["bdm", "--example", "ec-emissions", "--rounds", "3"]) == 0
    out = capsys.readouterr().out
    means = [line for line in out.splitlines() if line.startswith("round ") and " mean " in line]
    assert [m.split()[1] for m in means] == ["0", "1", "2", "3"]
    assert float(means[1].split()[-1]) == pytest.approx(7.461314378277189, abs=1e-12)
    assert "Belgium      8.415932  risk 0.754196  compromises with France" in out


def test_the_scenario_command_writes_its_forecast_and_figure(tmp_path, capsys):
    assert main(["bdm", str(SCENARIOS / "baseline.yaml"), "--worlds", "200", "--out", str(tmp_path)]) == 0
    out = capsys.readouterr().out
    assert "territory" in out and "main model terms" in out
    payload = json.loads((tmp_path / "bdm.json").read_text())
    assert payload["worlds"] == 200 and len(payload["issues"]) == 8
    for row in payload["issues"]:   # positions stay on the issue scale
        assert 0 <= row["end"]["p05"] <= row["end"]["p95"] <= 1 and 0 <= row["end"]["mean"] <= 1
    assert (tmp_path / "bdm.png").stat().st_size > 20_000


@pytest.mark.parametrize("argv, message", [
    (["bdm"], "name a scenario file or --example"),
    (["bdm", "scenarios/baseline.yaml", "--example", "ec-emissions"], "one of the two"),
])
def test_the_command_says_what_it_needs(argv, message, capsys):
    assert main(argv) == 2
    err = capsys.readouterr().err
    assert message in err and "Traceback" not in err


def test_a_capability_file_missing_an_actor_is_a_clear_error(tmp_path, capsys):
    caps = tmp_path / "caps.yaml"
    caps.write_text("capability:\n  us: {prior: 0.3, why: judgement}\n  russia: {prior: 0.3, why: judgement}\n")
    assert main(["bdm", str(SCENARIOS / "baseline.yaml"), "--capabilities", str(caps), "--worlds", "20"]) == 2
    err = capsys.readouterr().err
    assert "no capability for ukraine, europe" in err and "caps.yaml" in err and "line 1" in err
    caps.write_text("capability:\n  us: {prior: 0.3, why: judgement}\n  russia: {prior: -1, why: x}\n")
    assert main(["bdm", str(SCENARIOS / "baseline.yaml"), "--capabilities", str(caps)]) == 2
    err = capsys.readouterr().err
    assert "capability.russia.prior" in err and "a capability in (0, 100]" in err and "line 3" in err
