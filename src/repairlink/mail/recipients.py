"""Who hears of an event by mail: one message row per person, each sent as a delivery of the
outbox, written in the event's own transaction (S-01). Who can actually be reached (an
address, not archived, not deleted) and whether the agency has the kind switched on are
decided when the message is sent (mail/sender.py), so the log says why a message did not go.

Decided here, at the time of the event: C-09's "occupiers active at the unit on the day of
sending" (the comment carries them), each contractor newly asked for a quote, the reporter.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Session

from repairlink.domain.agency import Role
from repairlink.domain.audit import OutboxEvent
from repairlink.domain.issues import Party
from repairlink.domain.people import Person as Contact
from repairlink.outbound.ledger import enqueue
from repairlink.services.invitations import INVITED
from repairlink.services.occupiers import ANONYMISED
from repairlink.store.mail_tables import mail_messages
from repairlink.store.tables import contractors, issues_table, landlords, occupiers, users

Person = tuple[str, int | None]  # (occupier | contractor | landlord | user, id); None: deleted
Wanted = tuple[str, Person]  # (kind of message, to whom)
DONE = ("completed", "awaiting_feedback")
PEOPLE = {"occupier": occupiers, "contractor": contractors, "landlord": landlords}


def mail_fan_out(session: Session, event: OutboxEvent) -> None:
    """The FanOut of mail: a message and its delivery for each person the event concerns."""
    conn = session.connection()
    wanted = _wanted(conn, event)
    if not wanted:
        return
    names = _names(conn, event.agency_id, [person for _, person in wanted])
    issue_id = event.aggregate_id if event.aggregate_kind == "issue" else None
    rows = [
        {
            "agency_id": event.agency_id,
            "event_id": event.id,
            "kind": kind,
            "issue_id": issue_id,
            "recipient_kind": person[0],
            "recipient_id": person[1],
            "recipient_name": names.get(person, ANONYMISED if person[1] is None else ""),
            "subject": "",
            "created_at": event.created_at,
        }
        for kind, person in wanted
    ]
    ids = conn.execute(sa.insert(mail_messages).returning(mail_messages.c.id), rows).scalars()
    row = {
        "id": event.id,
        "agency_id": event.agency_id,
        "aggregate_kind": event.aggregate_kind,
        "aggregate_id": event.aggregate_id,
    }
    enqueue(conn, row, [("mail", message_id) for message_id in ids], event.created_at)


def _wanted(conn: sa.Connection, event: OutboxEvent) -> list[Wanted]:
    kind, payload = event.event_type, event.payload
    if event.aggregate_kind == "occupier":
        return [("invitation", ("occupier", event.aggregate_id))] if kind == INVITED else []
    if event.aggregate_kind != "issue":
        return []
    i = issues_table.c
    issue: Mapping[str, Any] = dict(
        conn.execute(
            sa.select(
                i.reporter_occupier_id,
                i.reporter_name,
                i.instructed_party,
                i.contractor_id,
                i.landlord_id,
            ).where(i.id == event.aggregate_id)
        )
        .mappings()
        .one()
    )
    reporter = _reporter(issue)
    wanted: list[Wanted] = []
    if kind == "issue.created":
        wanted += _staff(conn, event.agency_id, "issue_reported")
    wanted += [("quotes_requested", ("contractor", int(c))) for c in payload.get("asked", [])]
    if kind == "issue.quote_submitted":
        wanted += _staff(conn, event.agency_id, "quote_submitted")
    if kind == "issue.instructed":
        wanted += [("job_instructed", p) for p in (_party(issue), *reporter)]
    if payload.get("appointment_at"):
        wanted += [("appointment_set", p) for p in reporter]
    if payload.get("status") in DONE and payload.get("status_from") not in DONE:
        wanted += _staff(conn, event.agency_id, "job_completed")
    if kind == "issue.feedback_requested":
        wanted += [("feedback_requested", p) for p in reporter]
    if kind == "issue.closed":
        wanted += [("issue_closed", p) for p in reporter]
    if kind == "issue.commented":  # C-09: the occupiers living at the unit that day
        wanted += [("comment", ("occupier", int(o))) for o in payload.get("recipients", [])]
    return wanted


def _reporter(issue: Mapping[str, Any]) -> list[Person]:
    """The occupier who reported the issue; a deleted one still gets a (not sent) message."""
    if issue["reporter_occupier_id"] is not None:
        return [("occupier", int(issue["reporter_occupier_id"]))]
    return [("occupier", None)] if issue["reporter_name"] == ANONYMISED else []


def _party(issue: Mapping[str, Any]) -> Person:
    if issue["instructed_party"] is Party.LANDLORD:
        return ("landlord", issue["landlord_id"])
    return ("contractor", issue["contractor_id"])


def _staff(conn: sa.Connection, agency_id: int, kind: str) -> list[Wanted]:
    u = users.c
    found = conn.execute(
        sa.select(u.id)
        .where(u.agency_id == agency_id, u.role.in_([Role.ADMIN, Role.AGENT]), u.active)
        .order_by(u.id)
    ).scalars()
    return [(kind, ("user", int(user_id))) for user_id in found]


def _names(conn: sa.Connection, agency_id: int, people: Iterable[Person]) -> dict[Person, str]:
    """Display names, as the console shows them, by person."""
    wanted: dict[str, set[int]] = {}
    for kind, person_id in people:
        if person_id is not None:
            wanted.setdefault(kind, set()).add(person_id)
    names: dict[Person, str] = {}
    for kind, ids in wanted.items():
        if kind == "user":
            u = users.c
            query = sa.select(u.id, u.name, u.email).where(u.agency_id == agency_id, u.id.in_(ids))
            names |= {("user", r.id): r.name or r.email for r in conn.execute(query)}
            continue
        p = PEOPLE[kind].c
        query = sa.select(p.id, p.first_name, p.surname, p.company, p.email).where(
            p.agency_id == agency_id, p.id.in_(ids)
        )
        names |= {
            (kind, r.id): Contact(
                agency_id=agency_id,
                first_name=r.first_name,
                surname=r.surname,
                company=r.company,
                email=r.email,
            ).display_name
            for r in conn.execute(query)
        }
    return names
