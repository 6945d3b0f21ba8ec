"""The comparison's terminal table: every header whole (wrapped at spaces, never cut), every line
within the width, plain ASCII for a pipe, and every number the rows hold shown."""

import pytest

from sim.analysis.compare import compare, comparison_rows
from sim.engine import load_scenario
from sim.report.compare_report import format_table
from sim.report.plots import issue_label

from ..conftest import SCENARIOS


@pytest.fixture(scope="module")
def rows():
    loaded = [load_scenario(SCENARIOS / name) for name in ("baseline.yaml", "maximum_pressure.yaml", "us_walks_away.yaml")]
    comparison = compare(loaded, worlds=200, seed=5)
    return comparison_rows(comparison), comparison.months


@pytest.mark.parametrize("width", [100, 80])
def test_every_line_fits_and_every_header_word_is_whole(rows, width):
    table_rows, months = rows
    text = format_table(table_rows, months, plain=True, width=width)
    assert text.isascii()
    assert max(len(line) for line in text.split("\n")) <= width
    words = set(text.split())
    issues = [k.removeprefix("terms_").removesuffix("_mean") for k in table_rows[0] if k.startswith("terms_")
              and k.endswith("_mean")]
    for issue in issues:
        assert set(issue_label(issue).split()) <= words, issue
    for header in ("median months to a first ceasefire", "durable first ceasefire, %"):
        assert set(header.split()) <= words


def test_every_number_of_the_rows_is_in_the_table(rows):
    table_rows, months = rows
    text = format_table(table_rows, months)
    for row in table_rows:
        assert row["scenario"].split()[0] in text
        for m in months:
            assert f"{100 * row[f'p_ceasefire_{m}m']:.1f} [{100 * row[f'p_ceasefire_{m}m_low']:.1f}," in text
        for key in (k for k in row if k.startswith("terms_") and k.endswith("_mean")):
            assert f"{row[key]:.2f}" in text
        for key in (k for k in row if k.startswith("casualties_") and k.endswith("_median")):
            assert f"{row[key]:,.0f}" in text
    for row in table_rows[1:]:
        for m in months:
            assert f"{100 * row[f'p_ceasefire_{m}m_diff']:+.1f} [" in text


def test_a_terminal_gets_box_lines(rows):
    table_rows, months = rows
    assert not format_table(table_rows, months, plain=False).isascii()
