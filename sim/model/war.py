"""War and economy, month by month: pressure levels, the front, casualties, Russia's economic strain.

Pure numpy over worlds; the actors' levers come in as arguments, the state that their costs and
beliefs read goes out. How each lever reaches the war is declared once, in
:data:`sim.scenario.levers.LEVER_TABLE`. Calibration sources are in ``scenarios/baseline.yaml``;
equations in ``docs/model.md`` [5].
"""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np

from sim.scenario.levers import CHANNELS, LEVER, levers_of
from sim.scenario.schema import Scenario

from .streams import ParameterDraws, WorldStreams

Levels = Mapping[str, np.ndarray | float]
"""One actor's lever levels by lever name."""

PRESSURE_CHANNELS = ("aid", "intelligence", "sanctions")
"""The channels through which supporters' levers move the war, each combined over actors as its
:class:`~sim.scenario.levers.Channel` says."""

TERRITORY_DEALS = ("no deal", "freeze the line", "a partial withdrawal", "withdrawal from the rest of the Donbas",
                   "withdrawal from all four regions")
"""What a deal's territory term does, by the index :meth:`WarState.territory_deal` gives it (seeds 001, 003)."""
TERRITORY_TOLERANCE = 1e-6
"""How far (on the territory scale, about 0.14 km2) a term may sit from a line and still be on it."""


def _pressure_channel(name: str) -> tuple[str, str, tuple[tuple[str, float], ...], bool]:
    """(channel, the support parameter scaling it, its levers with their weights, whether the best
    provider counts)."""
    channel = CHANNELS[name]
    if channel.scaled_by is None or channel.combine == "own":
        raise ValueError(f"pressure channel {name!r} needs a scaling parameter and a way to combine actors")
    return name, channel.scaled_by, tuple((lever, LEVER[lever].weight) for lever in levers_of(name)), \
        channel.combine == "max"


_PRESSURE = tuple(_pressure_channel(name) for name in PRESSURE_CHANNELS)


class WarState:
    """The battlefield and economy of every world.

    Args:
        scenario: the checked scenario (its battlefield, economy and each actor's support and side).
        n_worlds: how many worlds.
        draw: draws each parameter per world by its key path.
    """

    def __init__(self, scenario: Scenario, n_worlds: int, draw: ParameterDraws):
        spec = scenario.battlefield
        econ = scenario.economy
        n = n_worlds
        self.n_worlds = n
        self.support = {actor_id: actor.support for actor_id, actor in scenario.actors.items()}
        self.side = {actor_id: actor.side if actor.role == "belligerent" else None
                     for actor_id, actor in scenario.actors.items()}

        self.scale_km2 = spec.territory_scale_km2
        self._front_of: np.ndarray | None = None   # the occupied area self._front was computed from
        self._front = np.zeros(0)
        self.occupied_km2 = np.broadcast_to(
            draw("battlefield.start_occupied_km2", spec.start_occupied_km2), (n,)).astype(float)
        self.base_advance = draw("battlefield.advance_km2_per_month", spec.advance_km2_per_month)
        self.advance_volatility = draw("battlefield.advance_volatility", spec.advance_volatility)
        self.advance_trend = draw("battlefield.advance_trend", spec.advance_trend)
        self.arms_effect = draw("battlefield.arms_effect", spec.arms_effect)
        self.intelligence_effect = draw("battlefield.intelligence_effect", spec.intelligence_effect)
        self.escalation_effect = draw("battlefield.escalation_effect", spec.escalation_effect)
        self.breakthrough_factor = draw("battlefield.breakthrough_factor", spec.breakthrough_factor)
        # The true balance of power (log shift of the attacker's advance), which no belligerent knows.
        self.true_shift = draw("battlefield.true_advance_shift", spec.true_advance_shift)
        self.casualty_rate = {actor: draw(f"battlefield.casualties_per_month.{actor}", prior)
                              for actor, prior in spec.casualties_per_month.items()}
        self.casualty_response = {actor: draw(f"battlefield.casualty_response.{actor}", spec.casualty_response[actor])
                                  if actor in spec.casualty_response else 0.0 for actor in spec.casualties_per_month}
        self.retaliation = draw("battlefield.retaliation", spec.retaliation)
        self.casualty_volatility = draw("battlefield.casualty_volatility", spec.casualty_volatility)
        self.baseline_escalation = spec.baseline_escalation
        self.baseline_aid = spec.baseline_aid
        self.baseline_intelligence = spec.baseline_intelligence
        self.ceasefire_casualty_share = spec.ceasefire_casualty_share

        # The front by place (battlefield.donbas): Ukraine's remaining Donbas area, and the share of each
        # month's advance that falls there while some is left (calibration-facts.md: DeepState, public reporting).
        donbas = spec.donbas
        self.has_donbas = donbas is not None
        self.donbas_held_km2 = np.zeros(n)
        self.donbas_share: np.ndarray | float = 0.0
        if donbas is not None:
            self.donbas_held_km2 = np.broadcast_to(draw("battlefield.donbas.held_km2", donbas.held_km2), (n,)).astype(float)
            self.donbas_share = draw("battlefield.donbas.share_of_advance", donbas.share_of_advance)

        self.strain_start = draw("economy.strain_start", econ.strain_start)
        self.strain = np.broadcast_to(self.strain_start, (n,)).astype(float)
        self.sanctions_effect = draw("economy.sanctions_effect", econ.sanctions_effect)
        self.adjustment_rate = draw("economy.adjustment_rate", econ.adjustment_rate)
        self.deep_strike_effect = draw("economy.deep_strike_effect", econ.deep_strike_effect)
        self.economy_volatility = draw("economy.volatility", econ.volatility)
        self.baseline_sanctions = econ.baseline_sanctions

        zeros = np.zeros(n)
        self.aid = zeros + self.baseline_aid
        self.intelligence = zeros + self.baseline_intelligence
        self.sanctions = zeros + self.baseline_sanctions
        self.escalation = zeros.copy()
        self.deep_strikes = zeros.copy()
        self.aid_gap = zeros.copy()
        self.advance = zeros.copy()
        self.expected_advance = zeros + self.base_advance
        self.balance = zeros.copy()           # this month's pressure on the front, log units of the advance
        self.log_advance_residual = zeros.copy()
        self.casualties = {actor: zeros.copy() for actor in self.casualty_rate}
        self.casualties_if_fighting = {actor: zeros.copy() for actor in self.casualty_rate}   # what war would cost
        self.cumulative_casualties = {actor: zeros.copy() for actor in self.casualty_rate}

    @property
    def front(self) -> np.ndarray:
        """The line of contact on the territory scale: occupied area / territory scale, in [0, 1].
        Computed once for each occupied area the war reaches (a month asks for it about twenty times)
        and read-only, so no reader can change it for the others."""
        if self._front_of is not self.occupied_km2:   # the war replaces the area; it never changes it in place
            self._front = self.occupied_km2 / self.scale_km2
            self._front.flags.writeable = False
            self._front_of = self.occupied_km2
        return self._front

    @property
    def donbas_left(self) -> np.ndarray:
        """Ukraine's remaining Donbas area on the territory scale (N,): how far beyond the front the line
        would be if Ukraine left the rest of Donetsk and Luhansk (0 without a Donbas sector)."""
        return self.donbas_held_km2 / self.scale_km2

    def territory_deal(self, territory: np.ndarray, worlds: np.ndarray) -> np.ndarray:
        """What a deal's territory term does at ``worlds`` (a mask), as an index into
        :data:`TERRITORY_DEALS` (0 is "no deal"): a freeze of the line, a withdrawal from part of what
        Ukraine holds short of the Donbas, from the rest of the Donbas (seed 003's demand, with a
        Donbas sector), or from all four regions (seed 001's). ``territory`` holds the terms at ``worlds``."""
        front = self.front[worlds]
        beyond = territory > front + TERRITORY_TOLERANCE
        donbas_met = territory >= front + self.donbas_left[worlds] - TERRITORY_TOLERANCE
        deal = np.where(beyond, 2, 1)
        if self.has_donbas:
            deal = np.where(beyond & donbas_met, 3, deal)
        return np.where(beyond & (territory >= 1.0 - TERRITORY_TOLERANCE), 4, deal).astype(np.int8)

    def apply_pressure(self, levers: Mapping[str, Levels], relief_agreed: np.ndarray | None) -> None:
        """Aggregate the actors' levers (by actor, in the scenario's order) into aid, intelligence,
        sanctions and escalation levels, each through its channel. ``relief_agreed`` (N,) is the
        sanctions relief of a ceasefire in force (0 where none is), which lifts that share of the
        sanctions; None where no issue is sanctions relief."""
        level = {channel: np.zeros(self.n_worlds) for channel in PRESSURE_CHANNELS}
        escalation = np.zeros(self.n_worlds)
        deep_strikes = np.zeros(self.n_worlds)
        for actor_id, own in levers.items():
            for channel, scaled_by, weighted, best_counts in _PRESSURE:
                # The actor's share times the weighted sum of the channel's levers (aid: half arms, half aid).
                scaled = getattr(self.support[actor_id], scaled_by) * sum(weight * own[name] for name, weight in weighted)
                level[channel] = np.maximum(level[channel], scaled) if best_counts else level[channel] + scaled
            if self.side[actor_id] == "attacker":
                escalation = escalation + own["escalation"]
            elif self.side[actor_id] == "defender":
                deep_strikes = deep_strikes + own["escalation"]
        escalation = escalation + self.retaliation * deep_strikes   # the escalation risk of deep strikes
        sanctions = level["sanctions"]
        if relief_agreed is not None:
            sanctions = sanctions * (1.0 - np.nan_to_num(relief_agreed))
        self.aid, self.intelligence, self.sanctions = level["aid"], level["intelligence"], sanctions
        self.escalation, self.deep_strikes = escalation, deep_strikes
        self.aid_gap = np.maximum(0.0, self.baseline_aid - self.aid) / self.baseline_aid

    def step(self, levers: Mapping[str, Levels], relief_agreed: np.ndarray | None, in_ceasefire: np.ndarray,
             month: int, streams: WorldStreams) -> None:
        """One month (1-based) of fighting (or of ceasefire, where ``in_ceasefire``) and of Russia's economy."""
        # What the belligerents expected of this month: last month's pressure carried forward (the
        # documented conditions before month 1), so a change of pressure surprises them once [5].
        forecast_balance = self.balance
        self.apply_pressure(levers, relief_agreed)
        t = month - 1
        fighting = ~in_ceasefire
        # The balance of pressure: log change of the attacker's mean advance from the documented rate.
        self.balance = (self.arms_effect * (self.baseline_aid - self.aid)
                        + self.intelligence_effect * (self.baseline_intelligence - self.intelligence)
                        + self.escalation_effect * (self.escalation - self.baseline_escalation))
        self.expected_advance = self.base_advance * (1.0 + self.advance_trend) ** t * np.exp(self.balance)
        sigma = self.advance_volatility
        z = streams.monthly_normal("battle")[:, t]
        # log(observed) - log(the median the belligerents forecast): luck plus the pressure they did not expect.
        # The truth's shift, luck and the pressure they did not expect; the advance itself at the true balance.
        self.log_advance_residual = self.true_shift + sigma * z + (self.balance - forecast_balance)
        self.advance = np.where(fighting, self.expected_advance * np.exp(self.true_shift + sigma * z - 0.5 * sigma ** 2),
                                0.0)
        occupied = np.minimum(self.occupied_km2 + self.advance, self.scale_km2)
        if self.has_donbas:   # the Donbas's share of the land taken, while Ukraine holds some of it
            taken = np.minimum(self.donbas_held_km2, self.donbas_share * (occupied - self.occupied_km2))
            self.donbas_held_km2 = self.donbas_held_km2 - taken
        self.occupied_km2 = occupied

        share = np.where(fighting, 1.0, self.ceasefire_casualty_share)
        cv = self.casualty_volatility
        for actor, rate in self.casualty_rate.items():
            # Pressure that speeds the attacker's advance costs the defender lives and spares the attacker's.
            sign = 1.0 if self.side.get(actor) == "defender" else -1.0
            response = np.exp(sign * self.casualty_response[actor] * self.balance)
            shock = np.exp(cv * streams.monthly_normal(f"casualties:{actor}")[:, t] - 0.5 * cv ** 2)
            self.casualties_if_fighting[actor] = rate * response * shock
            self.casualties[actor] = self.casualties_if_fighting[actor] * share
            self.cumulative_casualties[actor] = self.cumulative_casualties[actor] + self.casualties[actor]

        target = (self.strain_start + self.sanctions_effect * (self.sanctions - self.baseline_sanctions)
                  + self.deep_strike_effect * self.deep_strikes)
        shock = self.economy_volatility * streams.monthly_normal("economy")[:, t]
        self.strain = np.clip(self.strain + self.adjustment_rate * (target - self.strain) + shock, 0.0, 1.0)
