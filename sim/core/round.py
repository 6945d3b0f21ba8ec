"""One month's negotiation round as arrays in, arrays out: propose, assess, vote, break down.

No Mesa and no model here. Each actor enters a round as a :class:`Party`, its numbers for this
month as arrays over worlds (N) and issues (K). The functions below are the whole protocol:

* :func:`proposal_bounds` and :class:`ProposalPath`: the box of terms no veto player has ruled out
  and the belligerents' contract curve through it;
* :func:`mediator_proposal`: the package the mediator puts forward, found by searching the whole box
  for its objective (the asymmetric Nash product by default: :mod:`sim.core.bargaining`);
* :meth:`Party.assess` and :func:`vote`: each party's surplus over fighting on and its random-utility
  answer; a supporter who controls terms may refuse to deliver them (the package is re-formed
  without them), and the package is agreed when both belligerents accept what remains;
* :func:`ceasefire_survival`: the chance a ceasefire in force holds this month;
* :func:`partial_deal_answers`: the answers to a smaller deal.

Random numbers are drawn by the caller (the model owns the world-keyed streams) and passed in, so
every function here is deterministic and can be tested on hand-made arrays.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace

import numpy as np

from .bargaining import is_zero
from .issues import any_issue
from .redlines import RedLines
from .utility import contract_curve, deal_value, spatial_utility

OfferLine = tuple[int, "np.ndarray | float", bool]
"""An offer's bound on a controlled term: (issue index, bound, whether it is an upper bound)."""


@dataclass
class Assessment:
    """The numbers behind one actor's answer to one package (arrays over worlds, or (G, N))."""

    utility: np.ndarray          # spatial utility of the terms
    deal_value: np.ndarray       # after the commitment problem
    war_value: np.ndarray        # value of fighting on
    audience_cost: np.ndarray
    blame_avoided: np.ndarray    # cost of rejecting an engaged mediator, avoided by accepting
    hard_violation: np.ndarray   # a hard red line is crossed
    surplus: np.ndarray          # deal - audience + blame - war - (surplus of the agreement in force)
    accept: np.ndarray | None = None
    outside: np.ndarray | float = 0.0   # surplus of the agreement in force the package would replace


@dataclass
class Party:
    """One actor in this month's round. Arrays are over worlds (N,) or worlds x issues (N, K);
    a scalar stands for the same value in every world.

    Attributes:
        actor_id: the scenario's key for the actor.
        belligerent: it fights, so it decides on every package and its red lines bind every issue.
        ideal, weights: ideal point on [0, 1]^K and salience weights summing to 1.
        war_value: value of fighting on this month (utility units; see :func:`~sim.core.utility.war_value`).
        breach_fear: perceived chance in [0, 1] the other side breaks a deal.
        guarantee_effect: share in [0, 1] of that fear removed by full security guarantees.
        sucker_loss: extra loss (utility, >= 0) if the other side breaks the deal.
        red_lines: compiled red lines.
        offers: bounds its current offers put on terms it controls.
        controls: indices of the issues that cannot move from the status quo without its consent.
        blame_cost: cost (>= 0) of rejecting a fully engaged mediator's proposal.
        noise_sd: standard deviation (>= 0) of the random-utility shock on its answer.
        bargaining_power: weight (> 0) in the asymmetric Nash product.
        guarantees: index of the guarantees issue, or None.
        resume_risk: perceived chance in [0, 1] that a ceasefire which leaves issues open collapses
            back into fighting within the planning horizon (talks fail); it adds to the breach fear
            of any package that does not settle every issue.
        power_issues: indices of the terms that shift future power toward the attacker (limits on
            the defender's army, an arms embargo after the deal).
        power_shift_effect: how much a shift of future power against this party raises its breach
            fear, per unit of shift (>= 0); a shift in its favour lowers it in proportion.
        power_sign: +1 for the defender (those terms weaken it), -1 for the attacker, 0 otherwise.
    """

    actor_id: str
    belligerent: bool
    ideal: np.ndarray
    weights: np.ndarray
    war_value: np.ndarray
    breach_fear: np.ndarray | float
    guarantee_effect: np.ndarray | float
    sucker_loss: np.ndarray | float
    red_lines: RedLines
    offers: list[OfferLine] = field(default_factory=list)
    controls: frozenset[int] = frozenset()
    blame_cost: np.ndarray | float = 0.0
    noise_sd: np.ndarray | float = 0.0
    bargaining_power: np.ndarray | float = 1.0
    guarantees: int | None = None
    resume_risk: np.ndarray | float = 0.0
    power_issues: tuple[int, ...] = ()
    power_shift_effect: np.ndarray | float = 0.0
    power_sign: float = 0.0

    def select(self, worlds: np.ndarray) -> Party:
        """This party in the worlds ``worlds`` (indices into N) only: every per-world number is taken
        at those worlds. The protocol treats worlds independently, so a round run on the selection
        gives exactly the numbers of the same worlds in the full run."""
        def take(value, per_issue: bool = False):
            # Shapes say what varies by world: (N,) or (N, K) for per-issue numbers, (K,) or a scalar not.
            return value[worlds] if np.ndim(value) == (2 if per_issue else 1) else value

        numbers = {name: take(getattr(self, name)) for name in _PER_WORLD}
        lines = [replace(line, cost=take(line.cost), bound=take(line.bound)) for line in self.red_lines.lines]
        return replace(self, ideal=take(self.ideal, True), weights=take(self.weights, True), **numbers,
                       red_lines=RedLines(lines, self.red_lines.n_issues),
                       offers=[(k, take(bound), upper) for k, bound, upper in self.offers])

    @property
    def bargains(self) -> bool:
        """Whether it is a player of the mediator's Nash product: a belligerent, or it controls terms."""
        return self.belligerent or bool(self.controls)

    def utility(self, x: np.ndarray) -> np.ndarray:
        return spatial_utility(x, self.ideal, self.weights)

    def hard_bounds(self, front: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """Lowest and highest terms (N, K) it can agree to: hard red lines (on every issue for a
        belligerent, on controlled issues for others) and current offers."""
        low, high = self.red_lines.bounds(front, None if self.belligerent else set(self.controls))
        for k, bound, upper in self.offers:
            if upper:
                high[:, k] = np.minimum(high[:, k], bound)
            else:
                low[:, k] = np.maximum(low[:, k], bound)
        return low, high

    def offer_violation(self, x: np.ndarray, settled: np.ndarray) -> np.ndarray:
        """Per package: a settled term lies beyond one of its offers."""
        out = np.zeros(x.shape[:-1], dtype=bool)
        for k, bound, upper in self.offers:
            if settled[k]:
                out |= x[..., k] > bound + 1e-9 if upper else x[..., k] < bound - 1e-9
        return out

    def breach_probability(self, x: np.ndarray, settled: np.ndarray | None = None) -> np.ndarray:
        """Perceived chance the deal fails: the other side breaks it (eased by security guarantees)
        or, when it leaves issues open, the talks on them fail and fighting resumes."""
        if self.guarantees is None:
            breach = self.breach_fear * np.ones(x.shape[:-1])
        else:
            guarantee_strength = 1.0 - x[..., self.guarantees]  # 0 on the scale = full guarantees with troops
            breach = self.breach_fear * (1.0 - self.guarantee_effect * guarantee_strength)
        if self.power_issues and self.power_sign and not is_zero(self.power_shift_effect):
            # Powell (2006): terms that shift future power toward the attacker make renewed war more
            # tempting for it later, so the defender fears breach more and the attacker less.
            shift = power_shift(x, self.power_issues)
            breach = np.clip(breach * (1.0 + self.power_sign * self.power_shift_effect * shift), 0.0, 1.0)
        if settled is None or settled.all():
            return breach
        return 1.0 - (1.0 - breach) * (1.0 - self.resume_risk)

    def assess(self, x: np.ndarray, settled: np.ndarray, front: np.ndarray, noise: np.ndarray | None = None,
               leverage: np.ndarray | float = 0.0, outside: np.ndarray | float = 0.0) -> Assessment:
        """Evaluate package ``x`` (shape (..., N, K)) with settled issues ``settled`` (K,) bool.

        ``front`` (N,) is the line of contact on [0, 1]; ``noise`` (N,) standard normal shocks make
        the choice a random-utility one; ``leverage`` in [0, 1] is how hard the engaged mediator
        leans on the parties to accept; ``outside`` (N,) is the surplus over fighting of the
        agreement already in force (0 at war), so the answer compares the package with it.
        """
        u, value, audience, blame, surplus = self._surplus_terms(x, settled, front, leverage, outside)
        hard = self.red_lines.hard_violation(x, settled, front) | self.offer_violation(x, settled)
        result = Assessment(u, value, _spread(self.war_value, u.shape), _spread(audience, u.shape),
                            _spread(blame, u.shape), hard, surplus)
        result.outside = outside
        if noise is not None:
            result.accept = ~result.hard_violation & (surplus + self.noise_sd * noise > 0)
        return result

    def _surplus_terms(self, x, settled, front, leverage, outside) -> tuple:
        """Utility, value of the deal, audience cost, blame avoided and surplus of package ``x``."""
        u = self.utility(x)
        if is_zero(self.breach_fear) and (settled.all() or is_zero(self.resume_risk)):
            value = u  # no fear that the deal fails: it is worth its terms (skips work in the search)
        else:
            value = deal_value(u, self.war_value, self.breach_probability(x, settled), self.sucker_loss)
        audience = self.red_lines.audience_cost(x, settled, front)
        blame = self.blame_cost * leverage
        return u, value, audience, blame, value - audience + blame - self.war_value - outside

    def has_veto(self, x: np.ndarray, settled: np.ndarray, status_quo: np.ndarray) -> np.ndarray | bool:
        """Belligerents always decide; others only when a term they control leaves the status quo."""
        if self.belligerent:
            return True
        if not self.controls:
            return False
        moved = np.zeros(x.shape[:-1], dtype=bool)
        for k in self.controls:
            if settled[k]:
                moved |= np.abs(x[..., k] - status_quo[..., k]) > 1e-9
        return moved


def _spread(value: np.ndarray | float, shape: tuple[int, ...]) -> np.ndarray:
    """``value`` as an array of ``shape``: itself when it has that shape already (a number per world,
    the usual case), else ``np.broadcast_to``'s read-only view (whose Python costs 7 us a call)."""
    if isinstance(value, np.ndarray) and value.shape == shape:
        return value
    return np.broadcast_to(value, shape)


_PER_WORLD = ("war_value", "breach_fear", "guarantee_effect", "sucker_loss", "blame_cost", "noise_sd",
              "bargaining_power", "resume_risk", "power_shift_effect")
"""The :class:`Party` numbers that are a scalar or one value per world (N,)."""


def power_shift(x: np.ndarray, power_issues: tuple[int, ...]) -> np.ndarray:
    """How far terms ``x`` (..., K) shift future power toward the attacker, in [0, 1]: the mean of
    the terms that do (army limits, an arms embargo after the deal); 0 = none, as during the war."""
    # Summed term by term, then divided: the numbers of np.mean without its copy of the columns.
    total = x[..., power_issues[0]]
    for k in power_issues[1:]:
        total = total + x[..., k]
    return total / len(power_issues)


def proposal_bounds(parties: list[Party], front: np.ndarray, n_worlds: int,
                    n_issues: int) -> tuple[np.ndarray, np.ndarray]:
    """The box of terms no veto player has ruled out: belligerents' hard lines on every issue,
    other actors' hard lines on the issues they control. Where low > high there is no zone of
    possible agreement on that issue (an indivisible issue, in Fearon's terms)."""
    low = np.zeros((n_worlds, n_issues))
    high = np.ones((n_worlds, n_issues))
    for party in parties:
        if party.bargains:
            lo, hi = party.hard_bounds(front)
            low, high = np.maximum(low, lo), np.minimum(high, hi)
    return low, high


@dataclass
class ProposalPath:
    """Packages on the belligerents' contract curve, clipped to the box [low, high] (N, K) of terms
    no veto player has ruled out: call it with ``lam`` (G, N) to get packages (G, N, K)."""

    attacker: Party
    defender: Party
    low: np.ndarray
    high: np.ndarray

    def __call__(self, lam: np.ndarray) -> np.ndarray:
        a, d = self.attacker, self.defender
        curve = contract_curve(lam, a.ideal, a.weights, d.ideal, d.weights)
        return np.minimum(np.maximum(curve, self.low), self.high)

    def zone_empty(self) -> np.ndarray:
        """Per world: the hard lines leave no possible term on some issue (indivisibility)."""
        return any_issue(self.low > self.high + 1e-12)


MEDIATOR_OBJECTIVES = ("nash", "acceptance")
"""What the mediator maximises: the asymmetric Nash product of the veto players' surpluses, or the
chance that every veto player accepts given its decision noise."""


def mediator_proposal(parties: list[Party], path: ProposalPath, front: np.ndarray, status_quo: np.ndarray,
                      leverage: np.ndarray, *, search: str = "box", objective: str = "nash", grid: int = 9,
                      levels: int = 5, sweeps: int = 3, settled: np.ndarray | None = None,
                      pinned: np.ndarray | None = None,
                      outside: dict[str, np.ndarray] | None = None, bias: float = 0.0,
                      mediator_ideal: np.ndarray | None = None,
                      where: np.ndarray | None = None,
                      draft: np.ndarray | None = None,
                      draft_sweeps: int | None = None,
                      toward_sweeps: int | None = None,
                      draft_grid_sweeps: int | None = None) -> tuple[np.ndarray, np.ndarray]:
    """The mediator's package: the best package for its ``objective`` among the terms no veto player
    has ruled out (the box of ``path``).

    ``search="curve"`` searches only the belligerents' contract curve clipped to the box (``grid``
    points, then local refinement); ``search="box"`` then goes on over the whole box
    (:mod:`sim.core.bargaining` specifies it) from the curve's best point, ``grid`` points of the
    curve and the status quo, so its objective is never below the curve's.

    ``settled`` (K,) bool says which issues the package settles (default: all, a settlement);
    issues it leaves open, and those in ``pinned`` (K,), stay at the status quo (a ceasefire
    freezes the line of contact: territory settled but pinned at the front). ``outside`` holds each
    party's surplus of the agreement already in force, when the package would replace one.

    A **biased** mediator (``bias`` in [0, 1]) then moves the package that share of the way toward
    its own ideal (``mediator_ideal`` (N, K), clipped to the box) on every issue it settles: the
    third objective of a mediator, beside a fair (Nash) or an acceptable deal (Kydd 2003: a biased
    mediator can still be credible).

    ``where`` (N,) bool limits the search to the worlds where the package will be put (elsewhere the
    proposal is the status quo and the box counts as not empty). Worlds are independent, so this
    changes no number in the worlds searched; it saves the search where no mediator proposes.

    ``draft`` (N, K): a package the box search also starts from in each world (the mediator's last
    proposal there; NaN where it has none, which starts from the status quo again and so changes
    nothing). A start only adds to the search: its objective is never below the draft's (clipped to
    this month's box). With ``draft_sweeps`` the search **continues** from the draft instead: in a
    world with a draft it starts from the draft alone (clipped to this month's box) and makes
    ``draft_sweeps`` passes numbered from the second (local steps, each half the last); a world
    without one gets the cold search. A mediator revising its last text, and a search spread over
    the months instead of begun afresh each month.

    ``toward_sweeps``: how many of each search's passes, counted from its first, end with the moves
    toward each veto player's ideal (default: every pass). ``draft_grid_sweeps``: how many passes of a
    search that goes on from its draft, counted from its first, try each issue's level grid (default:
    every pass; the others try a local step either side of the incumbent only).

    Returns the terms (N, K) and whether the box is empty in some issue (N,).
    """
    n_worlds, n_issues = status_quo.shape
    proposal, zone_empty = status_quo.copy(), np.zeros(n_worlds, dtype=bool)
    worlds = np.arange(n_worlds) if where is None else np.flatnonzero(where)
    if not worlds.size:
        return proposal, zone_empty
    settled = np.ones(n_issues, dtype=bool) if settled is None else settled
    held = ~settled if pinned is None else ~settled | pinned
    low, high = path.low, path.high
    if held.any():
        low, high = np.where(held, status_quo, low), np.where(held, status_quo, high)
    players = [party for party in parties if party.bargains]
    # Imported here: numba is loaded only by commands that run a model.
    from .compiled_search import pack_players, search_packages

    packed = pack_players(players, settled, front, leverage, outside or {}, n_worlds, n_issues, worlds)

    def curve() -> np.ndarray:   # what defines the contract curve, (4, K, N); a search that goes on from a draft skips it
        return np.stack([np.broadcast_to(value, status_quo.shape).T for value in
                         (path.attacker.ideal, path.attacker.weights, path.defender.ideal, path.defender.weights)])

    def search_in(chosen: np.ndarray, **start) -> None:   # the worlds worlds[chosen], with their packed players
        if chosen.size:
            search_packages(worlds[chosen], packed if chosen.size == worlds.size else packed.take(chosen),
                            None if start.get("starts_only") else curve(), low, high, status_quo,
                            curve_only=search == "curve", objective=objective, grid=grid, levels=levels, out=proposal,
                            toward_sweeps=toward_sweeps, **start)

    if draft is not None and draft_sweeps is not None and search == "box":
        drafted = ~any_issue(np.isnan(draft[worlds]))
        search_in(np.flatnonzero(~drafted), sweeps=sweeps)
        search_in(np.flatnonzero(drafted), sweeps=draft_sweeps, extra_starts=draft[None], first_sweep=1,
                  starts_only=True, grid_sweeps=draft_grid_sweeps)
    else:
        search_in(np.arange(worlds.size), sweeps=sweeps,
                  extra_starts=None if draft is None else np.where(np.isnan(draft), status_quo, draft)[None])
    if bias and mediator_ideal is not None:
        target = np.clip(mediator_ideal[worlds], low[worlds], np.maximum(low[worlds], high[worlds]))
        proposal[worlds] = np.where(held, proposal[worlds], proposal[worlds] + bias * (target - proposal[worlds]))
    zone_empty[worlds] = any_issue(np.take(low, worlds, axis=0) > np.take(high, worlds, axis=0) + 1e-12)
    return proposal, zone_empty


@dataclass
class Vote:
    """Every party's answer to one package: agreed where both belligerents accepted what remained
    after any supporter refused to deliver the terms it controls."""

    agreed: np.ndarray                                  # (N,) bool
    assessments: dict[str, Assessment]
    veto: dict[str, np.ndarray]                         # (N,) bool: the party was asked (its answer counted)
    noise: dict[str, np.ndarray]                        # (N,) the shock on its answer, utility units
    terms: np.ndarray                                   # (N, K) the package as finally put to the belligerents
    refused: dict[str, np.ndarray] = field(default_factory=dict)   # supporter -> (N,) refused its terms


SUPPORTER_VETOES = ("terms", "package")
"""What a supporter's refusal blocks: only the terms it controls, or (for teaching) the whole package."""


def without_terms_of(party: Party, x: np.ndarray, settled: np.ndarray, status_quo: np.ndarray) -> np.ndarray:
    """Package ``x`` (N, K) re-formed without what ``party`` refuses to deliver: each settled term it
    controls goes back to the status quo, or only as far as its standing offer where it made one."""
    out = x.copy()
    offered = {k: (bound, upper) for k, bound, upper in party.offers}
    for k in party.controls:
        if not settled[k]:
            continue
        if k in offered:
            bound, upper = offered[k]
            out[:, k] = np.minimum(x[:, k], bound) if upper else np.maximum(x[:, k], bound)
        else:
            out[:, k] = status_quo[:, k]
    return out


def vote(parties: list[Party], terms: np.ndarray, settled: np.ndarray, front: np.ndarray,
         status_quo: np.ndarray, shocks: dict[str, np.ndarray], leverage: np.ndarray,
         proposing: np.ndarray, supporter_veto: str = "terms",
         outside: dict[str, np.ndarray] | None = None) -> Vote:
    """Put ``terms`` (N, K) to every party where ``proposing`` (N,) is true.

    With ``supporter_veto="terms"`` the supporters who control terms answer first: one that rejects
    the package refuses to deliver its terms, and the package is re-formed without them
    (:func:`without_terms_of`); the belligerents then judge the re-formed package, and it is agreed
    where both accept. With ``"package"`` a supporter's rejection blocks the whole package wherever
    one of its terms moved. ``shocks`` holds each party's standard normal draws (N,) for this month.
    ``outside`` holds each party's surplus of the agreement in force (talks toward a settlement
    during a ceasefire): a party then accepts only a package it prefers to that agreement.
    """
    outside = outside or {}
    n_worlds = terms.shape[0]
    result = Vote(proposing.copy(), {}, {}, {}, terms=terms.copy())

    def answer(party: Party) -> tuple[np.ndarray, np.ndarray]:
        """The party's answer to the package as it stands (recorded with its assessment), and
        whether it was asked."""
        noise = shocks[party.actor_id]
        assessment = party.assess(result.terms, settled, front, noise=noise, leverage=leverage,
                                  outside=outside.get(party.actor_id, 0.0))
        asked = np.broadcast_to(party.has_veto(result.terms, settled, status_quo), (n_worlds,))
        result.assessments[party.actor_id] = assessment
        result.veto[party.actor_id] = asked
        result.noise[party.actor_id] = party.noise_sd * noise
        assert assessment.accept is not None   # an answer, since a shock was given
        return assessment.accept, asked

    supporters = [p for p in parties if not p.belligerent and p.controls] if supporter_veto == "terms" else []
    for party in supporters:
        accept, asked = answer(party)
        refuses = proposing & asked & ~accept
        result.terms = np.where(refuses[:, None], without_terms_of(party, result.terms, settled, status_quo),
                                result.terms)
        result.refused[party.actor_id] = refuses
    answered = {p.actor_id for p in supporters}
    for party in parties:
        if party.actor_id not in answered:
            accept, asked = answer(party)
            result.agreed &= accept | ~asked
    return result


def ceasefire_survival(attacker_hazard: np.ndarray | float, defender_hazard: np.ndarray | float,
                       guarantee_effect: np.ndarray | float, agreed_guarantees: np.ndarray | None,
                       n_worlds: int, open_issues: np.ndarray | None = None,
                       resume_hazard: np.ndarray | float = 0.0, agreed_power_shift: np.ndarray | None = None,
                       power_shift_effect: np.ndarray | float = 0.0) -> np.ndarray:
    """Chance (N,) that a ceasefire in force holds this month.

    Each belligerent breaches with its monthly hazard; security guarantees in the agreed terms
    (``agreed_guarantees``, NaN where none were agreed) deter the attacker in proportion to the
    defender's ``guarantee_effect``, and terms that shift future power toward the attacker
    (``agreed_power_shift`` in [0, 1], see :func:`power_shift`) tempt it by the defender's
    ``power_shift_effect`` (the defender's fear taken to be right). Where the agreement leaves
    issues open (``open_issues``, (N,) bool) the talks on them may also fail and fighting resume,
    with monthly ``resume_hazard``.
    """
    hold = np.ones(n_worlds)
    if open_issues is not None:
        hold = np.where(open_issues, 1.0 - resume_hazard, 1.0)
    for attacker, hazard in ((True, attacker_hazard), (False, defender_hazard)):
        if attacker and agreed_guarantees is not None:
            strength = 1.0 - np.nan_to_num(agreed_guarantees, nan=1.0)
            hazard = hazard * (1.0 - guarantee_effect * strength)
        if attacker and agreed_power_shift is not None:
            hazard = np.minimum(hazard * (1.0 + power_shift_effect * np.nan_to_num(agreed_power_shift)), 1.0)
        hold = hold * (1.0 - hazard)
    return hold


def reneges(u_terms: np.ndarray, war_value: np.ndarray, renege_cost: np.ndarray | float,
            noise_sd: np.ndarray | float, shock: np.ndarray) -> np.ndarray:
    """Whether a belligerent breaks the ceasefire in force this month by decision (N,) bool: its value
    of fighting on exceeds the utility of the terms in force by more than the cost of reneging,
    after its random-utility shock (``shock`` standard normal). The deal's audience costs were paid
    when it was signed; what it would lose is the terms."""
    return war_value - renege_cost - u_terms + noise_sd * shock > 0


def partial_deal_answers(values: dict[str, np.ndarray | float], goodwill: dict[str, np.ndarray | float],
                         noise_sd: dict[str, np.ndarray | float], shocks: dict[str, np.ndarray],
                         leverage: np.ndarray) -> dict[str, np.ndarray]:
    """Each party's answer (N,) bool to a smaller deal: its value, plus goodwill toward an engaged
    mediator, plus its random-utility shock, is positive."""
    return {party: values[party] + goodwill[party] * leverage + noise_sd[party] * shocks[party] > 0
            for party in values}
