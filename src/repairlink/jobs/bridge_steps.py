"""A bridged delivery's steps (docs/bridge.md): run through the outbound engine with the
client's answers so far, up to the command it waits on or its end; then written, several
deliveries in one transaction.

An issue's facts are loaded once per command: a poll loads them and keeps them in this
process (`FactsMemo`, by delivery), and the acknowledgement of its command runs the delivery
on with those (only the client's answer is new); a poll always loads them afresh, so a
delivery taken up again after a failure or a lost lease sees the issue as it is now.
"""

from __future__ import annotations

import random
import threading
import time
from collections import OrderedDict
from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import datetime
from typing import Any
from weakref import WeakKeyDictionary

import sqlalchemy as sa

from repairlink.bootstrap import App
from repairlink.connectors import REGISTRY
from repairlink.domain.delivery import Learned, Outcome
from repairlink.errors import RepairlinkError
from repairlink.outbound import ledger
from repairlink.outbound.facts import Due, FactsReader, ReadFacts
from repairlink.outbound.issue_out import IssueOut, keep_learned
from repairlink.pms.bridge import AwaitingClient, ClientDriven, Command, NotSent
from repairlink.pms.issue_facts import IssueFacts
from repairlink.services.bridge_tokens import BridgeClient
from repairlink.store.bridge_tables import bridge_commands
from repairlink.store.sealing import opened_json

Row = dict[str, Any]
KEPT_FACTS = 4096  # deliveries whose facts wait for their acknowledgement, at most
_rng = random.Random()


class FactsMemo:
    """The facts a poll loaded for each delivery it handed a command out for."""

    def __init__(self) -> None:
        self._kept: OrderedDict[int, tuple[int, Due, IssueFacts]] = OrderedDict()
        self._lock = threading.Lock()

    def loader(self, read: FactsReader, delivery_id: int, *, fresh: bool) -> ReadFacts:
        def load(system: str, issue_id: int, due: Due) -> IssueFacts:
            with self._lock:
                kept = None if fresh else self._kept.get(delivery_id)
            if kept is not None and kept[:2] == (issue_id, due):
                return kept[2]
            facts = read(system, issue_id, due)
            with self._lock:
                self._kept[delivery_id] = (issue_id, due, facts)
                while len(self._kept) > KEPT_FACTS:
                    self._kept.popitem(last=False)
            return facts

        return load

    def forget(self, delivery_id: int) -> None:
        with self._lock:
            self._kept.pop(delivery_id, None)


_memos: WeakKeyDictionary[sa.Engine, FactsMemo] = WeakKeyDictionary()
_memos_lock = threading.Lock()


def memo(app: App) -> FactsMemo:
    with _memos_lock:
        return _memos.setdefault(app.engine, FactsMemo())


def _answers_statement() -> sa.Select[Any]:
    b = bridge_commands.c
    return sa.select(b.delivery_id, b.key, b.answer).where(
        b.delivery_id.in_(sa.bindparam("ids", expanding=True)), b.answer.is_not(None)
    )


ANSWERS = _answers_statement()


def answers(conn: sa.Connection, delivery_ids: Sequence[int]) -> dict[int, dict[str, Row]]:
    """The client's answers so far, by delivery and command key."""
    if not delivery_ids:
        return {}
    rows = conn.execute(ANSWERS, {"ids": list(delivery_ids)})
    found: dict[int, dict[str, Row]] = {}
    for delivery_id, key, answer in rows:
        found.setdefault(int(delivery_id), {})[key] = dict(answer)
    return found


@dataclass(frozen=True)
class Advanced:
    """Where one delivery got to: the command it waits on, or its outcome."""

    item: ledger.Claimed
    result: Outcome | Command
    learned: list[Learned]
    started: float


def advance(
    app: App, item: ledger.Claimed, answered: dict[str, Row], facts: FactsMemo, *, fresh: bool
) -> Advanced:
    """Run the delivery through the outbound engine with what the client has answered."""
    started = time.perf_counter()
    delivery = item.delivery
    learned: list[Learned] = []
    if not delivery["pms_enabled"]:
        skipped = Outcome.skip("The PMS connection is switched off or gone")
        return Advanced(item, skipped, learned, started)
    kind = REGISTRY[delivery["pms_system"]]
    assert kind.outbound is not None
    writer = kind.outbound(kind.config_model.model_validate(opened_json(delivery["pms_config"])))
    assert isinstance(writer, ClientDriven)
    writer.answers = answered
    reader = FactsReader(app.engine, int(delivery["agency_id"]))
    load = facts.loader(reader, int(delivery["id"]), fresh=fresh)
    sender = IssueOut(kind.profile, writer, load, app.files, learned=learned)
    result: Outcome | Command
    try:
        result = sender.send(item.event, again=item.again)
    except AwaitingClient as waiting:
        result = waiting.command
    except NotSent as not_sent:
        result = Outcome.skip(not_sent.reason)
    except RepairlinkError as exc:  # e.g. the issue was deleted since: nothing to retry
        result = Outcome.failed(exc.message, terminal=True)
    return Advanced(item, result, learned, started)


def write(
    conn: sa.Connection,
    client: BridgeClient,
    advanced: Sequence[Advanced],
    now: datetime,
    facts: FactsMemo,
) -> list[Row | str]:
    """Each delivery's ids learned, and its command (made once per key) or its attempt;
    answers the commands, and the new state of each delivery that ended its attempt."""
    results: list[Row | str] = []
    ended: list[tuple[int, ledger.Attempt]] = []  # (place in results, the attempt)
    for each in advanced:
        delivery = each.item.delivery
        keep_learned(conn, client.agency_id, each.learned, now)
        if isinstance(each.result, Command):
            results.append(_command_row(conn, client, int(delivery["id"]), each.result, now))
            continue
        facts.forget(int(delivery["id"]))
        took = int((time.perf_counter() - each.started) * 1000)
        outcome = replace(each.result, learned=())
        ended.append((len(results), ledger.Attempt(delivery, outcome, took)))
        results.append("")  # its new state, once the batch is recorded
    attempts = [attempt for _, attempt in ended]
    states = ledger.record_many(conn, attempts, worker=client.worker, now=now, rng=_rng)
    for (place, _), state in zip(ended, states, strict=True):
        results[place] = state
    return results


def public(row: Row) -> Row:
    return {
        "id": row["id"],
        "op": row["op"],
        "key": row["key"],
        "body": row["body"],
        "created_at": row["created_at"],
    }


def _command_statements() -> tuple[sa.Select[Any], sa.Insert]:
    b = bridge_commands.c
    mine = sa.and_(b.connection_id == sa.bindparam("connection_id"), b.key == sa.bindparam("key"))
    return sa.select(bridge_commands).where(mine), sa.insert(bridge_commands).returning(b.id)


# Built once: a poll makes many commands, and building them cost more than running them
COMMAND_BY_KEY, NEW_COMMAND = _command_statements()


def _command_row(
    conn: sa.Connection, client: BridgeClient, delivery_id: int, command: Command, now: datetime
) -> Row:
    """The command's row: made once per key (a retry hands out the same command)."""
    mine = {"connection_id": client.connection_id, "key": command.key}
    row = conn.execute(COMMAND_BY_KEY, mine).mappings().first()
    if row is not None:
        return public(dict(row))
    values = {
        **mine,
        "agency_id": client.agency_id,
        "delivery_id": delivery_id,
        "op": command.op,
        "body": command.body,
        "created_at": now,
    }
    made = conn.execute(NEW_COMMAND, values).scalar_one()
    return public({**values, "id": made})
