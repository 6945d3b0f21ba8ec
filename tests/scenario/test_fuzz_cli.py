"""A sample of the generated fuzz run (``python -m tests.fuzz_cli`` runs 500 cases): real ``negsim
run`` processes on mutated scenarios end in a clear refusal or a sane result, never a traceback, a
hang, an exhausted machine or accepted nonsense."""

import pytest

from .. import fuzz_cli


@pytest.mark.slow
def test_a_sample_of_generated_cases_ends_cleanly():
    failures = []
    outcomes = fuzz_cli.fuzz(count=30, seed=2026, workers=2, report=failures.append)
    assert not [line for line in failures if line.startswith("[")], failures
    assert outcomes["refused"] + outcomes["accepted"] == 30
    assert outcomes["accepted"] >= 1 and outcomes["refused"] >= 1   # the sample exercises both endings


def test_the_generator_is_deterministic_and_varied():
    first, again = fuzz_cli.generate(200, seed=7), fuzz_cli.generate(200, seed=7)
    assert [c.text for c in first] == [c.text for c in again]
    kinds = {c.mutation.split(":")[0].split(" ")[0] for c in first}
    assert len(first) == 200 and len(kinds) >= 5
    assert any(c.nonsense for c in first) and any(not c.nonsense for c in first)


@pytest.mark.slow
def test_a_sample_of_generated_server_requests_ends_cleanly():
    """Issue 33: every generated request gets 200, 400, 404 or 413, a short error, finite numbers."""
    failures = []
    outcomes = fuzz_cli.fuzz_server(40, seed=2026, report=failures.append)
    assert not [line for line in failures if line.startswith("[")], failures
    assert outcomes["refused"] + outcomes["accepted"] == 40 and outcomes["accepted"] >= 1


def test_the_generator_covers_every_way_in():
    """Scenario files, --set values and keys, options, posterior files and sweep parameters."""
    cases = fuzz_cli.generate(400, seed=11)
    options = {c.options[0] for c in cases if c.options}
    assert {"--set", "--posterior", "--param", "--worlds", "--out"} <= options
    assert {c.command for c in cases} == {"run", "sweep"}
    assert any(name == "posterior.npz" for c in cases for name, _ in c.files)
