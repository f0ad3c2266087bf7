"""A connector's page tells what the PMS cannot do, and its settings form refuses what a rule
of the profile refuses, naming the setting (the mechanisms behind PX-08 and PW-01, carried by
Alto: see tests/ruled_alto.py)."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from playwright.sync_api import Page, expect

from repairlink.simulators.alto import running_alto
from repairlink.simulators.alto.server import RunningAlto
from tests.e2e.a11y import assert_accessible, press
from tests.e2e.conftest import Agency, login
from tests.ruled_alto import LEASES, use_ruled_alto


@pytest.fixture
def alto() -> Iterator[RunningAlto]:
    with running_alto(seed=3, units=10) as sim:
        yield sim


def test_the_connector_page_says_what_the_pms_cannot_do(
    page: Page, agency: Agency, monkeypatch: pytest.MonkeyPatch
) -> None:
    use_ruled_alto(monkeypatch)
    login(page, agency.email)
    page.goto("/integrations/alto")
    unsupported = page.get_by_test_id("unsupported")
    expect(unsupported.get_by_role("heading")).to_have_text("Not supported by this integration")
    expect(unsupported).to_contain_text(LEASES)
    assert_accessible(page)


def test_a_setting_the_profile_refuses_is_named_on_the_form_and_nothing_is_saved(
    page: Page, agency: Agency, alto: RunningAlto, monkeypatch: pytest.MonkeyPatch
) -> None:
    use_ruled_alto(monkeypatch)
    login(page, agency.email)
    page.goto("/integrations/alto/settings")
    page.get_by_label("API address").fill(alto.base_url)
    page.get_by_label("Client id").fill(alto.client_id)
    page.get_by_label("Client secret").fill(alto.client_secret)
    page.get_by_label("AgencyRef").fill(alto.agency_ref)
    press(page, "Save settings")  # both categories, as the form starts
    expect(page.get_by_role("alert")).to_contain_text("1 field(s) need attention")
    expect(page.locator("#err-categories")).to_contain_text("exactly one category")
    page.goto("/integrations/alto")
    expect(page.get_by_role("link", name="Connect Alto")).to_be_visible()
