"""What every strategy rule is: a spec (what the scenario file says) and a behaviour, registered once.

A rule kind is one file in this package: a :class:`~sim.scenario.rules.RuleSpec` subclass whose
``kind`` is a literal, and a :class:`Rule` subclass decorated with :func:`register`. The scenario
schema's union of rule specs is built from :data:`RULES`, so nothing else needs to change.

A rule never writes another object's state: :meth:`Rule.apply` takes the actor's lever levels and a
read-only :class:`Context` and returns an :class:`Outcome` (the new levels and any effects on
others); the model applies the effects.
"""

from __future__ import annotations

import typing
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import ClassVar

import numpy as np

from sim.scenario.conditions import compile_expression
from sim.scenario.rules import RuleSpec

Levels = dict[str, np.ndarray]


@dataclass
class Context:
    """What a rule may read when it acts in a month (nothing here may be written).

    Attributes:
        env: the state variables, by name (:mod:`sim.scenario.variables`), as of the month before.
        month: the month being simulated, 1-based.
        stalled: per actor, whether it stalled successfully last month (N,) bool.
        base_levels: per actor, the levels its ``levers:`` set before its rules act.
        aid_share: per actor, its share of the defender's external aid.
        uniform: ``uniform(stream)`` gives this month's U[0, 1) draws (N,) from a named stream.
    """

    env: Mapping[str, np.ndarray | float]
    month: int
    stalled: Mapping[str, np.ndarray]
    base_levels: Mapping[str, Mapping[str, np.ndarray | float]]
    aid_share: Mapping[str, float]
    uniform: Callable[[str], np.ndarray]


@dataclass
class Outcome:
    """What a rule decided this month: the actor's levels and its effects on others.

    Attributes:
        levels: every lever's level (N,), before the model floors them at 0.
        costs: (actor, cost (N,)) pairs: utility costs this month, in the order incurred.
        stalled: this actor stalled successfully (N,) bool; deadlines and threats aimed at it slip.
        threats_pending: per target, a threat against it is pending (N,) bool, read next month.
        lobbied: per target and lever, a shift (N,) won by lobbying, kept from now on.
    """

    levels: Levels
    costs: list[tuple[str, np.ndarray]] = field(default_factory=list)
    stalled: np.ndarray | None = None
    threats_pending: dict[str, np.ndarray] = field(default_factory=dict)
    lobbied: dict[str, dict[str, np.ndarray]] = field(default_factory=dict)


@dataclass
class Setup:
    """What a rule is built from: its spec, its place and how to draw its parameters."""

    spec: RuleSpec
    actor_id: str
    path: str                                       # key path, e.g. actors.us.strategy.0; names streams
    n_worlds: int
    draw: Callable[[str, object], np.ndarray | float]   # draw(key path, prior)
    variables: Mapping[str, str]                    # condition variables and their types


class Rule:
    """A rule built from its spec. Subclasses set ``spec_class`` and ``characteristics``.

    ``characteristics`` declare, as strategies do in the Axelrod library, what a rule is like; the
    contract tests in ``tests/model/test_rules.py`` check each against the behaviour:

    * ``conditional``: it acts on a ``when:`` condition;
    * ``stochastic``: it draws random numbers;
    * ``memory``: its decision depends on earlier months;
    * ``uses_deadline``: it counts months without progress.

    ``makes_use_of`` declares, as Axelrod's classifier does, what of the month's :class:`Context` a
    rule reads besides the state variables of its ``when:`` condition: context fields (``stalled``,
    ``base_levels``, ``aid_share``, ``uniform``) and, as ``env``, state variables it reads by name
    (:meth:`variables_read` lists those). The contract tests check each declaration against what
    the rule touches.
    """

    spec_class: ClassVar[type[RuleSpec]]
    kind: ClassVar[str]
    characteristics: ClassVar[dict[str, bool]] = {}
    makes_use_of: ClassVar[frozenset[str]] = frozenset()

    def __init__(self, setup: Setup):
        self.spec = setup.spec
        self.actor_id = setup.actor_id
        self.path = setup.path
        self.n = setup.n_worlds
        self._draw = setup.draw
        when = getattr(self.spec, "when", None)   # the rule kinds that act on a condition have one
        self.condition = compile_expression(when, setup.variables) if when else None

    def variables_read(self) -> frozenset[str]:
        """Every state variable (:mod:`sim.scenario.variables`) this rule reads: its condition's, and
        those its kind reads by name (:meth:`own_variables`)."""
        return (self.condition.names if self.condition is not None else frozenset()) | self.own_variables()

    def own_variables(self) -> frozenset[str]:
        """State variables the rule's kind reads by name, not through ``when:`` (none by default)."""
        return frozenset()

    def draw(self, name: str, prior) -> np.ndarray | float:
        """A parameter of this rule, per world (named by the rule's key path)."""
        return self._draw(f"{self.path}.{name}", prior)

    def levels(self, attr: str) -> dict[str, np.ndarray | float]:
        return {lever: self.draw(f"{attr}.{lever}", prior) for lever, prior in getattr(self.spec, attr).items()}

    def holds(self, ctx: Context) -> np.ndarray:
        """Where the rule's ``when:`` condition holds this month (N,) (only rules with one ask)."""
        assert self.condition is not None, f"a {self.kind} rule has no condition"
        return np.broadcast_to(np.asarray(self.condition.evaluate(ctx.env), dtype=bool), (self.n,))

    def uniform(self, ctx: Context, name: str) -> np.ndarray:
        """This month's U[0, 1) draw per world for this rule."""
        return ctx.uniform(f"{self.path}:{name}")

    def apply(self, levels: Levels, ctx: Context) -> Outcome:
        raise NotImplementedError


def change(levels: Levels, mask: np.ndarray, set_: dict, add: dict) -> Levels:
    """Levels with ``set_`` imposed and ``add`` added where ``mask`` is true."""
    out = dict(levels)
    for lever, value in set_.items():
        out[lever] = np.where(mask, value, out[lever])
    for lever, delta in add.items():
        out[lever] = out[lever] + np.where(mask, delta, 0.0)
    return out


RULES: dict[str, type[Rule]] = {}
"""Every rule kind, by the ``kind`` a scenario file gives; filled by :func:`register`."""


def register(cls: type[Rule]) -> type[Rule]:
    """Class decorator: make a rule kind known to the model and to the scenario schema."""
    kind = typing.get_args(cls.spec_class.model_fields["kind"].annotation)[0]
    if kind in RULES:
        raise ValueError(f"rule kind '{kind}' is registered twice")
    cls.kind = kind
    RULES[kind] = cls
    return cls
