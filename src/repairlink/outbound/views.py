"""The ledger as the agency sees it: each issue's sync status with its PMS (PW-10, for every
connector), the delivery log and dead letters (S-01, S-02), and the agent's levers: "Sync now"
for an issue, "Sync all" for a connector, replay a dead delivery. Every query is agency-scoped."""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa

from repairlink.domain.issues import Issue
from repairlink.errors import NotFoundError
from repairlink.outbound.issue_out import sync_requested
from repairlink.outbound.ledger import rearm
from repairlink.services.connections import find_connection_id
from repairlink.services.pagination import Page, newest_first
from repairlink.store.outbound_tables import deliveries, delivery_attempts
from repairlink.store.sync_tables import connections
from repairlink.store.tables import external_refs, outbox
from repairlink.store.uow import UnitOfWork

Row = dict[str, Any]
d = deliveries.c

LISTED = (
    d.id,
    d.event_id,
    d.channel,
    d.target_id,
    d.aggregate_kind,
    d.aggregate_id,
    d.state,
    d.attempts,
    d.next_attempt_at,
    d.last_error,
    d.note,
    d.created_at,
    d.finished_at,
    outbox.c.event_type,
)


def _status_of(rows: list[Row]) -> Row:
    """One destination's deliveries for one issue, oldest first -> its sync status."""
    failing = [
        r for r in rows if r["state"] == "dead" or (r["state"] == "pending" and r["attempts"])
    ]
    waiting = [r for r in rows if r["state"] == "pending"]
    done = [r for r in rows if r["state"] in ("delivered", "skipped")]
    attempts = sum(int(r["attempts"]) for r in rows)
    if failing:
        worst = failing[0]
        retry = worst["next_attempt_at"] if worst["state"] == "pending" else None
        return {
            "status": "failed",
            "reason": worst["last_error"],
            "attempts": int(worst["attempts"]),
            "next_attempt_at": retry,
            "dead": worst["state"] == "dead",
        }
    if waiting:
        return {"status": "pending", "reason": None, "attempts": attempts, "next_attempt_at": None}
    if done and all(r["state"] == "skipped" for r in done):
        return {"status": "not_sent", "reason": done[-1]["note"], "attempts": attempts}
    last = done[-1]
    return {
        "status": "synced",
        "reason": last["note"],
        "attempts": attempts,
        "at": last["finished_at"],
    }


def issue_sync_status(uow: UnitOfWork, issue_id: int) -> list[Row]:
    """PW-10: for each PMS connection, whether the issue's last sync succeeded, and the PMS's
    own number for the issue where it numbers them itself (PX-07)."""
    c, r = connections.c, external_refs.c
    with uow.reading():
        uow.get(Issue, issue_id)
        conn = uow.session.connection()
        systems = dict(
            conn.execute(sa.select(c.id, c.system).where(c.agency_id == uow.agency)).all()
        )
        numbers = dict(
            conn.execute(
                sa.select(r.system, r.external_id).where(
                    r.agency_id == uow.agency,
                    r.entity_kind == "issue_number",
                    r.entity_id == issue_id,
                )
            ).all()
        )
        rows = [
            dict(r)
            for r in conn.execute(
                sa.select(*LISTED)
                .join(outbox, outbox.c.id == d.event_id)
                .where(
                    d.agency_id == uow.agency,
                    d.channel == "connection",
                    d.aggregate_kind == "issue",
                    d.aggregate_id == issue_id,
                )
                .order_by(d.event_id)
            ).mappings()
        ]
    answer = []
    for connection_id, system in sorted(systems.items()):
        mine = [r for r in rows if r["target_id"] == connection_id]
        status = _status_of(mine) if mine else {"status": "not_sent", "reason": None, "attempts": 0}
        answer.append({"connector": system, **status, "pms_number": numbers.get(system)})
    return answer


def list_deliveries(
    uow: UnitOfWork,
    *,
    state: str | None = None,
    channel: str | None = None,
    target_id: int | None = None,
    limit: int = 50,
    cursor: str | None = None,
) -> Page[Row]:
    """The delivery log, newest first; filter by state (e.g. dead letters) and destination."""
    where = [d.agency_id == uow.agency]
    if state is not None:
        where.append(d.state == state)
    if channel is not None:
        where.append(d.channel == channel)
    if target_id is not None:
        where.append(d.target_id == target_id)
    query = sa.select(*LISTED).join(outbox, outbox.c.id == d.event_id).where(*where)
    return newest_first(uow, query, d.id, cursor, limit)


def connection_counts(uow: UnitOfWork, system: str) -> dict[str, int] | None:
    """Deliveries to the agency's connection to `system`, counted by state, plus "failing"
    (pending after a failed attempt); None when the agency is not connected to it."""
    with uow.reading():
        conn = uow.session.connection()
        connection_id = find_connection_id(uow, system)
        if connection_id is None:
            return None
        mine = sa.and_(
            d.agency_id == uow.agency, d.channel == "connection", d.target_id == connection_id
        )
        counts = {
            str(s): int(n)
            for s, n in conn.execute(
                sa.select(d.state, sa.func.count()).where(mine).group_by(d.state)
            ).all()
        }
        counts["failing"] = int(
            conn.execute(
                sa.select(sa.func.count()).where(mine, d.state == "pending", d.attempts > 0)
            ).scalar_one()
        )
    return counts


def attempts_of(uow: UnitOfWork, delivery_ids: list[int]) -> dict[int, list[Row]]:
    """Every attempt at each of these deliveries, oldest first (a log page's status codes)."""
    a = delivery_attempts.c
    found: dict[int, list[Row]] = {i: [] for i in delivery_ids}
    if not delivery_ids:
        return found
    with uow.reading():
        rows = uow.session.connection().execute(
            sa.select(a.delivery_id, a.at, a.ok, a.status_code, a.duration_ms, a.error)
            .join(deliveries, d.id == a.delivery_id)
            .where(a.delivery_id.in_(delivery_ids), d.agency_id == uow.agency)
            .order_by(a.id)
        )
        for r in rows.mappings():
            found[int(r["delivery_id"])].append(dict(r))
    return found


def _delivery(uow: UnitOfWork, delivery_id: int) -> Row:
    found = (
        uow.session.connection()
        .execute(
            sa.select(*LISTED)
            .join(outbox, outbox.c.id == d.event_id)
            .where(d.id == delivery_id, d.agency_id == uow.agency)
        )
        .mappings()
        .first()
    )
    if found is None:
        raise NotFoundError("delivery.not_found", f"No delivery {delivery_id}", field="delivery_id")
    return dict(found)


def get_delivery(uow: UnitOfWork, delivery_id: int) -> Row:
    """A delivery with every attempt at it (status code, error, how long it took)."""
    a = delivery_attempts.c
    with uow.reading():
        row = _delivery(uow, delivery_id)
        row["attempt_log"] = [
            dict(r)
            for r in uow.session.connection()
            .execute(
                sa.select(a.at, a.ok, a.status_code, a.duration_ms, a.error, a.worker)
                .where(a.delivery_id == delivery_id)
                .order_by(a.id)
            )
            .mappings()
        ]
    return row


def replay(uow: UnitOfWork, delivery_id: int) -> Row:
    """Send a delivery again now: a dead letter starts a new round of retries (S-01, S-02)."""
    with uow:
        _delivery(uow, delivery_id)
        rearm(uow.session.connection(), d.id == delivery_id, uow.now())
        uow.commit()
    _wake(uow)
    with uow:
        return _delivery(uow, delivery_id)


def replay_dead(
    uow: UnitOfWork, *, channel: str | None = None, target_id: int | None = None
) -> int:
    """Replay every dead letter (of one destination, when given)."""
    where = [d.agency_id == uow.agency, d.state == "dead"]
    if channel is not None:
        where.append(d.channel == channel)
    if target_id is not None:
        where.append(d.target_id == target_id)
    with uow:
        count = rearm(uow.session.connection(), sa.and_(*where), uow.now())
        uow.commit()
    _wake(uow)
    return count


def sync_issue_now(uow: UnitOfWork, issue_id: int) -> int:
    """PW-10 "Sync now": retry the issue's waiting or failed deliveries to its PMSs at once; if
    none is waiting, send the issue again in full. Answers how many deliveries were re-armed."""
    with uow:
        issue = uow.get(Issue, issue_id)
        count = rearm(
            uow.session.connection(),
            sa.and_(
                d.agency_id == uow.agency,
                d.channel == "connection",
                d.aggregate_kind == "issue",
                d.aggregate_id == issue_id,
            ),
            uow.now(),
        )
        if count == 0:
            sync_requested(uow, issue)
        uow.commit()
    _wake(uow)
    return count


def sync_all(uow: UnitOfWork, system: str) -> int:
    """ "Sync all" for a connector: retry now every delivery to it that waits or failed."""
    with uow:
        connection_id = find_connection_id(uow, system)
        if connection_id is None:
            raise NotFoundError(
                "connection.not_found",
                f"The agency is not connected to {system}",
                field="connector",
            )
        count = rearm(
            uow.session.connection(),
            sa.and_(d.channel == "connection", d.target_id == connection_id),
            uow.now(),
        )
        uow.commit()
    _wake(uow)
    return count


def _wake(uow: UnitOfWork) -> None:
    """Re-armed deliveries are due now: tell the runner, as a commit with events does."""
    uow.notify_events()
