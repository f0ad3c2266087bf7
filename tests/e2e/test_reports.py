"""Reports in the browser (PW-09): a unit the PMS no longer lists, deactivated by a real
reconciliation through the Propertyware simulator, is listed with a link to its property, whose
trail names the reconciliation; the most recent snapshot's units download as CSV."""

from __future__ import annotations

import csv
from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

from repairlink.jobs.reconcile_run import run_reconciliation
from repairlink.simulators.propertyware import RunningPropertyware, running_propertyware
from tests.e2e.a11y import check_page, press
from tests.e2e.conftest import Agency, login
from tests.integration.pw import SYSTEM, connect_pw, dropped_one


@pytest.fixture(scope="module")
def sim() -> Iterator[RunningPropertyware]:
    with running_propertyware(seed=5, units=20) as running:
        yield running


def test_pw_09_reports_list_what_reconciliation_deactivated_and_export_the_snapshot(
    page: Page, agency: Agency, sim: RunningPropertyware
) -> None:
    connect_pw(agency.app, agency.id, sim)
    ours, gone_ext = dropped_one(agency.app, agency.id, sim)
    gone = ours[gone_ext]
    assert run_reconciliation(agency.app, agency.id, SYSTEM).deactivated == [gone]

    login(page, agency.email)
    page.goto("/reports")
    listed = page.get_by_role("region", name="Properties the PMS no longer lists")
    expect(listed.locator("tbody tr")).to_have_count(1)
    check_page(page, "reports")

    with page.expect_download() as download:
        press(page, "Export the properties of the latest check (CSV)", role="link")
    with Path(download.value.path()).open(newline="") as exported:
        ids = {int(line["id"]) for line in csv.DictReader(exported)}
    assert gone not in ids  # the snapshot is what the PMS still lists
    assert ids == set(ours.values()) - {gone}

    listed.locator("tbody a").focus()
    page.keyboard.press("Enter")
    newest = page.locator("ol.timeline > li").first
    expect(newest).to_contain_text("Reconciliation")
    expect(newest).to_contain_text("Active: yes → no")
