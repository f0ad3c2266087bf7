"""The console's own tasks in the browser (issue 17): staff report an issue with a photo; a
contractor quotes and sees the quote awarded (C-05); the occupier rates the job (C-08); the
invoice downloads for those who may see it (C-07); an admin adds to the team and changes the
agency's settings (C-07, C-08, C-11), makes and revokes an API key."""

from __future__ import annotations

import re
from pathlib import Path

from playwright.sync_api import Browser, Page, expect

from repairlink.domain.agency import Role
from repairlink.domain.issues import Document, Status
from repairlink.services import agencies, issues
from repairlink.services.issues import Upload
from repairlink.store.tables import cols
from tests.e2e.a11y import check_page, press
from tests.e2e.conftest import PASSWORD, Agency, Site, login, new_page
from tests.factories import (
    as_contractor,
    completed_issue,
    living_occupier,
    make_contractor,
    make_issue,
    make_unit,
    quotes_requested_issue,
)

PNG = bytes.fromhex(
    "89504e470d0a1a0a0000000d4948445200000001000000010806000000"
    "1f15c4890000000d49444154789c6360000002000154a24f5d0000000049454e44ae426082"
)


def _status(page: Page) -> str:
    return page.get_by_test_id("status").inner_text()


def _done_job(agency: Agency, *, feedback: bool, invoice: Upload | None = None):  # type: ignore[no-untyped-def]
    """An issue reported for an occupier living at the unit, done by a contractor."""
    app, who = agency.app, agency.who
    agencies.update_settings(agency.uow(), {"feedback_enabled": feedback})
    unit = make_unit(app, who, line1="4 Mill Street", town="Leeds", postcode="LS1 4AP")
    occupier = living_occupier(app, who, unit, first_name="Nia", surname="Jones")
    contractor = make_contractor(app, who, company="Dripless Plumbing")
    issue = completed_issue(
        app,
        who,
        contractor,
        invoice,
        unit=unit,
        title="Kitchen tap drips",
        reporter_occupier_id=occupier.id,
    )
    return issue, occupier, contractor


def test_c_03_staff_report_an_issue_for_an_occupier_with_a_photo(
    page: Page, agency: Agency, tmp_path: Path
) -> None:
    unit = make_unit(
        agency.app, agency.who, flat="Flat 1", line1="12 Albion Road", postcode="N16 9PH"
    )
    living_occupier(agency.app, agency.who, unit, first_name="Rosa", surname="Diaz")
    login(page, agency.email)
    page.goto("/issues")
    press(page, "Report an issue", role="link")
    page.get_by_label("Find the property: address, postcode or reference").fill("N169PH")
    press(page, "Find")
    choices = page.get_by_test_id("property-choices")
    choices.get_by_role("link", name=re.compile("Flat 1, 12 Albion Road")).click()
    page.get_by_label("Reported for").select_option(label="Rosa Diaz (lives here)")
    page.get_by_label("What is wrong").fill("Damp patch above the window")
    page.get_by_label("Category").select_option("Damp and mould")
    page.get_by_label("Priority").select_option("high")
    photo = tmp_path / "damp.png"
    photo.write_bytes(PNG)
    page.get_by_label("Photos (optional)").set_input_files(str(photo))
    check_page(page, "issue-new")
    press(page, "Report issue")

    expect(page.get_by_role("status")).to_contain_text("IS1 is reported")
    assert _status(page) == Status.REPORTED.label
    facts = page.locator("dl.facts")
    expect(facts.get_by_role("link", name="Rosa Diaz")).to_be_visible()
    expect(facts).to_contain_text("Damp and mould")
    expect(facts).to_contain_text("High")
    with page.expect_download() as download:
        page.get_by_test_id("documents").get_by_role("link", name="damp.png").click()
    assert Path(download.value.path()).read_bytes() == PNG


def test_c_05_a_contractor_quotes_and_sees_the_quote_awarded(
    browser: Browser, site: Site, page: Page, agency: Agency, tmp_path: Path
) -> None:
    app, who = agency.app, agency.who
    winner = make_contractor(app, who, company="Dripless Plumbing")
    loser = make_contractor(app, who, company="Slow Pipes Ltd")
    issue = quotes_requested_issue(app, who, winner, loser)
    issues.submit_quote(
        agency.uow(), as_contractor(loser), issue.id, contractor_id=loser.id, net=30000, vat=6000
    )

    job = new_page(browser, site)
    login(job, agency.user(Role.CONTRACTOR, subject_id=winner.id))
    job.get_by_role("link", name=issue.title).click()
    expect(job.locator("main")).not_to_contain_text("Nothing for you to do")
    check_page(job, "contractor-quote")
    job.get_by_label("Amount, net (£)").fill("150.00")
    job.get_by_label("VAT (£)").fill("30")
    job.get_by_label("Notes: what the work is, when you could do it").fill("New mixer tap")
    quote_pdf = tmp_path / "quote-881.pdf"
    quote_pdf.write_bytes(b"%PDF-1.4 quote 881")
    job.get_by_label("Quote document (optional)").set_input_files(str(quote_pdf))
    press(job, "Send quote")
    expect(job.get_by_role("status")).to_contain_text("Quote sent")
    expect(job.get_by_test_id("quote-state")).to_contain_text("Submitted: £180.00")

    login(page, agency.email)
    page.goto(f"/issues/{issue.id}")
    expect(page.get_by_test_id("documents")).to_contain_text("quote-881.pdf (quote)")
    offer = page.get_by_role("region", name="Quote from Dripless Plumbing: £180.00")
    offer.get_by_label("Who pays for the work").select_option("landlord")
    offer.get_by_role("button", name="Award this quote").focus()
    page.keyboard.press("Enter")
    expect(page.get_by_role("status")).to_contain_text("Quote awarded")
    assert _status(page) == Status.JOB_INSTRUCTED.label

    job.reload()
    expect(job.get_by_test_id("quote-state")).to_contain_text("Awarded: £180.00")
    expect(job.get_by_label("Date and time")).to_be_visible()  # the job is theirs now
    other = new_page(browser, site)
    login(other, agency.user(Role.CONTRACTOR, subject_id=loser.id))
    other.goto(f"/jobs/{issue.id}")
    expect(other.get_by_test_id("quote-state")).to_contain_text("Not awarded: £360.00")
    expect(other.get_by_test_id("documents")).not_to_contain_text("quote-881.pdf")
    for opened in (job, other):
        opened.context.close()


def test_c_08_the_occupier_rates_the_completed_job(page: Page, agency: Agency) -> None:
    issue, occupier, _ = _done_job(agency, feedback=True)
    login(page, agency.user(Role.OCCUPIER, subject_id=occupier.id))
    page.get_by_role("link", name="Kitchen tap drips").click()
    assert _status(page) == Status.AWAITING_FEEDBACK.label
    check_page(page, "occupier-rate")
    page.get_by_label("4", exact=True).check()
    page.get_by_label("Comment (optional)").fill("Quick and tidy")
    press(page, "Send rating")
    expect(page.get_by_role("status")).to_contain_text("Thank you for rating the job")
    expect(page.get_by_test_id("rating")).to_have_text("4 out of 5: “Quick and tidy”")

    staff = page.context.browser.new_page(base_url=page.url.split("/my/")[0])  # type: ignore[union-attr]
    login(staff, agency.email)
    staff.goto(f"/issues/{issue.id}")
    expect(staff.get_by_test_id("rating")).to_contain_text("4 out of 5")
    press(staff, "Close issue")
    expect(staff.get_by_role("status")).to_contain_text("Issue closed")
    staff.close()


def test_c_07_the_invoice_downloads_for_staff_and_not_for_the_occupier(
    browser: Browser, site: Site, page: Page, agency: Agency
) -> None:
    invoice = Upload("invoice-77.pdf", "application/pdf", b"%PDF-1.4 invoice 77")
    issue, occupier, contractor = _done_job(agency, feedback=False, invoice=invoice)
    login(page, agency.email)
    page.goto(f"/issues/{issue.id}")
    with page.expect_download() as download:
        press(page, "invoice-77.pdf", role="link")
    assert download.value.suggested_filename == "invoice-77.pdf"
    assert Path(download.value.path()).read_bytes() == invoice.content

    job = new_page(browser, site)
    login(job, agency.user(Role.CONTRACTOR, subject_id=contractor.id))
    job.goto(f"/jobs/{issue.id}")
    expect(job.get_by_test_id("documents")).to_contain_text("invoice-77.pdf")  # their invoice
    job.context.close()

    home = new_page(browser, site)  # the landlord pays: the invoice is not the occupier's
    login(home, agency.user(Role.OCCUPIER, subject_id=occupier.id))
    home.goto(f"/my/issues/{issue.id}")
    expect(home.get_by_test_id("documents")).not_to_contain_text("invoice-77.pdf")
    with agency.uow() as uow:
        (kept,) = uow.all(uow.select(Document, cols(Document).issue_id == issue.id))
    refused = home.request.get(f"/issues/{issue.id}/documents/{kept.id}")
    assert refused.status == 404
    home.context.close()


def test_the_team_page_adds_an_agent_who_can_then_log_in(
    browser: Browser, site: Site, page: Page, agency: Agency
) -> None:
    login(page, agency.email)
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Team").click()
    check_page(page, "team")
    page.get_by_label("Name").fill("Priya Shah")
    page.get_by_label("Email").fill(f"priya-{agency.id}@example.com")
    page.get_by_label("Role").select_option(label="Agent")
    page.get_by_label("First password").fill(PASSWORD)
    press(page, "Add to the team")
    expect(page.get_by_role("status")).to_contain_text("Priya Shah can now log in as agent")
    expect(page.get_by_role("table")).to_contain_text("Priya Shah")

    agent = new_page(browser, site)
    login(agent, f"priya-{agency.id}@example.com")
    expect(agent).to_have_url(re.compile("/dashboard$"))
    expect(agent.get_by_role("navigation", name="Main")).not_to_contain_text("Team")
    assert agent.goto("/team").status == 403  # type: ignore[union-attr]
    agent.context.close()


def test_c_08_c_11_the_settings_page_changes_the_agency_options(page: Page, agency: Agency) -> None:
    login(page, agency.email)
    page.goto("/settings")
    check_page(page, "settings")
    page.get_by_label("Ask the occupier to rate the job").check()
    page.get_by_label("Only display uploaded properties").check()
    page.get_by_label("Contractor invoice").select_option("required")
    page.get_by_label("Money and dates written as in").select_option("en_US")
    page.get_by_label("Time zone").select_option("America/New_York")
    press(page, "Save settings")
    expect(page.get_by_role("status")).to_contain_text("Settings saved")
    expect(page.get_by_label("Ask the occupier to rate the job")).to_be_checked()
    saved = agencies.get_agency(agency.uow())
    assert (saved.feedback_enabled, saved.only_display_uploaded_properties) == (True, True)
    assert (saved.invoice_option.value, saved.locale) == ("required", "en_US")

    issue = make_issue(agency.app, agency.who)
    page.goto(f"/issues/{issue.id}")
    reported = page.locator("dl.facts dd").nth(2)
    expect(reported).to_contain_text(re.compile(r"\d{1,2}/\d{1,2}/\d{4} \d{1,2}:\d{2}\s[AP]M"))


def test_an_api_key_is_shown_once_and_can_be_revoked(page: Page, agency: Agency) -> None:
    login(page, agency.email)
    page.goto("/api-keys")
    check_page(page, "api-keys")
    page.get_by_label("What it is for").fill("Helpdesk bridge")
    press(page, "Make the key")
    secret = page.get_by_label("The key").input_value()
    assert secret.startswith("rl_")
    page.get_by_role("link", name="All API keys").click()
    expect(page.locator("main")).not_to_contain_text(secret)
    press(page, "Revoke the key Helpdesk bridge")
    expect(page.get_by_role("status")).to_contain_text("is revoked")
    response = page.request.get("/api/v1/issues", headers={"Authorization": f"Bearer {secret}"})
    assert response.status == 401
