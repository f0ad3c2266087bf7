"""A connector's page tells what the PMS cannot do (PX-08: the browser extension's PMS), and
its settings form refuses what a rule of the profile refuses, naming the setting, with nothing
saved (PW-01: one Propertyware location a connection)."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from playwright.sync_api import Page, expect

from repairlink.simulators.propertyware import RunningPropertyware, running_propertyware
from tests.e2e.a11y import assert_accessible, press
from tests.e2e.conftest import Agency, login


@pytest.fixture
def pw() -> Iterator[RunningPropertyware]:
    with running_propertyware(seed=3, units=10) as sim:
        yield sim


def test_px_08_the_connector_page_says_what_the_pms_cannot_do(page: Page, agency: Agency) -> None:
    login(page, agency.email)
    page.goto("/integrations/platform")
    unsupported = page.get_by_test_id("unsupported")
    expect(unsupported.get_by_role("heading")).to_have_text("Not supported by this integration")
    expect(unsupported).to_contain_text("This PMS sync does not support leases")
    expect(unsupported).to_contain_text("This PMS sync does not support files")
    assert_accessible(page)


def test_pw_01_a_second_location_is_named_on_the_form_and_nothing_is_saved(
    page: Page, agency: Agency, pw: RunningPropertyware
) -> None:
    login(page, agency.email)
    page.goto("/integrations/propertyware/settings")
    page.get_by_label("API address").fill(pw.base_url)
    page.get_by_label("Client id").fill(pw.client_id)
    page.get_by_label("Client secret").fill(pw.client_secret)
    page.get_by_label("System id").fill(pw.system_id)
    page.get_by_label("Location (portfolio)").fill(f"{pw.portfolio_id(1)}, {pw.portfolio_id(2)}")
    page.get_by_label("Integration account email").fill(pw.account_email)
    press(page, "Save settings")
    expect(page.get_by_role("alert")).to_contain_text("1 field(s) need attention")
    expect(page.locator("#err-locations")).to_contain_text("exactly one Propertyware location")
    page.goto("/integrations/propertyware")
    expect(page.get_by_role("link", name="Connect Propertyware")).to_be_visible()
