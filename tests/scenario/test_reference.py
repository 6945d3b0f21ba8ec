"""The JSON Schema and the key reference are generated from the checking schema and agree with it."""

import json
from pathlib import Path

import jsonschema
import pytest
import yaml

from sim.cli import main
from sim.engine import load_scenario
from sim.engine.loading import RULE_SPECS, build_schema
from sim.scenario import ScenarioError
from sim.scenario.reference import _models, json_schema, markdown_reference

from ..conftest import SCENARIOS

DOCS = Path(__file__).resolve().parents[2] / "docs"
SCENARIO_FILES = sorted(SCENARIOS.glob("*.yaml")) + sorted((SCENARIOS / "teaching").glob("*.yaml"))


@pytest.fixture(scope="module")
def validator():
    return jsonschema.Draft202012Validator(json_schema(build_schema(RULE_SPECS)))


@pytest.mark.parametrize(("flag", "published"), [([], "scenario.schema.json"), (["--reference"], "reference.md"),
                                                 (["--questions"], "questions.schema.json")])
def test_published_files_are_what_negsim_schema_prints(capsys, flag, published):
    assert main(["schema", *flag]) == 0
    assert capsys.readouterr().out == (DOCS / published).read_text(), (
        f"docs/{published} is stale: regenerate it with `negsim schema {' '.join(flag)} > docs/{published}`")


def test_every_key_of_every_schema_class_is_in_the_reference():
    schema = build_schema(RULE_SPECS)
    reference = markdown_reference(schema)
    sections = reference.split("\n## ")
    for name, model in _models(schema).items():
        heading = (model.__doc__ or name).split("\n")[0].strip()
        section = next((s for s in sections if heading in s), None)
        assert section is not None, f"no section for {name}"
        for key in model.model_fields:
            assert f"| `{key}` |" in section, f"{name}.{key} missing from its section"


def test_every_key_of_the_reference_says_what_it_means():
    """Issue 34: no key's meaning is left blank (the last column of every row of every table)."""
    rows = [line for line in markdown_reference(build_schema(RULE_SPECS)).splitlines()
            if line.startswith("| `")]
    blank = [row.split(" | ")[0] for row in rows if not row.rstrip(" |").rsplit(" | ", 1)[-1].strip()
             or row.endswith("|  |")]
    assert len(rows) > 150 and not blank, blank


@pytest.mark.parametrize("path", SCENARIO_FILES, ids=lambda p: p.name)
def test_every_shipped_scenario_file_passes_the_editor_schema(validator, path):
    errors = [f"{list(e.path)}: {e.message}" for e in validator.iter_errors(yaml.safe_load(path.read_text()))]
    assert not errors


# (key path, value): a value just outside the allowed range, and one at the edge inside it
EDGES = [
    ("actors.russia.beliefs.victory", 1.01, 1.0),
    ("actors.russia.patience", 1.0, 0.999),  # a discount factor is in (0, 1): 1 itself is refused
    ("actors.russia.beliefs.learning_rate", 0.0, 1.0),  # (0, 1]
    ("actors.us.levers.sanctions", 10.5, 10.0),
    ("actors.us.levers.sanctions", {"low": 0.5, "high": 10.5}, {"low": 0.5, "high": 10.0}),
    ("horizon_months", 241, 240),
    ("negotiation.search_levels", 1, 2),
    ("battlefield.advance_trend", -1.0, -0.5),  # (-1, inf)
]


def _set(data: dict, dotted: str, value) -> dict:
    node = data
    *parents, last = dotted.split(".")
    for key in parents:
        node = node[key]
    node[last] = value
    return data


@pytest.mark.parametrize(("key", "outside", "inside"), EDGES, ids=[f"{k}={o}" for k, o, _ in EDGES])
def test_the_editor_schema_and_the_loader_agree_on_ranges(validator, tmp_path, key, outside, inside):
    """Where the loader refuses a value, so does an editor reading the JSON Schema, and where one accepts, both do."""
    for value, valid in ((outside, False), (inside, True)):
        data = _set(yaml.safe_load((SCENARIOS / "baseline.yaml").read_text()), key, value)
        assert validator.is_valid(data) is valid, (key, value)
        path = tmp_path / "edge.yaml"
        path.write_text(yaml.safe_dump(data))
        if valid:
            load_scenario(path)
        else:
            with pytest.raises(ScenarioError, match=key.replace(".", r"\.")):
                load_scenario(path)


def test_a_file_that_extends_may_leave_out_what_its_parent_gives(validator):
    assert validator.is_valid({"extends": "baseline.yaml", "actors": {"us": {"levers": {"sanctions": 0.9}}}})
    assert not validator.is_valid({"actors": {"us": {"levers": {"sanctions": 0.9}}}})  # no parent: not whole
    assert not validator.is_valid({"extends": "baseline.yaml", "actors": {"us": {"levers": {"sanction": 0.9}}}})
    assert json.loads((DOCS / "scenario.schema.json").read_text())["$schema"].endswith("2020-12/schema")


def test_the_shipped_questions_file_meets_its_json_schema():
    from sim.scenario.loader import read_yaml

    schema = json.loads((DOCS / "questions.schema.json").read_text())
    raw, _ = read_yaml(DOCS.parent / "scenarios" / "evidence" / "questions.yaml")
    raw = json.loads(json.dumps(raw, default=str))   # dates as YAML gives them, written as strings
    jsonschema.Draft202012Validator(schema).validate(raw)
    bad = {"questions": [{**raw["questions"][0], "colour": "red"}]}
    assert list(jsonschema.Draft202012Validator(schema).iter_errors(bad))
