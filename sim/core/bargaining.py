"""The mediator's search, specified: what it maximises and the constants of its steps.

No Mesa here. The default objective is the asymmetric Nash product of the veto players' surpluses
over fighting on, ``sum_i a_i log S_i``; where no package gives every veto player a positive surplus
(no zone of possible agreement), the search returns the package that comes closest, ``argmax min_i
S_i`` (``-1e9 + min_i S_i`` ranks below every feasible package), which the parties will then reject.
The other objective is the chance every veto player accepts, ``sum_i log Phi(S_i / sd_i)``.

The search has two stages (``negotiation.search``):

* the **contract curve** of the belligerents, clipped to the box of terms no veto player has ruled
  out: a grid of ``grid`` points of the curve parameter, then two rounds of refinement, each trying
  the :data:`REFINE_OFFSETS` of the current step around the best and narrowing the step fourfold;
* the **box** (the default): coordinate ascent from the curve's best point, ``grid`` points of the
  curve and the status quo, over ``levels`` grid points per issue in each of ``sweeps`` passes
  (after the first, also a step of half the previous size either side of the incumbent); the first
  ``toward_sweeps`` passes (``negotiation.toward_sweeps``, default 1) then move part of the way
  (:data:`TOWARD_FRACTIONS`) toward each veto player's ideal, which find the narrow diagonal zones
  of agreement between two ideals that moves along one issue at a time miss. The
  surpluses are not smooth (stepped audience costs, supporters' vetoes switching on), so a grid per
  coordinate is used rather than gradients. Within a pass a candidate replaces the incumbent only if
  strictly better; among equal candidates the first counts.

Where the mediator already has a draft in a world (``negotiation.search_start: continue``, the
default), the month's search skips the contract curve and its starts and goes on from the draft
alone: ``draft_sweeps`` passes numbered from the second, each trying local steps either side of
the incumbent, the first ``draft_grid_sweeps`` (``negotiation.draft_grid_sweeps``, default 2) also
each issue's grid (:func:`sim.core.round.mediator_proposal`).

The model runs the search compiled (:mod:`sim.core.compiled_search`); the tests keep the same search
written plainly with numpy (``tests/core/reference_search.py``) as the oracle it must match bit for bit.
"""

from __future__ import annotations

import numpy as np

INFEASIBLE = -1e9
"""Offset that ranks a package some veto player rejects below every package all accept."""

REFINE_OFFSETS = (-0.5, -0.25, 0.25, 0.5)
"""Steps tried around the curve's best point in each refinement, in units of the current step."""

TOWARD_FRACTIONS = (0.03, 0.1, 0.25, 0.5)
"""How far toward each veto player's ideal the box search tries moving after a pass (the first ``toward_sweeps``)."""

NOISE_FLOOR = 1e-3
"""The acceptance objective's floor on a party's decision noise, so a noiseless party's answer is a
steep but smooth function of its surplus."""


def is_zero(value: np.ndarray | float) -> bool:
    """A scalar zero (an array of zeros per world is not: its worlds may differ after overrides)."""
    return np.ndim(value) == 0 and value == 0
