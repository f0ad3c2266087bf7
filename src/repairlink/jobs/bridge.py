"""The bridge (docs/bridge.md): a PMS we cannot call is read and written by a client of the
agency's (the browser extension, a script), which pushes pages and polls commands.

- Pushed pages run through the sync engine as pulled pages do (`jobs/bridge_push.py`).
- A poll leases the connection's due deliveries (the ledger, in order per issue) and runs each
  through the outbound engine with the connector's client-driven outbound class: the step it
  cannot answer yet becomes a command for the client (`jobs/bridge_steps.py`).
- An acknowledgement runs the delivery again with the client's answer (and the facts its poll
  loaded), up to its next command or its end, and stores it all in one transaction; a
  failure is recorded as any failed attempt (back-off, dead letter, the sync badge).
"""

from __future__ import annotations

import random
import threading
import time
from datetime import datetime, timedelta
from typing import Any
from weakref import WeakKeyDictionary

import sqlalchemy as sa

from repairlink.bootstrap import App
from repairlink.connectors import REGISTRY
from repairlink.domain.delivery import Outcome
from repairlink.errors import NotFoundError
from repairlink.jobs import bridge_steps as steps
from repairlink.outbound import ledger
from repairlink.services.bridge_tokens import BridgeClient, connection_of
from repairlink.store.bridge_tables import bridge_commands
from repairlink.store.db import reading
from repairlink.store.sync_tables import connections

Row = dict[str, Any]
FULL_RUN = "sync_all"
FULL_RUN_HOURS = 72  # PX-01, PX-08: a full run of a bridge client reads the last 72 hours
_rng = random.Random()


# -- poll ------------------------------------------------------------------------------------
class _Waker:
    """Told after each commit in this process that wrote outbox events (`App.event_listeners`)
    or asked a client for a full run: a poll waiting for commands looks again."""

    def __init__(self) -> None:
        self.changed = threading.Condition()
        self.generation = 0

    def __call__(self) -> None:
        with self.changed:
            self.generation += 1
            self.changed.notify_all()

    def wait(self, seen: int, timeout: float) -> None:
        with self.changed:
            self.changed.wait_for(lambda: self.generation != seen, timeout)


_wakers: WeakKeyDictionary[sa.Engine, _Waker] = WeakKeyDictionary()
_wakers_lock = threading.Lock()


def poll_waker(app: App) -> _Waker:
    with _wakers_lock:
        waker = _wakers.get(app.engine)
        if waker is None:
            waker = _wakers[app.engine] = _Waker()
            app.event_listeners.append(waker)
        return waker


def poll(
    app: App, client: BridgeClient, *, limit: int = 20, lease_s: float = 60, wait_s: float = 0
) -> list[Row]:
    """The commands waiting for the client, leased to it for `lease_s`: a request for a full
    run (PX-08) first, then at most one step per issue, oldest event first. With `wait_s`,
    when none waits, the poll waits that long for one: a change committed in this process
    meanwhile (an issue reported, cancelled...) is handed out as soon as it is made."""
    waker = poll_waker(app)
    deadline = time.monotonic() + wait_s
    while True:
        seen = waker.generation
        out = _poll_once(app, client, limit=limit, lease_s=lease_s)
        left = deadline - time.monotonic()
        if out or left <= 0:
            return out
        waker.wait(seen, left)


def _poll_once(app: App, client: BridgeClient, *, limit: int, lease_s: float) -> list[Row]:
    """The leased deliveries are taken as far as the client's answers go, and what that makes
    of them (the commands, the ids learned, the deliveries that end) is written in one
    transaction."""
    now, lease = ledger.utcnow(), timedelta(seconds=lease_s)
    with app.engine.begin() as conn:
        connection_of(conn, client)  # 404 once the connection is gone
        out = _full_run_requests(conn, client, now, lease)
        batch = ledger.claim(
            conn,
            worker=client.worker,
            now=now,
            lease=lease,
            limit=limit,
            target=client.connection_id,
        )
        answers = steps.answers(conn, [int(item.delivery["id"]) for item in batch])
    if not batch:
        return out
    memo = steps.memo(app)
    advanced = [
        steps.advance(app, item, answers.get(int(item.delivery["id"]), {}), memo, fresh=True)
        for item in batch
    ]
    with app.engine.begin() as conn:
        written = steps.write(conn, client, advanced, ledger.utcnow(), memo)
    return out + [result for result in written if isinstance(result, dict)]


def _full_run_requests(
    conn: sa.Connection, client: BridgeClient, now: datetime, lease: timedelta
) -> list[Row]:
    b = bridge_commands.c
    due = sa.and_(
        b.connection_id == client.connection_id,
        b.op == FULL_RUN,
        b.answered_at.is_(None),
        sa.or_(b.leased_until.is_(None), b.leased_until < now),
    )
    rows = [dict(r) for r in conn.execute(sa.select(bridge_commands).where(due)).mappings()]
    if rows:
        ids = [r["id"] for r in rows]
        conn.execute(
            sa.update(bridge_commands).where(b.id.in_(ids)).values(leased_until=now + lease)
        )
    return [steps.public(r) for r in rows]


def request_full_run(conn: sa.Connection, agency_id: int, connection_id: int, now: datetime) -> int:
    """PX-08 "Sync all data": ask the connection's client for a full run of the last 72 hours
    (one request waits at a time). Answers the command's id."""
    b = bridge_commands.c
    waiting = conn.execute(
        sa.select(b.id).where(
            b.connection_id == connection_id, b.op == FULL_RUN, b.answered_at.is_(None)
        )
    ).scalar()
    if waiting is not None:
        return int(waiting)
    return int(
        conn.execute(
            sa.insert(bridge_commands)
            .values(
                agency_id=agency_id,
                connection_id=connection_id,
                key=f"{FULL_RUN}:{now.isoformat()}",
                op=FULL_RUN,
                body={"hours": FULL_RUN_HOURS},
                created_at=now,
            )
            .returning(b.id)
        ).scalar_one()
    )


def sync_all_requested(app: App, agency_id: int, system: str) -> int | None:
    """PX-08: "Sync all" on a bridged connection also asks its client for a full run;
    answers the request's id (None: the PMS is not bridged)."""
    if not REGISTRY[system].bridged:
        return None
    c = connections.c
    with app.engine.begin() as conn:
        found = conn.execute(
            sa.select(c.id).where(c.agency_id == agency_id, c.system == system)
        ).scalar()
        if found is None:
            return None
        requested = request_full_run(conn, agency_id, int(found), ledger.utcnow())
    poll_waker(app)()  # a client waiting in a poll takes it now
    return requested


# -- acknowledge -------------------------------------------------------------------------------
def _statements() -> tuple[sa.Select[Any], sa.Update]:
    """A command of a connection, and its answer recorded once; built once (a client
    acknowledges many times a second, and building them cost more than running them)."""
    b = bridge_commands.c
    mine = sa.and_(b.id == sa.bindparam("command"), b.connection_id == sa.bindparam("connection"))
    answered = (
        sa.update(bridge_commands)
        .where(mine, b.answered_at.is_(None))
        .values(answered_at=sa.bindparam("at"), answer=sa.bindparam("answered"))
    )
    return sa.select(bridge_commands).where(mine), answered


COMMAND, ANSWERED = _statements()


def acknowledge(app: App, client: BridgeClient, command_id: int, answer: Row) -> Row:
    """Record the client's outcome of a command; answers the delivery's state and the next
    command, if the issue has one (already leased to this client). The answer, the ids it
    brings (PX-07) and the delivery's next step or end are written in one transaction."""
    now = ledger.utcnow()
    mine = {"command": command_id, "connection": client.connection_id}
    with reading(app.engine) as conn:
        row = conn.execute(COMMAND, mine).mappings().first()
        if row is None:
            raise NotFoundError(
                "bridge.command_not_found", f"No command {command_id}", field="command_id"
            )
        if row["answered_at"] is not None:  # acknowledged twice: the first one counts
            return {"state": "acknowledged", "next": None}
        delivery_id = row["delivery_id"]
        item = ledger.load(conn, [delivery_id])[0] if delivery_id is not None else None
        known = steps.answers(conn, [delivery_id]).get(delivery_id, {}) if item else {}
    answered = {**mine, "at": now, "answered": answer}
    if item is None or item.delivery["state"] != "pending" or not answer["ok"]:
        with app.engine.begin() as conn:
            if answer["ok"] or item is None:
                conn.execute(ANSWERED, answered)
            if item is None:  # a request for a full run: done
                return {"state": "acknowledged", "next": None}
            if item.delivery["state"] != "pending":
                return {"state": item.delivery["state"], "next": None}
            failed = Outcome.failed(
                str(answer.get("error") or "The client could not apply it"),
                terminal=not answer.get("retryable", True),
            )
            state = ledger.record(
                conn, item.delivery, failed, worker=client.worker, now=now, duration_ms=0, rng=_rng
            )
            return {"state": state, "next": None}
    memo = steps.memo(app)
    advanced = steps.advance(app, item, {**known, row["key"]: answer}, memo, fresh=False)
    with app.engine.begin() as conn:
        if conn.execute(ANSWERED, answered).rowcount == 0:  # another acknowledgement came first
            return {"state": "acknowledged", "next": None}
        (result,) = steps.write(conn, client, [advanced], now, memo)
    if isinstance(result, dict):
        return {"state": "pending", "next": result}
    return {"state": result, "next": None}
