"""Strategy rules: one file per kind, each registered once (see :mod:`.base`).

Every module in this package is imported here, so adding a rule kind is adding one file.
"""

import importlib
import pkgutil

from .base import RULES, Context, Outcome, Rule, Setup, register

for _module in sorted(m.name for m in pkgutil.iter_modules(__path__)):
    if _module != "base":
        importlib.import_module(f"{__name__}.{_module}")

RULE_SPECS = tuple(cls.spec_class for cls in RULES.values())
"""The spec classes of every rule kind, for :func:`sim.scenario.schema.build_schema`."""

__all__ = ["RULES", "RULE_SPECS", "Context", "Outcome", "Rule", "Setup", "register"]
