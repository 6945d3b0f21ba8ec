"""Read scenario YAML files: line-aware parsing, ``extends:`` inheritance, and clear errors.

A scenario file may start with ``extends: other.yaml`` (a path relative to the file). The parent is
loaded first and the child's mappings are merged into it key by key; lists and scalars replace.
Every key path remembers the file and line it came from, so that a validation error can point a
user at the exact place to fix.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml


class ScenarioError(Exception):
    """A problem with a user's scenario file: shown to the user as one paragraph, never a traceback."""

    def __init__(self, message: str, *, path: str | Path | None = None, line: int | None = None,
                 key: str | None = None):
        self.message = message
        self.path = str(path) if path is not None else None
        self.line = line
        self.key = key
        super().__init__(self.format())

    def format(self) -> str:
        where = self.path or "<scenario>"
        if self.line is not None:
            where += f", line {self.line}"
        if self.key:
            where += f", at '{self.key}'"
        return f"{where}: {self.message}"


@dataclass
class SourceMap:
    """Where each dotted key path was written: ``{"actors.russia.patience": (file, line)}``."""

    places: dict[str, tuple[str, int]] = field(default_factory=dict)

    def locate(self, key_path: str) -> tuple[str | None, int | None]:
        """The file and line of ``key_path``, or of its nearest written ancestor."""
        parts = key_path.split(".") if key_path else []
        while parts:
            place = self.places.get(".".join(parts))
            if place:
                return place
            parts.pop()
        return self.places.get("", (None, None))


def _join(prefix: str, key: Any) -> str:
    return f"{prefix}.{key}" if prefix else str(key)


def _construct(node: yaml.Node, file: str, prefix: str, places: dict[str, tuple[str, int]],
               scalars: yaml.SafeLoader) -> Any:
    """Turn a composed YAML node into Python data, recording the line of every key."""
    places.setdefault(prefix, (file, node.start_mark.line + 1))
    if isinstance(node, yaml.MappingNode):
        out: dict[Any, Any] = {}
        for key_node, value_node in node.value:
            key = scalars.construct_object(key_node, deep=True)
            if key in out:
                raise ScenarioError(f"key '{key}' appears twice in the same mapping", path=file,
                                    line=key_node.start_mark.line + 1, key=_join(prefix, key))
            path = _join(prefix, key)
            places[path] = (file, key_node.start_mark.line + 1)
            out[key] = _construct(value_node, file, path, places, scalars)
        return out
    if isinstance(node, yaml.SequenceNode):
        return [_construct(item, file, _join(prefix, i), places, scalars)
                for i, item in enumerate(node.value)]
    return scalars.construct_object(node, deep=True)


def read_yaml(path: Path) -> tuple[dict[str, Any], dict[str, tuple[str, int]]]:
    """Parse one YAML file into a mapping and the line of each key path."""
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise ScenarioError("file not found", path=path) from None
    except (OSError, UnicodeDecodeError) as exc:
        raise ScenarioError(f"cannot read the file ({exc})", path=path) from None
    try:
        node = yaml.compose(text, Loader=yaml.SafeLoader)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        problem = exc.problem or "malformed YAML"
        hint = f" ({exc.context})" if exc.context else ""
        if exc.context_mark and mark and exc.context_mark.line != mark.line:
            hint += f"; what is unfinished began on line {exc.context_mark.line + 1}"
        raise ScenarioError(f"this is not valid YAML: {problem}{hint}. Check indentation, colons and "
                            "quotes on this line and the one before it.",
                            path=path, line=mark.line + 1 if mark else None) from None
    except yaml.YAMLError as exc:
        raise ScenarioError(f"this is not valid YAML: {exc}", path=path) from None
    if node is None:
        raise ScenarioError("the file is empty; expected a mapping of scenario keys", path=path)
    places: dict[str, tuple[str, int]] = {}
    # One safe constructor builds the scalars, so YAML tags cannot create arbitrary objects.
    data = _construct(node, str(path), "", places, yaml.SafeLoader(""))
    if not isinstance(data, dict):
        raise ScenarioError(f"expected a mapping of scenario keys at the top level, found "
                            f"{type(data).__name__}", path=path, line=1)
    return data, places


def deep_merge(base: dict[str, Any], override: dict[str, Any]) -> dict[str, Any]:
    """Merge ``override`` into a copy of ``base``: mappings merge by key, anything else replaces."""
    out = dict(base)
    for key, value in override.items():
        if isinstance(value, dict) and isinstance(out.get(key), dict):
            out[key] = deep_merge(out[key], value)
        else:
            out[key] = value
    return out


def load_raw(path: str | Path, _chain: tuple[Path, ...] = ()) -> tuple[dict[str, Any], SourceMap]:
    """Load a scenario file and its ``extends:`` ancestors, merged, with a map of where keys came from."""
    path = Path(path).resolve()
    if path in _chain:
        cycle = " -> ".join(p.name for p in (*_chain, path))
        raise ScenarioError(f"'extends' makes a cycle: {cycle}", path=path)
    data, places = read_yaml(path)
    parent = data.pop("extends", None)
    if parent is None:
        return data, SourceMap(places)
    if not isinstance(parent, str):
        file, line = places.get("extends", (str(path), None))
        raise ScenarioError(f"'extends' expects a file name such as baseline.yaml, found {parent!r}",
                            path=file, line=line, key="extends")
    parent_path = (path.parent / parent)
    if not parent_path.exists():
        file, line = places["extends"]
        raise ScenarioError(f"'extends' names {parent!r}, which does not exist next to this file",
                            path=file, line=line, key="extends")
    base, base_map = load_raw(parent_path, (*_chain, path))
    merged_places = dict(base_map.places)
    merged_places.update({k: v for k, v in places.items() if k != "extends"})
    return deep_merge(base, data), SourceMap(merged_places)


def canonical_sha256(data: dict[str, Any]) -> str:
    """A hash of the merged scenario content, independent of comments, key order and file layout."""
    blob = json.dumps(data, sort_keys=True, default=str, separators=(",", ":"))
    return hashlib.sha256(blob.encode()).hexdigest()
