"""Integrations in the browser: the settings form drawn from the typed config (AL-02), a dry
run's diff before the real sync (S-07), the run report (S-06) and the dashboard's health."""

from __future__ import annotations

import re
from collections.abc import Iterator

import pytest
import sqlalchemy as sa
from playwright.sync_api import Page, expect

from repairlink.connectors import REGISTRY
from repairlink.simulators.alto import running_alto
from repairlink.simulators.alto.server import RunningAlto
from repairlink.store.tables import units
from tests.e2e.a11y import check_page, press
from tests.e2e.conftest import Agency, login

RUN_TIMEOUT = 60_000  # ms: a run of 60 simulated units on a busy 2-core machine


@pytest.fixture(scope="module")
def alto() -> Iterator[RunningAlto]:
    with running_alto(seed=7, units=60) as sim:
        yield sim


def _unit_count(agency: Agency) -> int:
    with agency.app.engine.connect() as conn:
        query = sa.select(sa.func.count()).where(units.c.agency_id == agency.id)
        return int(conn.execute(query).scalar_one())


def _connect(page: Page, alto: RunningAlto) -> None:
    page.goto("/integrations/alto/settings")
    page.get_by_label("API address").fill(alto.base_url)
    page.get_by_label("Client id").fill(alto.client_id)
    page.get_by_label("Client secret").fill(alto.client_secret)
    page.get_by_label("AgencyRef").fill(alto.agency_ref)


def test_al_02_settings_form_refuses_no_property_category_naming_the_field(
    page: Page, agency: Agency, alto: RunningAlto
) -> None:
    login(page, agency.email)
    _connect(page, alto)
    categories = page.get_by_role("group", name="Property categories")
    expect(categories.get_by_label("residential")).to_be_checked()
    check_page(page, "integration-settings")
    for name in ("residential", "commercial"):
        categories.get_by_label(name).uncheck()
    press(page, "Save settings")
    expect(page.get_by_role("alert")).to_contain_text("1 field(s) need attention")
    expect(page.locator("#err-categories")).to_contain_text(
        "Property categories: choose residential, commercial or both"
    )
    expect(page.get_by_label("Client id")).to_have_value(alto.client_id)  # input kept


def test_s_07_a_dry_run_shows_its_diff_and_writes_nothing_then_applying_it_syncs(
    page: Page, agency: Agency, alto: RunningAlto
) -> None:
    login(page, agency.email)
    _connect(page, alto)
    press(page, "Save settings")
    expect(page.get_by_role("status")).to_contain_text("Settings saved")

    press(page, "Preview “Sync now”")
    status = page.get_by_test_id("run-status")
    expect(status).to_have_text("succeeded", timeout=RUN_TIMEOUT)  # htmx follows the run
    first = page.locator("section.change").first
    expect(first).to_contain_text("Create property")
    expect(first).to_contain_text("Postcode: — →")
    skips = page.get_by_role("table").filter(has_text="Why")
    expect(skips).to_contain_text(
        "property status is not in the agency's allow-list"
    )  # why, in words
    assert _unit_count(agency) == 0  # a dry run writes nothing
    check_page(page, "dry-run")

    # A connection's first run reads everything, so the preview was a full one: applying it
    # is "Sync all data".
    expect(page.get_by_role("heading", level=1)).to_contain_text("full dry run")
    press(page, "Sync all data")
    expect(page.get_by_role("heading", level=1)).to_have_text(re.compile(r"full$"))
    expect(status).to_have_text("succeeded", timeout=RUN_TIMEOUT)
    assert _unit_count(agency) > 0
    check_page(page, "run-report")

    page.goto("/dashboard")
    health = page.get_by_role("region", name="Alto")
    expect(health).to_contain_text("succeeded")
    expect(health.get_by_role("link", name="0 pending (0 failing), 0 dead")).to_be_visible()
    check_page(page, "dashboard")
    page.goto("/integrations/alto")
    expect(page.locator("#main").get_by_text("Nothing failed or waiting")).to_be_visible()
    expect(page.locator("tbody tr")).to_have_count(2)
    check_page(page, "integration")


def test_the_connector_page_says_in_plain_words_what_reaches_the_pms(
    page: Page, agency: Agency, alto: RunningAlto
) -> None:
    """The sentence comes from the connector's profile, without rule ids. Saved settings lead
    to the connector's page."""
    login(page, agency.email)
    _connect(page, alto)
    press(page, "Save settings")
    hint = page.locator("#h-deliveries + p.hint")
    expect(hint).to_contain_text(REGISTRY["alto"].way_out)
    expect(hint).not_to_contain_text("AL-10")
