"""Mail in the browser: the bulk "Invite selected" of the occupier list (C-12) sends a welcome
that the Mail page shows, caught, with its body; its link lets the occupier choose a password
and log in; an issue's page lists the messages sent about it."""

from __future__ import annotations

import re
import uuid
from collections.abc import Iterator
from datetime import date, timedelta
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

from repairlink.domain.people import Occupier, Tenancy
from repairlink.domain.places import Unit
from repairlink.mail.catcher import run_in_process
from repairlink.services import issues, people_and_places
from repairlink.settings import Settings
from repairlink.store.migrate import upgrade
from tests.e2e.a11y import check_page, press
from tests.e2e.conftest import Agency, Site, login, new_agency, serving
from tests.e2e.waits import reload_until


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Site]:
    """The console with mail caught in the process, as `make run` has it."""
    folder: Path = tmp_path_factory.mktemp("mail-site")
    url = f"sqlite:///{folder}/repairlink.db"
    upgrade(url)
    catcher = run_in_process(0)
    settings = Settings(
        database_url=url,
        files_dir=folder / "files",
        smtp_host="127.0.0.1",
        smtp_port=catcher.port,
        smtp_tls="none",
        mail_catch=True,
    )
    with serving(settings) as served:
        yield served
    catcher.stop()


def _home(agency: Agency, first: str) -> tuple[Unit, Occupier]:
    unit = people_and_places.create(
        agency.uow(), Unit, {"line1": "9 Mill Lane", "town": "York", "postcode": "YO1 7HH"}
    )
    email = f"{first.lower()}-{uuid.uuid4().hex[:6]}@home.example"
    occupier = people_and_places.create(
        agency.uow(), Occupier, {"first_name": first, "surname": "Invitee", "email": email}
    )
    people_and_places.create(
        agency.uow(),
        Tenancy,
        {"occupier_id": occupier.id, "unit_id": unit.id, "start_date": date.today() - timedelta(1)},
    )
    return unit, occupier


def test_c_12_invite_selected_occupiers_then_the_link_sets_their_password(
    page: Page, agency: Agency
) -> None:
    _, ivy = _home(agency, "Ivy")
    login(page, agency.email)
    page.goto("/occupiers")
    page.get_by_label("Select Ivy Invitee").check()
    press(page, "Invite selected")
    expect(page.get_by_role("status")).to_contain_text("Invitations on their way to 1")

    page.goto("/mail")
    caught = lambda: page.get_by_test_id("caught").locator("tbody tr").first  # noqa: E731
    reload_until(page, caught, re.compile("invites you"))
    expect(page.get_by_test_id("messages")).to_contain_text("Invitation")
    check_page(page, "mail")
    page.get_by_test_id("caught").get_by_role("link").first.click()
    text = page.locator("pre.mail-text")
    expect(text).to_contain_text("Dear Ivy Invitee")
    check_page(page, "mail-caught")
    found = re.search(r"https?://[^/\s]+(/welcome/\S+)", text.inner_text())
    assert found is not None

    page.context.clear_cookies()
    page.goto(found.group(1))
    expect(page.get_by_role("heading", level=1)).to_have_text("Welcome, Ivy Invitee")
    page.get_by_label("Your password").fill("ivy chooses this one")
    press(page, "Set my password")
    expect(page.get_by_role("status")).to_contain_text(f"log in as {ivy.email}")
    login(page, str(ivy.email), "ivy chooses this one")
    expect(page).to_have_url(re.compile("/my/issues"))


def test_an_issue_page_lists_the_messages_sent_about_it(page: Page, agency: Agency) -> None:
    unit, rae = _home(agency, "Rae")
    issue = issues.report(
        agency.uow(),
        agency.who,
        title="Loose banister",
        unit_id=unit.id,
        reporter_occupier_id=rae.id,
    )
    login(page, agency.email)
    page.goto(f"/issues/{issue.id}")
    messages = lambda: page.get_by_test_id("messages")  # noqa: E731
    reload_until(page, messages, re.compile(r"Issue reported[\s\S]*Sent"))
    expect(messages()).to_contain_text(f"New issue IS{issue.number}: Loose banister")


def test_c_01_another_agency_never_sees_the_mail_caught_for_this_one(
    page: Page, agency: Agency, site: Site
) -> None:
    """One catcher serves every agency in `make run`: its Mail page shows each agency only
    what it sent, and another agency's message answers as missing."""
    _home(agency, "Una")
    login(page, agency.email)
    page.goto("/occupiers")
    page.get_by_label("Select Una Invitee").check()
    press(page, "Invite selected")
    # the invitation's page first: going on before it loads aborts its navigation
    expect(page.get_by_role("status")).to_contain_text("Invitations on their way to 1")
    page.goto("/mail")
    caught = lambda: page.get_by_test_id("caught").locator("tbody tr").first  # noqa: E731
    reload_until(page, caught, re.compile("invites you"))
    link = page.get_by_test_id("caught").get_by_role("link").first.get_attribute("href")
    assert link is not None

    other = new_agency(site)
    page.context.clear_cookies()
    login(page, other.email)
    page.goto("/mail")
    expect(page.get_by_role("main")).not_to_contain_text("Una Invitee")
    assert page.goto(link) is not None
    expect(page.get_by_role("main")).not_to_contain_text("Dear Una Invitee")
    assert page.request.get(link).status == 404
