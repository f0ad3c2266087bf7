"""How the console writes what other layers say (issue 17): no rule ids, fields by their form
labels, money and dates in the agency's locale and time zone."""

from __future__ import annotations

from datetime import UTC, date, datetime

from repairlink.domain.formats import Formats
from repairlink.errors import ConflictError, InvalidError
from repairlink.web.plain import RULE_ID, plain, refusal, said


def test_plain_drops_rule_ids_in_any_of_their_spellings() -> None:
    assert plain("The issue's unit is not linked to a alto property (AL-10)") == (
        "The issue's unit is not linked to a alto property"
    )
    assert plain("Updates that failed (PW-10, S-01)") == "Updates that failed"
    assert plain("Kept out [rule AL-02]") == "Kept out"
    assert not RULE_ID.search(plain("C-05 then H-06 and PX-07"))
    assert plain("Flat C-1, 12-14 Albion Road") == "Flat C-1, 12-14 Albion Road"  # not rule ids


def test_refusals_name_the_field_by_its_label_and_no_rule() -> None:
    error = InvalidError("x", "Choose the property, or type its address", field="unit_id")
    assert refusal(error) == "Property: Choose the property, or type its address"
    stale = ConflictError(
        "x", "Cannot cancel an issue that is 'Cancelled'", field="status", rule="C-03"
    )
    assert refusal(stale) == "Status: Cannot cancel an issue that is 'Cancelled'"
    assert said("Field required", "reporter_phone") == "Reporter phone: Field required"
    assert said("The form was stale", "csrf_token") == "The form was stale"


def test_a_uk_agency_writes_dd_mm_yyyy_pounds_and_national_phones() -> None:
    uk = Formats("en_GB", "Europe/London")
    summer = datetime(2026, 7, 3, 8, 5, tzinfo=UTC)  # 09:05 in London (BST)
    assert uk.when(summer) == "03/07/2026 09:05"
    assert uk.day(date(2026, 12, 3)) == "03/12/2026"
    assert uk.money(123450) == "£1,234.50"
    assert uk.phone("+447700900123") == "07700 900123"
    assert uk.currency_symbol == "£"


def test_a_us_agency_writes_its_own_way_in_its_own_zone() -> None:
    us = Formats("en_US", "America/New_York")
    summer = datetime(2026, 7, 3, 13, 5, tzinfo=UTC)
    assert us.when(summer).replace("\u202f", " ") == "7/3/2026 9:05 AM"
    assert us.money(123450) == "$1,234.50"
    assert us.phone("+447700900123") == "+44 7700 900123"
    assert us.money(None) == "—"
