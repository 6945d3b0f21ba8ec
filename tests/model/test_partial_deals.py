"""Partial deals as repeated processes: exchanges that recur, truces that renew less readily once broken."""

import numpy as np

from .test_pressure_channels import run as run_baseline
from .test_pressure_channels import significant as paired_z

WORLDS = 3000


def run(overrides: dict, months: int = 24):
    return run_baseline(overrides, months=months, worlds=WORLDS)


def test_a_truce_once_broken_renews_less_readily():
    plain = run({"partial_deals.energy_truce.renewal_penalty": 0.0})
    scarred = run({"partial_deals.energy_truce.renewal_penalty": 0.02})
    before, after = (m.state.partial["energy_truce"] for m in (plain, scarred))
    assert before.agreements.mean() > 2 and paired_z(before.agreements, after.agreements) < -5
    # the first agreement comes before any breakdown, so it is the same world by world
    np.testing.assert_array_equal(before.first_month, after.first_month)


def test_an_exchange_that_repeats_is_a_count_process():
    once = run({"partial_deals.prisoner_exchange.repeats": False})
    again = run({"partial_deals.prisoner_exchange.repeats": True})
    counts = [m.state.partial["prisoner_exchange"].agreements for m in (once, again)]
    assert counts[0].max() == 1 and counts[1].max() > 1 and np.all(counts[1] >= counts[0])
    np.testing.assert_array_equal(once.state.partial["prisoner_exchange"].first_month,
                                  again.state.partial["prisoner_exchange"].first_month)


def test_a_deal_offered_during_a_ceasefire_is_not_crowded_out_by_it():
    plain = run({"partial_deals.prisoner_exchange.during_ceasefire": False})
    kept = run({"partial_deals.prisoner_exchange.during_ceasefire": True})
    in_ceasefire = plain.state.history["in_ceasefire"]
    assert in_ceasefire.any()
    exchanged = [m.state.history["partial_prisoner_exchange"] for m in (plain, kept)]
    assert not (exchanged[0] & in_ceasefire).any() and (exchanged[1] & kept.state.history["in_ceasefire"]).any()
