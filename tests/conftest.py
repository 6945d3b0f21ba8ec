"""Shared fixtures: the baseline scenario, loaded once."""

from pathlib import Path

import pytest

from sim.engine import load_scenario

ROOT = Path(__file__).resolve().parent.parent
SCENARIOS = ROOT / "scenarios"


@pytest.fixture(scope="session")
def baseline():
    return load_scenario(SCENARIOS / "baseline.yaml")
