"""Read scenario YAML files: line-aware parsing, ``extends:`` inheritance, and clear errors.

A scenario file may start with ``extends: other.yaml`` (a path relative to the file). The parent is
loaded first and the child's mappings are merged into it key by key; lists and scalars replace.

``extends`` reads only inside the folders a scenario may extend from (:func:`extends_roots`): the
folder of the file that was asked for, the shipped ``scenarios/`` folder, and folders the user
allows (``NEGSIM_EXTENDS_PATH`` or ``negsim --allow-extends DIR``). A file that arrives from a class
or a web page therefore cannot make the program read, or echo in an error, a file elsewhere.
Every key path remembers the file and line it came from, so that a validation error can point a
user at the exact place to fix.
"""

from __future__ import annotations

import hashlib
import json
import math
import os
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from .errors import ScenarioError

MAX_FILE_BYTES = 1_000_000
"""Largest scenario file read (the shipped baseline is about 20 kB)."""
MAX_DEPTH = 40
"""Deepest nesting of mappings and lists accepted (the schema needs 6)."""
MAX_NODES = 200_000
"""Most YAML nodes one file may hold."""
SHIPPED_SCENARIOS = Path(__file__).resolve().parents[2] / "scenarios"
"""The scenarios shipped with the project (a source checkout or an editable install)."""
EXTENDS_PATH_VARIABLE = "NEGSIM_EXTENDS_PATH"
"""Environment variable listing more folders ``extends`` may read from (separated by ``os.pathsep``)."""
ALLOWED_TAGS = frozenset(f"tag:yaml.org,2002:{t}" for t in ("str", "int", "float", "bool", "null", "map", "seq",
                                                                  "timestamp"))


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

    def set_by(self, origin: str, key_paths) -> SourceMap:
        """This map with each of ``key_paths`` (and everything under it) placed at ``origin``, the
        option that set it (``--set``, ``--param``): an error in a value the user gave on the command
        line names the option, not the line of the file it replaced."""
        places = {key: place for key, place in self.places.items()
                  if not any(key == k or key.startswith(k + ".") for k in key_paths)}
        return SourceMap({**places, **{k: (origin, 0) for k in key_paths}})


def _join(prefix: str, key: Any) -> str:
    return f"{prefix}.{key}" if prefix else str(key)


@dataclass
class _Walk:
    """What one file's construction has seen: nodes (to refuse aliases) and how many."""

    file: str
    places: dict[str, tuple[str, int]]
    scalars: yaml.SafeLoader
    seen: set[int] = field(default_factory=set)


def _refuse(walk: _Walk, node: yaml.Node, prefix: str, message: str) -> ScenarioError:
    return ScenarioError(message, path=walk.file, line=node.start_mark.line + 1, key=prefix or None)


def _plain(walk: _Walk, node: yaml.Node, prefix: str) -> None:
    """Refuse tags (``!foo``, ``!!python/...``) and merge keys (``<<``): plain YAML only."""
    if node.tag not in ALLOWED_TAGS:
        what = "merge keys (<<)" if node.tag.endswith(":merge") else f"the YAML tag {node.tag!r}"
        raise _refuse(walk, node, prefix, f"{what} not allowed in scenario files; write plain values")


YAML_12_NUMBER = {
    "tag:yaml.org,2002:int": re.compile(r"[-+]?[0-9]+"),
    "tag:yaml.org,2002:float": re.compile(r"[-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?"
                                          r"|[-+]?\.(inf|Inf|INF)|\.(nan|NaN|NAN)"),
}
"""The number forms of YAML 1.2's core schema. PyYAML reads YAML 1.1, which also takes ``1:30`` as
base 60 (90), ``0x1f``, ``0b101``, ``017`` (octal) and ``1_000``; those are refused with a hint."""
MAX_DIGITS = 100
"""Longest number accepted, in characters (a scenario's largest is a seed of 10 digits)."""


def _number_form(value: str, tag: str) -> str | None:
    """Why ``value``, resolved as ``tag``, is refused (a YAML 1.1-only form, or too long), or None."""
    form = YAML_12_NUMBER.get(tag)
    if form is None:
        return None
    if len(value) > MAX_DIGITS:
        return f"a number of {len(value):,} characters (at most {MAX_DIGITS})"
    if form.fullmatch(value) and not (tag.endswith(":int") and re.fullmatch(r"[-+]?0[0-9]+", value)):
        return None
    kind = ("a base-60 number (YAML 1.1 reads 1:30 as 90)" if ":" in value else
            "a hexadecimal, octal or binary number" if re.match(r"[-+]?0[xXoObB0-9]", value) else
            "a number written with underscores")
    return f"{value!r} is {kind}, which YAML 1.2 does not have; write it in plain decimal digits, or quote it as text"


def _scalar(walk: _Walk, node: yaml.Node, prefix: str) -> Any:
    refused = _number_form(node.value, node.tag) if isinstance(node, yaml.ScalarNode) and node.style is None else None
    if refused:
        raise _refuse(walk, node, prefix, refused)
    try:
        return walk.scalars.construct_object(node, deep=True)
    except (ValueError, TypeError, OverflowError, yaml.YAMLError):
        raise _refuse(walk, node, prefix, f"cannot read the value {node.value!r} as {node.tag.rsplit(':', 1)[-1]}"
                      ) from None


def _construct(walk: _Walk, node: yaml.Node, prefix: str, depth: int = 0) -> Any:
    """Turn a composed YAML node into Python data, recording the line of every key.

    Plain YAML only: anchors and aliases, tags (``!foo``, ``!!python/...``), merge keys (``<<``) and
    keys that are lists or mappings are refused, as are nesting deeper than :data:`MAX_DEPTH` and
    more than :data:`MAX_NODES` nodes, so that a small hostile file cannot exhaust the machine."""
    if id(node) in walk.seen:
        raise _refuse(walk, node, prefix, "YAML anchors and aliases (&name, *name) are not supported in "
                                          "scenario files; write the value out, or use 'extends:'")
    walk.seen.add(id(node))
    if len(walk.seen) > MAX_NODES:
        raise _refuse(walk, node, prefix, f"the file has more than {MAX_NODES:,} YAML nodes")
    if depth > MAX_DEPTH:
        raise _refuse(walk, node, prefix, f"the data is nested more than {MAX_DEPTH} levels deep")
    _plain(walk, node, prefix)
    walk.places.setdefault(prefix, (walk.file, node.start_mark.line + 1))
    if isinstance(node, yaml.MappingNode):
        out: dict[Any, Any] = {}
        names: set[str] = set()
        for key_node, value_node in node.value:
            if not isinstance(key_node, yaml.ScalarNode):
                raise _refuse(walk, key_node, prefix, "a key must be a plain name or number, not a list "
                                                      "or mapping")
            _plain(walk, key_node, prefix)
            key = _scalar(walk, key_node, prefix)
            if key is None or isinstance(key, bool):
                raise _refuse(walk, key_node, prefix, f"a key must be a name or a number, found {key_node.value!r}")
            if str(key) in names:
                raise ScenarioError(f"key '{key}' appears twice in the same mapping", path=walk.file,
                                    line=key_node.start_mark.line + 1, key=_join(prefix, key))
            names.add(str(key))
            path = _join(prefix, key)
            walk.places[path] = (walk.file, key_node.start_mark.line + 1)
            out[key] = _construct(walk, value_node, path, depth + 1)
        return out
    if isinstance(node, yaml.SequenceNode):
        return [_construct(walk, item, _join(prefix, i), depth + 1) for i, item in enumerate(node.value)]
    return _scalar(walk, node, prefix)


def read_value(text: str, option: str) -> Any:
    """One value given on the command line (``--set key=VALUE``), read as YAML with the same checks
    as a file: plain values, no aliases, nesting and size budgets, YAML 1.2 numbers. Errors name
    ``option`` (and the value, shortened) in place of a file."""
    if len(text) > MAX_FILE_BYTES:
        raise ScenarioError(f"the value is longer than {MAX_FILE_BYTES:,} characters", path=option)
    try:
        node = yaml.compose(text, Loader=yaml.SafeLoader)
    except yaml.YAMLError as exc:
        problem = getattr(exc, "problem", None) or "malformed YAML"
        raise ScenarioError(f"cannot read the value {shorten(text)!r} ({problem})", path=option) from None
    except RecursionError:
        raise ScenarioError(f"the value is nested more than {MAX_DEPTH} levels deep", path=option) from None
    if node is None:
        return None
    return _construct(_Walk(option, {}, yaml.SafeLoader("")), node, "")


DECIMAL = re.compile(r"[-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?")
"""A finite number in plain ASCII decimal (YAML 1.2's int and float forms without .inf and .nan)."""


def read_number(text: str, option: str) -> float:
    """One number given on the command line (a ``--param`` bound or step count): plain ASCII
    decimal of at most :data:`MAX_DIGITS` characters and finite, or a :class:`ScenarioError` naming
    ``option`` and the text. Python's ``float`` would also take ``1_000``, ``inf`` and other
    scripts' digits (``١٠``), which a scenario file refuses."""
    stripped = text.strip()
    if len(stripped) > MAX_DIGITS:
        raise ScenarioError(f"a number of {len(stripped):,} characters (at most {MAX_DIGITS})", path=option)
    if not DECIMAL.fullmatch(stripped) or not math.isfinite(value := float(stripped)):
        raise ScenarioError(f"expected a finite number in plain decimal digits (such as 0.25 or 1e-3), "
                            f"found {shorten(text)!r}", path=option)
    return value


def shorten(text: str, limit: int = 80) -> str:
    """``text`` cut to ``limit`` characters, for an error message that quotes what it was given."""
    return text if len(text) <= limit else text[:limit - 1] + "…"


def read_yaml(path: Path) -> tuple[dict[str, Any], dict[str, tuple[str, int]]]:
    """Parse one YAML file into a mapping and the line of each key path."""
    try:
        if not path.is_file():
            raise ScenarioError("file not found" if not path.exists() else
                                "not a regular file (a scenario is a YAML file)", path=path)
        with path.open("rb") as handle:
            blob = handle.read(MAX_FILE_BYTES + 1)
        if len(blob) > MAX_FILE_BYTES:
            raise ScenarioError(f"the file is larger than {MAX_FILE_BYTES:,} bytes; a scenario is a few "
                                "kilobytes of YAML", path=path)
        text = blob.decode("utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        reason = exc.strerror if isinstance(exc, OSError) and exc.strerror else "not UTF-8 text"
        raise ScenarioError(f"cannot read the file ({reason})", path=path) from None
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
    except RecursionError:
        raise ScenarioError(f"the data is nested more than {MAX_DEPTH} levels deep", path=path) from None
    if node is None:
        raise ScenarioError("the file is empty; expected a mapping of scenario keys", path=path)
    places: dict[str, tuple[str, int]] = {}
    # One safe constructor builds the scalars, so YAML tags cannot create arbitrary objects.
    data = _construct(_Walk(str(path), places, yaml.SafeLoader("")), node, "")
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


def extends_roots(path: str | Path) -> tuple[Path, ...]:
    """The folders (with their subfolders) whose files a scenario at ``path`` may extend: its own
    folder, the shipped ``scenarios/`` and each folder listed in ``NEGSIM_EXTENDS_PATH``."""
    listed = [Path(p).expanduser() for p in os.environ.get(EXTENDS_PATH_VARIABLE, "").split(os.pathsep) if p]
    return tuple(dict.fromkeys(p.resolve() for p in (Path(path).resolve().parent, SHIPPED_SCENARIOS, *listed)))


def load_raw(path: str | Path, roots: tuple[Path, ...] | None = None,
             _chain: tuple[Path, ...] = ()) -> tuple[dict[str, Any], SourceMap]:
    """Load a scenario file and its ``extends:`` ancestors, merged, with a map of where keys came from.

    Args:
        path: the scenario file.
        roots: folders ``extends`` may read from (default: :func:`extends_roots` of ``path``).
    """
    path = Path(path).resolve()
    roots = extends_roots(path) if roots is None else tuple(Path(r).resolve() for r in roots)
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
    file, line = places["extends"]
    try:
        parent_path = (path.parent / parent).resolve()
    except (ValueError, OSError) as exc:  # a NUL character, a loop of symbolic links
        raise ScenarioError(f"'extends' names {parent!r}, which is not a usable path ({exc})",
                            path=file, line=line, key="extends") from None
    if not any(parent_path.is_relative_to(root) for root in roots):
        # Checked before anything about the file is looked at, so nothing outside leaks out.
        raise ScenarioError(f"'extends' names {parent!r}, which lies outside the folders a scenario may extend "
                            f"from ({', '.join(str(r) for r in roots)}); copy the file there, or allow its "
                            f"folder with 'negsim --allow-extends FOLDER' or {EXTENDS_PATH_VARIABLE}",
                            path=file, line=line, key="extends")
    if parent_path.suffix.lower() not in (".yaml", ".yml"):
        raise ScenarioError(f"'extends' names {parent!r}; it must name a scenario file ending in .yaml",
                            path=file, line=line, key="extends")
    if not parent_path.is_file():
        raise ScenarioError(f"'extends' names {parent!r}, which does not exist next to this file",
                            path=file, line=line, key="extends")
    if len(_chain) >= 20:
        raise ScenarioError("'extends' goes more than 20 files deep", path=file, line=line, key="extends")
    base, base_map = load_raw(parent_path, roots, (*_chain, path))
    merged_places = dict(base_map.places)
    merged_places.update({k: v for k, v in places.items() if k != "extends"})
    return deep_merge(base, data), SourceMap(merged_places)


def canonical_sha256(data: dict[str, Any]) -> str:
    """A hash of the merged scenario content, independent of comments, key order and file layout."""
    try:
        blob = json.dumps(data, sort_keys=True, default=str, separators=(",", ":"))
    except TypeError:  # keys of mixed types (0.5 and "0.6") cannot be sorted together: compare as text
        blob = json.dumps(_string_keys(data), sort_keys=True, default=str, separators=(",", ":"))
    return hashlib.sha256(blob.encode()).hexdigest()


def _string_keys(data: Any) -> Any:
    """Data with every mapping key as text (keys were checked unique as text when read)."""
    if isinstance(data, dict):
        return {str(k): _string_keys(v) for k, v in data.items()}
    if isinstance(data, list):
        return [_string_keys(v) for v in data]
    return data
