"""Dotted key paths into a validated scenario (sweeps, posteriors and overrides name values by them)."""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel

from .params import Prior
from .schema import Scenario


def scalar_paths(scenario: Scenario) -> dict[str, Any]:
    """Every scalar of a validated scenario by dotted path (a prior counts as one scalar)."""
    out: dict[str, Any] = {}

    def walk(obj: Any, prefix: str) -> None:
        if isinstance(obj, Prior):
            out[prefix] = obj
            out[f"{prefix}.low"], out[f"{prefix}.high"] = obj.low, obj.high
        elif isinstance(obj, BaseModel):
            for name in type(obj).model_fields:
                walk(getattr(obj, name), f"{prefix}.{name}" if prefix else name)
        elif isinstance(obj, dict):
            for key, value in obj.items():
                walk(value, f"{prefix}.{key}")
        elif isinstance(obj, list):
            for i, value in enumerate(obj):
                walk(value, f"{prefix}.{i}")
        elif isinstance(obj, (int, float)) and not isinstance(obj, bool):
            out[prefix] = obj

    walk(scenario, "")
    return out
