"""Reading the audit trail of one record (C-13)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

import sqlalchemy as sa

from repairlink.errors import InvalidError, NotFoundError
from repairlink.store.tables import CLASS_OF, audit_log
from repairlink.store.uow import UnitOfWork


@dataclass(frozen=True)
class Change:
    at: datetime
    action: str
    actor_kind: str
    actor_id: int | None
    actor_label: str
    changes: dict[str, list[Any]]


def history(uow: UnitOfWork, kind: str, record_id: int) -> list[Change]:
    """Oldest first. Records that are gone (deleted) still show their trail to the agency."""
    if kind not in CLASS_OF or kind in ("audit", "event", "session"):
        raise InvalidError("audit.unknown_kind", f"No record kind '{kind}'", field="kind")
    log = audit_log.c
    with uow.reading():
        rows = uow.session.execute(
            sa.select(
                log.at, log.action, log.actor_kind, log.actor_id, log.actor_label, log.changes
            )
            .where(log.agency_id == uow.agency, log.entity_kind == kind, log.entity_id == record_id)
            .order_by(log.id)
        ).all()
    if not rows:  # never written, or another agency's (C-01): the same answer
        raise NotFoundError(
            "audit.not_found", f"No history for {kind} {record_id}", field="record_id", rule="C-01"
        )
    return [Change(*row) for row in rows]
