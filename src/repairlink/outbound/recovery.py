"""Fast recovery after a PMS outage (issue 14, item 8): a half-open circuit breaker per PMS
connection, kept in the deliveries themselves.

A connection whose deliveries failed and now wait for their back-off step is *probed*: the
oldest waiting delivery that heads its issue's queue is sent again as a canary. A canary that
fails changes nothing (its attempt is not counted, its back-off stands: probing must not
dead-letter anything); one that lands proves the PMS answers again, so every waiting delivery
to that connection is made due at once and goes in order per issue, as `ledger.claim` always
sends them. The canary is a real write, not a read: a PMS can refuse writes while it still
answers reads (a maintenance mode), and only a write shows it takes work again.

Probes go often at first and less often as an outage lasts (`probe_interval`): a sixty-second
outage is noticed within a second or two, a day-long one costs a write a minute.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

import sqlalchemy as sa

from repairlink.outbound.ledger import Claimed, load
from repairlink.store.outbound_tables import deliveries

Row = Mapping[str, Any]
MIN_PROBE_S = 1.0
MAX_PROBE_S = 60.0


def probe_interval(outage: timedelta, floor_s: float = MIN_PROBE_S) -> float:
    """Seconds between probes of a connection whose first waiting failure is `outage` old:
    a sixtieth of the outage, between `floor_s` and a minute."""
    return min(max(outage.total_seconds() / 60.0, floor_s), MAX_PROBE_S)


@dataclass(frozen=True)
class Waiting:
    """A connection with failed deliveries waiting for their back-off step."""

    connection_id: int
    since: datetime  # the oldest waiting failure's first attempt


def waiting(conn: sa.Connection, now: datetime, limit: int = 100) -> list[Waiting]:
    d = deliveries.c
    rows = conn.execute(
        sa.select(d.target_id, sa.func.min(sa.func.coalesce(d.window_start, d.created_at)))
        .where(
            d.channel == "connection",
            d.state == "pending",
            d.attempts > 0,
            d.next_attempt_at > now,
        )
        .group_by(d.target_id)
        .limit(limit)
    ).all()
    return [Waiting(int(target), since) for target, since in rows]


def _canary_id(conn: sa.Connection, connection_id: int, now: datetime) -> int | None:
    """The oldest waiting failed delivery to the connection that heads its issue's queue."""
    d = deliveries.c
    earlier = deliveries.alias("earlier")
    e = earlier.c
    blocked = sa.exists().where(
        e.channel == d.channel,
        e.target_id == d.target_id,
        e.aggregate_kind == d.aggregate_kind,
        e.aggregate_id == d.aggregate_id,
        e.state == "pending",
        e.event_id < d.event_id,
    )
    found = conn.execute(
        sa.select(d.id)
        .where(
            d.channel == "connection",
            d.target_id == connection_id,
            d.state == "pending",
            d.attempts > 0,
            d.next_attempt_at > now,
            sa.or_(d.leased_until.is_(None), d.leased_until < now),
            ~blocked,
        )
        .order_by(d.event_id)
        .limit(1)
    ).scalar()
    return None if found is None else int(found)


def lease_canary(
    conn: sa.Connection, connection_id: int, *, worker: str, now: datetime, lease: timedelta
) -> Claimed | None:
    """Lease the connection's canary (None: nothing to probe, or another worker holds it)."""
    canary = _canary_id(conn, connection_id, now)
    if canary is None:
        return None
    d = deliveries.c
    taken = conn.execute(
        sa.update(deliveries)
        .where(
            d.id == canary,
            d.state == "pending",
            sa.or_(d.leased_until.is_(None), d.leased_until < now),
        )
        .values(  # taken over from a worker whose lease ran out: it may have reached the PMS
            leased_until=now + lease,
            leased_by=worker,
            reached=sa.or_(d.reached, d.leased_until.is_not(None)),
        )
    ).rowcount
    if taken != 1:
        return None
    (claimed,) = load(conn, [canary])
    return claimed


def release(conn: sa.Connection, delivery_id: int, *, reached: bool) -> None:
    """A canary that failed: as it was, its back-off untouched and no attempt counted; marked
    `reached` when the failure may have reached the PMS (its retry looks for what it made)."""
    d = deliveries.c
    conn.execute(
        sa.update(deliveries)
        .where(d.id == delivery_id)
        .values(leased_until=None, leased_by=None, reached=sa.or_(d.reached, sa.literal(reached)))
    )


def recovered(conn: sa.Connection, connection_id: int, now: datetime) -> int:
    """The PMS answers again: every delivery to it that waits goes now. Answers how many."""
    d = deliveries.c
    result = conn.execute(
        sa.update(deliveries)
        .where(
            d.channel == "connection",
            d.target_id == connection_id,
            d.state == "pending",
            d.next_attempt_at > now,
        )
        .values(next_attempt_at=now)
    )
    return int(result.rowcount)
