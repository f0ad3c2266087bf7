"""An agency's switch off sends nothing of that kind; invitations go only by the explicit
bulk action, never from a sync (C-12), and carry a set-your-own-password link that works once."""

from __future__ import annotations

import re
import uuid

import pytest

from repairlink.bootstrap import App
from repairlink.domain.actors import Actor
from repairlink.errors import InvalidError, NotFoundError
from repairlink.jobs.sync_run import connect, run_sync
from repairlink.mail import log
from repairlink.mail.catcher import Mailbox
from repairlink.mail.switches import read_switches, set_switches
from repairlink.services import auth, invitations, issues, password_links
from repairlink.services.auth import Principal
from repairlink.simulators.alto import running_alto
from tests.factories import living_occupier, make_contractor, make_unit, uow_of
from tests.integration.mail.conftest import CONSOLE, Send, inbox, received, staff_login


def test_a_kind_switched_off_sends_nothing_of_that_kind_and_the_rest_still_goes(
    app: App, admin: Principal, box: Mailbox, send_all: Send
) -> None:
    staff_login(app, admin, f"office-{uuid.uuid4().hex[:8]}@agency.example")
    switches = set_switches(uow_of(app, admin), {"issue_reported": False})
    assert switches["issue_reported"] is False
    assert switches["quotes_requested"] is True
    contractor = make_contractor(app, admin)
    issue = issues.report(
        uow_of(app, admin), admin, title="Gutter", unit_id=make_unit(app, admin).id
    )
    issues.request_quotes(uow_of(app, admin), admin, issue.id, [contractor.id])
    send_all()
    assert received(box, admin.agency_id) == [
        (str(contractor.email), f"Quote requested: Gutter (IS{issue.number})")
    ]
    statuses = {
        r["what"]: (r["status"], r["reason"]) for r in log.messages(uow_of(app, admin)).items
    }
    assert statuses["Issue reported"] == (
        "Not sent",
        "The agency has switched off “Issue reported” mail",
    )
    assert read_switches(uow_of(app, admin))["issue_reported"] is False


def test_c_12_a_sync_never_sends_an_invitation(
    app: App, admin: Principal, box: Mailbox, send_all: Send
) -> None:
    """A real sync from the Alto simulator brings occupiers in; nobody is mailed."""
    with running_alto(seed=3, units=20) as sim:
        connect(
            app,
            admin.agency_id,
            "alto",
            {
                "base_url": sim.base_url,
                "client_id": sim.client_id,
                "client_secret": sim.client_secret,
                "agency_ref": sim.agency_ref,
            },
        )
        state = run_sync(app, admin.agency_id, "alto")
    assert state.counts["occupier"]["created"] > 0
    send_all()
    assert inbox(box, admin.agency_id) == []
    assert log.messages(uow_of(app, admin)).items == []


def test_c_12_invite_occupiers_mails_a_link_to_choose_a_password_that_works_once(
    app: App, admin: Principal, box: Mailbox, send_all: Send
) -> None:
    unit = make_unit(app, admin)
    tag = uuid.uuid4().hex[:8]
    invitee = living_occupier(app, admin, unit, first_name="Ivy", email=f"ivy-{tag}@home.example")
    no_email = living_occupier(app, admin, unit, first_name="Noel", surname="Nomail", email=None)
    invited, refused = invitations.invite_many(uow_of(app, admin), [invitee.id, no_email.id])
    assert invited == [invitee.id]
    assert refused == ["Noel Nomail: This occupier has no email address to send the welcome to"]
    send_all()
    [mail] = inbox(box, admin.agency_id)
    assert mail.recipients == (f"ivy-{tag}@home.example",)
    assert "invites you" in mail.subject
    found = re.search(rf"{re.escape(CONSOLE)}/welcome/(\S+)", mail.body("plain"))
    assert found is not None
    token = found.group(1)
    system = lambda: app.uow(Actor.system("web"))  # noqa: E731
    assert password_links.find_link(system(), token).id == invitee.id
    with pytest.raises(InvalidError):
        password_links.choose_password(system(), token, "short")
    email = password_links.choose_password(system(), token, "my own password 1")
    assert email == f"ivy-{tag}@home.example"
    assert auth.login(system(), email=email, password="my own password 1")
    with pytest.raises(NotFoundError):  # good once
        password_links.choose_password(system(), token, "another password 2")
