"""Login emails are unique across agencies (the login form asks only for an email), so an
email another login has is refused. The refusal is the same whether that login is of this
agency or of another, in the API, on the console's team page and on an invitation's welcome
page: it never tells that an account exists elsewhere (C-01)."""

from __future__ import annotations

import uuid

from repairlink.bootstrap import App
from repairlink.domain.actors import Actor
from repairlink.domain.agency import Role
from repairlink.server import create_server
from repairlink.services import auth, password_links
from repairlink.services.auth import Principal
from tests.factories import living_occupier, make_agency, make_unit, uow_of
from tests.integration.api.conftest import client_for
from tests.integration.console_login import TestClient, alert_of, console_as_admin, post_form

UNUSABLE = "This email cannot be used for a login here: use another"


def _login_in(app: App, agency_id: int) -> str:
    email = f"taken-{uuid.uuid4().hex[:10]}@example.com"
    auth.create_user(
        app.uow(Actor.system(), agency_id),
        email=email,
        name="Someone",
        role=Role.AGENT,
        password="correct horse battery",
    )
    return email


def test_c_01_the_api_refuses_another_agencys_login_email_as_it_refuses_its_own(
    app: App, agency_id: int
) -> None:
    elsewhere = _login_in(app, make_agency(app).agency_id)
    here = _login_in(app, agency_id)
    with TestClient(create_server(app)) as http:
        admin = client_for(app, http, agency_id)
        answers = []
        for email in (elsewhere.upper(), here):
            body = {"email": email, "name": "New", "role": "agent", "password": "a long password"}
            refused = admin.post("/users", json=body)
            assert refused.status_code == 422
            answers.append(refused.json())
        assert answers[0] == answers[1]
        assert (answers[0]["field"], answers[0]["detail"]) == ("email", UNUSABLE)
        assert elsewhere not in str(admin.ok("GET", "/users"))


def test_c_01_the_team_page_refuses_another_agencys_login_email_as_it_refuses_its_own(
    app: App, agency_id: int
) -> None:
    elsewhere = _login_in(app, make_agency(app).agency_id)
    here = _login_in(app, agency_id)
    with console_as_admin(app, agency_id) as console:
        for email in (elsewhere, here):
            fields = {"name": "New", "email": email, "role": "agent", "password": "long enough!"}
            page = post_form(console, "/team", "/team", fields)
            assert alert_of(page) == f"Email: {UNUSABLE}"


def test_c_01_a_welcome_link_to_an_email_another_agency_logs_in_with_never_says_so(
    app: App, admin: Principal
) -> None:
    """The occupier's email is another agency's login: the welcome page says to ask this
    agency for another email, not that a login exists ('log in with it' led elsewhere)."""
    elsewhere = _login_in(app, make_agency(app).agency_id)
    occupier = living_occupier(app, admin, make_unit(app, admin), email=elsewhere)
    with uow_of(app, admin) as uow:
        token, _ = password_links.make_link(uow, occupier.id)
        uow.commit()
    with TestClient(create_server(app)) as console:
        refused = console.post(f"/welcome/{token}", data={"password": "my own password 1"})
    assert refused.status_code == 422
    assert alert_of(refused) == (
        "This email cannot be used for a login here: ask the agency to record another email for you"
    )
