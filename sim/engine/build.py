"""The one place a :class:`~sim.model.model.NegotiationModel` is built.

Every command (run, compare, sweep, backtest, calibrate, explain, bargain) builds its models here,
so each supports the same things the same way: a seed, a range of worlds, ready-made streams for
several runs side by side, per-world overrides, a calibrated posterior, interventions, and
keeping round records for the teaching view.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from sim.model.model import Intervention, NegotiationModel
from sim.model.streams import BLOCK_SIZE, WorldStreams
from sim.scenario.schema import Scenario

from .allocator import keep_freed_memory
from .posterior import Posterior


def build_model(scenario: Scenario, *, worlds: int | None = None, seed: int | None = None,
                first_world: int = 0, streams: WorldStreams | None = None,
                overrides: dict[str, np.ndarray] | None = None, posterior: Posterior | None = None,
                keep_rounds: bool = False, interventions: Sequence[Intervention] = (),
                start=None) -> NegotiationModel:
    """A model of ``scenario`` ready to run.

    Args:
        scenario: a validated scenario.
        worlds: number of worlds (default: the scenario's); ignored when ``streams`` is given.
        seed: random seed (default: the scenario's).
        first_world: index of the first world, a multiple of 1,000 (a chunk of a larger run).
        streams: ready-made streams (several runs side by side in one model).
        overrides: parameter values per world by dotted path (sweeps); these win over the posterior,
            so a swept parameter takes the swept values.
        posterior: a calibrated ensemble: each world takes one member's values for the parameters
            the scenario left as the calibration had them.
        keep_rounds: keep every month's round record (teaching).
        interventions: hooks that hold the model to outside facts (the backtest).
        start: worlds replayed through the record to start from
            (:class:`~sim.engine.conditioning.ConditionedStart`): each world takes one's parameters
            and state; these win over the posterior (which the replay itself drew from). A scenario
            with ``condition_on:`` built without one starts from its priors (``run_scenario``,
            sweeps and the one-world views of the command line make the start and pass it).
    """
    keep_freed_memory()   # once per process: a month's freed arrays serve the next's (no number changes)
    seed = scenario.seed if seed is None else seed
    if streams is None:
        streams = WorldStreams(seed, first_world, worlds or scenario.worlds, scenario.horizon_months)
    explicit = dict(overrides or {})
    overrides = posterior.overrides(scenario, streams) if posterior is not None else {}
    if start is not None:
        overrides.update(start.overrides(scenario, streams))
    overrides.update(explicit)
    return NegotiationModel(scenario, seed=seed, streams=streams, overrides=overrides,
                            keep_rounds=keep_rounds, interventions=interventions)


@dataclass
class Trace:
    """One world followed month by month (the teaching view)."""

    model: NegotiationModel
    index: int            # position of the world inside the model
    world: int            # the world's number in the full run
    states: list[dict]    # per month: levers, war and beliefs of this world


def trace_world(scenario: Scenario, world: int = 0, seed: int | None = None, months: int | None = None,
                posterior: Posterior | None = None, observe=None) -> Trace:
    """Run world ``world`` (and the others of its random block up to it) for ``months`` months.

    World ``w`` here is world ``w`` of a full run with the same seed. ``observe(model, index)``, if
    given, is called after every month and its return values are kept in ``Trace.states``.
    """
    first = (world // BLOCK_SIZE) * BLOCK_SIZE
    index = world - first
    model = build_model(scenario, worlds=index + 1, seed=seed, first_world=first, keep_rounds=True,
                        posterior=posterior)
    states = []
    for _ in range(months or scenario.horizon_months):
        model.step()
        if observe is not None:
            states.append(observe(model, index))
    return Trace(model, index, world, states)
