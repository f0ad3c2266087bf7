"""Propman -> Repairlink through the simulator over HTTP, on SQLite and PostgreSQL (PM-01,
PM-02, and bad input quarantined)."""

from __future__ import annotations

import re
from typing import Any

import sqlalchemy as sa

from repairlink.bootstrap import App
from repairlink.simulators.propman import RunningPropman
from repairlink.store.tables import (
    agents,
    building_rmcs,
    buildings,
    contractors,
    cost_codes,
    estates,
    landlords,
    occupiers,
    rmcs,
    tenancies,
    unit_landlords,
    units,
)
from tests.integration.api.conftest import Client
from tests.integration.propman.conftest import held, pull, rows, sync
from tests.integration.set_aside import assert_plain, set_aside_on_the_run_page


def _digits(phone: str | None) -> str:
    return re.sub(r"\D", "", phone or "")[-6:]


def _same_contact(ours: dict[str, Any], theirs: dict[str, Any], address: str | None) -> None:
    assert ours["company"] == theirs["companyName"]
    assert ours["first_name"] == theirs["firstName"]
    assert ours["surname"] == theirs["surname"]
    assert ours["email"] == theirs["email"].lower()
    assert _digits(ours["phone"]) == _digits(theirs["phone"])
    assert _digits(ours["phone2"]) == _digits(theirs["alternatePhone"])
    if address is not None:
        parts = theirs[address]
        assert ours["address"].startswith(parts["line1"])
        assert parts["postcode"] in ours["address"]


def test_pm_01_every_entity_and_every_field_of_the_article_is_mapped(
    app: App, connected: int, propman: RunningPropman
) -> None:
    state = sync(app, connected, full=True)
    assert state.counts["building"]["created"] == len(pull(propman, "/buildings"))
    ids = {kind: held(app, connected, kind) for kind in ("estate", "building", "unit", "agent")}
    ids |= {kind: held(app, connected, kind) for kind in ("landlord", "contractor", "rmc")}

    # estates: name and reference, first-class records
    estate_rows = rows(app, estates, connected)
    for item in pull(propman, "/estates"):
        ours = estate_rows[ids["estate"][item["reference"]]]
        assert (ours["name"], ours["ref"]) == (item["name"], item["reference"])

    # buildings: reference, estate, address, property manager, RMCs, cost codes
    building_rows, code_rows = rows(app, buildings, connected), rows(app, cost_codes, connected)
    rmc_links = {
        (r["building_id"], r["rmc_id"]) for r in rows(app, building_rmcs, connected).values()
    }
    for item in pull(propman, "/buildings"):
        ours = building_rows[ids["building"][item["reference"]]]
        assert (ours["ref"], ours["name"]) == (item["reference"], item["name"])
        assert ours["estate_id"] == ids["estate"][item["estateReference"]]
        assert ours["property_manager_id"] == ids["agent"][item["propertyManagerReference"]]
        assert ours["line1"] == item["address"]["line1"]
        assert ours["town"] == item["address"]["town"]
        assert ours["postcode"].replace(" ", "") == item["address"]["postcode"].replace(" ", "")
        codes = {
            (c["code"], c["description"])
            for c in code_rows.values()
            if c["building_id"] == ours["id"]
        }
        assert codes == {(c["code"], c["description"]) for c in item["costCodes"]}
        assert {(ours["id"], ids["rmc"][r]) for r in item["rmcs"]} <= rmc_links

    # units: estate, building, reference, address
    unit_rows = rows(app, units, connected)
    owned = {
        (r["unit_id"], r["landlord_id"]) for r in rows(app, unit_landlords, connected).values()
    }
    for item in pull(propman, "/units"):
        ours = unit_rows[ids["unit"][item["reference"]]]
        assert ours["ref"] == item["reference"]
        assert ours["estate_id"] == ids["estate"][item["estateReference"]]
        assert ours["building_id"] == ids["building"][item["buildingReference"]]
        assert ours["flat"] == item["address"]["flat"]
        assert ours["line1"] == item["address"]["line1"]
        # owners -> landlords, linked to their units
        assert {(ours["id"], ids["landlord"][o]) for o in item["owners"]} <= owned

    # agents: username, phone, reference, email
    agent_rows = rows(app, agents, connected)
    for item in pull(propman, "/agents"):
        ours = agent_rows[ids["agent"][item["reference"]]]
        assert (ours["username"], ours["ref"]) == (item["username"], item["reference"])
        assert ours["email"] == item["email"]
        assert _digits(ours["phone"]) == _digits(item["phone"])

    # suppliers -> contractors; owners -> landlords; RMC/RTM companies linked to buildings
    contractor_rows = rows(app, contractors, connected)
    for item in pull(propman, "/suppliers"):
        ours = contractor_rows[ids["contractor"][item["reference"]]]
        _same_contact(ours, item, "businessAddress")
    landlord_rows = rows(app, landlords, connected)
    for item in pull(propman, "/owners"):
        ours = landlord_rows[ids["landlord"][item["reference"]]]
        _same_contact(ours, item, "correspondenceAddress")
        assert {(ids["unit"][u], ours["id"]) for u in item["units"]} <= owned
    rmc_rows = rows(app, rmcs, connected)
    for item in pull(propman, "/rmcs"):
        ours = rmc_rows[ids["rmc"][item["reference"]]]
        _same_contact(ours, item, None)
        assert ours["ref"] == item["reference"]
        assert {(ids["building"][b], ours["id"]) for b in item["buildings"]} <= rmc_links

    # the building's occupiers, each with a tenancy at their unit
    occupier_ids = held(app, connected, "occupier")
    tenancy_pairs = {
        (t["occupier_id"], t["unit_id"]) for t in rows(app, tenancies, connected).values()
    }
    expected = [o for b in pull(propman, "/buildings") for o in b["occupiers"]]
    assert expected
    assert set(occupier_ids) == {o["reference"] for o in expected}
    occupier_rows = rows(app, occupiers, connected)
    for person in expected:
        ours = occupier_rows[occupier_ids[person["reference"]]]
        assert ours["surname"] == person["surname"]
        assert (ours["id"], ids["unit"][person["unitReference"]]) in tenancy_pairs


def test_pm_02_an_edit_of_a_propman_field_through_the_api_is_refused_and_nothing_changes(
    app: App, connected: int, staff: Client
) -> None:
    sync(app, connected, full=True)
    for kind, path, field, value in (
        ("landlord", "/landlords", "surname", "Changed"),
        ("unit", "/units", "postcode", "SW1A 1AA"),
        ("building", "/buildings", "name", "Changed House"),
        ("estate", "/estates", "name", "Changed Estate"),
    ):
        record_id = next(iter(held(app, connected, kind).values()))
        before = staff.ok("GET", f"{path}/{record_id}")
        refused = staff.patch(f"{path}/{record_id}", json={field: value})
        assert refused.status_code in (400, 422), refused.text
        problem = refused.json()
        assert (problem["field"], problem["rule"]) == (field, "PM-02")
        assert "change it in Propman" in problem["detail"]
        assert staff.ok("GET", f"{path}/{record_id}") == before


def _quarantined(app: App, agency_id: int) -> dict[str, str]:
    with app.engine.connect() as conn:
        found = conn.execute(
            sa.text(
                "SELECT q.external_id, q.reason FROM sync_quarantine q "
                "JOIN sync_runs r ON r.id = q.run_id WHERE r.agency_id = :a"
            ),
            {"a": agency_id},
        )
        return {r.external_id: r.reason for r in found}


def test_bad_input_from_propman_is_quarantined_naming_the_field_and_the_run_goes_on(
    app: App, connected: int, propman: RunningPropman
) -> None:
    """S-04 for Propman: a missing reference, an unknown building, fields of the wrong type."""
    first_units = pull(propman, "/units")[:2]
    no_ref, orphan = (item["id"] for item in first_units)
    propman.admin("PATCH", f"units/{no_ref}", {"reference": ""})
    propman.admin("PATCH", f"units/{orphan}", {"buildingReference": "BLK99999"})
    state = sync(app, connected, full=True)
    reasons = _quarantined(app, connected)
    assert "reference is empty" in reasons[str(no_ref)]
    assert "its building BLK99999 is not known here" in reasons[first_units[1]["reference"]]
    assert state.counts["unit"]["created"] == len(pull(propman, "/units")) - 2

    # records served broken (a lost id, an address or a time of the wrong type)
    propman.admin("PUT", "faults", {"rate_malformed": 0.2, "seed": 4})
    propman.admin("POST", "churn", {"fraction": 1.0, "seed": 1})
    state = sync(app, connected)
    broken = set(_quarantined(app, connected).values()) - set(reasons.values())
    assert broken, "some records were served broken"
    # (the unit without a reference may be served broken too: then it has no id either)
    named = r"(id|address|modifiedAt|units|reference)(:| is) "
    assert all(re.match(named, reason) for reason in broken)
    assert state.counts["unit"].get("updated", 0) > 0  # the rest went on


def test_records_propman_serves_broken_are_set_aside_naming_the_field_in_words(
    app: App, connected: int, propman: RunningPropman
) -> None:
    """S-04 as the agent reads it on the run's page: the field and what was wrong with it, in
    words ("modifiedAt: expected text, got a number"), never a Python error."""
    propman.admin("PUT", "faults", {"rate_malformed": 0.2, "seed": 4})
    state = sync(app, connected, full=True)
    lines = set_aside_on_the_run_page(app, connected, state.run_id)
    assert_plain(lines, "id|address|modifiedAt|units|correspondenceAddress|businessAddress")
    assert any(line.endswith(": id is missing") for line in lines)
    assert any("modifiedAt: expected text, got a number (20240101)" in line for line in lines)


def test_unknown_references_are_told_on_the_run_page_in_the_pms_words(
    app: App, connected: int, propman: RunningPropman
) -> None:
    """S-04 as the agent reads it: a record naming one we do not hold says which, by what
    Propman calls it ("its property manager AG99999"), never by our column (`building_id=`)."""
    unit = pull(propman, "/units")[0]
    building = pull(propman, "/buildings")[0]
    propman.admin("PATCH", f"units/{unit['id']}", {"buildingReference": "BLK99999"})
    propman.admin("PATCH", f"buildings/{building['id']}", {"propertyManagerReference": "AG99999"})
    state = sync(app, connected, full=True)
    lines = set_aside_on_the_run_page(app, connected, state.run_id)
    assert (
        f"Properties, reference {unit['reference']}: its building BLK99999 is not known here"
        in lines
    )
    manager = f"Buildings, reference {building['reference']}: its property manager AG99999 is"
    assert f"{manager} not known here" in lines
    assert not any("_id" in line or "=" in line for line in lines)
