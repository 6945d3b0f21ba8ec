"""What every strategy rule's entry in a scenario file has in common.

The rule kinds themselves are declared in :mod:`sim.model.rules`, one file per kind, each with its
spec (a subclass of :class:`RuleSpec`) beside its behaviour. This layer only defines the common
base and the level types, and builds the schema's union from the specs it is given
(:func:`sim.scenario.schema.build_schema`).
"""

from __future__ import annotations

from typing import Annotated, ClassVar

from pydantic import Field

from .levers import LeverName
from .params import LeverLevel, Param, Probability, Strict

SetLevels = dict[LeverName, LeverLevel]
"""Lever levels a rule imposes: each a level in [0, 10] or a prior range."""

AddLevels = dict[LeverName, Param]
"""Lever shifts a rule adds (may be negative); the model floors the resulting level at 0."""

# Fields several rule kinds share, each meaning declared once (the scenario reference shows it):
# a kind's spec writes ``kind: Annotated[Literal["fixed"], KIND]``, ``when: When``, ``set: Imposed``.
KIND = Field(description="Which rule this is; the keys below are those of this kind.")
When = Annotated[str, Field(description="A condition on last month's state (negsim variables lists the names), "
                                        "such as 'rejected_russia and month >= 3'.")]
Imposed = Annotated[SetLevels, Field(description="Lever levels the rule sets when it acts (0 to 10, or a "
                                                 "prior range).")]
Shift = Annotated[AddLevels, Field(description="Shifts the rule adds to lever levels when it acts (may be "
                                               "negative; a level never falls below 0).")]
TargetActor = Annotated[str, Field(description="The actor the rule acts on (not the rule's own actor).")]
Success = Annotated[Probability, Field(description="Chance, in a month the condition holds, that the move works "
                                                   "(drawn each month).")]


class RuleSpec(Strict):
    """One entry of an actor's ``strategy:`` list. Subclasses fix ``kind`` to a literal.

    Class attributes name the fields that refer to other things, so that one check covers every
    kind: ``actor_fields`` must name actors (and, if listed in ``other_actor_fields``, not the rule's
    own actor); a field called ``when`` is a condition in the language of
    :mod:`sim.scenario.conditions`.
    """

    actor_fields: ClassVar[tuple[str, ...]] = ()
    other_actor_fields: ClassVar[tuple[str, ...]] = ()

    kind: str
    note: str = Field("", description="A free note: what the rule stands for, with its seed and passage.")
