"""Occupiers in the browser: the lock icon (H-01), filters and search (H-02), bulk archive
(H-03), delete behind a confirmation dialog (H-04)."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect

from repairlink.domain.agency import Role
from repairlink.domain.people import Occupier
from repairlink.errors import NotFoundError
from repairlink.services import people_and_places
from tests.e2e.a11y import SHOTS, TAKE_SHOTS, check_page, press
from tests.e2e.conftest import Agency, login


def _occupier(agency: Agency, first: str, surname: str, phone: str) -> Occupier:
    fields = {
        "first_name": first,
        "surname": surname,
        "email": f"{first.lower()}.{surname.lower()}@example.com",
        "phone": phone,
    }
    return people_and_places.create(agency.uow(), Occupier, fields)


def _show(page: Page, status: str) -> None:
    page.get_by_label("Show").select_option(status)
    page.wait_for_url(f"**status={status}*")


def test_h_01_locked_occupier_leaves_the_active_list_and_cannot_log_in(
    page: Page, agency: Agency
) -> None:
    ada = _occupier(agency, "Ada", "Lovelace", "07700 900111")
    _occupier(agency, "Alan", "Turing", "07700 900222")
    ada_login = agency.user(Role.OCCUPIER, subject_id=ada.id)
    login(page, agency.email)
    page.goto("/occupiers")
    check_page(page, "occupiers")

    press(page, "Lock out Ada Lovelace")
    expect(page.get_by_role("status")).to_contain_text("Ada Lovelace is locked out")
    # H-02: the default list keeps the recently archived in view, with the lock shown.
    unlock = page.get_by_role("button", name="Unlock Ada Lovelace")
    expect(unlock).to_have_attribute("aria-pressed", "true")
    _show(page, "active")
    rows = page.locator("#results tbody tr")
    expect(rows).to_have_count(1)
    expect(rows.first).to_contain_text("Alan Turing")
    _show(page, "archived")
    expect(rows).to_have_count(1)
    expect(rows.first).to_contain_text("Ada Lovelace")

    page.context.clear_cookies()
    page.goto("/login")
    page.get_by_label("Email").fill(ada_login)
    page.get_by_label("Password").fill("correct-horse-battery")
    page.keyboard.press("Enter")
    expect(page.get_by_role("alert")).to_contain_text("locked out")


def test_h_02_search_by_name_email_or_phone(page: Page, agency: Agency) -> None:
    _occupier(agency, "Ada", "Lovelace", "07700 900111")
    _occupier(agency, "Alan", "Turing", "07700 900222")
    login(page, agency.email)
    page.goto("/occupiers")
    search = page.get_by_label("Search name, email or phone")
    rows = page.locator("#results tbody tr")
    for query, who in [("turing", "Alan"), ("ada lovelace", "Ada"), ("07700 900222", "Alan")]:
        search.fill(query)
        expect(rows).to_have_count(1)
        expect(rows.first).to_contain_text(who)


def test_h_03_bulk_archive_the_selected_occupiers(page: Page, agency: Agency) -> None:
    ada = _occupier(agency, "Ada", "Lovelace", "07700 900111")
    alan = _occupier(agency, "Alan", "Turing", "07700 900222")
    _occupier(agency, "Grace", "Hopper", "07700 900333")
    login(page, agency.email)
    page.goto("/occupiers?status=active")
    for name in ("Ada Lovelace", "Alan Turing"):
        page.get_by_label(f"Select {name}").focus()
        page.keyboard.press("Space")
    press(page, "Archive selected")
    expect(page.get_by_role("status")).to_contain_text("Archived 2 occupier(s)")
    rows = page.locator("#results tbody tr")
    expect(rows).to_have_count(1)
    expect(rows.first).to_contain_text("Grace Hopper")
    with agency.uow() as uow:
        assert not uow.get(Occupier, ada.id).active
        assert not uow.get(Occupier, alan.id).active


def test_h_04_delete_asks_for_confirmation_in_a_dialog(page: Page, agency: Agency) -> None:
    ada = _occupier(agency, "Ada", "Lovelace", "07700 900111")
    login(page, agency.email)
    page.goto("/occupiers")
    press(page, "Delete… Ada Lovelace")
    dialog = page.get_by_role("dialog", name="Delete Ada Lovelace for good?")
    expect(dialog).to_be_visible()
    expect(dialog.get_by_role("button", name="Keep them")).to_be_focused()
    page.keyboard.press("Escape")  # changing one's mind deletes nothing
    expect(dialog).to_be_hidden()
    expect(page.locator("#results")).to_contain_text("Ada Lovelace")

    press(page, "Delete… Ada Lovelace")
    if TAKE_SHOTS:
        page.screenshot(path=str(SHOTS / "occupier-delete-dialog.png"))
    dialog.get_by_role("button", name="Delete permanently").focus()
    page.keyboard.press("Enter")
    expect(page.get_by_role("status")).to_contain_text("The occupier is deleted")
    expect(page.locator("#results")).not_to_contain_text("Ada Lovelace")
    with agency.uow() as uow, pytest.raises(NotFoundError):
        uow.get(Occupier, ada.id)
