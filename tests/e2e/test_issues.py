"""Issues in the browser: from reported to closed (C-03), the contractor's side with the
appointment and completion with costs and invoice (C-06, C-07), comments to all occupiers
(C-09)."""

from __future__ import annotations

from datetime import date
from pathlib import Path

from playwright.sync_api import Browser, Page, expect

from repairlink.domain.agency import Role
from repairlink.domain.issues import Document, Status
from repairlink.domain.people import Contractor, Occupier, Tenancy
from repairlink.domain.places import Unit
from repairlink.services import issues, people_and_places
from repairlink.store.tables import cols
from tests.e2e.a11y import check_page, press
from tests.e2e.conftest import Agency, Site, login, new_page


def _world(agency: Agency) -> tuple[int, Contractor]:
    unit = people_and_places.create(
        agency.uow(), Unit, {"line1": "3 Elm Grove", "town": "York", "postcode": "YO1 7HH"}
    )
    for first, archived in (("Rosa", False), ("Ian", True)):
        person = people_and_places.create(
            agency.uow(),
            Occupier,
            {"first_name": first, "surname": "Park", "email": f"{first.lower()}@example.com"},
        )
        people_and_places.create(
            agency.uow(),
            Tenancy,
            {"occupier_id": person.id, "unit_id": unit.id, "start_date": date(2025, 1, 1)},
        )
        if archived:
            from repairlink.services import occupiers

            occupiers.lock(agency.uow(), person.id)
    contractor = people_and_places.create(
        agency.uow(),
        Contractor,
        {"company": "Dripless Plumbing", "email": "jobs@dripless.example.com"},
    )
    issue = issues.report(agency.uow(), agency.who, title="Boiler not heating", unit_id=unit.id)
    return issue.id, contractor


def _status(page: Page) -> str:
    return page.get_by_test_id("status").inner_text()


def test_c_03_an_issue_goes_from_reported_to_closed_through_agent_and_contractor(
    browser: Browser, site: Site, page: Page, agency: Agency, tmp_path: Path
) -> None:
    issue_id, contractor = _world(agency)
    login(page, agency.email)
    page.goto("/issues")
    expect(page.get_by_role("link", name="Boiler not heating")).to_be_visible()
    check_page(page, "issues")

    page.goto(f"/issues/{issue_id}")
    assert _status(page) == Status.REPORTED.label
    expect(page.get_by_role("button", name="Close issue")).to_have_count(0)  # not from reported
    check_page(page, "issue")
    page.get_by_label("Contractor").select_option(label="Dripless Plumbing")
    page.get_by_label("Who pays for the work").first.select_option("landlord")
    press(page, "Instruct contractor")
    expect(page.get_by_role("status")).to_contain_text("Instructed: the contractor has the job")
    assert _status(page) == Status.JOB_INSTRUCTED.label

    # The contractor, on their side, in their own browser session.
    job_page = new_page(browser, site)
    login(job_page, agency.user(Role.CONTRACTOR, subject_id=contractor.id))
    expect(job_page).to_have_url(f"{site.base_url}/jobs")
    check_page(job_page, "contractor-jobs")
    job_page.get_by_role("link", name="Boiler not heating").focus()
    job_page.keyboard.press("Enter")
    contacts = job_page.get_by_test_id("contacts")
    expect(contacts).to_contain_text("Rosa Park")  # C-10: only occupiers living there today
    expect(contacts).not_to_contain_text("Ian Park")
    job_page.get_by_label("Date and time").fill("2026-12-01T09:30")
    press(job_page, "Set appointment")
    expect(job_page.get_by_role("status")).to_contain_text("Appointment set")
    assert _status(job_page) == Status.AWAITING_COMPLETION.label
    check_page(job_page, "contractor-job")
    invoice = tmp_path / "invoice-1042.pdf"
    invoice.write_bytes(b"%PDF-1.4 invoice 1042")
    job_page.get_by_label("Completion notes").fill("Replaced the diverter valve")
    job_page.get_by_label("Cost, net (£)").fill("120.00")
    job_page.get_by_label("VAT (£)").fill("24.00")
    job_page.get_by_label("Invoice document").set_input_files(str(invoice))
    press(job_page, "Mark job complete")
    expect(job_page.get_by_role("status")).to_contain_text("Job marked complete")
    expect(job_page.locator("dl.facts")).to_contain_text("£120.00 + VAT £24.00 = £144.00")
    job_page.context.close()

    page.reload()
    assert _status(page) == Status.COMPLETED.label
    expect(page.get_by_test_id("documents")).to_contain_text("invoice-1042.pdf (invoice)")
    press(page, "Close issue")
    expect(page.get_by_role("status")).to_contain_text("Issue closed")
    assert _status(page) == Status.CLOSED.label
    expect(page.locator("ol.timeline > li").first).to_contain_text(
        "Status: Job completed, ready for closure → Closed"
    )
    # PW-10: an agency with no PMS connection has no sync badge (test_sync_badge.py has one).
    expect(page.locator("[data-sync-state]")).to_have_count(0)
    with agency.uow() as uow:
        kept = uow.all(uow.select(Document, cols(Document).issue_id == issue_id))
        assert [(d.kind, d.filename) for d in kept] == [("invoice", "invoice-1042.pdf")]


def test_c_09_a_comment_to_all_occupiers_reaches_only_those_active_today(
    page: Page, agency: Agency
) -> None:
    issue_id, _ = _world(agency)
    login(page, agency.email)
    page.goto(f"/issues/{issue_id}")
    page.get_by_label("Comment").fill("The plumber comes on Tuesday")
    page.get_by_label("Send to all occupiers").check()
    press(page, "Add comment")
    expect(page.get_by_role("status")).to_contain_text("sent to 1 active occupier(s)")
    expect(page.locator("#main")).to_contain_text("(to 1 occupier(s)): The plumber comes")


def test_c_03_an_action_the_status_forbids_is_refused_naming_the_rule(
    page: Page, agency: Agency
) -> None:
    issue_id, _ = _world(agency)
    login(page, agency.email)
    page.goto(f"/issues/{issue_id}")
    # A stale page: someone else cancelled the issue since it was drawn.
    issues.cancel(agency.uow(), agency.who, issue_id, reason="Reported twice")
    page.get_by_label("Why it is cancelled").fill("Duplicate")
    press(page, "Cancel issue")
    alert = page.get_by_role("alert")
    expect(alert).to_have_text("Status: Cannot cancel an issue that is 'Cancelled'")
