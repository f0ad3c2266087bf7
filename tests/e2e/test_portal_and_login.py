"""The occupier's side (C-11), the login page, roles, and CSRF on form posts."""

from __future__ import annotations

from datetime import date

from playwright.sync_api import Page, expect

from repairlink.domain.agency import Role
from repairlink.domain.people import Occupier, Tenancy
from repairlink.domain.places import Unit
from repairlink.services import agencies, people_and_places, units
from tests.e2e.a11y import check_page, press
from tests.e2e.conftest import Agency, login


def _occupier_with_two_homes(agency: Agency) -> tuple[str, Unit, Unit]:
    person = people_and_places.create(
        agency.uow(), Occupier, {"first_name": "Nia", "surname": "Jones", "email": "nia@x.org"}
    )
    homes = []
    for line1 in ("10 High St", "12 High St"):
        unit = people_and_places.create(
            agency.uow(), Unit, {"line1": line1, "town": "Bath", "postcode": "BA1 1AA"}
        )
        people_and_places.create(
            agency.uow(),
            Tenancy,
            {"occupier_id": person.id, "unit_id": unit.id, "start_date": date(2025, 1, 1)},
        )
        homes.append(unit)
    units.deactivate_unit(agency.uow(), homes[1].id)
    return agency.user(Role.OCCUPIER, subject_id=person.id), homes[0], homes[1]


def test_c_11_only_active_units_are_offered_when_only_uploaded_properties_is_on(
    page: Page, agency: Agency
) -> None:
    agencies.update_settings(agency.uow(), {"only_display_uploaded_properties": True})
    email, active, inactive = _occupier_with_two_homes(agency)
    login(page, email)
    page.goto("/my/report")
    choices = page.get_by_label("Property").locator("option")
    expect(choices).to_have_count(1)
    expect(choices.first).to_have_text(active.address.one_line())
    expect(page.get_by_label("Address, if not listed")).to_have_count(0)
    check_page(page, "occupier-report")
    page.get_by_label("What is wrong").fill("Front door lock sticks")
    press(page, "Report issue")
    expect(page.get_by_role("status")).to_contain_text("your issue is IS1")
    expect(page.get_by_role("table")).to_contain_text("Front door lock sticks")
    check_page(page, "occupier-issues")


def test_c_11_free_typed_address_is_offered_when_the_setting_is_off(
    page: Page, agency: Agency
) -> None:
    email, _, _ = _occupier_with_two_homes(agency)
    login(page, email)
    page.goto("/my/report")
    page.get_by_label("What is wrong").fill("Gate hinge broken")
    page.get_by_label("Address, if not listed").fill("Garage 4, Back Lane, Bath")
    press(page, "Report issue")
    expect(page.get_by_role("table")).to_contain_text("Gate hinge broken")


def test_login_refuses_a_wrong_password_and_roles_keep_to_their_side(
    page: Page, agency: Agency
) -> None:
    page.goto("/")
    expect(page).to_have_url(page.url.split("/login")[0] + "/login")
    check_page(page, "login")
    page.get_by_label("Email").fill(agency.email)
    page.get_by_label("Password").fill("not-the-password")
    press(page, "Log in")
    expect(page.get_by_role("alert")).to_contain_text("Unknown or revoked credentials")

    email, _, _ = _occupier_with_two_homes(agency)
    login(page, email)
    assert page.url.endswith("/my/issues")
    response = page.goto("/occupiers")
    assert response is not None
    assert response.status == 403
    expect(page.locator("main")).to_contain_text("This page is for administrators and agents")


def test_a_form_post_without_the_csrf_token_is_refused(page: Page, agency: Agency) -> None:
    unit = people_and_places.create(
        agency.uow(), Unit, {"line1": "1 Fore St", "postcode": "EX4 3AN"}
    )
    login(page, agency.email)
    forged = page.request.post(f"/properties/{unit.id}/deactivate", form={}, max_redirects=0)
    assert forged.status == 303
    page.goto(forged.headers["location"])
    expect(page.get_by_role("alert")).to_contain_text(
        "The form was stale or not sent from this site"
    )
    with agency.uow() as uow:
        assert uow.get(Unit, unit.id).active
