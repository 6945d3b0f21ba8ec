"""The lever table: every lever declared once, with a channel, a range and its lesson."""

import pytest

from sim.scenario.levers import CHANNELS, LEVER_TABLE, LEVERS, lever_without_channel
from sim.scenario.schema import Support

from ..conftest import ROOT


def test_every_lever_has_a_lesson_or_says_why_not():
    for lever in LEVER_TABLE:
        if lever.lesson is None:
            assert lever.no_lesson, f"{lever.name}: no lesson, and no reason given"
            continue
        file, title = lever.lesson
        heading = (ROOT / "docs" / "teaching" / file).read_text().splitlines()[0]
        assert heading.startswith(f"# {title.split(':')[0]} "), (lever.name, file, heading)


def test_every_channel_is_used_and_scaled_by_a_support_parameter():
    assert {lever.channel for lever in LEVER_TABLE} == set(CHANNELS)
    for channel in CHANNELS.values():
        assert channel.scaled_by is None or channel.scaled_by in Support.model_fields
        assert channel.combine in ("sum", "max", "own")


def test_ranges_hold_the_default_and_offers_stay_on_the_issue_scale():
    assert LEVERS == tuple(lever.name for lever in LEVER_TABLE)
    for lever in LEVER_TABLE:
        low, high = lever.sweep_range
        assert low <= lever.default <= high
        assert not lever.is_offer or (low, high) == (0.0, 1.0)


@pytest.mark.parametrize("lever", LEVERS)
def test_a_lever_without_channel_is_explained(baseline, lever):
    for actor_id in baseline.scenario.actors:
        reason = lever_without_channel(lever, actor_id, baseline.scenario)
        assert reason is None or reason.startswith(("its ", "it ", "only "))


def test_the_defenders_aid_is_the_mean_of_arms_and_financial_aid():
    """docs/model.md [5]: aid = sum over actors of aid_share x (arms + financial aid) / 2; a new lever
    on a channel comes with its own weight and dilutes none of the others."""
    from sim.scenario.levers import LEVER, levers_of

    assert levers_of("aid") == ("arms", "financial_aid")
    assert [LEVER[name].weight for name in levers_of("aid")] == [0.5, 0.5]
    assert all(LEVER[name].weight == 1.0 for channel in ("intelligence", "sanctions") for name in levers_of(channel))
