"""The documentation site (mkdocs.yml) builds offline with warnings as errors, and holds what it says:
the guide, the lessons, the notebook with its charts and an API reference from the docstrings."""

import os
import subprocess
import sys

import pytest

from .conftest import ROOT


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    out = tmp_path_factory.mktemp("site")
    env = {**os.environ, "NO_MKDOCS_2_WARNING": "1"}   # Material's notice of its end of life, not a warning of ours
    built = subprocess.run([sys.executable, "-m", "mkdocs", "build", "--strict", "--site-dir", str(out)],
                           capture_output=True, text=True, cwd=ROOT, env=env)
    assert built.returncode == 0, built.stdout + built.stderr
    assert "WARNING" not in built.stderr, built.stderr
    return out


def test_every_document_becomes_a_page(site):
    documents = [p.relative_to(ROOT / "docs") for p in (ROOT / "docs").rglob("*.md") if "figures" not in p.parts]
    for document in documents:
        page = "index.html" if document.name == "README.md" else document.with_suffix(".html").name
        assert (site / document.parent / page).is_file(), document


def test_the_api_reference_is_generated_from_the_docstrings(site):
    import sim.api

    page = (site / "api" / "sim.html").read_text()
    for name in ("run", "compare", "sweep", "discover", "Run", "Compared", "Swept"):
        assert f'id="sim.api.{name}"' in page, name
    first_line = sim.api.run.__doc__.split("\n")[0].split("(")[0]
    assert first_line in page


def test_the_notebook_page_shows_its_charts(site):
    assert (site / "api.html").read_text().count("data:image/png;base64") >= 3
