"""Which destinations hear an event: the agency's PMS connections whose profile sends that kind
of event, and its webhook subscriptions to that event type (S-01, S-02). Runs inside the
transaction that writes the event, so an event and its deliveries commit together."""

from __future__ import annotations

from collections.abc import Callable, Sequence

import sqlalchemy as sa
from sqlalchemy.orm import Session

from repairlink.domain.audit import OutboxEvent
from repairlink.outbound.ledger import enqueue
from repairlink.store.outbound_tables import webhook_subscriptions
from repairlink.store.sync_tables import connections
from repairlink.store.uow import FanOut

# does this PMS's connector send this (system, event type, aggregate kind)? Asked at each
# event, so a connector registered later (a test's) is heard too
Interest = Callable[[str, str, str], bool]


def subscribed(patterns: Sequence[str], event_type: str) -> bool:
    """'*' is every event; 'issue.*' every issue event; otherwise the exact type."""
    for pattern in patterns:
        if pattern == "*" or pattern == event_type:
            return True
        if pattern.endswith(".*") and event_type.startswith(pattern[:-1]):
            return True
    return False


def fan_out(interest: Interest) -> FanOut:
    def route(session: Session, event: OutboxEvent) -> None:
        conn = session.connection()
        c, w = connections.c, webhook_subscriptions.c
        destinations: list[tuple[str, int]] = [
            ("connection", cid)
            for cid, system in conn.execute(
                sa.select(c.id, c.system).where(c.agency_id == event.agency_id, c.enabled)
            )
            if interest(system, event.event_type, event.aggregate_kind)
        ]
        destinations += [
            ("webhook", sid)
            for sid, patterns in conn.execute(
                sa.select(w.id, w.event_types).where(w.agency_id == event.agency_id, w.active)
            )
            if subscribed(patterns, event.event_type)
        ]
        row = {
            "id": event.id,
            "agency_id": event.agency_id,
            "aggregate_kind": event.aggregate_kind,
            "aggregate_id": event.aggregate_id,
        }
        enqueue(conn, row, destinations, event.created_at)

    return route
