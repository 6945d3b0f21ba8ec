"""Capability files for the expected-utility engine: each actor's capability as a cited prior.

The expected-utility model (``negsim bdm``) needs, besides the positions and saliences a scenario
already gives, each actor's *capability*: its share of the influence that can move the outcome.
No seed measures it, so it is a judgement prior per actor, with the passage that anchors it::

    capability:
      us:
        prior: {low: 0.25, high: 0.40}
        why: 'seed 003: "U.S.-led peace talks" ...'
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from pydantic import Field

from .loader import SourceMap
from .params import Capability, Prior, Strict
from .validate import read_as


class ActorCapability(Strict):
    """One actor's capability prior and its rationale."""

    prior: Capability = Field(description="capability, relative to the other actors' (only ratios matter)")
    why: str = Field(min_length=1, description="the seed passage or the judgement behind the range")


class CapabilityFile(Strict):
    """A whole capability file."""

    description: str = ""
    capability: dict[str, ActorCapability] = Field(min_length=2)


@dataclass(frozen=True)
class LoadedCapabilities:
    """A validated capability file and where its keys were written."""

    spec: CapabilityFile
    path: Path
    source: SourceMap

    def prior(self, actor: str) -> Prior:
        return self.spec.capability[actor].prior

    def where(self, key: str) -> tuple[str | None, int | None]:
        return self.source.locate(key)


def load_capabilities(path: str | Path) -> LoadedCapabilities:
    """Read and check a capability file.

    Raises:
        ScenarioError: naming the file, line and key path of the first problem.
    """
    path = Path(path)
    spec, source = read_as(CapabilityFile, path)
    return LoadedCapabilities(spec, path, source)
