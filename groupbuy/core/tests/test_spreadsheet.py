"""Text others typed never runs as a formula in the spreadsheet a CSV opens in."""

import pytest

from groupbuy.core.spreadsheet import spreadsheet_cell, spreadsheet_text


@pytest.mark.parametrize(
    "typed",
    [
        '=HYPERLINK("http://evil.example","Click")',
        "+1+cmd|' /C calc'!A0",
        "-2+3",
        "@SUM(A1:A2)",
        # A tab or a carriage return first: some programs drop it and read on.
        "\t=1+1",
        "\r=1+1",
    ],
)
def test_a_cell_that_would_run_as_a_formula_is_quoted(typed):
    assert spreadsheet_cell(typed) == "'" + typed


@pytest.mark.parametrize("typed", ["鲜邻超市", "Fresh = good", "", "100", "a-b"])
def test_other_text_is_kept_as_typed(typed):
    assert spreadsheet_cell(typed) == typed


@pytest.mark.parametrize(
    "typed",
    ["=1+1", "+86", "-2", "@x", "\t=1+1", "\r=1+1", "'quoted", "鲜邻超市", ""],
)
def test_a_cell_read_back_is_what_was_typed(typed):
    # a file exported and imported again (the catalogue) keeps every name
    assert spreadsheet_text(spreadsheet_cell(typed)) == typed
