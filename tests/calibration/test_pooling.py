"""Structural variants weighted by the record's likelihood: the likelihood by hand, the weights, the pool."""

import numpy as np
import pytest
from scipy.special import logsumexp

from sim.calibration.pooling import pool_variants
from sim.cli import main
from sim.engine import load_scenario
from sim.engine.replay import backtest
from sim.scenario.evidence import load_events

from ..conftest import SCENARIOS

WORLDS = 600
RECORD = load_events(SCENARIOS / "evidence" / "events.yaml")[0]


def test_the_records_likelihood_is_the_mean_over_worlds_of_the_product_of_its_decisions():
    result, _ = backtest(load_scenario(SCENARIOS / "baseline.yaml").scenario, RECORD, worlds=WORLDS)
    product = np.prod([d.probability for d in result.scored], axis=0)
    assert result.log_likelihood() == pytest.approx(np.log(product.mean()), rel=1e-9)
    with np.errstate(divide="ignore"):   # a world that contradicts the record has probability 0
        assert result.log_likelihood() == pytest.approx(logsumexp(np.log(product)) - np.log(WORLDS), rel=1e-12)


@pytest.fixture(scope="module")
def pooled(tmp_path_factory):
    """The baseline with two variants: one that changes nothing, one that drops Russia's Donbas cost
    (so Russia accepts the ceasefires the record shows it refusing)."""
    folder = tmp_path_factory.mktemp("pool")
    path = folder / "pool.yaml"
    path.write_text(f"""extends: {SCENARIOS / 'baseline.yaml'}
name: pool
variants:
  the_same:
    description: the US sanctions lever at the value the baseline gives it
    why: a variant that changes nothing must fit exactly as well
    set: {{actors.us.levers.sanctions: 0.3}}
  no_donbas_cost:
    description: Russia pays nothing for a deal that leaves Ukraine the Donbas
    why: a variant the record should count against
    set: {{actors.russia.red_lines.0.cost: 0.0}}
""")
    loaded = load_scenario(path, extends_roots=(folder, SCENARIOS))
    # the pool's own variants only (the baseline's are inherited too)
    return pool_variants(loaded, RECORD, worlds=WORLDS, only=["the_same", "no_donbas_cost"])


def test_weights_follow_the_likelihood_and_the_pool_lies_between_the_variants(pooled):
    fits, pool = pooled
    by_name = {f.name: f for f in fits}
    assert set(by_name) == {"as written", "the_same", "no_donbas_cost"}
    assert sum(f.weight for f in fits) == pytest.approx(1.0)
    logs = np.array([f.log_likelihood for f in fits])
    np.testing.assert_allclose([f.weight for f in fits], np.exp(logs - logsumexp(logs)), rtol=1e-9)
    assert by_name["the_same"].log_likelihood == by_name["as written"].log_likelihood
    assert by_name["the_same"].forecast == by_name["as written"].forecast
    # Without its Donbas cost Russia would have accepted the 2025 ceasefires: the record counts against it.
    assert by_name["no_donbas_cost"].log_likelihood < by_name["as written"].log_likelihood - 2
    assert by_name["no_donbas_cost"].forecast[6] > 0.9
    for month, p in pool.items():
        values = [f.forecast[month] for f in fits]
        assert min(values) - 1e-12 <= p <= max(values) + 1e-12
        assert p == pytest.approx(sum(f.weight * f.forecast[month] for f in fits))


def test_the_command_prints_the_pool(capsys):
    assert main(["backtest", "--worlds", "300", "--quiet", "--variants",
                 "--events", str(SCENARIOS / "evidence" / "events.yaml")]) == 0
    printed = capsys.readouterr().out
    assert "Structural variants weighted by the record's likelihood" in printed
    assert "pooled (weighted)" in printed and "ceasefire_first" in printed
