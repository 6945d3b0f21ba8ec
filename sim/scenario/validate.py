"""Validate a merged scenario against the schema and turn any problem into one clear sentence."""

from __future__ import annotations

import difflib
import re
import types
import typing
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ValidationError

from .conditions import ExpressionError, compile_expression
from .errors import ScenarioError
from .loader import SourceMap, canonical_sha256, load_raw, read_yaml, shorten
from .schema import Scenario
from .variables import variable_types

_EXPECTED = {
    "float_parsing": "a number", "float_type": "a number", "int_parsing": "a whole number",
    "int_type": "a whole number", "int_from_float": "a whole number", "bool_type": "true or false",
    "bool_parsing": "true or false", "string_type": "text", "dict_type": "a mapping (key: value lines)",
    "model_type": "a mapping (key: value lines)", "model_attributes_type": "a mapping (key: value lines)",
    "list_type": "a list", "missing": None,
}


@dataclass(frozen=True)
class LoadedScenario:
    """A validated scenario, the file it came from, and the hash of its merged content."""

    scenario: Scenario
    path: Path
    sha256: str
    raw: dict[str, Any]
    source: SourceMap
    overrides: dict[str, Any] = field(default_factory=dict)   # --set values applied, by key path


def _unwrap(annotation: Any) -> Any:
    """Strip Annotated/Optional wrappers down to a model class or a dict/list type."""
    origin = typing.get_origin(annotation)
    if origin is typing.Annotated:
        return _unwrap(typing.get_args(annotation)[0])
    if origin in (typing.Union, types.UnionType):
        for arm in typing.get_args(annotation):
            inner = _unwrap(arm)
            if isinstance(inner, type) and issubclass(inner, BaseModel) or typing.get_origin(inner) in (dict, list):
                return inner
    return annotation


def allowed_keys(loc: tuple[Any, ...], root: type[BaseModel] = Scenario) -> list[str]:
    """The keys the schema accepts in the mapping at ``loc`` (for 'did you mean' suggestions)."""
    current: Any = root
    for part in loc:
        current = _unwrap(current)
        if isinstance(current, type) and issubclass(current, BaseModel):
            field = current.model_fields.get(str(part))
            if field is None:
                return []
            current = field.annotation
        elif typing.get_origin(current) in (dict, list):
            current = typing.get_args(current)[-1]
        else:
            return []
    current = _unwrap(current)
    if isinstance(current, type) and issubclass(current, BaseModel):
        return list(current.model_fields)
    return []


def _dotted(loc: tuple[Any, ...]) -> str:
    return ".".join(str(p) for p in loc)


def _describe(error: Mapping[str, Any], root: type[BaseModel] = Scenario) -> str:
    kind = error["type"]
    loc = tuple(error["loc"])
    found = error.get("input")
    if kind == "extra_forbidden":
        key = str(loc[-1])
        valid = allowed_keys(loc[:-1], root)
        close = difflib.get_close_matches(key, valid, n=1, cutoff=0.6)
        hint = f" Did you mean '{close[0]}'?" if close else ""
        listing = f" Valid keys here: {', '.join(valid)}." if valid else ""
        return f"unknown key '{key}'.{hint}{listing}"
    if kind == "missing":
        return f"the required key '{loc[-1]}' is missing."
    if kind == "literal_error":
        expected = error.get("ctx", {}).get("expected", "one of the allowed values")
        return f"expected {expected}, found {found!r}."
    if kind in _EXPECTED and _EXPECTED[kind]:
        return f"expected {_EXPECTED[kind]}, found {found!r}."
    message = str(error.get("msg", "invalid value")).removeprefix("Value error, ")
    if "found" not in message and not isinstance(found, dict):
        message += f" (found {found!r})"
    return message[0].lower() + message[1:] + ("" if message.endswith(".") else ".")


def _error_at(key_path: str, message: str, source: SourceMap, extra: int = 0) -> ScenarioError:
    file, line = source.locate(key_path)
    if extra:
        message += f" ({extra} more problem{'s' if extra > 1 else ''} after this one.)"
    return ScenarioError(message, path=file, line=line, key=key_path or None)


def _check_references(s: Scenario) -> list[tuple[str, str]]:
    """Cross-references the schema cannot express: issue and actor names used elsewhere must exist."""
    problems: list[tuple[str, str]] = []
    issues, actors = set(s.issues), set(s.actors)

    def need(names: typing.Iterable[str], valid: set[str], where: str, what: str) -> None:
        """Every name must be valid; a mapping's bad key is reported at its own key path."""
        for name in names:
            if name not in valid:
                close = difflib.get_close_matches(name, sorted(valid), n=1)
                hint = f" Did you mean '{close[0]}'?" if close else ""
                key = f"{where}.{name}" if isinstance(names, dict) else where
                problems.append((key, f"unknown {what} '{name}'.{hint} Known {what}s: {', '.join(sorted(valid))}."))

    for aid, actor in s.actors.items():
        need(actor.ideal, issues, f"actors.{aid}.ideal", "issue")
        need(actor.salience, issues, f"actors.{aid}.salience", "issue")
        for i, line in enumerate(actor.red_lines):
            need([line.issue], issues, f"actors.{aid}.red_lines.{i}.issue", "issue")
        for i, controlled in enumerate(actor.controls):
            need([controlled], issues, f"actors.{aid}.controls.{i}", "issue")
        missing = issues - set(actor.ideal)
        if missing:
            problems.append((f"actors.{aid}.ideal",
                             f"every issue needs an ideal point; missing: {', '.join(sorted(missing))}."))
        if sum(p.high for p in actor.salience.values()) <= 0:
            problems.append((f"actors.{aid}.salience", "saliences must not all be zero."))
    for name, package in s.packages.items():
        need(package.terms, issues, f"packages.{name}.terms", "issue")
    for name, deal in s.partial_deals.items():
        need(deal.parties, actors, f"partial_deals.{name}.parties", "actor")
        need(deal.value, actors, f"partial_deals.{name}.value", "actor")
        need(deal.goodwill, actors, f"partial_deals.{name}.goodwill", "actor")
    for i, mediator in enumerate(s.negotiation.mediators):
        need([mediator], actors, f"negotiation.mediators.{i}", "actor")
    need(s.negotiation.ceasefire_settles, issues, "negotiation.ceasefire_settles", "issue")
    for i, item in enumerate(s.negotiation.scheduled):
        need([item.package], set(s.packages), f"negotiation.scheduled.{i}.package", "package")
        if item.month > s.horizon_months:
            problems.append((f"negotiation.scheduled.{i}.month",
                             f"month {item.month} is after the horizon ({s.horizon_months})."))
    sides = [a.side for a in s.actors.values() if a.role == "belligerent"]
    if sides.count("attacker") != 1 or sides.count("defender") != 1:
        problems.append(("actors", "expected exactly one belligerent with side: attacker and one with "
                                   f"side: defender, found sides {sides}."))
    roles: dict[str, str] = {}
    for name, issue in s.issues.items():
        if issue.status_quo == "front" and issue.role != "territory":
            problems.append((f"issues.{name}.status_quo",
                             "status_quo 'front' is only meaningful for the issue with role: territory."))
        if issue.role in roles:
            problems.append((f"issues.{name}.role", f"role '{issue.role}' is already taken by issue "
                                                    f"'{roles[issue.role]}'; each role belongs to one issue."))
        elif issue.role:
            roles[issue.role] = name
    for aid, actor in s.actors.items():
        for i, line in enumerate(actor.red_lines):
            if line.relative_to is not None and s.issues.get(line.issue) and \
                    s.issues[line.issue].role != "territory":
                problems.append((f"actors.{aid}.red_lines.{i}.relative_to",
                                 f"relative_to: {line.relative_to} only applies to the territory issue."))
            if line.relative_to == "donbas" and s.battlefield.donbas is None:
                problems.append((f"actors.{aid}.red_lines.{i}.relative_to",
                                 "relative_to: donbas needs battlefield.donbas (Ukraine's remaining Donbas area)."))
            if line.escalation is not None and (line.relative_to != "donbas" or line.below is None):
                problems.append((f"actors.{aid}.red_lines.{i}.escalation",
                                 "escalation applies to a 'below' line measured from the Donbas (relative_to: donbas)."))
            if line.valued_at_war and (line.relative_to != "donbas" or line.kind != "audience"):
                problems.append((f"actors.{aid}.red_lines.{i}.valued_at_war",
                                 "valued_at_war applies to an audience line measured from the Donbas (relative_to: donbas)."))
            if line.ramp is not None and line.kind == "hard":
                problems.append((f"actors.{aid}.red_lines.{i}.ramp", "a ramp applies to an audience line only."))
    variables = variable_types(s)
    for aid, actor in s.actors.items():
        for i, rule in enumerate(actor.strategy):
            where = f"actors.{aid}.strategy.{i}"
            for name_field in getattr(rule, "actor_fields", ()):
                named = getattr(rule, name_field, None)
                if named is not None:
                    need([named], actors, f"{where}.{name_field}", "actor")
                    if named == aid and name_field in rule.other_actor_fields:
                        problems.append((f"{where}.{name_field}",
                                         f"a {rule.kind} rule must name another actor, not its own ('{aid}')."))
            when = getattr(rule, "when", None)   # the rule kinds that act on a condition
            if when is not None:
                try:
                    compile_expression(when, variables)
                except ExpressionError as exc:
                    problems.append((f"{where}.when", f"in the condition {when!r}: {exc}"))
    belligerents = {a for a, actor in s.actors.items() if actor.role == "belligerent"}
    need(s.battlefield.casualties_per_month, belligerents, "battlefield.casualties_per_month",
         "belligerent")
    need(s.battlefield.casualty_response, belligerents, "battlefield.casualty_response", "belligerent")
    for i, month in enumerate(s.report_months):
        if not 1 <= month <= s.horizon_months:
            problems.append((f"report_months.{i}", f"expected a month from 1 to {s.horizon_months}, "
                                                   f"found {month}."))
    return problems


def read_as(model: type[BaseModel], path: Path) -> tuple[Any, SourceMap]:
    """Read a YAML file and validate it against ``model``: the object and where its keys were written."""
    raw, places = read_yaml(path)
    source = SourceMap(places)
    return validate_as(model, raw, source), source


def validate_as(model: type[BaseModel], raw: dict[str, Any], source: SourceMap) -> Any:
    """Validate ``raw`` against a schema class; a problem becomes one :class:`ScenarioError`."""
    try:
        return model.model_validate(raw)
    except ValidationError as exc:
        errors = exc.errors()
        first = errors[0]
        raise _error_at(_dotted(tuple(first["loc"])), _describe(first, model), source,
                        extra=len(errors) - 1) from None


def validate(raw: dict[str, Any], source: SourceMap, schema: type[Scenario]) -> Scenario:
    """Check merged scenario data against ``schema`` (from :func:`~sim.scenario.schema.build_schema`);
    raise :class:`ScenarioError` naming the first problem's place."""
    scenario = validate_as(schema, raw, source)
    problems = _check_references(scenario)
    if problems:
        key, message = problems[0]
        raise _error_at(key, message, source, extra=len(problems) - 1)
    return scenario


def set_path(raw: dict[str, Any], dotted: str, value: Any) -> dict[str, Any]:
    """A copy of ``raw`` with the scalar at ``dotted`` replaced (used by overrides and sweeps)."""
    keys = dotted.split(".")
    out = dict(raw)
    node: Any = out
    for i, key in enumerate(keys[:-1]):
        child = node.get(key, {}) if isinstance(node, dict) else None
        if isinstance(node, list) and key.isdigit() and int(key) < len(node):
            child = node[int(key)]
        if not isinstance(child, (dict, list)):
            raise ScenarioError(f"'{'.'.join(keys[:i + 1])}' is not a mapping in this scenario, "
                                f"so '{dotted}' cannot be set", key=dotted)
        copy = dict(child) if isinstance(child, dict) else list(child)
        if isinstance(node, list):
            node[int(key)] = copy
        else:
            node[key] = copy
        node = copy
    if isinstance(node, list):
        if not keys[-1].isdigit() or int(keys[-1]) >= len(node):
            raise ScenarioError(f"'{dotted}': no item {keys[-1]} in that list", key=dotted)
        node[int(keys[-1])] = value
    else:
        node[keys[-1]] = value
    return out


def load_with_schema(path: str | Path, overrides: dict[str, Any] | None = None, *,
                     schema: type[Scenario], extends_roots: tuple[Path, ...] | None = None) -> LoadedScenario:
    """Load, merge, override and validate a scenario file.

    Most callers want :func:`sim.engine.load_scenario`, which passes the registered rule kinds.

    Args:
        path: the YAML file.
        overrides: optional ``{"dotted.key.path": value}`` replacements applied before validation.
        schema: the scenario schema with the strategy rule kinds a scenario may use
            (:func:`~sim.scenario.schema.build_schema`).
        extends_roots: the folders ``extends:`` may read from (default:
            :func:`~sim.scenario.loader.extends_roots`; a web page passes only the shipped scenarios).
    """
    raw, source = load_raw(path, extends_roots)
    return _overridden(raw, source, Path(path), {}, overrides or {}, schema, set_by="--set")


def with_overrides(loaded: LoadedScenario, overrides: dict[str, Any], *, schema: type[Scenario],
                   set_by: str | None = None) -> LoadedScenario:
    """``loaded`` with more ``{"dotted.key.path": value}`` replacements, validated again without
    re-reading its files (a structural variant, a sweep point). ``set_by``: the option the values
    came from (``"--param"``), which an error in one of them names instead of the file's line."""
    return _overridden(loaded.raw, loaded.source, loaded.path, loaded.overrides, overrides, schema, set_by)


CONTROL_CHARACTERS = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")
"""Characters refused in any text of a scenario: C0 and C1 controls but tab and line feed (an escape
sequence could rewrite the terminal that prints a report), and bidirectional overrides."""


def _check_text(node: Any, source: SourceMap, key: str = "") -> None:
    """Every text can be written out as UTF-8: a lone surrogate (YAML's ``"\\udc80"``) is refused
    here, not when a report or a figure is written after the run."""
    if isinstance(node, dict):
        for k, v in node.items():
            _check_text(k, source, key)
            _check_text(v, source, f"{key}.{k}" if key else str(k))
    elif isinstance(node, list):
        for i, v in enumerate(node):
            _check_text(v, source, f"{key}.{i}" if key else str(i))
    elif isinstance(node, str):
        try:
            node.encode("utf-8")
        except UnicodeEncodeError:
            raise _error_at(key, f"the text {shorten(node)!r} holds a character that cannot be written as UTF-8 (a "
                                 "lone surrogate); write plain text", source) from None
        control = CONTROL_CHARACTERS.search(node)
        if control:
            raise _error_at(key, f"the text {shorten(node)!r} holds the control character "
                                 f"{control.group()!r}, which a terminal would act on when a report prints it; "
                                 "write plain text (line breaks and tabs are fine)", source)


def _overridden(raw: dict[str, Any], source: SourceMap, path: Path, before: dict[str, Any],
                overrides: dict[str, Any], schema: type[Scenario], set_by: str | None = None) -> LoadedScenario:
    for dotted, value in overrides.items():
        raw = set_path(raw, dotted, value)
    blame = source.set_by(set_by, overrides) if set_by and overrides else source
    _check_text(raw, blame)
    scenario = validate(raw, blame, schema)
    return LoadedScenario(scenario=scenario, path=path, sha256=canonical_sha256(raw), raw=raw,
                          source=source, overrides={**before, **overrides})
