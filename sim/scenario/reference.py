"""The scenario schema as a JSON Schema (for editors) and as a Markdown key reference (for readers).

Both are generated from the pydantic classes that check every file, so neither can drift from what
``negsim validate`` accepts: ``docs/scenario.schema.json`` and ``docs/reference.md`` are written by
``negsim schema`` and a test compares them with a fresh generation.
"""

from __future__ import annotations

import json
import typing
from typing import Any

from pydantic import BaseModel

from .params import Prior

__all__ = ["json_schema", "markdown_reference"]

SCHEMA_ID = "https://negsim.invalid/scenario.schema.json"  # a name, never fetched


def _models(root: type[BaseModel]) -> dict[str, type[BaseModel]]:
    """Every schema class reachable from ``root``'s fields, by the name JSON Schema gives it."""
    found: dict[str, type[BaseModel]] = {}

    def visit(annotation: Any) -> None:
        if isinstance(annotation, type) and issubclass(annotation, BaseModel):
            if annotation is Prior or annotation.__name__ in found:
                return
            found[annotation.__name__] = annotation
            for field in annotation.model_fields.values():
                visit(field.annotation)
            return
        for arg in typing.get_args(annotation):
            visit(arg)

    visit(root)
    return found


def _plain(value: Any) -> Any:
    """A default as a scenario file would write it (a point prior is its number)."""
    if isinstance(value, Prior):
        return value.low if value.is_point else {"low": value.low, "high": value.high, "mode": value.mode}
    if isinstance(value, BaseModel):
        return {name: _plain(getattr(value, name)) for name in type(value).model_fields}
    if isinstance(value, dict):
        return {key: _plain(item) for key, item in value.items()}
    if isinstance(value, list):
        return [_plain(item) for item in value]
    return value


def _annotated(schema: type[BaseModel]) -> dict[str, Any]:
    """Pydantic's JSON Schema of ``schema`` with the defaults that factories make, and ``extends:``."""
    result = schema.model_json_schema()
    models = _models(schema)
    for name, definition in [(schema.__name__, result), *result.get("$defs", {}).items()]:
        model = models.get(name)
        if model is None:
            continue
        for field_name, prop in definition.get("properties", {}).items():
            field = model.model_fields[field_name]
            if not field.is_required() and "default" not in prop:
                default = _plain(field.get_default(call_default_factory=True))
                if default is not None:
                    prop["default"] = default
    result["properties"] = {"extends": {"type": "string", "description": "A scenario file this one overrides "
                                        "(mappings merge key by key; lists and values replace)."},
                            **result["properties"]}
    return result


def _partial(node: Any) -> Any:
    """``node`` with nothing required (no key, no least number of entries) and references to partial copies."""
    if isinstance(node, dict):
        return {key: (value.replace("#/$defs/", "#/$defs/partial.") if key == "$ref" else _partial(value))
                for key, value in node.items() if key not in ("required", "minProperties")}
    if isinstance(node, list):
        return [_partial(item) for item in node]
    return node


def json_schema(schema: type[BaseModel]) -> dict[str, Any]:
    """JSON Schema (draft 2020-12) of a scenario file; ``schema`` is the built :class:`Scenario` class.

    Ranges are ``minimum``/``maximum`` keywords and defaults (including those made by a factory)
    ``default`` keywords. A file without ``extends:`` must be a whole scenario; a file with it may
    leave out any key its parent gives (a partial copy of every definition, with nothing required),
    and ``negsim validate`` checks the merged whole.
    """
    full = _annotated(schema)
    defs = full.pop("$defs", {})
    every = {**defs, "Scenario": full}
    return {"$schema": "https://json-schema.org/draft/2020-12/schema", "$id": SCHEMA_ID,
            "title": "negsim scenario file", "description": full.get("description", ""),
            "$defs": {**every, **{f"partial.{name}": _partial(d) for name, d in every.items()}},
            "if": {"required": ["extends"]},
            "then": {"$ref": "#/$defs/partial.Scenario"},
            "else": {"$ref": "#/$defs/Scenario"}}


def _resolve(node: dict[str, Any], defs: dict[str, Any]) -> dict[str, Any]:
    ref = node.get("$ref")
    return defs[ref.rsplit("/", 1)[-1]] if ref else node


def _allowed(node: dict[str, Any], defs: dict[str, Any]) -> str:
    """What a value may be, in words, from its JSON Schema."""
    if "$ref" in node:
        return "a mapping (below)"
    if "const" in node:
        return f"`{node['const']}`"
    if "enum" in node:
        return "one of " + ", ".join(f"`{v}`" for v in node["enum"])
    if "oneOf" in node:
        return "a mapping whose `kind` is one of " + ", ".join(
            f"`{_resolve(o, defs)['properties']['kind']['const']}`" for o in node["oneOf"]) + " (below)"
    if "anyOf" in node:
        options = [o for o in node["anyOf"] if o.get("type") != "null"]
        if len(options) == 2 and options[1].get("type") == "object" and "low" in options[1].get("properties", {}):
            return options[0]["title"] + ", or a prior range"
        text = " or ".join(_allowed(o, defs) for o in options)
        return text + (" (optional)" if len(options) < len(node["anyOf"]) else "")
    kind = node.get("type")
    if kind == "array":
        return "a list of " + _allowed(node.get("items", {}), defs).removeprefix("a ")
    if kind == "object":
        values = node.get("additionalProperties")
        if not isinstance(values, dict):
            return "a mapping"
        return "a mapping of names to " + _allowed(values, defs).removeprefix("a ")
    if kind == "string":
        return "text" + (f" matching `{node['pattern']}`" if "pattern" in node else "")
    if kind in ("number", "integer"):
        return node.get("title", "a number")
    if kind == "boolean":
        return "true or false"
    return "any value"


def _children(node: dict[str, Any], defs: dict[str, Any]) -> list[tuple[str, dict[str, Any]]]:
    """The mappings below a value: (suffix of the key path, definition)."""
    if "$ref" in node:
        return [("", _resolve(node, defs))]
    if node.get("type") == "array":
        return [(f"[]{s}", d) for s, d in _children(node.get("items", {}), defs)]
    if node.get("type") == "object" and isinstance(node.get("additionalProperties"), dict):
        return [(f".<name>{s}", d) for s, d in _children(node["additionalProperties"], defs)]
    for union in ("anyOf", "oneOf"):
        if union in node:
            return [c for option in node[union] for c in _children(option, defs)]
    return []


def _cell(text: str) -> str:
    return " ".join(str(text).split()).replace("|", "\\|")


def markdown_reference(schema: type[BaseModel]) -> str:
    """Every key a scenario file may hold: its path, what it may be (with the range), default and meaning."""
    full = _annotated(schema)
    defs = full.get("$defs", {})
    lines = ["# Scenario file reference", "",
             "Generated from the schema that checks every file (`negsim schema --reference`); do not edit by hand.",
             "A value outside its range is refused when the file is loaded, with file, line and key path.",
             "Every number marked \"or a prior range\" may be written `{low: a, high: b}` (uniform) or",
             "`{low: a, high: b, mode: c}` (triangular), drawn once per world. `<name>` is a name you choose",
             "(an actor, an issue, a package); `[]` is an item of a list. Editors that read JSON Schema can",
             "check files as you type with [`scenario.schema.json`](scenario.schema.json).", ""]
    done: set[tuple[str, int]] = set()

    def table(path: str, definition: dict[str, Any]) -> None:
        if (path, id(definition)) in done:
            return
        done.add((path, id(definition)))
        title = definition.get("title", "Scenario")
        lines.extend([f"## `{path or '(top level)'}`", "",
                      _cell(definition.get("description", "")) or title, "",
                      "| key | allowed | default | meaning |", "|---|---|---|---|"])
        required = set(definition.get("required", []))
        below: list[tuple[str, dict[str, Any]]] = []
        for key, prop in definition.get("properties", {}).items():
            if key in required:
                default = "required"
            elif "default" not in prop:
                default = "none"
            elif isinstance(prop["default"], dict) and prop["default"] and "$ref" in prop:
                default = "as below"
            else:
                default = f"`{json.dumps(prop['default'])}`"
            meaning = prop.get("description", "")
            lines.append(f"| `{key}` | {_cell(_allowed(prop, defs))} | {_cell(default)} | {_cell(meaning)} |")
            below.extend((f"{path + '.' if path else ''}{key}{suffix}", d) for suffix, d in _children(prop, defs))
        lines.append("")
        for child_path, child in below:
            kind = child.get("properties", {}).get("kind", {})
            label = f"{child_path} (kind: {kind['const']})" if "const" in kind else child_path
            table(label, child)

    table("", full)
    return "\n".join(lines).rstrip() + "\n"
