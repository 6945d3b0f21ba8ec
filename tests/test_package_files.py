"""The files a researcher expects beside the code (issue 34): a licence with its holder, a citation
that validates and names this version, a changelog, type information, and ``python -m sim``."""

import json
import re
import subprocess
import sys

import yaml

import sim

from .conftest import ROOT


def test_the_citation_is_valid_citation_file_format_and_names_this_version():
    import jsonschema

    schema = json.loads((ROOT / "tests" / "data" / "citation-file-format-1.2.0.schema.json").read_text())
    citation = yaml.safe_load((ROOT / "CITATION.cff").read_text())
    citation["date-released"] = str(citation["date-released"])   # YAML reads an unquoted date as a date
    jsonschema.validate(citation, schema, format_checker=jsonschema.FormatChecker())
    assert citation["version"] == sim.__version__
    assert citation["license"] == "MIT"


def test_the_citation_schema_refuses_what_the_format_does_not_allow():
    """The check above can fail: the vendored schema refuses a citation without authors."""
    import jsonschema
    import pytest

    schema = json.loads((ROOT / "tests" / "data" / "citation-file-format-1.2.0.schema.json").read_text())
    citation = yaml.safe_load((ROOT / "CITATION.cff").read_text())
    del citation["authors"]
    with pytest.raises(jsonschema.ValidationError, match="authors"):
        jsonschema.validate(citation, schema)


def test_the_licence_is_mit_with_a_copyright_line_as_pyproject_says():
    text = (ROOT / "LICENSE").read_text()
    assert text.startswith("MIT License") and re.search(r"^Copyright \(c\) \d{4} \S", text, re.MULTILINE)
    assert re.search(r'^license = "MIT"$', (ROOT / "pyproject.toml").read_text(), re.MULTILINE)


def test_the_changelog_keeps_a_changelog_and_has_this_version():
    text = (ROOT / "CHANGELOG.md").read_text()
    assert "## [Unreleased]" in text and f"## [{sim.__version__}] - " in text
    for heading in re.findall(r"^### (.+)$", text, re.MULTILINE):
        assert heading in {"Added", "Changed", "Deprecated", "Removed", "Fixed", "Security"}, heading


def test_the_package_ships_its_type_information():
    """PEP 561: the marker is in the package and in what setuptools installs."""
    assert (ROOT / "sim" / "py.typed").is_file()
    assert "py.typed" in (ROOT / "pyproject.toml").read_text()


def test_python_dash_m_sim_is_the_negsim_command():
    done = subprocess.run([sys.executable, "-m", "sim", "--version"], capture_output=True, text=True, cwd=ROOT)
    assert done.returncode == 0 and sim.__version__ in done.stdout + done.stderr
