"""A refused console form comes back as it was sent (principle 8): what the person typed is
still in the fields, the notice names the field by its form label and says why, and files,
which a browser cannot be given back, are said to need choosing again (C-07, C-11)."""

from __future__ import annotations

import html
import re

from repairlink.bootstrap import App
from repairlink.domain.issues import Status
from repairlink.domain.limits import DESCRIPTION_MAX, TITLE_MAX
from repairlink.server import create_server
from repairlink.services import agencies, issues
from repairlink.services.auth import Principal
from tests.factories import (
    in_progress_issue,
    living_occupier,
    make_unit,
    occupier_login,
    uow_of,
)
from tests.integration.console_login import TestClient, alert_of, console_as_admin


def _token(page: str) -> str:
    found = re.search(r'name="csrf_token" value="([^"]+)"', page)
    assert found is not None
    return found.group(1)


def _field(page: str, element_id: str) -> str:
    """The value an input (or the text a textarea) is drawn with."""
    textarea = re.search(rf'<textarea id="{element_id}"[^>]*>([^<]*)</textarea>', page)
    if textarea:
        return html.unescape(textarea.group(1))
    found = re.search(rf'<input id="{element_id}"[^>]*value="([^"]*)"', page)
    assert found is not None, element_id
    return html.unescape(found.group(1))


def test_c_07_a_refused_completion_keeps_the_notes_and_amounts_and_names_the_field(
    app: App, agency_id: int, admin: Principal
) -> None:
    issue = in_progress_issue(app, admin)
    with console_as_admin(app, agency_id) as console:
        token = _token(console.get(f"/issues/{issue.id}").text)
        refused = console.post(
            f"/issues/{issue.id}/complete",
            data={"csrf_token": token, "notes": "Replaced the washer", "net": "12,50.5.5"}
            | {"vat": "2.50"},
            files={"invoice": ("invoice.pdf", b"%PDF-1.4", "application/pdf")},
        )
    assert refused.status_code == 422
    text = html.unescape(refused.text)
    assert "Cost, net: '12,50.5.5' is not an amount of money" in text
    assert "choose them again" in text  # the invoice cannot be given back
    assert _field(refused.text, "notes") == "Replaced the washer"
    assert (_field(refused.text, "net"), _field(refused.text, "vat")) == ("12,50.5.5", "2.50")
    assert issues.get(uow_of(app, admin), admin, issue.id).status is Status.AWAITING_COMPLETION


def _occupier_console(app: App, admin: Principal) -> tuple[TestClient, int]:
    unit = make_unit(app, admin)
    email, password = occupier_login(app, admin, living_occupier(app, admin, unit))
    console = TestClient(create_server(app))
    assert console.post("/login", data={"email": email, "password": password}).is_success
    return console, unit.id


def test_c_11_a_refused_report_keeps_what_was_typed_and_says_the_limit_of_details(
    app: App, admin: Principal
) -> None:
    console, unit_id = _occupier_console(app, admin)
    with console:
        form = console.get("/my/report").text
        assert f"At most {DESCRIPTION_MAX:,} characters" in form  # said before it is sent
        sent = {"csrf_token": _token(form), "title": "Boiler", "unit_id": str(unit_id)}
        too_long = "The boiler clicks. " * 1100  # 20,900 characters
        refused = console.post("/my/report", data={**sent, "description": too_long})
        assert refused.status_code == 422
        assert f"Details: Write at most {DESCRIPTION_MAX:,} characters" in refused.text
        assert _field(refused.text, "title") == "Boiler"
        assert _field(refused.text, "description") == too_long
        assert f'<option value="{unit_id}" selected>' in refused.text
        # what the API takes, the console takes: 6,000 characters are not too many
        made = console.post("/my/report", data={**sent, "description": "Drips. " * 857})
        assert made.status_code == 200
        assert "Thank you: your issue is" in made.text


def _selected(page: str, element_id: str) -> str:
    """The value of a select's chosen option."""
    select = re.search(rf'<select id="{element_id}"[^>]*>(.*?)</select>', page, re.DOTALL)
    assert select is not None, element_id
    chosen = re.search(r'<option(?: value="([^"]*)")? selected>([^<]*)<', select.group(1))
    assert chosen is not None, element_id
    return html.unescape(chosen.group(1) or chosen.group(2))


def test_c_11_a_refused_staff_report_keeps_what_was_typed_and_takes_what_the_api_takes(
    app: App, agency_id: int, admin: Principal
) -> None:
    unit = make_unit(app, admin)
    tenant = living_occupier(app, admin, unit)
    with console_as_admin(app, agency_id) as console:
        form = console.get(f"/issues/new?unit_id={unit.id}").text
        assert f"At most {DESCRIPTION_MAX:,} characters" in form  # said before it is sent
        assert f'maxlength="{TITLE_MAX}"' in form
        sent = {"csrf_token": _token(form), "unit_id": str(unit.id), "title": "Boiler"}
        sent |= {"category": "Heating and hot water", "priority": "urgent"}
        sent |= {"occupier_id": str(tenant.id)}
        too_long = "The boiler clicks. " * 1100  # 20,900 characters
        refused = console.post("/issues/new", data={**sent, "description": too_long})
        assert refused.status_code == 422
        assert f"Details: Write at most {DESCRIPTION_MAX:,} characters" in refused.text
        assert (_field(refused.text, "title"), _field(refused.text, "description")) == (
            "Boiler",
            too_long,
        )
        assert _selected(refused.text, "category") == "Heating and hot water"
        assert _selected(refused.text, "priority") == "urgent"
        assert _selected(refused.text, "occupier_id") == str(tenant.id)
        odd = console.post("/issues/new", data={**sent, "priority": "whatever"})
        assert odd.status_code == 422
        assert "Priority: Choose one of low, normal, high, urgent" in html.unescape(odd.text)
        assert issues.list_issues(uow_of(app, admin), admin).items == []  # nothing reported
        # what the API takes, the console takes: a 230-character title, 6,000 of details
        made = console.post(
            "/issues/new", data={**sent, "title": "T" * 230, "description": "Drips. " * 857}
        )
    assert made.status_code == 200
    assert "is reported" in made.text
    [reported] = issues.list_issues(uow_of(app, admin), admin).items
    assert (reported.priority, reported.reporter_occupier_id) == ("urgent", tenant.id)


def test_a_blank_agency_name_is_refused_by_its_label_and_the_other_settings_kept(
    app: App, agency_id: int, admin: Principal
) -> None:
    with console_as_admin(app, agency_id) as console:
        form = console.get("/settings").text
        sent = {"csrf_token": _token(form), "name": "   ", "costs_option": "provide_costs"}
        sent |= {"invoice_option": "required", "locale": "en_US"}
        sent |= {"time_zone": "America/Chicago", "feedback_enabled": "yes"}
        refused = console.post("/settings", data=sent)
    assert refused.status_code == 422
    assert "Agency name: Give the agency a name" in html.unescape(refused.text)
    assert _selected(refused.text, "costs_option") == "provide_costs"
    assert _selected(refused.text, "time_zone") == "America/Chicago"
    assert 'name="feedback_enabled" value="yes" checked' in refused.text
    kept = agencies.get_agency(app.uow(admin.actor, agency_id))
    assert kept.name.strip() != ""
    assert (kept.costs_option.value, kept.time_zone) == ("optional", "Europe/London")


def test_a_refused_login_on_the_team_page_keeps_name_email_and_role_never_the_password(
    app: App, agency_id: int
) -> None:
    """A password too short: the team page comes back with what the administrator typed, but
    for the password, which a page never carries back; no login is made."""
    with console_as_admin(app, agency_id) as console:
        token = _token(console.get("/team").text)
        sent = {"name": "Priya Shah", "email": "priya@example.com", "role": "admin"}
        refused = console.post("/team", data={"csrf_token": token, **sent, "password": "short"})
        team = console.get("/team").text
    assert refused.status_code == 422
    assert alert_of(refused) == "Password: A password has at least 10 characters"
    assert (_field(refused.text, "user-name"), _field(refused.text, "user-email")) == (
        "Priya Shah",
        "priya@example.com",
    )
    assert '<option value="admin" selected>' in refused.text
    assert "short" not in re.findall(r'<input id="user-password"[^>]*>', refused.text)[0]
    assert "priya@example.com" not in team  # nobody was added
