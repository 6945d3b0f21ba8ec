"""Loading scenarios with every registered rule kind: the scenario schema the whole program uses.

The classes built here are published under this module's name so that validated scenarios pickle
(sweeps and Dask send them to worker processes).
"""

from __future__ import annotations

import typing
from pathlib import Path
from typing import Any

from sim.model.rules import RULE_SPECS
from sim.scenario import LoadedScenario, ScenarioError, load_with_schema, with_overrides
from sim.scenario.schema import build_schema

CheckedScenario = build_schema(RULE_SPECS, module=__name__)
"""The scenario schema the program checks files with: every key, type and range of
:class:`~sim.scenario.schema.Scenario`, with the registered strategy rule kinds."""
CheckedActor = typing.get_args(CheckedScenario.model_fields["actors"].annotation)[1]
"""An actor of :data:`CheckedScenario` (its ``strategy:`` accepts every registered rule kind)."""


def load_scenario(path: str | Path, overrides: dict[str, Any] | None = None, *,
                  extends_roots: tuple[Path, ...] | None = None) -> LoadedScenario:
    """Load, merge (``extends:``), override and validate a scenario file.

    Args:
        path: the YAML file.
        overrides: optional ``{"dotted.key.path": value}`` replacements (``--set``) applied before
            validation, so they are range-checked like the file's own values.
        extends_roots: the folders ``extends:`` may read from (default: the file's folder, the
            shipped ``scenarios/`` and ``NEGSIM_EXTENDS_PATH``).

    Raises:
        ScenarioError: naming the file, line and key path of the first problem.
    """
    return load_with_schema(path, overrides, schema=CheckedScenario, extends_roots=extends_roots)


def check_values(loaded: LoadedScenario, values: dict[str, list[float]]) -> None:
    """Each value (sweep points, by dotted path) is one the scenario's schema accepts there: every
    listed value is validated with the rest of the scenario as written (ranges are intervals, so the
    lowest and highest of each list suffice).

    Raises:
        ScenarioError: naming the path, the allowed range and the value found (placed at "a swept
            value", not at the line of the file the value replaces).
    """
    for path, listed in values.items():
        for value in sorted({min(listed), max(listed)}):
            with_overrides(loaded, {path: float(value)}, schema=CheckedScenario, set_by="a swept value")


def load_variants(loaded: LoadedScenario) -> dict[str, LoadedScenario]:
    """The scenario's structural variants (its ``variants:`` block), each loaded and validated as
    the same file with the variant's values set, after any overrides the scenario was loaded with
    (a ``--set`` still wins: the user's explicit value holds in every variant). The files are read
    once, for the scenario itself.

    Raises:
        ScenarioError: naming the variant and the key path it could not set or validate.
    """
    variants = {}
    for name, variant in loaded.scenario.variants.items():
        overrides = {**variant.set, **loaded.overrides}
        try:
            variants[name] = with_overrides(loaded, overrides, schema=CheckedScenario)
        except ScenarioError as error:
            key = f"variants.{name}.set" + (f".{error.key}" if error.key else "")
            file, line = loaded.source.locate(f"variants.{name}.set")
            raise ScenarioError(f"variant '{name}': {error.message}", path=file or loaded.path, line=line,
                                key=key) from None
    return variants
