"""PW-07: every CSV the product writes escapes the cells a spreadsheet would run as a formula."""

from __future__ import annotations

import csv
import io

import pytest

from repairlink.services.csv_out import safe_cell, write_csv


@pytest.mark.parametrize("start", ["=", "+", "-", "@", "\t", "\r"])
def test_pw_07_a_cell_starting_like_a_formula_is_written_as_text(start: str) -> None:
    assert safe_cell(f"{start}1+2") == f"'{start}1+2"


def test_pw_07_plain_text_and_numbers_are_written_as_they_are() -> None:
    assert [safe_cell(v) for v in ("Bay Plumbing", -12, 3.5, None, True)] == [
        "Bay Plumbing",
        -12,
        3.5,
        "",
        "True",
    ]
    written = write_csv(("name", "note"), [("=cmd|' /C calc'!A0", "ok")])
    assert list(csv.reader(io.StringIO(written)))[1] == ["'=cmd|' /C calc'!A0", "ok"]
