"""Question files: dated binary questions the model's forecast is scored on (``negsim score``).

Each question names the scenario it is forecast from (its origin), an event, the date by which it
happens, its outcome once resolved, and any other forecasts of the same question::

    questions:
      - id: ceasefire-2025
        text: A general ceasefire in force by 31 December 2025
        scenario: ../baseline.yaml          # relative to this file
        event: ceasefire_in_force           # ceasefire | settlement | ceasefire_in_force | partial:<deal>
        by: 2025-12-31                      # the month containing the date counts
        outcome: false                      # true, false, or null (not resolved: forecast only)
        forecasters: {Polymarket: 0.75}     # optional, probabilities
        source: seed 003, a year of talks produced no ceasefire

Events: ``ceasefire`` (a first general ceasefire agreed by then), ``settlement`` (every issue
settled by then), ``ceasefire_in_force`` (a general ceasefire holds in the month of the date),
``partial:<deal>`` (the partial deal agreed at least once by then), ``occupied_km2_above:<km2>``
(Russia occupies more than that many km2 at the end of the month of the date).
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from pathlib import Path

from pydantic import Field

from .errors import ScenarioError
from .loader import SourceMap, extends_roots
from .params import Strict, Unit
from .validate import _error_at, read_as

EVENT_PATTERN = re.compile(r"(ceasefire|settlement|ceasefire_in_force|partial:[A-Za-z0-9_]+"
                           r"|occupied_km2_above:[0-9]+(\.[0-9]+)?)")
"""The events a question may ask about (docstring of this module)."""
MAX_QUESTIONS = 1_000


class Question(Strict):
    """One dated binary question."""

    id: str = Field(min_length=1, max_length=100, pattern=r"^[A-Za-z0-9_.-]+$",
                    description="a short name, unique in the file (letters, digits, '_', '.', '-')")
    text: str = Field(min_length=1, max_length=500, description="the question as a forecaster reads it")
    scenario: str = Field(min_length=1, description="the scenario it is forecast from, relative to this file")
    event: str = Field(description="ceasefire | settlement | ceasefire_in_force | partial:<deal name> | "
                                   "occupied_km2_above:<km2>")
    by: dt.date = Field(description="the date (YYYY-MM-DD) by which the event happens; its month counts")
    outcome: bool | None = Field(None, description="true, false, or null while unresolved (forecast only)")
    forecasters: dict[str, Unit] = Field(default_factory=dict,
                                                  description="other forecasts of the question, as probabilities")
    source: str = Field("", description="where the outcome is documented (seed file and passage)")


class QuestionsFile(Strict):
    """A whole questions file."""

    questions: list[Question] = Field(min_length=1, max_length=MAX_QUESTIONS)


@dataclass(frozen=True)
class LoadedQuestions:
    """A validated questions file, each question's scenario resolved, and where each key was written."""

    spec: QuestionsFile
    path: Path
    scenarios: list[Path]     # per question, the scenario file it is forecast from
    source: SourceMap

    def where(self, key: str) -> tuple[str | None, int | None]:
        return self.source.locate(key)

    def error(self, index: int, key: str, message: str) -> ScenarioError:
        """A clear error about question ``index``'s ``key``, naming its file and line."""
        file, line = self.where(f"questions.{index}.{key}")
        return ScenarioError(message, path=file or self.path, line=line, key=f"questions.{index}.{key}")


def load_questions(path: str | Path) -> LoadedQuestions:
    """Read and check a questions file (each question's scenario is checked when it is loaded).

    Raises:
        ScenarioError: naming the file, line and key path of the first problem.
    """
    path = Path(path)
    spec, source = read_as(QuestionsFile, path)
    seen: dict[str, int] = {}
    roots = extends_roots(path)
    scenarios = []
    for i, question in enumerate(spec.questions):
        if question.id in seen:
            raise _error_at(f"questions.{i}.id", f"the id '{question.id}' is already question {seen[question.id]}'s; "
                                                 "each question needs its own.", source)
        seen[question.id] = i
        if not EVENT_PATTERN.fullmatch(question.event):
            raise _error_at(f"questions.{i}.event", "expected ceasefire, settlement, ceasefire_in_force, "
                                                    "partial:<deal name> or occupied_km2_above:<km2> (a number), "
                                                    f"found '{question.event[:80]}'.", source)
        scenario = (path.resolve().parent / question.scenario).resolve()
        if not any(scenario.is_relative_to(root) for root in roots):
            raise _error_at(f"questions.{i}.scenario", f"'{question.scenario}' lies outside the folders a questions "
                                                       f"file may read scenarios from ({', '.join(map(str, roots))}); "
                                                       "allow it with 'negsim --allow-extends'", source)
        scenarios.append(scenario)
    return LoadedQuestions(spec, path, scenarios, source)


def month_of(start: str, date: dt.date) -> int:
    """The scenario month (1 = the ``start`` month, "YYYY-MM") that contains ``date``."""
    year, month = (int(part) for part in start.split("-"))
    return (date.year - year) * 12 + (date.month - month) + 1
