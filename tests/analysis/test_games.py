"""The pressure game: known answers by construction, invariance to labels and process counts,
clear errors for bad game files, and the shipped game as a user runs it."""

import json

import numpy as np
import pytest

from sim.analysis.games import _mixed_equilibria, _n_player_equilibria, logit_branch, plan_game, run_game
from sim.cli import main
from sim.core.normal_form import pure_equilibria, regrets
from sim.scenario import ScenarioError

from ..conftest import SCENARIOS

# An onlooker (role mediator, not among the mediators, controlling nothing) cannot change what anyone
# does; its 'costly' strategy only adds a cost of war to its own payoff, so it is strictly dominated.
ONLOOKER = """
extends: {baseline}
name: with an onlooker
actors:
  onlooker:
    name: Onlooker
    role: mediator
    ideal: {{territory: 0.5, recognition: 0.5, nato: 0.5, guarantees: 0.5, army_limits: 0.5,
            sanctions_relief: 0.5, accountability: 0.5, arms_after_deal: 0.5}}
    salience: {{territory: 1, recognition: 1, nato: 1, guarantees: 1, army_limits: 1,
               sanctions_relief: 1, accountability: 1, arms_after_deal: 1}}
"""


def onlooker_game(tmp_path, order=("cheap", "costly"), us_order=("steady", "walk_away"), worlds=200,
                  extra: str = "") -> str:
    (tmp_path / "onlooker.yaml").write_text(ONLOOKER.format(baseline=SCENARIOS / "baseline.yaml"))
    strategies = {"cheap": "{why: no cost, set: {actors.onlooker.cost_of_war.base: 0.0}}",
                  "costly": "{why: a cost and nothing else, set: {actors.onlooker.cost_of_war.base: 0.05}}"}
    us = {"steady": "{why: the baseline levers, set: {}}",
          "walk_away": "{why: seed 000, set: {actors.us.levers.engagement: 0.0, actors.us.levers.arms: 0.0}}"}
    text = (f"name: dominance by construction\nscenario: onlooker.yaml\nworlds: {worlds}\nbootstrap: 100\n{extra}"
            "documented: {onlooker: cheap, us: steady}\nplayers:\n  onlooker:\n"
            + "".join(f"    {name}: {strategies[name]}\n" for name in order)
            + "  us:\n" + "".join(f"    {name}: {us[name]}\n" for name in us_order))
    (tmp_path / "game.yaml").write_text(text)
    return str(tmp_path / "game.yaml")


def chosen(result, equilibrium) -> dict[str, dict[str, float]]:
    """An equilibrium as {player: {strategy: probability}}, independent of the strategies' order."""
    return {p: {n: round(float(w), 9) for n, w in zip(names, m, strict=True)}
            for p, names, m in zip(result.plan.players, result.plan.strategies, equilibrium.mixed, strict=True)}


def test_a_strictly_dominated_strategy_is_never_played_in_equilibrium(tmp_path):
    result = run_game(plan_game(onlooker_game(tmp_path)), workers=1)
    assert result.equilibria
    for equilibrium in result.equilibria:
        assert chosen(result, equilibrium)["onlooker"] == {"cheap": 1.0, "costly": 0.0}
        if equilibrium.is_pure:   # its ceasefire odds and terms are those of the profile played
            profile = tuple(int(np.argmax(m)) for m in equilibrium.mixed)
            assert equilibrium.terms == pytest.approx(result.outcomes[profile].terms)
            assert equilibrium.p_ceasefire == result.outcomes[profile].p_ceasefire
    # On common random numbers the onlooker's costly strategy is worse in every world, not only on average.
    cheap, costly = (result.outcomes[(k, 0)].payoffs[0] for k in (0, 1))
    assert np.all(costly < cheap)
    # And its deviation to 'costly' at the documented profile is a loss, so its regret there is 0.
    assert result.documented.regret[0] == 0


@pytest.mark.slow
def test_equilibria_do_not_depend_on_strategy_order_or_process_count(tmp_path):
    (tmp_path / "a").mkdir()
    (tmp_path / "b").mkdir()
    first = run_game(plan_game(onlooker_game(tmp_path / "a")), workers=1)
    swapped = run_game(plan_game(onlooker_game(tmp_path / "b", order=("costly", "cheap"),
                                               us_order=("walk_away", "steady"))), workers=2)
    def named(result):
        return sorted(json.dumps(chosen(result, e), sort_keys=True) for e in result.equilibria)

    assert named(first) == named(swapped)
    # The payoff of each named profile is the same number, whichever position it has.
    np.testing.assert_array_equal(first.payoffs[:, 0, 1], swapped.payoffs[:, 1, 0])
    # And on a local Dask cluster, the same numbers.
    dasked = run_game(plan_game(onlooker_game(tmp_path / "a")), dask_local=True)
    np.testing.assert_array_equal(dasked.payoffs, first.payoffs)
    assert named(dasked) == named(first)


def test_the_known_mixed_equilibrium_of_a_noisy_two_by_two_game_is_found_within_the_noise():
    """Matching pennies estimated from simulated worlds (payoff +-1 plus noise): the equilibrium
    found from the estimated means is half-half within a few standard errors."""
    rng = np.random.default_rng(3)
    worlds = 4000
    truth = np.array([[[1, -1], [-1, 1]], [[-1, 1], [1, -1]]], dtype=float)
    estimated = truth + rng.normal(0, 1, size=(2, 2, 2, worlds)).mean(axis=-1)
    (row, column), = _mixed_equilibria(estimated)
    standard_error = 1 / np.sqrt(worlds)
    assert abs(row[0] - 0.5) < 5 * standard_error and abs(column[0] - 0.5) < 5 * standard_error


@pytest.mark.parametrize("change, message", [
    ("documented: {onlooker: cheap, us: nowhere}", "'nowhere' is not one of us's strategies"),
    ("worlds: 5", "worlds in [10, 1000000], found 5"),
    ("months: [300]", "a month in [1, 240], found 300"),
])
def test_bad_game_files_get_a_clear_error(tmp_path, capsys, change, message):
    path = onlooker_game(tmp_path)
    text = open(path).read()
    key = change.split(":")[0]
    lines = [line for line in text.splitlines() if not line.startswith(f"{key}:")]
    open(path, "w").write("\n".join([change, *lines]) + "\n")
    assert main(["game", path, "--quiet"]) == 2
    err = capsys.readouterr().err
    assert message in err and "game.yaml, line" in err and "Traceback" not in err


def test_a_strategy_may_set_only_its_own_players_choices(tmp_path, capsys):
    path = onlooker_game(tmp_path)
    text = open(path).read().replace("actors.us.levers.arms: 0.0", "actors.russia.levers.escalation: 2.0")
    open(path, "w").write(text)
    with pytest.raises(ScenarioError, match="sets only its own player's choices"):
        plan_game(path)


def test_three_player_matching_pennies_has_one_equilibrium_everyone_mixing_half_half():
    """Jordan's game: 1 wants to match 2, 2 to match 3, 3 to mismatch 1; no pure equilibrium, and
    the unique equilibrium is every player mixing 1/2 (Jordan 1993)."""
    a = np.array(list(np.ndindex(2, 2, 2))).reshape(2, 2, 2, 3)
    payoffs = np.stack([np.where(a[..., 0] == a[..., 1], 1.0, -1.0), np.where(a[..., 1] == a[..., 2], 1.0, -1.0),
                        np.where(a[..., 2] != a[..., 0], 1.0, -1.0)])
    assert pure_equilibria(payoffs) == []
    (equilibrium,) = _n_player_equilibria(payoffs)
    np.testing.assert_allclose(np.array(equilibrium), 0.5, atol=1e-6)


@pytest.mark.parametrize("seed", range(5))
def test_every_n_player_equilibrium_found_has_no_regret_and_all_pure_ones_are_found(seed):
    payoffs = np.random.default_rng(seed).normal(size=(3, 3, 2, 2))
    found = _n_player_equilibria(payoffs)
    assert all(regrets(payoffs, mixed).max() < 1e-6 for mixed in found)
    pure_found = {tuple(int(np.argmax(m)) for m in mixed) for mixed in found if all(m.max() == 1 for m in mixed)}
    assert pure_found == set(pure_equilibria(payoffs))


def test_quantal_response_of_independent_choices_is_the_logit_formula():
    """When no player's payoff depends on the others, the logit QRE is p_k ∝ exp(lambda u_k) for
    every lambda: the branch traced by pygambit must match it at each point."""
    own = [np.array([0.0, 0.01, 0.03]), np.array([0.02, 0.0])]
    payoffs = np.stack([np.broadcast_to(own[0][:, None], (3, 2)), np.broadcast_to(own[1][None, :], (3, 2))])
    branch = logit_branch(payoffs)
    assert branch[0].rationality == 0 and len(branch) > 5
    np.testing.assert_allclose(branch[0].mixed[0], 1 / 3)
    for point in branch:
        for u, m in zip(own, point.mixed, strict=True):
            expected = np.exp(point.rationality * u) / np.exp(point.rationality * u).sum()
            np.testing.assert_allclose(m, expected, atol=1e-6)
    assert branch[-1].mixed[0][2] > 0.99 and branch[-1].mixed[1][0] > 0.99


def test_a_deviation_search_simulates_fewer_profiles_and_confirms_only_true_equilibria(tmp_path, capsys):
    full = run_game(plan_game(onlooker_game(tmp_path)), workers=1)
    path = onlooker_game(tmp_path, extra="search: deviations\nrestarts: 0\n")
    searched = run_game(plan_game(path), workers=1)
    assert searched.simulated < full.simulated == 4 and not searched.complete
    true_pure = [tuple(int(np.argmax(m)) for m in eq.mixed) for eq in full.equilibria if eq.is_pure]
    assert searched.equilibria and all(tuple(int(np.argmax(m)) for m in eq.mixed) in true_pure
                                       for eq in searched.equilibria)
    for profile in searched.outcomes:   # common random numbers: the same number as in the full game
        np.testing.assert_array_equal(searched.payoffs[(slice(None), *profile)], full.payoffs[(slice(None), *profile)])
    np.testing.assert_array_equal(searched.documented.regret, full.documented.regret)
    assert main(["game", path, "--quiet", "--out", str(tmp_path / "out")]) == 0
    out = capsys.readouterr().out
    assert f"{searched.simulated} of 4 strategy profiles simulated" in out and "Note: only the profiles" in out
    assert not (tmp_path / "out" / "quantal_response.png").exists()


def test_a_two_player_game_draws_its_bimatrix_and_quantal_response(tmp_path, capsys):
    assert main(["game", onlooker_game(tmp_path), "--quiet", "--out", str(tmp_path / "out")]) == 0
    out = capsys.readouterr().out
    assert "Logit quantal response" in out and "Best responses" in out
    payload = json.loads((tmp_path / "out" / "game.json").read_text())
    branch = payload["quantal_response"]
    assert branch[0]["lambda"] == 0 and branch[-1]["strategies"]["onlooker"]["cheap"] > 0.99
    replies = payload["best_responses"]["onlooker"]   # dominance: 'cheap' against each US strategy
    assert sorted(r["others"]["us"] for r in replies) == ["steady", "walk_away"]
    assert all(r["best"] == ["cheap"] for r in replies)
    for name in ("game.png", "quantal_response.png"):
        assert (tmp_path / "out" / name).stat().st_size > 10_000


def test_a_degenerate_three_player_game_keeps_every_pure_equilibrium():
    """A player indifferent everywhere (a degenerate game): every pure equilibrium is still listed,
    whatever the polynomial solver makes of the continuum."""
    import sim.analysis.games as games

    payoffs = np.zeros((3, 2, 2, 2))
    payoffs[0] = np.array([[[2, 2], [0, 0]], [[0, 0], [1, 1]]])   # 1 wants to match 2
    payoffs[1] = np.array([[[2, 2], [0, 0]], [[0, 0], [1, 1]]])   # 2 wants to match 1; 3 indifferent
    truth = set(pure_equilibria(payoffs))
    assert truth == {(0, 0, 0), (0, 0, 1), (1, 1, 0), (1, 1, 1)}
    found = games.equilibria_of(payoffs)
    listed = {tuple(int(np.argmax(m)) for m in mixed) for mixed in found if all(m.max() == 1 for m in mixed)}
    assert truth <= listed
