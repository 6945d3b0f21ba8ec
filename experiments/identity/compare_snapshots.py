"""Compare two snapshot folders from ``snapshot.sh``: every number in BEFORE is in AFTER, identical.

    python experiments/identity/compare_snapshots.py BEFORE AFTER

Columns renamed since (the statistic now in the name) are mapped back; keys only AFTER has are new
outputs; timing, version and provenance fields are set aside; figures are not compared.
"""

from __future__ import annotations

import json
import re
import sys
from pathlib import Path

import numpy as np
import pandas as pd

IGNORE = {"seconds", "version", "command", "provenance"}


def old_name(key: str, table: str) -> str:
    """The name a column had before the outputs were declared once (compare: medians; sweep: means)."""
    if table == "compare" and (m := re.fullmatch(r"p_ceasefire_(\d+)m_diff(_low|_high)?", key)):
        return f"diff_{m.group(1)}m{m.group(2) or ''}"
    if table == "compare" and (m := re.fullmatch(r"p_ceasefire_(\d+)m(_low|_high)?", key)):
        return f"p_{m.group(1)}m{m.group(2) or ''}"
    statistic = "median" if table == "compare" else "mean"
    if key.startswith(("casualties_", "occupied_km2_at_horizon")) and key.endswith(f"_{statistic}"):
        return key.removesuffix(f"_{statistic}")
    if key.startswith("terms_"):
        return key.removesuffix("_mean")
    return key


def differences(before, after, path: str = "") -> list[str]:
    """Where ``before`` is not contained in ``after``."""
    if isinstance(before, dict):
        if not isinstance(after, dict):
            return [path]
        found = []
        for key, value in before.items():
            if key in IGNORE:
                continue
            found += differences(value, after[key], f"{path}/{key}") if key in after else [f"{path}/{key} missing"]
        return found
    if isinstance(before, list):
        if not isinstance(after, list) or len(before) != len(after):
            return [path]
        return [d for i, (u, v) in enumerate(zip(before, after, strict=True)) for d in differences(u, v, f"{path}[{i}]")]
    same = before == after or (before != before and after != after)  # NaN equals NaN here
    return [] if same else [f"{path}: {before!r} != {after!r}"]


def text(path: Path, folder: Path) -> str:
    return re.sub(r"\d+(\.\d+)? ?s\b", "Xs", path.read_text()).replace(str(folder), "SNAP")


def compare_file(a: Path, b: Path, before: Path, after: Path) -> list[str]:
    if a.suffix == ".json":
        old, new = json.loads(a.read_text()), json.loads(b.read_text())
        if isinstance(new, dict) and "scenarios" in new:
            new["scenarios"] = [{old_name(k, "compare"): v for k, v in row.items()} for row in new["scenarios"]]
        if isinstance(new, list):
            new = [{old_name(k, "sweep"): v for k, v in row.items()} if isinstance(row, dict) else row for row in new]
        return differences(old, new)
    if a.suffix == ".npz":
        old, new = np.load(a), np.load(b)
        same = set(old.files) == set(new.files) and all(
            np.array_equal(old[k], new[k], equal_nan=old[k].dtype.kind == "f") for k in old.files)
        return [] if same else ["arrays differ"]
    if a.suffix in (".parquet", ".csv"):
        read = pd.read_parquet if a.suffix == ".parquet" else pd.read_csv
        old, new = read(a), read(b).rename(columns=lambda c: old_name(c, "sweep"))
        missing = [c for c in old.columns if c not in new.columns]
        if missing:
            return [f"columns missing: {missing}"]
        return [] if old.equals(new[list(old.columns)]) else ["values differ"]
    return [] if text(a, before) == text(b, after) else ["text differs"]


def main(before: Path, after: Path) -> int:
    files = [p for p in sorted(before.rglob("*")) if p.is_file() and p.suffix != ".png" and "analysis" not in p.parts]
    bad = 0
    for a in files:
        b = after / a.relative_to(before)
        problems = compare_file(a, b, before, after) if b.exists() else ["missing in AFTER"]
        if problems:
            bad += 1
            print("DIFFERS", a.relative_to(before), problems[:5])
    print(f"{'IDENTICAL' if not bad else f'{bad} DIFFER'}: compared {len(files)} files")
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main(Path(sys.argv[1]), Path(sys.argv[2])))
