"""Mail (docs/notifications.md): what was sent to whom and whether it went, the agency's
switches per kind of message, each issue's and each person's messages, the bulk invitation of
occupiers (C-12) and, when the service catches mail (`make run`), the caught messages
themselves with their bodies."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Form, Query, Request
from fastapi.responses import HTMLResponse, RedirectResponse

from repairlink.domain.agency import Role
from repairlink.domain.issues import Issue
from repairlink.domain.people import Contractor, Landlord, Occupier, Person
from repairlink.errors import NotFoundError
from repairlink.mail import catcher, log
from repairlink.mail.catcher import Caught
from repairlink.mail.compose import agency_in
from repairlink.mail.kinds import KINDS
from repairlink.mail.switches import read_switches, set_switches
from repairlink.services import invitations, people_and_places
from repairlink.web.render import page, redirect
from repairlink.web.session import AdminPost, Staff, StaffPost, Viewer

router = APIRouter(prefix="/mail")
PEOPLE: dict[str, type[Person]] = {
    "occupier": Occupier,
    "contractor": Contractor,
    "landlord": Landlord,
}


@router.get("", response_class=HTMLResponse)
def overview(
    request: Request,
    viewer: Staff,
    cursor: Annotated[str | None, Query(max_length=200)] = None,
) -> HTMLResponse:
    found = log.messages(viewer.uow(), cursor=cursor or None)
    box = catcher.caught()
    return page(
        request,
        "mail/index.html",
        viewer,
        title="Mail",
        messages=found.items,
        next_cursor=found.next_cursor,
        switches=read_switches(viewer.uow()),
        kinds=KINDS,
        is_admin=viewer.who.role is Role.ADMIN,
        caught=list(reversed(_agency_s(viewer, box.messages()))) if box else None,
        mail_on=viewer.app.settings.mail_enabled,
    )


@router.post("/switches")
def switches(
    viewer: AdminPost,
    on: Annotated[list[str], Form()] = [],  # noqa: B006 (FastAPI copies defaults)
) -> RedirectResponse:
    set_switches(viewer.uow(), {kind: kind in on for kind in KINDS})
    return redirect("/mail", notice="Saved which mail is sent")


@router.post("/{message_id}/send-again")
def send_again(viewer: StaffPost, message_id: int) -> RedirectResponse:
    count = log.send_again(viewer.uow(), message_id)
    said = "It will be sent again now" if count else "That message has nothing to send again"
    return redirect("/mail", notice=said)


@router.get("/caught/{number}", response_class=HTMLResponse)
def caught(request: Request, viewer: Staff, number: int) -> HTMLResponse:
    box = catcher.caught()
    found = box.get(number) if box else None
    if found is None or not _agency_s(viewer, [found]):  # another agency's: as if missing
        raise NotFoundError("mail.not_caught", "No such caught message", field="number")
    return page(request, "mail/caught.html", viewer, title=found.subject, mail=found)


def _agency_s(viewer: Viewer, caught: list[Caught]) -> list[Caught]:
    """The caught messages the viewer's agency sent (C-01): one catcher serves them all."""
    return [m for m in caught if agency_in(m.message_id) == viewer.who.agency_id]


@router.get("/issues/{issue_id}", response_class=HTMLResponse)
def of_issue(request: Request, viewer: Staff, issue_id: int) -> HTMLResponse:
    """The Messages section of an issue's page (loaded into it)."""
    people_and_places.get(viewer.uow(), Issue, issue_id)
    found = log.messages(viewer.uow(), issue_id=issue_id, limit=100)
    return page(request, "mail/_messages.html", viewer, messages=found.items, show_issue=False)


@router.get("/people/{kind}/{person_id}", response_class=HTMLResponse)
def of_person(request: Request, viewer: Staff, kind: str, person_id: int) -> HTMLResponse:
    if kind not in PEOPLE:
        raise NotFoundError("mail.no_such_person", "No such person", field="kind")
    person: Person = people_and_places.get(viewer.uow(), PEOPLE[kind], person_id)
    found = log.messages(viewer.uow(), person=(kind, person_id), limit=100)
    return page(
        request,
        "mail/person.html",
        viewer,
        title=f"Messages to {person.display_name}",
        person=person,
        messages=found.items,
        show_issue=True,
    )


@router.post("/invite")
def invite(
    viewer: StaffPost,
    occupier_ids: Annotated[list[int], Form()] = [],  # noqa: B006 (FastAPI copies defaults)
) -> RedirectResponse:
    """The occupier list's "Invite selected": a welcome with a password link each (C-12)."""
    invited, refused = invitations.invite_many(viewer.uow(), occupier_ids)
    said = f"Invitations on their way to {len(invited)} occupier(s)"
    return redirect("/occupiers", notice=said, error="; ".join(refused))
