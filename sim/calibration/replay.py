"""Replay the record month by month: documented actions forced, documented decisions scored and
then imposed (so each month starts from what really happened), everything else simulated.

For every documented decision the replay gives the model's probability of what happened, and for
every world whether that world's simulated choice matched the record (which the calibration uses).
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
from scipy.stats import norm

from sim.model import NegotiationModel
from sim.scenario.schema import Scenario

from .evidence import Event, Record


@dataclass
class Decision:
    """One scored piece of the record."""

    event: str
    date: str
    label: str
    documented: str
    matched: np.ndarray          # per world: the simulated outcome equals the documented one
    probability: np.ndarray      # per world: the model's probability of the documented outcome
    contested: bool = False
    accounts: list[str] = field(default_factory=list)

    @property
    def p(self) -> float:
        return float(self.probability.mean())


class ReplayModel(NegotiationModel):
    """The negotiation model, held to the record while it is documented."""

    def __init__(self, scenario: Scenario, record: Record, **kwargs):
        super().__init__(scenario, **kwargs)
        self.event_record = record
        self.schedule_by_month = {e.month: e.package for e in record.events if e.kind == "proposal"}
        self.decisions: list[Decision] = []

    def _events(self, month: int, kind: str) -> list[Event]:
        return [e for e in self.event_record.events if e.kind == kind and e.month == month]

    def after_pressure(self, month: int) -> None:
        for event in self.event_record.events:
            if event.kind == "action" and event.month <= month <= event.last_month:
                actor = self.actors[event.actor]
                actor.levers = {**actor.levers, **{k: np.full(self.n_worlds, v) for k, v in event.levers.items()}}

    def forced_partial_offers(self, month: int) -> set[str]:
        return {e.deal for e in self._events(month, "partial")}

    def negotiation_round(self, t: int) -> None:
        super().negotiation_round(t)
        record = self.last_round
        for event in self._events(t, "proposal"):
            self._score_proposal(event, record)
        for event in self._events(t, "partial"):
            self._score_partial(event, record)
        for event in self._events(t, "outcome"):
            reached = self.first_ceasefire_month > 0
            matched = reached == bool(event.general_ceasefire)
            label = "a general ceasefire by then" if event.general_ceasefire else "no general ceasefire by then"
            self.decisions.append(Decision(event.id, str(event.date), label, label, matched, matched.astype(float)))

    def _score_proposal(self, event: Event, record) -> None:
        names = {a.actor_id: a.name for a in self.agents}
        for actor_id, documented in event.decisions.items():
            assessment = record.assessments[actor_id]
            accept = assessment.accept
            # Probability under the random-utility shock: P(S + sd z > 0), zero across a hard line.
            sd = np.maximum(np.broadcast_to(self.actors[actor_id].noise_sd, accept.shape), 1e-12)
            p_accept = np.where(assessment.hard_violation, 0.0, norm.cdf(assessment.surplus / sd))
            wanted = documented == "accept"
            self.decisions.append(Decision(
                event.id, str(event.date), f"{names[actor_id]} {documented}s '{event.package}'", documented,
                accept == wanted, p_accept if wanted else 1.0 - p_accept))
        # Impose the record: every documented general proposal of the period was refused.
        if not all(d == "accept" for d in event.decisions.values()):
            self._undo_agreement(record)

    def _undo_agreement(self, record) -> None:
        agreed = record.agreed & (self.first_ceasefire_month == record.month)
        self.in_ceasefire &= ~agreed
        self.first_ceasefire_month[agreed] = 0
        self.first_terms[agreed] = np.nan
        self.ceasefire_terms[agreed] = np.nan

    def _score_partial(self, event: Event, record) -> None:
        names = {a.actor_id: a.name for a in self.agents}
        deal = self.partial[event.deal]
        decision = record.partial[event.deal]
        for actor_id, documented in {**event.decisions, **{a: None for a in event.contested}}.items():
            value = deal["value"][actor_id] + deal["goodwill"][actor_id] * record.leverage
            sd = np.maximum(np.broadcast_to(self.actors[actor_id].noise_sd, (self.n_worlds,)), 1e-12)
            p_accept = norm.cdf(value / sd)
            if documented is None:  # contested: report under each account, impose nothing
                for source in event.contested[actor_id]:
                    wanted = source.decision == "accept"
                    self.decisions.append(Decision(
                        event.id, str(event.date), f"{names[actor_id]} {source.decision}s the {event.deal.replace('_', ' ')} "
                        f"(seed {source.seed})", source.decision, decision[actor_id] == wanted,
                        p_accept if wanted else 1.0 - p_accept, contested=True))
                continue
            wanted = documented == "accept"
            self.decisions.append(Decision(
                event.id, str(event.date), f"{names[actor_id]} {documented}s the {event.deal.replace('_', ' ')}",
                documented, decision[actor_id] == wanted, p_accept if wanted else 1.0 - p_accept))
        if event.contested:
            return
        agreed = all(d == "accept" for d in event.decisions.values())
        deal["in_force"] = np.full(self.n_worlds, agreed and not deal["spec"].one_off)
        if agreed:
            deal["first_month"][deal["first_month"] == 0] = event.month
        if event.broken is not None and agreed:
            hazard = np.broadcast_to(deal["hazard"], (self.n_worlds,))
            broke = self.streams.monthly_uniform(f"partial_break:{event.deal}")[:, min(event.month, self.horizon - 1)] < hazard
            self.decisions.append(Decision(
                event.id, str(event.date), f"the {event.deal.replace('_', ' ')} breaks down within a month",
                "broken" if event.broken else "held", broke == event.broken,
                hazard if event.broken else 1.0 - hazard))
            deal["in_force"] = np.zeros(self.n_worlds, dtype=bool) if event.broken else deal["in_force"]


def replay(scenario: Scenario, record: Record, worlds: int, seed: int | None = None,
           posterior=None) -> ReplayModel:
    """Run the replay for as many months as the record covers (at least 12)."""
    months = max([12, *(e.last_month for e in record.events)])
    model = ReplayModel(scenario, record, n_worlds=worlds, seed=seed, keep_rounds=False, posterior=posterior)
    for _ in range(min(months, scenario.horizon_months)):
        model.step()
    return model


@dataclass
class Backtest:
    decisions: list[Decision]
    worlds: int

    @property
    def scored(self) -> list[Decision]:
        return [d for d in self.decisions if not d.contested]

    @property
    def brier(self) -> float:
        return float(np.mean([(1.0 - d.p) ** 2 for d in self.scored]))

    @property
    def log_score(self) -> float:
        return float(np.mean([-np.log(max(d.p, 1e-6)) for d in self.scored]))

    @property
    def all_majority(self) -> bool:
        return all(d.p > 0.5 for d in self.scored)

    def matched_all(self) -> np.ndarray:
        """Per world: every scored decision of the world's replay matched the record."""
        return np.logical_and.reduce([d.matched for d in self.scored])


def backtest(scenario: Scenario, record: Record, worlds: int = 10_000, seed: int | None = None,
             posterior=None) -> tuple[Backtest, ReplayModel]:
    model = replay(scenario, record, worlds, seed, posterior)
    return Backtest(sorted(model.decisions, key=lambda d: d.date), worlds), model
