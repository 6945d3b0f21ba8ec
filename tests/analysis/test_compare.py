"""Comparing strategies: common random numbers, measured; theory-backed directions."""

import json

import numpy as np
import pytest

from sim.analysis.compare import compare, comparison_rows, reached_by
from sim.cli import main
from sim.engine import build_model, load_scenario
from sim.engine.run import run_scenario

from ..conftest import SCENARIOS

WORLDS = 4000


def test_common_random_numbers_make_paired_differences_tighter():
    base = load_scenario(SCENARIOS / "baseline.yaml")
    other = load_scenario(SCENARIOS / "maximum_pressure.yaml")
    a = reached_by(run_scenario(base, worlds=WORLDS), 12).astype(float)
    b_same = reached_by(run_scenario(other, worlds=WORLDS), 12).astype(float)
    b_indep = reached_by(run_scenario(other, worlds=WORLDS, seed=12345), 12).astype(float)
    var_paired = np.var(b_same - a, ddof=1)
    var_indep = np.var(b_indep, ddof=1) + np.var(a, ddof=1)  # variance of a difference of independent runs
    # By month 12, before the front reaches the Donbas line in most worlds, the two strategies agree in
    # most worlds: the paired variance is a small fraction of the independent one (measured: about 0.3).
    assert var_paired < 0.5 * var_indep, (var_paired, var_indep)


def test_compare_rows_have_intervals_and_zero_difference_against_itself():
    base = load_scenario(SCENARIOS / "baseline.yaml")
    rows = comparison_rows(compare([base, base], worlds=2000))
    for m in (6, 12, 24):
        assert rows[1][f"p_ceasefire_{m}m_diff"] == 0.0
        assert rows[0][f"p_ceasefire_{m}m_low"] <= rows[0][f"p_ceasefire_{m}m"] <= rows[0][f"p_ceasefire_{m}m_high"]


def test_compare_cli_json_csv_and_figure(tmp_path, capsys):
    files = [str(SCENARIOS / name) for name in ("baseline.yaml", "us_walks_away.yaml")]
    assert main(["compare", *files, "--worlds", "1000", "--json"]) == 0
    payload = json.loads(capsys.readouterr().out)
    assert [row["scenario"] for row in payload["scenarios"]] == ["baseline", "US walks away"]
    assert main(["compare", *files, "--worlds", "1000", "--csv", "--out", str(tmp_path)]) == 0
    csv_text = capsys.readouterr().out
    assert csv_text.splitlines()[0].startswith("scenario,file,start,worlds") and len(csv_text.splitlines()) == 3
    assert (tmp_path / "comparison.png").stat().st_size > 10_000
    assert main(["compare", *files, "--worlds", "1000"]) == 0
    assert "Paired difference" in capsys.readouterr().out


def test_us_walk_away_with_aid_cut_never_raises_ukraines_value_of_fighting():
    base = build_model(load_scenario(SCENARIOS / "baseline.yaml").scenario, worlds=2000)
    away = build_model(load_scenario(SCENARIOS / "us_walks_away.yaml").scenario, worlds=2000)
    for _ in range(3):
        base.step()
        away.step()
        both_at_war = ~base.state.in_ceasefire & ~away.state.in_ceasefire
        assert np.all(away.defender.war_value[both_at_war] <= base.defender.war_value[both_at_war] + 1e-12)


@pytest.mark.parametrize("cost", ["economic_strain", "per_10k_casualties", "base"])
def test_raising_russias_cost_of_war_never_lowers_acceptance_of_a_package(cost):
    loaded = load_scenario(SCENARIOS / "baseline.yaml")
    plain = build_model(loaded.scenario, worlds=2000)
    for _ in range(4):
        plain.step()
    terms, settled = plain.state.last_round.terms, plain.state.last_round.settled
    noise = plain.streams.monthly_normal("accept:russia")[:, 3]
    plain.attacker.prepare_round(plain.state)   # the value of war after the month's learning, as "after" sees it
    before = plain.attacker.assess(plain.state, terms, settled, noise=noise).accept
    plain.attacker.cost[cost] = plain.attacker.cost[cost] + 0.05
    plain.attacker.prepare_round(plain.state)
    after = plain.attacker.assess(plain.state, terms, settled, noise=noise).accept
    assert np.all(after >= before) and after.sum() > before.sum()


def test_structural_variants_run_side_by_side_and_a_bad_variant_is_a_clear_error(tmp_path, capsys):
    out = tmp_path / "variants"
    assert main(["run", str(SCENARIOS / "baseline.yaml"), "--variants", "--worlds", "1000", "--set",
                 "horizon_months=6", "--set", "report_months=[3, 6]", "--set", "durable_months=3",
                 "--out", str(out)]) == 0
    text = capsys.readouterr().out
    assert "Spread across the structural variants" in text
    payload = json.loads((out / "variants.json").read_text())
    names = [row["scenario"] for row in payload["scenarios"]]
    baseline = load_scenario(SCENARIOS / "baseline.yaml").scenario
    assert names[1:] == list(baseline.variants) and len(names) == len(baseline.variants) + 1
    # Common random numbers: the variant that changes nothing before month 6 (the Donbas line that
    # moves with the front binds only as the front nears 0.88) has a zero paired difference at 3 months.
    row = next(r for r in payload["scenarios"] if r["scenario"] == "donbas_demand_moves_with_front")
    assert row["p_ceasefire_3m_diff_low"] <= 0 <= row["p_ceasefire_3m_diff_high"]
    assert abs(row["p_ceasefire_3m_diff"]) < 0.01
    for row in payload["scenarios"]:
        assert row["p_settlement_6m"] <= row["p_ceasefire_6m"]

    bad = tmp_path / "bad.yaml"
    bad.write_text(f"extends: {SCENARIOS / 'baseline.yaml'}\nvariants:\n  typo:\n    set: "
                   "{negotiation.serch: curve}\n")
    assert main(["run", str(bad), "--variants", "--worlds", "1000"]) == 2
    error = capsys.readouterr().err
    assert "variant 'typo'" in error and "variants.typo.set" in error and "serch" in error


class _Terminal:
    """A stand-in for a terminal's stderr: tqdm draws on it only because it says it is a TTY."""

    def __init__(self, tty: bool):
        self.tty, self.text = tty, ""

    def isatty(self) -> bool:
        return self.tty

    def write(self, text: str) -> int:
        self.text += text
        return len(text)

    def flush(self) -> None:
        pass


@pytest.mark.parametrize("tty", [True, False])
def test_compare_shows_progress_on_a_terminal_only(tty, monkeypatch, capsys):
    """negsim compare draws a bar with the worlds of every scenario on a terminal, and writes
    nothing to stderr when it is not one (a pipe, a log file)."""
    import sys

    from sim.cli import main

    terminal = _Terminal(tty)
    monkeypatch.setattr(sys, "stderr", terminal)
    assert main(["compare", str(SCENARIOS / "baseline.yaml"), str(SCENARIOS / "us_walks_away.yaml"),
                 "--worlds", "1500"]) == 0
    capsys.readouterr()
    if tty:
        assert "3000/3000" in terminal.text and "world" in terminal.text
    else:
        assert terminal.text == ""
