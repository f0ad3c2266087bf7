"""Which destinations hear an event: the agency's PMS connections whose profile sends that kind
of event, and its webhook subscriptions to that event type (S-01, S-02). Runs inside the
transaction that writes the event, so an event and its deliveries commit together."""

from __future__ import annotations

from collections.abc import Callable, Sequence

import sqlalchemy as sa
from sqlalchemy.orm import Session

from repairlink.domain.audit import OutboxEvent
from repairlink.outbound.ledger import enqueue, enqueue_many
from repairlink.store.outbound_tables import webhook_subscriptions
from repairlink.store.precompiled import Precompiled
from repairlink.store.sync_tables import connections
from repairlink.store.uow import FanOut, FanOutMany

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
        where = _destinations(conn, interest, event)
        enqueue(conn, _row(event), where, event.created_at)

    return route


def fan_out_many(interest: Interest) -> FanOutMany:
    """`fan_out` for many events at once (a sync's page of new issues): each kind of event
    routed once, every delivery in one statement, the same deliveries in the same order."""

    def route_all(session: Session, events: Sequence[OutboxEvent]) -> None:
        conn = session.connection()
        routes: dict[tuple[int, str, str], list[tuple[str, int]]] = {}
        batch = []
        for event in events:
            key = (event.agency_id, event.event_type, event.aggregate_kind)
            if key not in routes:
                routes[key] = _destinations(conn, interest, event)
            batch.append((_row(event), routes[key], event.created_at))
        enqueue_many(conn, batch)

    return route_all


# Built and compiled once (store/precompiled.py): it runs inside every change that emits an
# event, on SQLite while that change holds the one writer's lock, where building a statement
# cost more than running it. One statement for both kinds of destination: a round trip less a
# change on PostgreSQL. The subscriptions come first, so the JSON column's type reads the
# patterns.
_DESTINATIONS = Precompiled(
    sa.union_all(
        sa.select(
            sa.literal("webhook").label("kind"),
            webhook_subscriptions.c.id,
            sa.null().cast(connections.c.system.type).label("system"),
            webhook_subscriptions.c.event_types.label("patterns"),
        ).where(
            webhook_subscriptions.c.agency_id == sa.bindparam("agency_id"),
            webhook_subscriptions.c.active,
        ),
        sa.select(
            sa.literal("connection"),
            connections.c.id,
            connections.c.system,
            sa.null().cast(webhook_subscriptions.c.event_types.type),
        ).where(connections.c.agency_id == sa.bindparam("agency_id"), connections.c.enabled),
    )
)


def _destinations(
    conn: sa.Connection, interest: Interest, event: OutboxEvent
) -> list[tuple[str, int]]:
    """The event's connections first, then its subscriptions, each in the order read."""
    connections_, webhooks = [], []
    for row in _DESTINATIONS.rows(conn, {"agency_id": event.agency_id}):
        if row["kind"] == "connection":
            if interest(row["system"], event.event_type, event.aggregate_kind):
                connections_.append(("connection", row["id"]))
        elif subscribed(row["patterns"], event.event_type):
            webhooks.append(("webhook", row["id"]))
    return connections_ + webhooks


def _row(event: OutboxEvent) -> dict[str, int | str]:
    return {
        "id": event.id,
        "agency_id": event.agency_id,
        "aggregate_kind": event.aggregate_kind,
        "aggregate_id": event.aggregate_id,
    }
