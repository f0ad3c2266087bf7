"""Properties in the browser: H-05 deactivate and reactivate, C-13 the record page's references
and readable trail, H-06 merging a suggested duplicate."""

from __future__ import annotations

import re

from playwright.sync_api import Page, expect

from repairlink.domain.issues import Issue
from repairlink.domain.places import Unit
from repairlink.services import people_and_places, references
from tests.e2e.a11y import check_page, press
from tests.e2e.conftest import Agency, login


def _unit(agency: Agency, line1: str, ref: str, flat: str = "") -> Unit:
    fields = {"flat": flat, "line1": line1, "town": "Leeds", "postcode": "LS1 4AP", "ref": ref}
    return people_and_places.create(agency.uow(), Unit, fields)


def test_h_05_deactivate_and_reactivate_a_unit_by_keyboard(page: Page, agency: Agency) -> None:
    _unit(agency, "1 Park Row", "P-001")
    _unit(agency, "2 Park Row", "P-002")
    login(page, agency.email)
    page.goto("/properties")
    rows = page.locator("#results tbody tr")
    expect(rows).to_have_count(2)
    check_page(page, "properties")

    press(page, "Deactivate 2 Park Row, Leeds, LS1 4AP")
    expect(page.get_by_role("status")).to_contain_text("is deactivated")
    page.goto("/properties")  # the default list: active only (H-05)
    expect(rows).to_have_count(1)
    expect(page.locator("#results")).not_to_contain_text("2 Park Row")

    page.get_by_label("Is property active").select_option("deactivated")
    expect(page).to_have_url(re.compile(r"status=deactivated"))  # htmx pushed the filter
    expect(rows).to_have_count(1)
    expect(rows.first).to_contain_text("2 Park Row")
    press(page, "Reactivate 2 Park Row, Leeds, LS1 4AP")
    expect(page.get_by_role("status")).to_contain_text("is active again")
    page.goto("/properties")
    expect(rows).to_have_count(2)


def test_h_05_search_finds_by_postcode_and_reference(page: Page, agency: Agency) -> None:
    _unit(agency, "1 Park Row", "P-001")
    people_and_places.create(
        agency.uow(), Unit, {"line1": "9 Quay St", "town": "Hull", "postcode": "HU1 1AA"}
    )
    login(page, agency.email)
    page.goto("/properties")
    page.get_by_label("Search address, postcode or reference").focus()
    page.keyboard.type("hu1")
    expect(page.locator("#results tbody tr")).to_have_count(1)
    expect(page.locator("#results")).to_contain_text("9 Quay St")
    page.get_by_label("Search address, postcode or reference").fill("p-001")
    expect(page.locator("#results tbody tr")).to_have_count(1)
    expect(page.locator("#results")).to_contain_text("1 Park Row")


def test_c_13_record_page_shows_references_and_who_changed_which_field(
    page: Page, agency: Agency
) -> None:
    unit = _unit(agency, "5 Mill Lane", "M-005")
    references.add_reference(
        agency.uow(), "unit", unit.id, system="alto", external_id="AL-9001", external_oid="9f1"
    )
    login(page, agency.email)
    page.goto(f"/properties/{unit.id}")
    expect(page.get_by_role("heading", level=1)).to_have_text("5 Mill Lane, Leeds, LS1 4AP")
    expect(page.get_by_role("table").first).to_contain_text("AL-9001")

    press(page, "Deactivate property")
    expect(page.get_by_role("status")).to_contain_text("is deactivated")
    newest = page.locator("ol.timeline > li").first
    expect(newest).to_contain_text(f"{agency.email} changed")
    expect(newest).to_contain_text("Active: yes → no")
    expect(newest).to_contain_text("Deactivated by: — → A person")
    expect(page.locator("ol.timeline > li").last).to_contain_text("created the record")
    check_page(page, "property")


def test_h_06_merge_a_duplicate_suggested_on_the_reports_page(page: Page, agency: Agency) -> None:
    keep = _unit(agency, "7 Canal Wharf", "W-007", flat="Flat 2")
    twin = _unit(agency, "7, Canal  Wharf", "W-007B", flat="flat 2")  # same normalised address
    from repairlink.services import issues

    moved = issues.report(agency.uow(), agency.who, title="Leaking roof", unit_id=twin.id)
    login(page, agency.email)
    page.goto("/reports")
    group = page.locator("#h-duplicates ~ ul").first
    expect(group).to_contain_text("7 Canal Wharf, Leeds, LS1 4AP (reference W-007)")
    expect(group).to_contain_text("7, Canal Wharf, Leeds, LS1 4AP (reference W-007B)")
    check_page(page, "reports-duplicates")

    group.get_by_role("link", name=re.compile("W-007\\)")).focus()
    page.keyboard.press("Enter")
    expect(page.get_by_label("Duplicate property")).to_have_value(str(twin.id))
    press(page, "Merge into this property")
    expect(page.get_by_role("status")).to_contain_text("is merged into this property")
    expect(page.get_by_role("link", name=re.compile("Leaking roof"))).to_be_visible()
    with agency.uow() as uow:
        assert uow.get(Issue, moved.id).unit_id == keep.id
        merged = uow.get(Unit, twin.id)
        assert (merged.merged_into_id, merged.active) == (keep.id, False)
