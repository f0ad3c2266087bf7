"""S-04's reasons as an agent reads them: records Alto and Propertyware serve broken (through
their simulators over HTTP) are set aside naming the PMS field and what was wrong with it, in
words, never a Python error; one without its id is told by its address or its people."""

from __future__ import annotations

from repairlink.bootstrap import App
from repairlink.simulators.alto.server import RunningAlto
from repairlink.simulators.propertyware import RunningPropertyware
from tests.integration.pw import connect_pw, run_pw
from tests.integration.set_aside import assert_plain, set_aside_on_the_run_page
from tests.integration.sync.conftest import sync


def test_alto_records_served_broken_are_set_aside_naming_the_field_in_words(
    app: App, connected: int, alto: RunningAlto
) -> None:
    alto.admin("PUT", "faults", {"rate_malformed": 0.2, "seed": 7})
    state = sync(app, connected, full=True)
    lines = set_aside_on_the_run_page(app, connected, state.run_id)
    assert_plain(lines, "id|inventoryId|address|people|startDate")
    # the kinds of breakage QA met: a wrong type and a lost id, told by what the record has
    assert any("startDate: expected a date, got a number (20240101)" in line for line in lines)
    assert any("people: expected a list, got text ('see file')" in line for line in lines)
    assert any(", with no reference: id is missing (at property " in line for line in lines)


def test_propertyware_records_served_broken_are_set_aside_naming_the_field_in_words(
    app: App, agency_id: int, pw: RunningPropertyware
) -> None:
    connect_pw(app, agency_id, pw)
    pw.admin("PUT", "faults", {"rate_malformed": 0.2, "seed": 7})
    state = run_pw(app, agency_id, full=True)
    lines = set_aside_on_the_run_page(app, agency_id, state.run_id)
    assert_plain(lines, "id|address")
    assert any("address: expected an object, got text ('see file')" in line for line in lines)
    assert any(", with no reference: id is missing (at " in line for line in lines)
