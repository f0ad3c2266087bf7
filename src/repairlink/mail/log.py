"""The message log as the agency reads it: who, what, when, and whether it was sent, failed
or was not sent and why; for the agency, for one issue, or for one person. The state comes
from the message's delivery in the ledger (which retries it and records every attempt)."""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa

from repairlink.mail.kinds import KINDS
from repairlink.outbound.ledger import rearm
from repairlink.services.pagination import Page, newest_first
from repairlink.store.mail_tables import mail_messages
from repairlink.store.outbound_tables import deliveries
from repairlink.store.uow import UnitOfWork

Row = dict[str, Any]
m, d = mail_messages.c, deliveries.c
JOINED = mail_messages.join(
    deliveries, sa.and_(d.channel == "mail", d.target_id == m.id, d.event_id == m.event_id)
)
COLUMNS = (
    m.id,
    m.kind,
    m.issue_id,
    m.recipient_kind,
    m.recipient_id,
    m.recipient_name,
    m.to_address,
    m.subject,
    m.created_at,
    m.sent_at,
    d.id.label("delivery_id"),
    d.state,
    d.attempts,
    d.next_attempt_at,
    d.last_error,
    d.note,
)


def _described(row: Row) -> Row:
    """The state in plain words, with the reason when it did not go."""
    state, tried = row["state"], int(row["attempts"])
    if state == "delivered":
        status, reason = "Sent", ""
    elif state == "skipped":
        status, reason = "Not sent", row["note"] or ""
    elif state == "dead":
        status, reason = "Failed", row["last_error"] or ""
    elif tried:
        status, reason = "Failed, will retry", row["last_error"] or ""
    else:
        status, reason = "Waiting to be sent", ""
    kind = KINDS[row["kind"]]
    return {**row, "status": status, "reason": reason, "what": kind.label}


def messages(
    uow: UnitOfWork,
    *,
    issue_id: int | None = None,
    person: tuple[str, int] | None = None,
    limit: int = 50,
    cursor: str | None = None,
) -> Page[Row]:
    """Newest first."""
    where = [m.agency_id == uow.agency]
    if issue_id is not None:
        where.append(m.issue_id == issue_id)
    if person is not None:
        where += [m.recipient_kind == person[0], m.recipient_id == person[1]]
    query = sa.select(*COLUMNS).select_from(JOINED).where(*where)
    found = newest_first(uow, query, m.id, cursor, limit)
    return Page([_described(row) for row in found.items], found.next_cursor)


def send_again(uow: UnitOfWork, message_id: int) -> int:
    """Try a failed or waiting message again now (a dead one starts a new round of retries).
    Answers how many were re-armed (0: it was sent, or not sent by a rule)."""
    with uow:
        count = rearm(
            uow.session.connection(),
            sa.and_(d.agency_id == uow.agency, d.channel == "mail", d.target_id == message_id),
            uow.now(),
        )
        uow.commit()
    uow.notify_events()
    return count
