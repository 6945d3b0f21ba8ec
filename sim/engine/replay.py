"""Replay the record month by month: documented actions forced, documented decisions scored and
then imposed (so each month starts from what really happened), everything else simulated.

For every documented decision the replay gives the model's probability of what happened, and for
every world whether that world's simulated choice matched the record (which the calibration uses).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field, replace

import numpy as np
from scipy.special import logsumexp, ndtr  # ndtr is norm.cdf (scipy.stats costs 0.4 s to import)

from sim.model.model import NegotiationModel, RoundRecord
from sim.scenario.evidence import Event, Record
from sim.scenario.schema import Scenario

from .build import build_model


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
    rule: float = 1.0            # the trivial rule's probability of the documented outcome (see TRIVIAL_RULE)
    acceptance: bool = False     # an accept/reject decision (the base rate forecasts these)

    @property
    def p(self) -> float:
        return float(self.probability.mean())


TRIVIAL_RULE = ("Ukraine accepts a bare ceasefire at the front and rejects any wider package, Russia rejects every "
                "general proposal, both accept every partial deal "
                "whenever it is offered, every truce breaks, and no general ceasefire comes")
"""A forecast with no model in it, which the backtest must be compared with: on the 2025 record it
matches every accept/reject decision, so a Brier score near 0 alone shows no skill."""


class RecordReplay:
    """An intervention (:class:`~sim.model.model.Intervention`) that holds a model to the record.

    Documented proposals replace the scenario's schedule, documented actions are forced after the
    pressure decisions, documented partial deals are put on the table, and after each round the
    documented decisions are scored and then imposed.
    """

    def __init__(self, record: Record):
        self.event_record = record
        self.schedule = {e.month: e.package for e in record.events if e.kind == "proposal"}
        self.decisions: list[Decision] = []

    def _events(self, month: int, kind: str) -> list[Event]:
        return [e for e in self.event_record.events if e.kind == kind and e.month == month]

    def scheduled_package(self, model: NegotiationModel, month: int, scheduled: str | None) -> str | None:
        return self.schedule.get(month)

    def after_pressure(self, model: NegotiationModel, month: int) -> None:
        for event in self.event_record.events:
            if event.kind == "action" and event.month <= month <= event.last_month:
                assert event.actor is not None   # an action names its actor (Event checks it)
                actor = model.actors[event.actor]
                actor.levers = {**actor.levers, **{k: np.full(model.n_worlds, v) for k, v in event.levers.items()}}

    def forced_partial_offers(self, model: NegotiationModel, month: int) -> set[str]:
        return {e.deal for e in self._events(month, "partial") if e.deal is not None}

    def after_round(self, model: NegotiationModel, t: int, record: RoundRecord) -> None:
        for event in self._events(t, "proposal"):
            self._score_proposal(model, event, record)
        for event in self._events(t, "partial"):
            self._score_partial(model, event, record)
        for event in self._events(t, "outcome"):
            if event.general_ceasefire is not None:
                matched = (model.state.first_ceasefire_month > 0) == event.general_ceasefire
                label = "a general ceasefire by then" if event.general_ceasefire else "no general ceasefire by then"
                self.decisions.append(Decision(event.id, str(event.date), label, label, matched, matched.astype(float),
                                               rule=float(not event.general_ceasefire)))
            if event.occupied_km2 is not None:
                occupied = model.state.war.occupied_km2
                documented = event.occupied_km2
                matched = (occupied >= documented.low) & (occupied <= documented.high)
                label = f"{documented.low:,.0f} to {documented.high:,.0f} km2 occupied by then"
                # The trivial rule says nothing of the front: a coin toss.
                self.decisions.append(Decision(event.id, str(event.date), label, label, matched,
                                               matched.astype(float), rule=0.5))
            for deal, most in event.agreed_at_most.items():
                agreed = model.state.history[f"partial_{deal}"][:, :t]
                starts = agreed[:, 0].astype(int) + (agreed[:, 1:] & ~agreed[:, :-1]).sum(axis=1)
                matched = starts <= most
                label = f"the {deal.replace('_', ' ')} agreed at most {most} time{'s' * (most > 1)} by then"
                # The trivial rule accepts every partial deal whenever offered, so it renews a broken truce.
                self.decisions.append(Decision(event.id, str(event.date), label, label, matched,
                                               matched.astype(float), rule=0.0))

    def _score_proposal(self, model: NegotiationModel, event: Event, record: RoundRecord) -> None:
        names = {a.actor_id: a.name for a in model.agents}
        for actor_id, documented in event.decisions.items():
            assessment = record.assessments[actor_id]
            accept = assessment.accept
            assert accept is not None   # a vote's assessments carry the answers
            # Probability under the random-utility shock: P(S + sd z > 0), zero across a hard line.
            sd = np.maximum(np.broadcast_to(model.actors[actor_id].noise_sd, accept.shape), 1e-12)
            p_accept = np.where(assessment.hard_violation, 0.0, ndtr(assessment.surplus / sd))
            wanted = documented == "accept"
            # The rule: the defender takes a bare ceasefire at the front and nothing more; the attacker nothing.
            bare_ceasefire = record.settled.sum() == 1 and record.settled[model.facts.issue_role.get("territory", -1)]
            rule_accepts = model.actors[actor_id].side == "defender" and bool(bare_ceasefire)
            self.decisions.append(Decision(
                event.id, str(event.date), f"{names[actor_id]} {documented}s '{event.package}'", documented,
                accept == wanted, p_accept if wanted else 1.0 - p_accept, rule=float(rule_accepts == wanted),
                acceptance=True))
            # Impose the documented answer too, so what the other side learns from it (a refusal's
            # signal, beliefs.refusal_signal) is what was documented, not the simulated answer.
            record.assessments[actor_id] = replace(assessment, accept=np.full(accept.shape, wanted))
        # Impose the record: every documented general proposal of the period was refused.
        if not all(d == "accept" for d in event.decisions.values()):
            self._undo_agreement(model, record)

    @staticmethod
    def _undo_agreement(model: NegotiationModel, record: RoundRecord) -> None:
        agreed = record.agreed & (model.state.first_ceasefire_month == record.month)
        model.state.in_ceasefire &= ~agreed
        model.state.first_ceasefire_month[agreed] = 0
        model.state.first_terms[agreed] = np.nan
        model.state.ceasefire_terms[agreed] = np.nan

    def _score_partial(self, model: NegotiationModel, event: Event, record: RoundRecord) -> None:
        names = {a.actor_id: a.name for a in model.agents}
        assert event.deal is not None and record.leverage is not None   # a partial event names its deal (Event)
        deal_name = event.deal
        deal = model.state.partial[deal_name]
        decision = record.partial[deal_name].answers
        for actor_id, documented in {**event.decisions, **{a: None for a in event.contested}}.items():
            value = deal.value[actor_id] + deal.goodwill[actor_id] * record.leverage
            sd = np.maximum(np.broadcast_to(model.actors[actor_id].noise_sd, (model.n_worlds,)), 1e-12)
            p_accept = ndtr(value / sd)
            if documented is None:  # contested: report under each account, impose nothing
                for source in event.contested[actor_id]:
                    wanted = source.decision == "accept"
                    self.decisions.append(Decision(
                        event.id, str(event.date), f"{names[actor_id]} {source.decision}s the {deal_name.replace('_', ' ')} "
                        f"(seed {source.seed})", str(source.decision), decision[actor_id] == wanted,
                        p_accept if wanted else 1.0 - p_accept, contested=True))
                continue
            wanted = documented == "accept"
            self.decisions.append(Decision(
                event.id, str(event.date), f"{names[actor_id]} {documented}s the {deal_name.replace('_', ' ')}",
                documented, decision[actor_id] == wanted, p_accept if wanted else 1.0 - p_accept,
                rule=float(wanted), acceptance=True))
        if event.contested:
            return
        agreed = all(d == "accept" for d in event.decisions.values())
        deal.in_force = np.full(model.n_worlds, agreed and not deal.spec.one_off)
        if agreed:
            deal.first_month[deal.first_month == 0] = event.month
        if event.broken is not None and agreed:
            hazard = np.broadcast_to(deal.hazard, (model.n_worlds,))
            broke = model.streams.monthly_uniform(f"partial_break:{deal_name}")[:, min(event.month, model.horizon - 1)] < hazard
            self.decisions.append(Decision(
                event.id, str(event.date), f"the {deal_name.replace('_', ' ')} breaks down within a month",
                "broken" if event.broken else "held", broke == event.broken,
                hazard if event.broken else 1.0 - hazard, rule=float(event.broken)))
            deal.in_force = np.zeros(model.n_worlds, dtype=bool) if event.broken else deal.in_force


@dataclass
class Replay:
    """A model held to the record, and the record's decisions scored in every world.

    Attribute access falls through to the model (``replay.drawn``, ``replay.partial``...)."""

    model: NegotiationModel
    decisions: list[Decision]

    def __getattr__(self, name: str):
        return getattr(self.model, name)


def record_months(record: Record) -> int:
    """The months the record covers (the last month of its last event)."""
    return max((e.last_month for e in record.events), default=0)


def replay(scenario: Scenario, record: Record, worlds: int, seed: int | None = None,
           posterior=None, progress: Callable[[int, int], None] | None = None,
           months: int | None = None) -> Replay:
    """Run the replay for ``months`` months (default: as many as the record covers, at least 12);
    ``progress(done, total)`` hears of every month."""
    if months is None:
        months = max(12, record_months(record))
    months = min(months, scenario.horizon_months)
    holder = RecordReplay(record)
    model = build_model(scenario, worlds=worlds, seed=seed, posterior=posterior, interventions=[holder])
    for month in range(months):
        model.step()
        if progress:
            progress(month + 1, months)
    return Replay(model, holder.decisions)


@dataclass
class Backtest:
    """The model's probability of every documented decision, and its scores (Brier, log)."""

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
    def rule_brier(self) -> float:
        """Brier score of the trivial rule (:data:`TRIVIAL_RULE`) on the same decisions."""
        return float(np.mean([(1.0 - d.rule) ** 2 for d in self.scored]))

    @property
    def base_rate_brier(self) -> float:
        """Brier score of a base-rate forecaster: every accept/reject decision at the record's share of
        acceptances, every other outcome at one half."""
        answers = [d.documented == "accept" for d in self.scored if d.acceptance]
        rate = float(np.mean(answers)) if answers else 0.5
        return float(np.mean([(1.0 - ((rate if d.documented == "accept" else 1.0 - rate) if d.acceptance else 0.5)) ** 2
                              for d in self.scored]))

    @property
    def all_majority(self) -> bool:
        return all(d.p > 0.5 for d in self.scored)

    def log_likelihood(self) -> float:
        """The log of the record's likelihood under the scenario: the mean over worlds of the product of
        each scored decision's probability in that world (each world's prior weight is equal, so this is
        the Monte Carlo estimate of the marginal likelihood that Bayesian model averaging weighs by)."""
        with np.errstate(divide="ignore"):
            logs = np.sum([np.log(d.probability) for d in self.scored], axis=0)
        return float(logsumexp(logs) - np.log(np.size(logs)))

    def matched_all(self) -> np.ndarray:
        """Per world: every scored decision of the world's replay matched the record."""
        return np.logical_and.reduce([d.matched for d in self.scored])


def backtest(scenario: Scenario, record: Record, worlds: int = 10_000, seed: int | None = None,
             posterior=None, progress: Callable[[int, int], None] | None = None) -> tuple[Backtest, Replay]:
    model = replay(scenario, record, worlds, seed, posterior, progress)
    return Backtest(sorted(model.decisions, key=lambda d: d.date), worlds), model
