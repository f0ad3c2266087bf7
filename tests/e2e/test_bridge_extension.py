"""The reference browser extension (extension/) loaded unpacked into Debian's Chromium: its
options page takes the Repairlink address and a bridge token, and "Sync all data" carries a
property edited in the PMS (the platform simulator) to Repairlink through the bridge API."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Browser, BrowserContext, expect, sync_playwright

from repairlink.domain.actors import Actor
from repairlink.jobs.sync_run import connect
from repairlink.services import bridge_tokens, units
from repairlink.services.units import UnitFilter
from repairlink.simulators.kit.server import Running
from repairlink.simulators.platform import API_KEY, PlatformState, running_platform
from tests.e2e.conftest import CHROMIUM, Site, login, new_agency, new_page

EXTENSION = Path(__file__).resolve().parents[2] / "extension"


@pytest.fixture
def pms() -> Iterator[Running[PlatformState]]:
    with running_platform(seed=4, units=10, recent=0.0) as sim:
        yield sim


@pytest.fixture
def extension(tmp_path: Path) -> Iterator[BrowserContext]:
    """Chromium with the extension unpacked (a persistent profile: extensions need one)."""
    with sync_playwright() as playwright:
        context = playwright.chromium.launch_persistent_context(
            str(tmp_path / "profile"),
            executable_path=CHROMIUM,
            headless=False,
            args=[
                "--headless=new",
                "--no-sandbox",
                "--disable-gpu",
                f"--disable-extensions-except={EXTENSION}",
                f"--load-extension={EXTENSION}",
            ],
        )
        context.set_default_timeout(20_000)
        yield context
        context.close()


def test_a_property_edited_in_the_pms_reaches_repairlink_through_the_extension(
    site: Site, pms: Running[PlatformState], extension: BrowserContext
) -> None:
    agency = new_agency(site)
    settings = {"sync_method": "all", "integration_user": "1", "sync_start": "2020-01-01"}
    connection_id = connect(site.app, agency.id, "platform", settings)
    _, token = bridge_tokens.create_token(agency.uow(), "platform", "e2e")
    worker = extension.service_workers[0] if extension.service_workers else None
    worker = worker or extension.wait_for_event("serviceworker")
    extension_id = worker.url.split("/")[2]

    options = extension.new_page()
    options.goto(f"chrome-extension://{extension_id}/options.html")
    options.get_by_label("Repairlink address").fill(site.base_url)
    options.get_by_label("Connection number").fill(str(connection_id))
    options.get_by_label("Bridge token").fill(token)
    options.get_by_label("PMS address").fill(pms.base_url)
    options.get_by_label("PMS session key").fill(API_KEY)
    options.get_by_role("button", name="Save").click()
    options.get_by_text("Saved.").wait_for()

    # an agent renames a property in the PMS (it was last changed years ago)
    pms.admin("PATCH", "properties/100003", {"name": "7 Extension Row"})
    options.get_by_role("button", name="Sync all data").click()
    options.get_by_text("Synced:").wait_for()

    found = units.list_units(
        agency.app.uow(Actor.system("test"), agency.id), status=UnitFilter.ALL, q="Extension Row"
    )
    assert [unit.line1 for unit in found.items] == ["7 Extension Row"]


def test_px_01_px_08_the_connector_page_says_72_hours_and_what_is_not_supported(
    browser: Browser, site: Site
) -> None:
    agency = new_agency(site)
    connect(site.app, agency.id, "platform", {"sync_method": "assigned"})
    page = new_page(browser, site)
    login(page, agency.email)
    page.goto("/integrations/platform")
    body = page.locator("main")
    expect(body).to_contain_text("each run reading what changed in the last 72 hours")
    expect(body).to_contain_text("no initial full sync")
    expect(body).to_contain_text("does not support leases")
    expect(body).to_contain_text("does not support files")
    page.goto("/integrations/platform/settings")
    expect(page.locator("main")).to_contain_text("Integration sync method")
    page.context.close()
