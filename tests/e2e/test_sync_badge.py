"""PW-10 in the browser: an issue at an Alto-synced unit, taken from reported to closed in the
console, becomes a works order in the Alto simulator (AL-10..AL-13) and its sync badge follows
(not sent, then synced); with Alto refusing writes the badge says failed and why, the
connector page (one click from the dashboard) lists it, and "Sync now" after the outage syncs
it. The site's embedded runner delivers; the tests only reload."""

from __future__ import annotations

import hashlib
import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

from repairlink.jobs.sync_run import connect
from repairlink.pms.issue_facts import work_order_marker
from repairlink.services import issues
from repairlink.simulators.alto import running_alto
from repairlink.simulators.alto.server import RunningAlto
from tests.e2e.a11y import check_page, press
from tests.e2e.conftest import Agency, login
from tests.e2e.waits import reload_until
from tests.integration.outbound.conftest import Synced
from tests.integration.outbound.issues_in_alto import alto_contractor, tenant_at_unit
from tests.integration.sync.conftest import settings_for, sync


@pytest.fixture
def alto() -> Iterator[RunningAlto]:
    """One Alto per test, as each agency has its own: the hub finds a works order it may have
    created by the issue's reference at the property, and references restart per agency."""
    with running_alto(seed=11, units=40) as sim:
        yield sim


@pytest.fixture
def synced(agency: Agency, alto: RunningAlto) -> Synced:
    """The agency connected to Alto and synced, so its units and contractors carry Alto ids."""
    connect(agency.app, agency.id, "alto", settings_for(alto))
    sync(agency.app, agency.id, full=True)
    return Synced(agency.app, agency.id, alto)


def _report(agency: Agency, s: Synced, title: str) -> tuple[int, str]:
    unit_id, occupier_id = tenant_at_unit(s)
    issue = issues.report(
        agency.uow(), agency.who, title=title, unit_id=unit_id, reporter_occupier_id=occupier_id
    )
    return issue.id, f"{work_order_marker(issue)} {title}"  # a works order's summary (AL-10)


def _badge(page: Page):  # type: ignore[no-untyped-def]
    return lambda: page.get_by_test_id("sync-badge")


def _instruct(page: Page, s: Synced) -> None:
    page.get_by_label("Contractor", exact=True).select_option(str(alto_contractor(s)))
    page.get_by_label("Who pays for the work").first.select_option("landlord")
    press(page, "Instruct contractor")
    expect(page.get_by_role("status")).to_contain_text("Instructed: the contractor has the job")


def _orders(s: Synced, summary: str) -> list[dict]:  # type: ignore[type-arg]
    return [o for o in s.admin("work-orders") if o["summary"] == summary]


def _order(s: Synced, summary: str) -> dict:  # type: ignore[type-arg]
    (order,) = _orders(s, summary)
    return order


def test_pw_10_al_10_al_13_an_issue_closed_in_the_console_reaches_alto_and_shows_synced(
    page: Page, agency: Agency, synced: Synced, tmp_path: Path
) -> None:
    issue_id, summary = _report(agency, synced, "Leaking radiator valve")
    login(page, agency.email)
    page.goto(f"/issues/{issue_id}")
    # AL-10: reported is not yet a works order; the badge says so and why.
    reload_until(page, _badge(page), "Not sent · Alto")
    expect(page.get_by_test_id("sync-reason")).to_have_text(
        "Issues reach Alto only once instructed"
    )

    _instruct(page, synced)
    reload_until(page, _badge(page), "Synced · Alto")
    assert _order(synced, summary)["status"] == "Supplier instructed"

    page.get_by_label("Date and time").fill("2026-12-01T09:30")
    press(page, "Set appointment")
    expect(page.get_by_role("status")).to_contain_text("Appointment set")
    invoice = tmp_path / "invoice-2211.pdf"
    invoice.write_bytes(b"%PDF-1.4 invoice 2211 " + b"x" * 40)
    page.get_by_label("Completion notes").fill("Replaced the valve; no leak under pressure")
    page.get_by_label("Cost, net (£)").fill("80.00")
    page.get_by_label("VAT (£)").fill("16.00")
    page.get_by_label("Invoice document").set_input_files(str(invoice))
    press(page, "Mark job complete")
    expect(page.get_by_role("status")).to_contain_text("Job marked complete")
    press(page, "Close issue")
    expect(page.get_by_role("status")).to_contain_text("Issue closed")

    # Each commit writes its deliveries with it, so "synced" now means the close went too.
    reload_until(page, _badge(page), "Synced · Alto")
    order = _order(synced, summary)
    assert [step["status"] for step in order["statusHistory"]] == [
        "Supplier instructed",
        "Complete Awaiting Invoice",
        "Complete Invoicing Received",
    ]
    # AL-13: the landlord pays, with the invoice
    (charge,) = [
        c for c in synced.admin("charges") if str(c["fields"].get("workOrderId")) == order["id"]
    ]
    assert charge["invoiceDocument"]["sha256"] == hashlib.sha256(invoice.read_bytes()).hexdigest()


def test_pw_10_s_01_a_failed_sync_shows_why_and_sync_now_after_the_outage_syncs_it(
    page: Page, agency: Agency, synced: Synced
) -> None:
    # Retry-After of an hour: only "Sync now" can send it again within the test.
    synced.sim.admin("PUT", "outage", {"status": 503, "retry_after": 3600})
    issue_id, summary = _report(agency, synced, "No heating in bedroom")
    login(page, agency.email)
    page.goto(f"/issues/{issue_id}")
    _instruct(page, synced)
    reload_until(page, _badge(page), "Sync failed · Alto")
    expect(page.get_by_test_id("sync-reason")).to_contain_text("503")
    expect(page.locator("section.sync")).to_contain_text("1 attempt(s); next retry")
    check_page(page, "issue-sync")

    # Which works orders failed and why: one click from the dashboard.
    page.goto("/dashboard")
    page.get_by_role("link", name="1 pending (1 failing), 0 dead").click()
    failed = page.get_by_test_id("failed-deliveries")
    expect(failed.locator("tbody tr")).to_have_count(1)
    row = failed.locator("tbody tr").first
    expect(row.get_by_role("link")).to_have_attribute("href", f"/issues/{issue_id}")
    expect(row.get_by_role("link")).to_have_text(re.compile(r"^IS\d+$"))  # its reference
    expect(row).to_contain_text("failed, retrying")
    expect(row).to_contain_text("503")
    check_page(page, "integration-failed")
    assert _orders(synced, summary) == []

    # "Sync now" before Alto is back (after it, the recovery probe of outbound/recovery.py
    # sends the update within a second, leaving nothing to retry): the failed update is
    # retried at once, and lands when Alto answers again
    page.goto(f"/issues/{issue_id}")
    press(page, "Sync now")
    expect(page.get_by_role("status")).to_contain_text("1 waiting or failed update(s) retried")
    synced.sim.admin("DELETE", "outage")
    reload_until(page, _badge(page), "Synced · Alto")
    assert _order(synced, summary)["status"] == "Supplier instructed"
