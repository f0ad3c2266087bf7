"""Who is reached by mail: C-09's "all occupiers" are those living at the unit that day; a
person with no address, locked out, archived or deleted gets nothing, and the log says why."""

from __future__ import annotations

import uuid
from datetime import UTC, date, datetime, timedelta

from repairlink.bootstrap import App
from repairlink.domain.people import Contractor
from repairlink.mail import log
from repairlink.mail.catcher import Mailbox
from repairlink.services import issues, occupiers, people_and_places
from repairlink.services.auth import Principal
from tests.factories import (
    living_occupier,
    make_contractor,
    make_occupier,
    make_tenancy,
    make_unit,
    uow_of,
)
from tests.integration.mail.conftest import Send, received, reported_and_instructed


def _addr(name: str) -> str:
    return f"{name}-{uuid.uuid4().hex[:8]}@home.example"


def _log(app: App, admin: Principal, issue_id: int) -> dict[tuple[str, str], tuple[str, str]]:
    """(what, to whom) -> (status, reason), as the issue's Messages section shows them."""
    page = log.messages(uow_of(app, admin), issue_id=issue_id)
    return {(r["what"], r["recipient_name"]): (r["status"], r["reason"]) for r in page.items}


def test_c_09_a_comment_to_all_occupiers_reaches_only_those_living_at_the_unit_that_day(
    app: App, admin: Principal, box: Mailbox, send_all: Send
) -> None:
    unit, elsewhere = make_unit(app, admin), make_unit(app, admin)
    today = date.today()
    living = living_occupier(app, admin, unit, email=_addr("living"))
    moved_out = make_occupier(app, admin, email=_addr("moved"))
    make_tenancy(
        app,
        admin,
        moved_out,
        unit,
        start_date=today - timedelta(days=400),
        end_date=today - timedelta(days=2),
    )
    coming = make_occupier(app, admin, email=_addr("coming"))
    make_tenancy(app, admin, coming, unit, start_date=today + timedelta(days=1))
    locked = living_occupier(app, admin, unit, email=_addr("locked"))
    occupiers.lock(uow_of(app, admin), locked.id)
    living_occupier(app, admin, elsewhere, email=_addr("neighbour"))
    issue = issues.report(uow_of(app, admin), admin, title="Water off", unit_id=unit.id)
    issues.add_comment(
        uow_of(app, admin),
        admin,
        issue.id,
        body="The water is off 9-11 tomorrow.",
        to_all_occupiers=True,
    )
    send_all()
    assert received(box, admin.agency_id) == [
        (str(living.email), f"About Water off (IS{issue.number})")
    ]
    assert "The water is off 9-11 tomorrow." in box.messages()[0].body("plain")


def test_nobody_unreachable_is_mailed_and_the_log_says_why(
    app: App, admin: Principal, box: Mailbox, send_all: Send
) -> None:
    """No e-mail address, locked out, archived, deleted: nothing is sent; the log says why."""
    uow = lambda: uow_of(app, admin)  # noqa: E731
    unit = make_unit(app, admin)
    no_email = living_occupier(app, admin, unit, first_name="Nadia", surname="Noemail", email=None)
    locked = living_occupier(app, admin, unit, first_name="Luke", surname="Locked")
    deleted = living_occupier(app, admin, unit, first_name="Dora", surname="Deleted")
    archived = make_contractor(app, admin, company="Gone Away Ltd")
    fine = make_contractor(app, admin, company="Here Ltd")

    def reported_by(occupier_id: int, title: str) -> int:
        return reported_and_instructed(app, admin, unit.id, occupier_id, fine.id, title).id

    first = reported_by(no_email.id, "No address")
    second = reported_by(locked.id, "Locked out")
    third = reported_by(deleted.id, "Deleted")
    fourth = issues.report(uow(), admin, title="Quote", unit_id=unit.id).id
    issues.request_quotes(uow(), admin, fourth, [archived.id, fine.id])
    occupiers.lock(uow(), locked.id)
    people_and_places.update(uow(), Contractor, archived.id, {"archived_at": datetime.now(UTC)})
    occupiers.delete(uow(), deleted.id, confirm=True)
    send_all()

    assert _log(app, admin, first)[("Job instructed", "Nadia Noemail")] == (
        "Not sent",
        "Nadia Noemail has no e-mail address",
    )
    assert _log(app, admin, second)[("Job instructed", "Luke Locked")] == (
        "Not sent",
        "Luke Locked is locked out (archived)",
    )
    assert _log(app, admin, third)[("Job instructed", "Deleted occupier")] == (
        "Not sent",
        "The occupier was deleted",
    )
    quotes = _log(app, admin, fourth)
    assert quotes[("Quote requested", "Gone Away Ltd")] == ("Not sent", "Gone Away Ltd is archived")
    assert quotes[("Quote requested", "Here Ltd")] == ("Sent", "")
    sent_to = {to for to, _ in received(box, admin.agency_id)}
    assert sent_to == {str(fine.email)}


def test_h_04_a_deleted_occupier_leaves_the_mail_log_and_is_not_mailed_again(
    app: App, admin: Principal, box: Mailbox, send_all: Send
) -> None:
    uow = lambda: uow_of(app, admin)  # noqa: E731
    unit = make_unit(app, admin)
    reporter = living_occupier(app, admin, unit, first_name="Della", surname="Gone")
    contractor = make_contractor(app, admin)
    issue = reported_and_instructed(app, admin, unit.id, reporter.id, contractor.id, "Broken door")
    send_all()
    assert (str(reporter.email), f"Job instructed: Broken door (IS{issue.number})") in received(
        box, admin.agency_id
    )
    occupiers.delete(uow(), reporter.id, confirm=True)
    issues.set_appointment(uow(), admin, issue.id, datetime.now(UTC) + timedelta(days=1))
    send_all()
    rows = log.messages(uow(), issue_id=issue.id).items
    theirs = [r for r in rows if r["recipient_kind"] == "occupier"]
    assert [(r["what"], r["status"]) for r in theirs] == [
        ("Appointment set", "Not sent"),
        ("Job instructed", "Sent"),
    ]
    assert all(r["recipient_name"] == "Deleted occupier" for r in theirs)
    assert all(r["to_address"] is None and r["recipient_id"] is None for r in theirs)
    assert "Della" not in str(rows)
    assert str(reporter.email) not in str(rows)
