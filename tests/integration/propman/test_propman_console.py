"""Block management in the console, over a Propman-synced agency: a property's page names its
building and estate, the property list filters by them, and an issue's cost code is chosen on
its page from its building's cost codes."""

from __future__ import annotations

import re
import uuid
from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient

from repairlink.bootstrap import App
from repairlink.domain.actors import Actor
from repairlink.domain.agency import Role
from repairlink.services import auth
from repairlink.store.tables import buildings, cost_codes, estates, issues_table, units
from repairlink.web.app import create_console
from repairlink.web.session import COOKIE, CSRF_FIELD, csrf_for
from tests.integration.propman.conftest import held, rows, sync


@pytest.fixture
def console(app: App, connected: int) -> Iterator[TestClient]:
    email, password = f"agent-{uuid.uuid4().hex[:8]}@example.com", "correct horse battery"
    auth.create_user(
        app.uow(Actor.system(), connected),
        email=email,
        name="Agent",
        role=Role.ADMIN,
        password=password,
    )
    with TestClient(create_console(app), follow_redirects=False) as client:
        client.post("/login", data={"email": email, "password": password})
        yield client


def test_property_page_names_building_and_estate_and_the_list_filters_by_them(
    app: App, connected: int, console: TestClient
) -> None:
    sync(app, connected, full=True)
    all_units = rows(app, units, connected)
    unit = all_units[min(held(app, connected, "unit").values())]
    building = rows(app, buildings, connected)[unit["building_id"]]
    estate = rows(app, estates, connected)[unit["estate_id"]]
    shown = console.get(f"/properties/{unit['id']}").text
    assert re.search(rf'data-testid="building">.*{re.escape(building["name"])}', shown)
    assert re.search(rf'data-testid="estate">.*{re.escape(estate["name"])}', shown)

    listed = console.get("/properties", params={"building": building["id"], "status": "all"}).text
    in_building = [u for u in all_units.values() if u["building_id"] == building["id"]]
    assert listed.count('href="/properties/') - listed.count('href="/properties?') == len(
        in_building
    )
    by_estate = console.get("/properties", params={"estate": estate["id"], "status": "all"}).text
    assert f'<option value="{estate["id"]}" selected>' in by_estate


def test_an_issues_cost_code_is_chosen_on_its_page(
    app: App, connected: int, console: TestClient
) -> None:
    sync(app, connected, full=True)
    unit_id = min(held(app, connected, "unit").values())
    form = {"title": "Lift stuck", "unit_id": str(unit_id), "priority": "normal"}
    token = console.cookies.get(COOKIE) or ""
    made = console.post("/issues/new", data={**form, CSRF_FIELD: csrf_for(token)})
    issue_id = int(made.headers["location"].split("/")[2].split("?")[0])
    building_id = rows(app, units, connected)[unit_id]["building_id"]
    code = min(
        (c for c in rows(app, cost_codes, connected).values() if c["building_id"] == building_id),
        key=lambda c: c["id"],
    )
    page = console.get(f"/issues/{issue_id}").text
    assert code["code"] in page
    assert "Save cost code" in page
    console.post(
        f"/issues/{issue_id}/cost-code",
        data={"cost_code_id": str(code["id"]), CSRF_FIELD: csrf_for(token)},
    )
    assert rows(app, issues_table, connected)[issue_id]["cost_code_id"] == code["id"]


def test_the_propman_connector_and_settings_pages_say_what_syncs_and_when(
    app: App, connected: int, console: TestClient
) -> None:
    connector = console.get("/integrations/propman")
    assert connector.status_code == 200
    assert "as a repair order as soon as a contractor is instructed" in connector.text
    settings = console.get("/integrations/propman/settings")
    assert settings.status_code == 200
    for label in ("API key", "Owners sync every (hours)", "syncs every (days)"):
        assert label in settings.text
    assert "PM-" not in connector.text  # plain words, no rule ids
