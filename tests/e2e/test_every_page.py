"""Every console page, with realistic data (an agency synced from the Alto simulator, issues in
each state with quotes, photos and invoices, a dry run, a webhook, an API key), read as its
people read it: no rule id in the visible text (issue 17: 'Request quotes (C-05)' and the like),
and on a 390 px phone no page scrolls sideways."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta

import pytest
from playwright.sync_api import Browser, Page

from repairlink.domain.agency import Role
from repairlink.domain.issues import Party, PayingForWork
from repairlink.domain.values import Money
from repairlink.inbound import reports
from repairlink.services import agencies, auth, bridge_tokens, issues
from repairlink.services.issues import Upload
from repairlink.simulators.alto import running_alto
from repairlink.web.plain import RULE_ID
from repairlink.webhooks import subscriptions
from tests.e2e.a11y import TAKE_SHOTS, screenshot
from tests.e2e.conftest import Agency, Site, login, new_agency
from tests.integration.outbound.conftest import Synced
from tests.integration.outbound.issues_in_alto import alto_contractor, alto_landlord, tenant_at_unit
from tests.integration.sync.conftest import settings_for, sync

PHOTO = Upload("leak.png", "image/png", b"\x89PNG\r\n\x1a\n" + b"0" * 64)
INVOICE = Upload("invoice-12.pdf", "application/pdf", b"%PDF-1.4 invoice 12")
PHONE = {"width": 390, "height": 844}
PHONE_SHOTS = {"/occupiers": "phone-occupiers"}


@dataclass
class World:
    agency: Agency
    contractor_email: str
    occupier_email: str
    staff_pages: list[str] = field(default_factory=list)
    contractor_pages: list[str] = field(default_factory=list)
    occupier_pages: list[str] = field(default_factory=list)


def _lifecycle(agency: Agency, unit_id: int, occupier_id: int, contractor_id: int) -> list[int]:
    """One issue in each state, all at one Alto-synced unit, reported for its tenant."""
    who, uow, files = agency.who, agency.uow, agency.app.files
    made = [
        issues.report(
            uow(),
            who,
            title=f"Leak number {n}",
            description="Water under the sink",
            category="Plumbing",
            priority="high",
            unit_id=unit_id,
            reporter_occupier_id=occupier_id,
            photos=[PHOTO],
            files=files,
        ).id
        for n in range(1, 7)
    ]
    reported, quoting, instructed, done, rated, closed = made
    issues.request_quotes(uow(), who, quoting, [contractor_id])
    issues.submit_quote(uow(), who, quoting, contractor_id=contractor_id, net=12000, vat=2400)
    when = datetime.now(UTC) + timedelta(days=2)
    for issue_id in (instructed, done, rated, closed):
        issues.instruct(
            uow(),
            who,
            issue_id,
            party=Party.CONTRACTOR,
            party_id=contractor_id,
            paying=PayingForWork.LANDLORD,
        )
    for issue_id in (done, rated, closed):
        issues.set_appointment(uow(), who, issue_id, when)
        agencies.update_settings(uow(), {"feedback_enabled": issue_id == rated})
        costs = Money.of(net=10000, vat=2000)
        issues.complete(
            uow(), who, issue_id, files=files, notes="Fixed", costs=costs, invoice=INVOICE
        )
    issues.close(uow(), who, closed)
    issues.cancel(uow(), who, reported, reason="Reported twice")
    return made


@pytest.fixture(scope="module")
def world(site: Site) -> Iterator[World]:
    agency = new_agency(site)
    with running_alto(seed=11, units=12) as alto:
        agencies.update_settings(agency.uow(), {"feedback_enabled": False})
        from repairlink.jobs.sync_run import connect

        connect(agency.app, agency.id, "alto", settings_for(alto))
        sync(agency.app, agency.id, full=True)
        sync(agency.app, agency.id, full=True, dry_run=True)
        synced = Synced(agency.app, agency.id, alto)
        unit_id, occupier_id = tenant_at_unit(synced)
        contractor_id = alto_contractor(synced)
        landlord_id = alto_landlord(synced)
        made = _lifecycle(agency, unit_id, occupier_id, contractor_id)
        hook, _ = subscriptions.subscribe(
            agency.uow(),
            url="http://127.0.0.1:9/hooks",
            event_types=["*"],
            description="Helpdesk",
            allow_private=True,
        )
        auth.create_api_key(agency.uow(), name="Helpdesk bridge", role=Role.AGENT)
        connect(agency.app, agency.id, "platform", {"sync_method": "assigned"})
        bridge_tokens.create_token(agency.uow(), "platform", "Front office laptop")
        runs = [int(r["id"]) for r in reports.list_runs(agency.uow(), limit=10).items]
        world = World(
            agency,
            agency.user(Role.CONTRACTOR, subject_id=contractor_id),
            agency.user(Role.OCCUPIER, subject_id=occupier_id),
        )
        world.staff_pages = [
            "/dashboard",
            "/properties",
            "/properties?status=all&q=a",
            f"/properties/{unit_id}",
            "/occupiers",
            f"/occupiers/{occupier_id}",
            "/issues",
            "/issues?q=leak&status=closed&order=oldest",
            "/issues/new",
            "/issues/new?q=a",
            f"/issues/new?unit_id={unit_id}",
            *(f"/issues/{i}" for i in made),
            "/contractors",
            f"/contractors/{contractor_id}",
            "/landlords",
            f"/landlords/{landlord_id}",
            "/integrations",
            "/integrations/alto",
            "/integrations/alto/settings",
            "/integrations/platform",
            "/integrations/platform/settings",
            "/integrations/platform/extension",
            *(f"/integrations/runs/{r}" for r in runs),
            "/webhooks",
            f"/webhooks/{hook['id']}",
            "/reports",
            "/team",
            "/api-keys",
            "/settings",
            "/issues/99999999",
        ]
        world.contractor_pages = ["/jobs", *(f"/jobs/{i}" for i in made[1:])]
        world.occupier_pages = ["/my/issues", "/my/report", *(f"/my/issues/{i}" for i in made)]
        yield world


def _visits(browser: Browser, site: Site, world: World, viewport: dict[str, int]):  # type: ignore[no-untyped-def]
    """(page, path) for every page, as the staff, the contractor and the occupier."""
    for email, paths in (
        (world.agency.email, world.staff_pages),
        (world.contractor_email, world.contractor_pages),
        (world.occupier_email, world.occupier_pages),
    ):
        page = new_page_sized(browser, site, viewport)
        login(page, email)
        for path in paths:
            page.goto(path)
            yield page, path
        page.context.close()


def new_page_sized(browser: Browser, site: Site, viewport: dict[str, int]) -> Page:
    context = browser.new_context(base_url=site.base_url, viewport=viewport)  # type: ignore[arg-type]
    context.set_default_timeout(15_000)
    return context.new_page()


def test_no_console_page_shows_a_rule_id(browser: Browser, site: Site, world: World) -> None:
    """Rule ids (C-05, PW-10, AL-10...) live in the docs and tests, never on a page."""
    found = {}
    for page, path in _visits(browser, site, world, {"width": 1280, "height": 800}):
        text = page.evaluate("() => document.body.innerText")
        titles = page.evaluate("() => document.title")
        if hit := RULE_ID.search(text + " " + titles):
            found[path] = text[max(0, hit.start() - 60) : hit.end() + 20]
    assert not found, found


def test_no_console_page_scrolls_sideways_on_a_390_px_phone(
    browser: Browser, site: Site, world: World
) -> None:
    wide = {}
    for page, path in _visits(browser, site, world, PHONE):
        width = page.evaluate("() => document.documentElement.scrollWidth")
        if width > PHONE["width"]:
            wide[path] = width
        if TAKE_SHOTS and path in PHONE_SHOTS:
            screenshot(page, PHONE_SHOTS[path])
    assert not wide, wide
