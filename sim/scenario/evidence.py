"""The evidence: documented positions behind the baseline's parameters, and the 2025 event record.

``load_positions`` checks that every calibrated parameter of a scenario has evidence, that the
evidence agrees with the value in the scenario, that every citation names a seed file that exists,
and that every quoted fragment is in the text it cites (the seed, or the public-reporting facts).
``load_events`` reads the record of decisions the backtest replays.
"""

from __future__ import annotations

import datetime as dt
import difflib
import os
import re
from pathlib import Path
from typing import Any, Literal

from pydantic import Field, model_validator

from .errors import ScenarioError
from .loader import SourceMap, read_yaml
from .schema import Prior, Scenario, Strict
from .validate import validate_as

Decision = Literal["accept", "reject"]


class Seed(Strict):
    """One seed article: its file under the seeds folder and its title."""

    file: str
    title: str = ""


class Evidence(Strict):
    """One parameter and what documents it: a seed passage, public reporting, or judgement."""

    parameter: str
    value: Any
    seed: str | None = None
    passage: str | None = None
    quote: str | None = Field(None, description="A short fragment copied word for word from the cited text "
                                                 "(the seed, or the facts file), so the citation can be checked.")
    facts: str | None = None
    judgement: bool = False
    note: str = ""

    @model_validator(mode="after")
    def _has_a_source(self) -> Evidence:
        if not (self.seed or self.facts or self.judgement):
            raise ValueError("evidence needs a seed (with a passage), facts, or judgement: true")
        if self.seed and not (self.passage and self.quote):
            raise ValueError("a seed citation needs a passage paraphrasing what it says and a quote copied from it")
        return self


class Positions(Strict):
    """positions.yaml: the seed articles and the documented value of every calibrated parameter."""

    seeds_dir: str
    seeds: dict[str, Seed]
    evidence: list[Evidence]


class Source(Strict):
    """Where an event is documented: a seed file and the passage, or a fragment of the public-reporting
    facts (``facts``, copied word for word from calibration-facts.md, so it can be checked)."""

    seed: str | None = None
    passage: str = ""
    facts: str | None = None
    decision: Decision | None = None

    @model_validator(mode="after")
    def _cites_something(self) -> Source:
        if (self.seed is None) == (self.facts is None):
            raise ValueError("a source names either a seed (with a passage) or a facts fragment, not both")
        if self.seed is not None and not self.passage:
            raise ValueError("a seed source needs the passage it paraphrases")
        return self


class Range(Strict):
    """A documented range of a number, both ends included."""

    low: float
    high: float

    @model_validator(mode="after")
    def _ordered(self) -> Range:
        if self.low > self.high:
            raise ValueError(f"low ({self.low}) is above high ({self.high})")
        return self


class Event(Strict):
    """One documented event of the record."""

    id: str
    date: dt.date
    month: int = Field(ge=1)
    until: int | None = None
    kind: Literal["action", "proposal", "partial", "outcome"]
    actor: str | None = None
    levers: dict[str, float] = Field(default_factory=dict)
    package: str | None = None
    deal: str | None = None
    proposer: str | None = None
    decisions: dict[str, Decision] = Field(default_factory=dict)
    contested: dict[str, list[Source]] = Field(default_factory=dict)
    treatment: str = ""
    broken: bool | None = None
    general_ceasefire: bool | None = None
    agreed_at_most: dict[str, int] = Field(default_factory=dict, description="For an outcome: each partial deal "
                                           "was agreed at most this many times from the start to this month.")
    occupied_km2: Range | None = Field(None, description="For an outcome: the area Russia occupies at the end of "
                                       "this month lies in this documented range, km2.")
    sources: list[Source] = Field(min_length=1)
    followed: str = ""

    @model_validator(mode="after")
    def _names_what_its_kind_needs(self) -> Event:
        needed = {"action": "actor", "proposal": "package", "partial": "deal"}.get(self.kind)
        if needed and getattr(self, needed) is None:
            raise ValueError(f"a {self.kind} event needs '{needed}'")
        return self

    @property
    def last_month(self) -> int:
        return self.until if self.until is not None else self.month


class Record(Strict):
    """events.yaml: the documented decisions the backtest and the calibration replay."""

    scenario: str
    events: list[Event]


FACTS_FILE = "calibration-facts.md"
"""The public-reporting facts, beside the seeds folder (``../shared/calibration-facts.md``)."""


def normalise_text(text: str) -> str:
    """Text as quotes are matched: curly quotes and dashes made plain, whitespace collapsed, lower case."""
    for curly, plain in (("’", "'"), ("‘", "'"), ("“", '"'), ("”", '"'), ("–", "-"), ("—", "-")):
        text = text.replace(curly, plain)
    return re.sub(r"\s+", " ", text).strip().lower()


def closest_passage(quote: str, text: str) -> str:
    """The sentence of ``text`` most like ``quote`` (to show where a misquoted fragment went wrong)."""
    sentences = re.split(r"(?<=[.!?])\s+", normalise_text(text))
    best = max(sentences, key=lambda s: difflib.SequenceMatcher(None, normalise_text(quote), s).ratio(), default="")
    return best[:200]


def seeds_directory(positions_file: Path, positions: Positions, override: str | Path | None = None) -> Path:
    """Where the seed files are: ``override``, ``$NEGSIM_SEEDS``, or ``seeds_dir`` next to the file."""
    chosen = override or os.environ.get("NEGSIM_SEEDS")
    return Path(chosen) if chosen else (positions_file.parent / positions.seeds_dir).resolve()


def calibrated_parameters(scenario: Scenario) -> list[str]:
    """The parameters that must rest on evidence: every ideal point and red line, the offers of
    actors that control an issue, the aid shares, and the battlefield's documented anchors."""
    paths = []
    for actor_id, actor in scenario.actors.items():
        paths += [f"actors.{actor_id}.ideal.{issue}" for issue in actor.ideal]
        paths += [f"actors.{actor_id}.red_lines.{i}" for i in range(len(actor.red_lines))]
        roles = {scenario.issues[i].role for i in actor.controls}
        if "sanctions_relief" in roles:
            paths.append(f"actors.{actor_id}.levers.relief_offer")
        if "guarantees" in roles:
            paths.append(f"actors.{actor_id}.levers.troop_offer")
        if actor.support.aid_share:
            paths.append(f"actors.{actor_id}.support.aid_share")
    paths += ["battlefield.start_occupied_km2", "battlefield.advance_km2_per_month",
              "battlefield.baseline_aid"]
    paths += [f"battlefield.casualties_per_month.{a}" for a in scenario.battlefield.casualties_per_month]
    return paths


def _value_at(scenario: Scenario, path: str) -> Any:
    obj: Any = scenario
    for part in path.split("."):
        obj = obj[int(part)] if isinstance(obj, list) else obj[part] if isinstance(obj, dict) else getattr(obj, part)
    return obj


def _agrees(evidence: Any, actual: Any) -> bool:
    if isinstance(actual, Prior):
        return isinstance(evidence, (int, float)) and actual.low - 1e-12 <= evidence <= actual.high + 1e-12
    if isinstance(evidence, dict):  # a red line: the documented fields must match
        return all(getattr(actual, key, None) == value for key, value in evidence.items())
    return isinstance(evidence, (int, float)) and abs(float(actual) - float(evidence)) < 1e-9


def load_positions(path: str | Path, scenario: Scenario, seeds_dir: str | Path | None = None) -> Positions:
    """Load the documented positions and check them against ``scenario``; errors name the entry."""
    path = Path(path)
    raw, places = read_yaml(path)
    source = SourceMap(places)
    positions: Positions = validate_as(Positions, raw, source)
    folder = seeds_directory(path, positions, seeds_dir)

    def fail(i: int, message: str) -> ScenarioError:
        file, line = source.locate(f"evidence.{i}")
        return ScenarioError(message, path=file, line=line, key=f"evidence.{i}")

    for key, seed in positions.seeds.items():
        if not (folder / seed.file).is_file():
            file, line = source.locate(f"seeds.{key}")
            raise ScenarioError(f"seed {key} names {seed.file}, which is not in {folder} (set NEGSIM_SEEDS "
                                "or --seeds to the folder of seed files)", path=file, line=line)
    texts = {key: (folder / seed.file).read_text(encoding="utf-8") for key, seed in positions.seeds.items()}
    facts_file = folder.parent / FACTS_FILE
    covered = set()
    for i, item in enumerate(positions.evidence):
        if item.seed is not None and item.seed not in positions.seeds:
            raise fail(i, f"'{item.parameter}' cites seed {item.seed!r}, which is not a seed file; known seeds: "
                          f"{', '.join(sorted(positions.seeds))}")
        if item.quote is not None:
            if item.seed is not None:
                text, where = texts[item.seed], f"seed {item.seed} ({positions.seeds[item.seed].file})"
            elif facts_file.is_file():
                text, where = facts_file.read_text(encoding="utf-8"), str(facts_file)
            else:
                raise fail(i, f"'{item.parameter}' quotes the facts, but {facts_file} does not exist (set NEGSIM_SEEDS "
                              "to the seeds folder whose parent holds calibration-facts.md)")
            if normalise_text(item.quote) not in normalise_text(text):
                raise fail(i, f"the quote for '{item.parameter}' is not in {where}: expected the words "
                              f"{item.quote!r} to appear in it; the closest sentence is "
                              f"{closest_passage(item.quote, text)!r}")
        try:
            actual = _value_at(scenario, item.parameter)
        except (KeyError, IndexError, AttributeError, ValueError):
            raise fail(i, f"'{item.parameter}' is not a parameter of the scenario") from None
        if not _agrees(item.value, actual):
            shown = f"[{actual.low}, {actual.high}]" if isinstance(actual, Prior) else actual
            raise fail(i, f"the evidence for '{item.parameter}' says {item.value!r}, but the scenario has {shown}")
        covered.add(item.parameter)
    missing = [p for p in calibrated_parameters(scenario) if p not in covered]
    if missing:
        file, _ = source.locate("evidence")
        raise ScenarioError(f"calibrated parameter(s) without evidence: {', '.join(missing)}", path=file)
    return positions


def load_events(path: str | Path) -> tuple[Record, Path]:
    """Load the event record; returns it and the scenario file it replays."""
    path = Path(path)
    raw, places = read_yaml(path)
    record: Record = validate_as(Record, raw, SourceMap(places))
    return record, (path.parent / record.scenario).resolve()


def check_event_citations(record: Record, positions: Positions, facts_file: Path | None = None) -> int:
    """Every event's seeds are known, and every facts fragment is word for word in ``facts_file``
    (calibration-facts.md). Returns the number of facts fragments checked."""
    checked = 0
    facts_text = facts_file.read_text(encoding="utf-8") if facts_file and facts_file.is_file() else None
    facts = normalise_text(facts_text) if facts_text is not None else None
    for event in record.events:
        sources = [*event.sources, *(s for v in event.contested.values() for s in v)]
        unknown = [s.seed for s in sources if s.seed is not None and s.seed not in positions.seeds]
        if unknown:
            raise ScenarioError(f"event '{event.id}' cites unknown seed(s) {', '.join(unknown)}")
        for source in sources:
            if source.facts is None:
                continue
            if facts is None or facts_text is None:
                raise ScenarioError(f"event '{event.id}' quotes the facts, but {facts_file} does not exist (set "
                                    "NEGSIM_SEEDS to the seeds folder whose parent holds calibration-facts.md)")
            if normalise_text(source.facts) not in facts:
                raise ScenarioError(f"event '{event.id}' quotes {source.facts!r}, which is not word for word in "
                                    f"{facts_file}; the closest sentence is "
                                    f"{closest_passage(source.facts, facts_text)!r}")
            checked += 1
    return checked
