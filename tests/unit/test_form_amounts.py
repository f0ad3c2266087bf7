"""The console's money parser: what a person types in a cost or quote field."""

from __future__ import annotations

import pytest

from repairlink.errors import InvalidError
from repairlink.web.forms import pence


@pytest.mark.parametrize(
    ("typed", "expected"),
    [("120.50", 12050), ("£1,120.50", 112050), ("$3", 300), (".5", 50), ("10,000,000.00", 10**9)],
)
def test_an_amount_in_figures_is_read_in_pence(typed: str, expected: int) -> None:
    assert pence(typed, field="net") == expected


@pytest.mark.parametrize(
    ("typed", "code"),
    [
        ("1e30", "form.bad_amount"),
        ("1E3", "form.bad_amount"),
        ("NaN", "form.bad_amount"),
        ("Infinity", "form.bad_amount"),
        ("-5", "form.bad_amount"),
        ("1.234", "form.bad_amount"),
        ("10000000.01", "form.amount_too_large"),
        ("99999999999999999999", "form.amount_too_large"),
    ],
)
def test_an_exponent_or_an_absurd_amount_is_refused_naming_the_field(typed: str, code: str) -> None:
    with pytest.raises(InvalidError) as err:
        pence(typed, field="vat")
    assert (err.value.code, err.value.field) == (code, "vat")
