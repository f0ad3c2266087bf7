"""The delivery ledger (S-01): claim what is due, in order per aggregate, record what happened,
back off, dead-letter, and re-arm (retry now, replay).

A delivery is one outbox event for one destination (a PMS connection or a webhook). It may go
only when no earlier event of the same aggregate (an issue...) is still pending for the same
destination: that is the per-issue order. A worker leases what it claims; if it dies, the lease
runs out and another worker takes the delivery again (at least once; receivers de-duplicate by
the event id).
"""

from __future__ import annotations

import functools
import random
import uuid
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from operator import itemgetter
from typing import Any

import sqlalchemy as sa

from repairlink.domain.delivery import Outcome
from repairlink.store.outbound_tables import deliveries, delivery_attempts
from repairlink.store.precompiled import Precompiled, qualified
from repairlink.store.sync_tables import connections
from repairlink.store.tables import outbox

Row = Mapping[str, Any]

# Seconds to wait after the 1st, 2nd, ... failed attempt: Standard Webhooks' schedule. The
# tenth attempt comes 75 h 35 min after the first (S-01 asks for at least 72 h); a failure after
# it dead-letters the delivery. Jitter only lengthens a wait, so the span never shrinks.
BACKOFF_S: tuple[int, ...] = (5, 300, 1800, 7200, 18000, 36000, 50400, 72000, 86400)
JITTER = 0.1


def new_worker_name(prefix: str) -> str:
    return f"{prefix}-{uuid.uuid4().hex[:8]}"


def next_wait(failures: int, retry_after: float | None, rng: random.Random) -> timedelta | None:
    """How long to wait after the `failures`-th failure in a row; None: give up (dead)."""
    if failures > len(BACKOFF_S):
        return None
    base = BACKOFF_S[failures - 1]
    wait = base * (1 + rng.random() * JITTER)
    return timedelta(seconds=max(wait, retry_after or 0.0))


# Built and compiled once: every change that emits an event runs it (store/precompiled.py)
_ENQUEUE = Precompiled(
    sa.insert(deliveries),
    keys=("agency_id", "event_id", "channel", "target_id", "aggregate_kind", "aggregate_id")
    + ("state", "attempts", "reached", "next_attempt_at", "created_at"),
)


def enqueue(
    conn: sa.Connection, event: Row, destinations: Sequence[tuple[str, int]], now: datetime
) -> None:
    """The event's deliveries, written in the event's own transaction."""
    enqueue_many(conn, [(event, destinations, now)])


def enqueue_many(
    conn: sa.Connection, events: Sequence[tuple[Row, Sequence[tuple[str, int]], datetime]]
) -> None:
    """`enqueue` for many events, in one statement: (event, destinations, now) each."""
    rows = [
        {
            "agency_id": event["agency_id"],
            "event_id": event["id"],
            "channel": channel,
            "target_id": target_id,
            "aggregate_kind": event["aggregate_kind"],
            "aggregate_id": event["aggregate_id"],
            "state": "pending",
            "attempts": 0,
            "reached": False,
            "next_attempt_at": now,
            "created_at": now,
        }
        for event, destinations, now in events
        for channel, target_id in destinations
    ]
    _ENQUEUE.run(conn, rows)


@dataclass(frozen=True)
class Claimed:
    delivery: Row
    event: Row
    # an earlier attempt may have reached the destination (not refused before it could act),
    # or the delivery was taken over from a worker whose lease ran out
    again: bool


def _claimed_columns() -> tuple[Any, ...]:
    """A claimed delivery's row with its event and, for a PMS destination, its connection's
    settings (one query less a send), still sealed (`sealing.opened_json` opens them when a
    client is made: a Fernet opening a delivery was 3% of a worker's CPU)."""
    d, o, pms = deliveries.c, outbox.c, connections.c

    def of_event(column: Any) -> Any:
        return qualified(sa.select(column).where(o.id == d.event_id).scalar_subquery())

    def of_connection(column: Any) -> Any:
        where = sa.and_(d.channel == "connection", pms.id == d.target_id)
        return qualified(sa.select(column).where(where).scalar_subquery())

    return (
        deliveries,
        of_event(o.event_type).label("event_type"),
        of_event(o.payload).label("payload"),
        of_event(o.created_at).label("event_at"),
        of_connection(pms.system).label("pms_system"),
        of_connection(sa.type_coerce(pms.config, sa.JSON)).label("pms_config"),
        of_connection(pms.enabled).label("pms_enabled"),
    )


def _lease_due(held: tuple[str, ...] = (), *, for_client: bool = False) -> sa.Update:
    """Lease due deliveries that head their aggregate's queue, oldest first, in one statement
    (skipping rows another worker holds locked), answering them as claimed. A sender leaves
    out those of the PMSs a bridge client serves (`held` systems); a bridge client's poll
    takes only those of its connection (`target`)."""
    d = deliveries.c
    earlier = deliveries.alias("earlier")
    e = earlier.c
    now = sa.bindparam("now", type_=d.next_attempt_at.type)
    blocked = sa.exists().where(
        e.channel == d.channel,
        e.target_id == d.target_id,
        e.aggregate_kind == d.aggregate_kind,
        e.aggregate_id == d.aggregate_id,
        e.state == "pending",
        e.event_id < d.event_id,
    )
    pms = connections.c
    # the held systems are written into the statement (a process's claims all leave the
    # same ones): one statement a set of them, compiled once (store/precompiled.py)
    is_held = sa.exists().where(
        d.channel == "connection",
        pms.id == d.target_id,
        sa.or_(sa.false(), *(pms.system == system for system in held)),
    )
    if for_client:
        whose = sa.and_(d.channel == "connection", d.target_id == sa.bindparam("target"))
    else:
        whose = ~is_held if held else sa.true()
    due = (
        sa.select(d.id)
        .where(
            d.state == "pending",
            d.next_attempt_at <= now,
            sa.or_(d.leased_until.is_(None), d.leased_until < now),
            ~blocked,
            whose,
        )
        # Oldest due first, in the due index's own order: PostgreSQL walks it and stops at
        # `limit`, and its plain index scan marks the entries of rows since delivered as dead
        # for the next claim. Ordered by event, it read every entry of the index's pending
        # range in a bitmap, which never marks them: each claim went through every delivery
        # made since the table's last VACUUM (5,280 entries after 2 minutes at 100 a second).
        .order_by(d.next_attempt_at)
        .limit(sa.bindparam("limit", type_=sa.Integer))
        .with_for_update(skip_locked=True, of=deliveries)
    )
    # Lease them in the same statement. One whose lease ran out is taken over from a worker
    # that may have reached the destination before it died: marked `reached`.
    return (
        sa.update(deliveries)
        .where(d.id.in_(due.correlate(None).scalar_subquery()))  # its own rows, not the row updated
        .values(
            leased_until=sa.bindparam("leased_until", type_=d.leased_until.type),
            leased_by=sa.bindparam("leased_by"),
            reached=sa.or_(d.reached, d.leased_until.is_not(None)),
        )
        .returning(*_claimed_columns())
    )


def _claimed() -> sa.Select[Any]:
    """Deliveries by id, as a claim answers them (a bridge client's answer, a recovery)."""
    d = deliveries.c
    return (
        sa.select(*_claimed_columns())
        .where(d.id.in_(sa.bindparam("ids", expanding=True)))
        .order_by(d.event_id)
    )


# Built and compiled once: a worker claims several times a second, and building these
# statements cost more CPU than running them (bench/outbound.py, py-spy).
LEASE_DUE_FOR_CLIENT, CLAIMED = Precompiled(_lease_due(for_client=True)), _claimed()


@functools.cache
def _lease_leaving(held: tuple[str, ...]) -> Precompiled:
    return Precompiled(_lease_due(held))


def claim(
    conn: sa.Connection,
    *,
    worker: str,
    now: datetime,
    lease: timedelta,
    limit: int,
    held: Sequence[str] = (),
    target: int | None = None,
) -> list[Claimed]:
    """Lease up to `limit` due deliveries that head their aggregate's queue, oldest event
    first. A PMS delivery's row carries its connection's `pms_system`, `pms_config` (sealed)
    and `pms_enabled` (None: gone).
    `held`: PMSs whose deliveries wait for their bridge client (a sender leaves them);
    `target`: that client's connection, whose deliveries only it takes."""
    leased = {"now": now, "limit": limit, "leased_until": now + lease, "leased_by": worker}
    if target is None:
        rows = _lease_leaving(tuple(sorted(held))).rows(conn, leased)
    else:
        rows = LEASE_DUE_FOR_CLIENT.rows(conn, leased | {"target": target})
    rows.sort(key=itemgetter("event_id"))
    return [_as_claimed(row) for row in rows]


def _as_claimed(row: dict[str, Any]) -> Claimed:
    return Claimed(row, _event_of(row), again=bool(row["reached"]))


def load(conn: sa.Connection, ids: Sequence[int]) -> list[Claimed]:
    """These deliveries with their events, as `claim` answers them, oldest event first."""
    rows = conn.execute(CLAIMED, {"ids": list(ids)}).mappings()
    return [_as_claimed(dict(row)) for row in rows]


def _event_of(row: Row) -> Row:
    return {
        "id": row["event_id"],
        "agency_id": row["agency_id"],
        "event_type": row["event_type"],
        "aggregate_kind": row["aggregate_kind"],
        "aggregate_id": row["aggregate_id"],
        "payload": row["payload"],
        "created_at": row["event_at"],
    }


def record(
    conn: sa.Connection,
    delivery: Row,
    outcome: Outcome,
    *,
    worker: str,
    now: datetime,
    duration_ms: int,
    rng: random.Random,
) -> str:
    """Write the attempt and move the delivery on; answers its new state."""
    (state,) = record_many(
        conn, [Attempt(delivery, outcome, duration_ms)], worker=worker, now=now, rng=rng
    )
    return state


@dataclass(frozen=True)
class Attempt:
    delivery: Row  # as `claim` answers it
    outcome: Outcome
    duration_ms: int


_ATTEMPT = Precompiled(
    sa.insert(delivery_attempts),
    keys=("delivery_id", "at", "ok", "status_code", "duration_ms", "error", "worker"),
)
_MOVE = {  # one statement per shape of change, each run once for a batch (executemany)
    shape: Precompiled(
        sa.update(deliveries)
        .where(deliveries.c.id == sa.bindparam("_id"))
        .values(
            {
                **{name: sa.bindparam(name) for name in names},
                "leased_until": None,
                "leased_by": None,
                "scheduled_retry_at": None,  # the attempt a "try now" asked for has been made
            }
        )
    )
    for shape, names in {
        "done": ("state", "note", "last_error", "finished_at", "attempts"),
        "dead": ("state", "last_error", "attempts", "reached", "finished_at", "window_start"),
        "wait": ("state", "last_error", "attempts", "reached", "next_attempt_at", "window_start"),
    }.items()
}


def record_many(
    conn: sa.Connection,
    attempts: Sequence[Attempt],
    *,
    worker: str,
    now: datetime,
    rng: random.Random,
) -> list[str]:
    """Write a batch's attempts and move each delivery on, in the caller's one transaction;
    answers each delivery's new state."""
    if not attempts:
        return []
    _ATTEMPT.run(
        conn,
        [
            {
                "delivery_id": a.delivery["id"],
                "at": now,
                "ok": a.outcome.ok,
                "status_code": a.outcome.status_code,
                "duration_ms": a.duration_ms,
                "error": a.outcome.error or None,
                "worker": worker,
            }
            for a in attempts
        ],
    )
    moves: dict[str, list[dict[str, Any]]] = {}
    states = []
    for a in attempts:
        shape, values = _moved(a.delivery, a.outcome, now, rng)
        moves.setdefault(shape, []).append({"_id": a.delivery["id"], **values})
        states.append(str(values["state"]))
    for shape, rows in moves.items():
        _MOVE[shape].run(conn, rows)
    return states


def _moved(delivery: Row, outcome: Outcome, now: datetime, rng: random.Random) -> tuple[str, Row]:
    """What one attempt changes of its delivery: (the change's shape, the new values)."""
    attempts = int(delivery["attempts"]) + 1
    if outcome.ok:
        state = "skipped" if outcome.skipped else "delivered"
        note = outcome.note or None
        done: dict[str, Any] = {"state": state, "note": note, "last_error": None}
        return "done", done | {"finished_at": now, "attempts": attempts}
    values: dict[str, Any] = {
        "last_error": outcome.error,
        "attempts": attempts,
        "reached": bool(delivery["reached"]) or not outcome.refused,
        "window_start": delivery["window_start"] or now,
    }
    scheduled = delivery.get("scheduled_retry_at")
    if not outcome.terminal and scheduled is not None and scheduled > now:
        # an extra attempt a person asked for ("Sync now"): logged, but its failure leaves the
        # automatic schedule as it was, neither later nor nearer the dead-letter limit
        kept = {"attempts": attempts - 1, "state": "pending", "next_attempt_at": scheduled}
        return "wait", values | kept
    wait = None if outcome.terminal else next_wait(attempts, outcome.retry_after, rng)
    if wait is None:
        return "dead", values | {"state": "dead", "finished_at": now}
    return "wait", values | {"state": "pending", "next_attempt_at": now + wait}


def rearm(conn: sa.Connection, where: sa.ColumnElement[bool], now: datetime) -> int:
    """Try again now: a dead delivery starts a new round of retries; a waiting one makes one
    extra attempt now, and if that fails its automatic retry stays when it was due (it
    remembers that time in `scheduled_retry_at`) and the failure does not count toward the
    dead-letter limit. Answers how many were re-armed ("Sync now", "Sync all", replay)."""
    d = deliveries.c
    dead = d.state == "dead"
    # a second click before the first one's attempt keeps the time the first one remembered
    scheduled = sa.func.coalesce(
        d.scheduled_retry_at, sa.case((d.next_attempt_at > now, d.next_attempt_at))
    )
    result = conn.execute(
        sa.update(deliveries)
        .where(where, d.state.in_(("pending", "dead")))
        .values(
            state="pending",
            next_attempt_at=now,
            scheduled_retry_at=sa.case((dead, None), else_=scheduled),
            attempts=sa.case((dead, 0), else_=d.attempts),
            window_start=sa.case((dead, None), else_=d.window_start),
            finished_at=None,
        )
    )
    return int(result.rowcount)


def utcnow() -> datetime:
    return datetime.now(UTC)
