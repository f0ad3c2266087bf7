"""The bridge (docs/bridge.md): a PMS we cannot call is read and written by a client of the
agency's (the browser extension, a script), which pushes pages and polls commands.

- A pushed page runs through the sync engine as a pulled page does (a run over the window the
  client read: same rules, report, quarantine, dry run; pushing it twice changes nothing).
- A poll leases the connection's due deliveries (the ledger, in order per issue) and runs each
  through the outbound engine with the connector's client-driven outbound class: the step it
  cannot answer yet becomes a command for the client.
- An acknowledgement stores the client's answer and runs the delivery again, up to its next
  command or its end; a failure is recorded as any failed attempt (back-off, dead letter, the
  sync badge).
"""

from __future__ import annotations

import random
import time
from dataclasses import replace
from datetime import datetime, timedelta
from typing import Any

import sqlalchemy as sa

from repairlink.bootstrap import App
from repairlink.connectors import REGISTRY
from repairlink.domain.delivery import Learned, Outcome
from repairlink.errors import InvalidError, NotFoundError, RepairlinkError
from repairlink.inbound.engine import SyncEngine
from repairlink.inbound.run_state import RunState
from repairlink.jobs.use_cases import use_cases
from repairlink.outbound import ledger
from repairlink.outbound.facts import FactsReader
from repairlink.outbound.issue_out import IssueOut, keep_learned
from repairlink.pms.bridge import AwaitingClient, ClientDriven, Command, NotSent, Pushable
from repairlink.services.bridge_tokens import BridgeClient
from repairlink.store.bridge_tables import bridge_commands
from repairlink.store.sync_tables import connections

Row = dict[str, Any]
FULL_RUN = "sync_all"
FULL_RUN_HOURS = 72  # PX-01, PX-08: a full run of a bridge client reads the last 72 hours
_rng = random.Random()


def _connection(conn: sa.Connection, client: BridgeClient) -> Row:
    c = connections.c
    row = (
        conn.execute(
            sa.select(connections).where(
                c.id == client.connection_id, c.agency_id == client.agency_id
            )
        )
        .mappings()
        .first()
    )
    if row is None:
        raise NotFoundError("connection.not_found", "No such connection", field="connection_id")
    return dict(row)


# -- push ------------------------------------------------------------------------------------
def push(
    app: App,
    client: BridgeClient,
    stream: str,
    body: bytes,
    window: tuple[datetime | None, datetime],
    *,
    dry_run: bool = False,
) -> RunState:
    """Apply one pushed page (`body`: `{"items": [...]}` as the PMS's items) as a run."""
    with app.engine.connect() as conn:
        connection = _connection(conn, client)
    kind = REGISTRY[connection["system"]]
    build = kind.build
    if not isinstance(build, Pushable):
        raise InvalidError(
            "bridge.not_bridged",
            f"{kind.title} is not read by a bridge client",
            field="connection_id",
        )
    names = [s.name for s in build.streams]
    if stream not in names:
        raise InvalidError(
            "bridge.unknown_stream",
            f"No stream '{stream}'; the streams are {', '.join(names)}",
            field="stream",
        )
    config = kind.config_model.model_validate(connection["config"])
    engine = SyncEngine(
        app.engine,
        build.pushed(config, stream, body),
        agency_id=client.agency_id,
        connection_id=client.connection_id,
        config=config.rules_view() if hasattr(config, "rules_view") else connection["config"],
        commit_every_s=app.settings.sync_commit_every_s,
        use_cases=use_cases(app),
        prepare_apart=False,  # one page: forking a process for it costs more than it saves
    )
    state = engine.begin(dry_run=dry_run, window=window)
    return engine.execute(state, dry_run=dry_run)


# -- poll ------------------------------------------------------------------------------------
def poll(app: App, client: BridgeClient, *, limit: int = 20, lease_s: float = 60) -> list[Row]:
    """The commands waiting for the client, leased to it for `lease_s`: a request for a full
    run (PX-08) first, then at most one step per issue, oldest event first."""
    now, lease = ledger.utcnow(), timedelta(seconds=lease_s)
    with app.engine.begin() as conn:
        _connection(conn, client)
        out = _full_run_requests(conn, client, now, lease)
        batch = ledger.claim(
            conn,
            worker=client.worker,
            now=now,
            lease=lease,
            limit=limit,
            target=client.connection_id,
        )
    for item in batch:
        command = _advance(app, client, item)
        if command is not None:
            out.append(command)
    return out


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
    return [_public(r) for r in rows]


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
        return request_full_run(conn, agency_id, int(found), ledger.utcnow())


def _public(row: Row) -> Row:
    return {
        "id": row["id"],
        "op": row["op"],
        "key": row["key"],
        "body": row["body"],
        "created_at": row["created_at"],
    }


# -- a delivery's steps ------------------------------------------------------------------------
def _answers(conn: sa.Connection, delivery_id: int) -> dict[str, Row]:
    b = bridge_commands.c
    rows = conn.execute(
        sa.select(b.key, b.answer).where(b.delivery_id == delivery_id, b.answer.is_not(None))
    )
    return {key: dict(answer) for key, answer in rows}


def _step(
    app: App, item: ledger.Claimed, answers: dict[str, Row]
) -> tuple[Outcome | Command, list[Learned]]:
    """Run the delivery through the outbound engine with what the client has answered."""
    delivery = item.delivery
    learned: list[Learned] = []
    if not delivery["pms_enabled"]:
        return Outcome.skip("The PMS connection is switched off or gone"), learned
    kind = REGISTRY[delivery["pms_system"]]
    assert kind.outbound is not None
    writer = kind.outbound(kind.config_model.model_validate(delivery["pms_config"]))
    assert isinstance(writer, ClientDriven)
    writer.answers = answers
    reader = FactsReader(app.engine, int(delivery["agency_id"]))
    sender = IssueOut(kind.profile, writer, reader, app.files, learned=learned)
    try:
        return sender.send(item.event, again=item.again), learned
    except AwaitingClient as waiting:
        return waiting.command, learned
    except NotSent as not_sent:
        return Outcome.skip(not_sent.reason), learned
    except RepairlinkError as exc:  # e.g. the issue was deleted since: nothing to retry
        return Outcome.failed(exc.message, terminal=True), learned


def _advance(app: App, client: BridgeClient, item: ledger.Claimed) -> Row | None:
    """Take the delivery as far as the client's answers go: its next command (None: done)."""
    started = time.perf_counter()
    with app.engine.connect() as conn:
        answers = _answers(conn, int(item.delivery["id"]))
    result, learned = _step(app, item, answers)
    now = ledger.utcnow()
    with app.engine.begin() as conn:
        keep_learned(conn, client.agency_id, learned, now)
        if isinstance(result, Command):
            return _command_row(conn, client, int(item.delivery["id"]), result, now)
        ledger.record(
            conn,
            item.delivery,
            replace(result, learned=()),
            worker=client.worker,
            now=now,
            duration_ms=int((time.perf_counter() - started) * 1000),
            rng=_rng,
        )
    return None


def _command_row(
    conn: sa.Connection, client: BridgeClient, delivery_id: int, command: Command, now: datetime
) -> Row:
    """The command's row: made once per key (a retry hands out the same command)."""
    b = bridge_commands.c
    mine = sa.and_(b.connection_id == client.connection_id, b.key == command.key)
    row = conn.execute(sa.select(bridge_commands).where(mine)).mappings().first()
    if row is None:
        conn.execute(
            sa.insert(bridge_commands).values(
                agency_id=client.agency_id,
                connection_id=client.connection_id,
                delivery_id=delivery_id,
                key=command.key,
                op=command.op,
                body=command.body,
                created_at=now,
            )
        )
        row = conn.execute(sa.select(bridge_commands).where(mine)).mappings().one()
    return _public(dict(row))


# -- acknowledge -------------------------------------------------------------------------------
def acknowledge(app: App, client: BridgeClient, command_id: int, answer: Row) -> Row:
    """Record the client's outcome of a command; answers the delivery's state and the next
    command, if the issue has one (already leased to this client)."""
    now = ledger.utcnow()
    b = bridge_commands.c
    with app.engine.begin() as conn:
        row = (
            conn.execute(
                sa.select(bridge_commands).where(
                    b.id == command_id, b.connection_id == client.connection_id
                )
            )
            .mappings()
            .first()
        )
        if row is None:
            raise NotFoundError(
                "bridge.command_not_found", f"No command {command_id}", field="command_id"
            )
        if row["answered_at"] is not None:  # acknowledged twice: the first one counts
            return {"state": "acknowledged", "next": None}
        if answer["ok"] or row["delivery_id"] is None:
            conn.execute(
                sa.update(bridge_commands)
                .where(b.id == command_id)
                .values(answered_at=now, answer=answer)
            )
        if row["delivery_id"] is None:  # a request for a full run: done
            return {"state": "acknowledged", "next": None}
        (item,) = ledger.load(conn, [row["delivery_id"]])
        if item.delivery["state"] != "pending":
            return {"state": item.delivery["state"], "next": None}
        if not answer["ok"]:
            failed = Outcome.failed(
                str(answer.get("error") or "The client could not apply it"),
                terminal=not answer.get("retryable", True),
            )
            state = ledger.record(
                conn, item.delivery, failed, worker=client.worker, now=now, duration_ms=0, rng=_rng
            )
            return {"state": state, "next": None}
    following = _advance(app, client, item)
    with app.engine.connect() as conn:
        (after,) = ledger.load(conn, [row["delivery_id"]])
    return {"state": after.delivery["state"], "next": following}
