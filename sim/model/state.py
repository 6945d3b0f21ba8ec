"""Every world's state in one place: the run's static facts beside the state a month changes.

As in OpenSpiel's python games, what a run *is* (its issues and their roles, what a ceasefire
settles, the parameters drawn once per world: :class:`Facts`) is kept apart from what a month
*changes* (the agreement in force, partial deals, the war, pending threats and stalls, the record:
:class:`WorldState`). The actors (:mod:`.agents`), the war (:mod:`.war`) and the state variables
(:mod:`.variables`) take these as arguments and never read the Mesa model, which only drives the
month's steps (:mod:`.model`).

The month-by-month record is declared once, in :data:`SERIES`: each series' key, unit and meaning.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING

import numpy as np

from sim.core.round import Assessment
from sim.scenario.schema import PartialDeal, Scenario
from sim.scenario.variables import state_variable_names, variable_types

from .streams import ParameterDraws
from .war import WarState

if TYPE_CHECKING:
    from .rules import Outcome


@dataclass
class RoundRecord:
    """What happened in one month's negotiation round (for explaining a run)."""

    month: int
    package: str
    terms: np.ndarray                 # (N, K)
    settled: np.ndarray               # (K,)
    proposed: np.ndarray              # (N,) an engaged mediator made the proposal
    assessments: dict[str, Assessment] = field(default_factory=dict)
    veto: dict[str, np.ndarray] = field(default_factory=dict)
    agreed: np.ndarray | None = None
    zone_empty: np.ndarray | None = None
    noise: dict[str, np.ndarray] = field(default_factory=dict)
    front: np.ndarray | None = None   # the front when the round was held (for red lines)
    leverage: np.ndarray | None = None  # the engaged mediator's leverage on the parties
    offers: dict[str, list] = field(default_factory=dict)   # each actor's offer bounds then
    partial: dict[str, PartialDecision] = field(default_factory=dict)
    broken: np.ndarray | None = None
    reneged: dict[str, np.ndarray] = field(default_factory=dict)   # belligerent -> (N,) broke the ceasefire by decision
    put_forward: np.ndarray | None = None   # (N, K) the package as proposed, before any supporter refused terms
    refused: dict[str, np.ndarray] = field(default_factory=dict)   # supporter -> (N,) refused its terms
    settlement: RoundRecord | None = None   # talks toward a settlement in worlds whose ceasefire left issues open

    @property
    def settles_all(self) -> bool:
        """The package settles every issue (a settlement), not only some (a ceasefire with open issues)."""
        return bool(self.settled.all())

    def answers(self, actor_id: str) -> tuple[np.ndarray, np.ndarray]:
        """Where ``actor_id`` was asked this round's package (proposed, and its answer counted), and
        where it accepted it: two (N,) bool arrays, the second within the first."""
        asked = self.proposed & np.broadcast_to(self.veto[actor_id], self.proposed.shape)
        accept = self.assessments[actor_id].accept
        assert accept is not None   # a vote's assessments carry the answers
        return asked, asked & accept


@dataclass
class PartialDealState:
    """A smaller deal's parameters (drawn per world) and its state in every world."""

    spec: PartialDeal
    value: dict[str, np.ndarray | float]      # per party: net monthly value of the deal itself
    goodwill: dict[str, np.ndarray | float]   # per party: value of pleasing an engaged mediator
    hazard: np.ndarray | float                # monthly chance it breaks down
    in_force: np.ndarray                      # (N,) bool
    first_month: np.ndarray                   # (N,) int, 0 = never agreed
    agreements: np.ndarray                    # (N,) int: how many times it has been agreed
    breakdowns: np.ndarray                    # (N,) int: how many times it has broken down
    renewal_penalty: np.ndarray | float = 0.0  # lost from each party's value per breakdown so far


@dataclass
class PartialDecision:
    """One month of a smaller deal: where it was offered, each party's answer, where it broke."""

    offered: np.ndarray
    broken: np.ndarray
    answers: dict[str, np.ndarray] = field(default_factory=dict)


@dataclass(frozen=True)
class Series:
    """One month-by-month record, (N, T): its key in ``WorldState.history`` and its name among a run's
    paths (``RunResult.paths``; None: not kept there), each with ``{actor}`` or ``{deal}`` filled per
    actor or deal; what it is one of, its dtype, unit and meaning."""

    key: str
    path: str | None
    per: str            # "run", "casualty actor", "partial deal" or "belligerent"
    dtype: type
    unit: str
    meaning: str

    def names(self, state: WorldState) -> list[tuple[str, str | None]]:
        """(history key, path name) of each record of this series in ``state``."""
        if self.per == "run":
            return [(self.key, self.path)]
        names = {"casualty actor": list(state.war.casualty_rate), "partial deal": list(state.partial),
                 "belligerent": state.facts.belligerents}[self.per]
        field_name = "deal" if self.per == "partial deal" else "actor"
        return [(self.key.format(**{field_name: name}),
                 None if self.path is None else self.path.format(**{field_name: name})) for name in names]


SERIES: tuple[Series, ...] = (
    Series("in_ceasefire", "in_ceasefire", "run", bool, "true/false", "a ceasefire is in force at the end of the month"),
    Series("occupied_km2", "occupied_km2", "run", np.float32, "km2", "area the attacker occupies at the end of the month"),
    Series("strain", None, "run", np.float32, "0-1", "the attacker's economic strain"),
    Series("casualties_{actor}", "casualties/{actor}", "casualty actor", np.float32, "people, cumulative",
           "the actor's killed and wounded since the run's start"),
    Series("partial_{deal}", "partial_in_force/{deal}", "partial deal", bool, "true/false",
           "the partial deal was agreed or in force this month"),
    Series("victory_belief_{actor}", "victory_belief/{actor}", "belligerent", np.float32, "probability",
           "the belligerent's belief that fighting on brings its decisive victory"),
)
"""The month-by-month record (``WorldState.history``), declared once."""


class Facts:
    """What a run is, fixed from the first month: issues and their roles, what agreements settle,
    and the negotiation's parameters drawn once per world.

    Args:
        scenario: the checked scenario.
        n_worlds: how many worlds.
        draw: draws each parameter per world by its key path.
    """

    def __init__(self, scenario: Scenario, n_worlds: int, draw: ParameterDraws):
        self.n_worlds = n_worlds
        self.horizon = scenario.horizon_months
        self.issue_names = list(scenario.issues)
        self.issue_index = {name: i for i, name in enumerate(self.issue_names)}
        self.issue_role: dict[str, int] = {issue.role: i for i, issue in enumerate(scenario.issues.values())
                                           if issue.role}
        # Terms that shift future power toward the attacker (the commitment problem of Powell 2006).
        self.power_issues = tuple(self.issue_role[r] for r in ("army_limits", "arms_after_deal") if r in self.issue_role)
        self.n_issues = len(self.issue_names)
        # The no-agreement position per issue: (K,) when every one is a point, (N, K) when one is a prior.
        status_quo = [0.0 if issue.status_quo == "front" else draw(f"issues.{name}.status_quo", issue.status_quo)
                      for name, issue in scenario.issues.items()]
        self.fixed_status_quo = np.stack(np.broadcast_arrays(*status_quo), axis=-1).astype(float)
        self.territory_scale = scenario.battlefield.territory_scale_km2
        self.planning_horizon = draw("negotiation.planning_horizon_months", scenario.negotiation.planning_horizon_months)
        self.resume_hazard = draw("negotiation.resume_hazard", scenario.negotiation.resume_hazard)
        # What the parties expect: the chance an open ceasefire collapses within their horizon.
        self.resume_risk = 1.0 - (1.0 - self.resume_hazard) ** self.planning_horizon
        self.variable_names = state_variable_names(scenario)
        self.variable_types = variable_types(scenario)
        # Issues a supporter or mediator controls: no victory on the battlefield can settle them.
        self.third_party_issues = np.zeros(self.n_issues, dtype=bool)
        for spec in scenario.actors.values():
            if spec.role != "belligerent":
                for issue in spec.controls:
                    self.third_party_issues[self.issue_index[issue]] = True
        self.belligerents = [a for a, spec in scenario.actors.items() if spec.role == "belligerent"]
        self.all_settled = np.ones(self.n_issues, dtype=bool)
        self.ceasefire_mask = np.zeros(self.n_issues, dtype=bool)   # what a mediator's ceasefire settles
        for issue in scenario.negotiation.ceasefire_settles:
            self.ceasefire_mask[self.issue_index[issue]] = True
        self.frozen = np.zeros(self.n_issues, dtype=bool)           # a ceasefire freezes the line of contact
        if "territory" in self.issue_role:
            self.ceasefire_mask[self.issue_role["territory"]] = True
            self.frozen[self.issue_role["territory"]] = True
        self.schedule_by_month = {item.month: item.package for item in scenario.negotiation.scheduled}


class WorldState:
    """Everything a month reads and changes, in every world: the war, the agreement in force and
    its record, the partial deals, the month's threats, stalls and lobbying, and the history.

    Actors keep their own beliefs, levers and value of fighting on (:mod:`.agents`); everything
    they share lives here.
    """

    def __init__(self, scenario: Scenario, facts: Facts, war: WarState, partial: dict[str, PartialDealState],
                 keep_rounds: bool = False):
        n, t, k = facts.n_worlds, facts.horizon, facts.n_issues
        self.facts, self.war, self.partial = facts, war, partial
        self.month = 0
        self.in_ceasefire = np.zeros(n, dtype=bool)
        self.months_without_progress = np.zeros(n, dtype=np.int32)
        self.failed_rounds = np.zeros(n, dtype=np.int32)
        self.breakdowns = np.zeros(n, dtype=np.int32)
        self.last_round: RoundRecord | None = None
        no = np.zeros(n, dtype=bool)
        # Stalling and pending threats decided in one month are read by the rules the next month.
        self.stalled: dict[str, np.ndarray] = {a: no for a in scenario.actors}
        self.stalled_next: dict[str, np.ndarray] = {a: no.copy() for a in scenario.actors}
        self.threat_pending: dict[str, np.ndarray] = {}
        self.threat_pending_next: dict[str, np.ndarray] = {}
        self.threat_cost: dict[str, np.ndarray] = {a: np.zeros(n) for a in scenario.actors}   # this month's, utility units
        self.lobbied: dict[str, dict[str, np.ndarray]] = {a: {} for a in scenario.actors}     # lever shifts won, kept
        self.ceasefire_terms = np.full((n, k), np.nan)
        self.mediator_leader = np.full(n, -1)   # this month's leading mediator (its number), -1: none
        self.drafts: dict[str, np.ndarray] = {}   # the mediator's last package by kind of talks (search_start: warm)
        self.ceasefire_settled = np.zeros((n, k), dtype=bool)  # issues the agreement settles
        self.first_ceasefire_month = np.zeros(n, dtype=np.int32)   # 0: none yet
        self.first_ceasefire_end = np.zeros(n, dtype=np.int32)     # 0: has not broken down
        self.first_terms = np.full((n, k), np.nan)
        self.first_territory_deal = np.zeros(n, dtype=np.int8)   # sim.model.war.TERRITORY_DEALS; 0: no ceasefire
        self.first_settlement_month = np.zeros(n, dtype=np.int32)   # 0: no settlement of every issue yet
        # Month by month, worlds innermost in memory (Fortran order): a month's column is written
        # contiguously, not one cache line per world. Readers that reduce over worlds take a C-ordered
        # copy (sim.engine.run.result_from_model), so their sums add in the same order as ever.
        self.history = {key: np.zeros((n, t), dtype=series.dtype, order="F")
                        for series in SERIES for key, _ in series.names(self)}
        self.payoff = {a: np.zeros(n) for a in scenario.actors}   # discounted so far (docs/model.md [9])
        self.decision_counts: dict[str, np.ndarray] = {}
        self.keep_rounds = keep_rounds
        self.rounds: list[RoundRecord] = []
        self._status_quo_at: np.ndarray | None = None   # the front self._status_quo was computed at
        self._status_quo = np.zeros((0, 0))

    # -- positions ---------------------------------------------------------------------------
    def status_quo(self, front: np.ndarray | None = None) -> np.ndarray:
        """The no-agreement position, shape (N, K): the front on territory, fixed values elsewhere.
        At the current front it is computed once a front (read-only: a month reads it about ten
        times); at another ``front`` it is a new array."""
        if front is None:
            now = self.war.front
            if self._status_quo_at is not now:
                self._status_quo = self._status_quo_with(now)
                self._status_quo.flags.writeable = False
                self._status_quo_at = now
            return self._status_quo
        return self._status_quo_with(front)

    def _status_quo_with(self, front: np.ndarray) -> np.ndarray:
        facts = self.facts
        x = np.empty((facts.n_worlds, facts.n_issues))
        x[...] = facts.fixed_status_quo
        territory = facts.issue_role.get("territory")
        if territory is not None:
            x[:, territory] = front
        return x

    def terms_in_force(self) -> np.ndarray:
        """The position in force (N, K): a ceasefire's terms where one holds, else the status quo."""
        return np.where(self.in_ceasefire[:, None], self.ceasefire_terms, self.status_quo())

    def relief_agreed(self) -> np.ndarray | None:
        """The sanctions relief of the ceasefire in force (N,), 0 where none is (None: no such issue)."""
        relief = self.facts.issue_role.get("sanctions_relief")
        if relief is None:
            return None
        return np.where(self.in_ceasefire, self.ceasefire_terms[:, relief], 0.0)

    # -- the month's bookkeeping -------------------------------------------------------------
    def paths(self) -> dict[str, np.ndarray]:
        """The month-by-month records a run keeps (:data:`SERIES` with a path name), by that name."""
        return {path: self.history[key] for series in SERIES for key, path in series.names(self) if path is not None}

    def begin_month(self) -> None:
        """Last month's stalls and threats become this month's; this month's threat costs start at 0."""
        n = self.facts.n_worlds
        self.month += 1
        self.stalled, self.threat_pending = self.stalled_next, self.threat_pending_next
        self.stalled_next = {a: np.zeros(n, dtype=bool) for a in self.stalled}
        self.threat_pending_next = {}
        self.threat_cost = {a: np.zeros(n) for a in self.threat_cost}

    def apply_rule_effects(self, actor_id: str, outcome: Outcome) -> None:
        """Carry out what one rule of ``actor_id`` decided for others, at once and in order."""
        for target, cost in outcome.costs:
            self.threat_cost[target] = self.threat_cost[target] + cost
        for target, pending in outcome.threats_pending.items():
            now = self.threat_pending_next.setdefault(target, np.zeros(self.facts.n_worlds, dtype=bool))
            now |= pending
        if outcome.stalled is not None:
            self.stalled_next[actor_id] |= outcome.stalled
        for target, shifts in outcome.lobbied.items():
            lobbied = self.lobbied[target]
            for lever, shift in shifts.items():
                lobbied[lever] = lobbied.get(lever, 0.0) + shift
