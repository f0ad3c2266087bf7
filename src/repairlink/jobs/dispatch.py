"""The task that sends what is due (S-01): claim a batch, send each, record each. Both runners
call it: the embedded thread of `repairlink serve` and the Procrastinate workers."""

from __future__ import annotations

import logging
import random
import time
from collections.abc import Callable
from datetime import datetime, timedelta

import sqlalchemy as sa

from repairlink.bootstrap import App
from repairlink.connectors import REGISTRY
from repairlink.domain.delivery import Outcome
from repairlink.jobs.channels import Ahead, Channels
from repairlink.observe import logs
from repairlink.outbound import ledger
from repairlink.outbound.issue_out import keep_learned_many

log = logging.getLogger(__name__)
Clock = Callable[[], datetime]
# PMSs whose deliveries wait for their bridge client's poll (docs/bridge.md), not a sender
BRIDGED = tuple(system for system, kind in REGISTRY.items() if kind.bridged)


# Jitter's source: made once (seeding a generator per batch cost more than the batch's claim)
_RNG = random.Random()


def _claim(
    app: App, conn: sa.Connection, *, worker: str, now: datetime, limit: int
) -> list[ledger.Claimed]:
    lease = timedelta(seconds=app.settings.delivery_lease_s)
    return ledger.claim(conn, worker=worker, now=now, lease=lease, limit=limit, held=BRIDGED)


def _send_and_record(
    app: App,
    channels: Channels,
    batch: list[ledger.Claimed],
    *,
    worker: str,
    clock: Clock,
    limit: int,
) -> list[ledger.Claimed]:
    """Send a claimed batch, then record its outcomes and claim the next batch in one
    transaction: one writer's turn a batch, not two (on SQLite every transaction that writes
    queues on the one writer's lock, with the changes being made). A worker that dies
    mid-batch leaves its lease to run out: the batch goes again (at least once), and a create
    looks for what it made first."""
    attempts = []
    try:
        ahead = channels.read_ahead(batch)
    except Exception:  # each send then reads its own facts, and fails on its own if it must
        log.exception("reading a batch's facts ahead failed")
        ahead = {}
    for item in batch:
        d = item.delivery
        with logs.bound(event_id=d["event_id"], delivery_id=d["id"], agency_id=d["agency_id"]):
            attempts.append(_send_one(channels, item, clock=clock, ahead=ahead))
    now = clock()
    with app.engine.begin() as conn:
        states = _record(conn, attempts, worker=worker, now=now, rng=_RNG)
        following = _claim(app, conn, worker=worker, now=now, limit=limit)
    for attempt, state in zip(attempts, states, strict=True):
        if not attempt.outcome.ok:  # successes are the metrics' business; failures are worth a line
            _say_failed(attempt, state)
    return following


def _send_one(
    channels: Channels, item: ledger.Claimed, *, clock: Clock, ahead: Ahead
) -> ledger.Attempt:
    started = time.perf_counter()
    try:
        outcome = channels.send(item.delivery, item.event, clock(), again=item.again, ahead=ahead)
    except Exception as exc:  # a bug or an outage we did not foresee: retry, and say so
        log.exception("delivery %s failed unexpectedly", item.delivery["id"])
        outcome = Outcome.failed(f"Unexpected error: {exc}")
    duration_ms = int((time.perf_counter() - started) * 1000)
    return ledger.Attempt(item.delivery, outcome, duration_ms)


def _record(
    conn: sa.Connection,
    attempts: list[ledger.Attempt],
    *,
    worker: str,
    now: datetime,
    rng: random.Random,
) -> list[str]:
    """The batch's outcomes, with the ids they learned, in the caller's transaction."""
    learned = [
        (int(attempt.delivery["agency_id"]), item)
        for attempt in attempts
        for item in attempt.outcome.learned
    ]
    keep_learned_many(conn, learned, now)
    return ledger.record_many(conn, attempts, worker=worker, now=now, rng=rng)


def _say_failed(attempt: ledger.Attempt, state: str) -> None:
    d = attempt.delivery
    with logs.bound(event_id=d["event_id"], delivery_id=d["id"], agency_id=d["agency_id"]):
        log.warning(
            "delivery to %s %s failed (%s): %s",
            d["channel"],
            d["target_id"],
            state,
            attempt.outcome.error,
        )


def deliver_all_due(
    app: App,
    channels: Channels,
    *,
    worker: str,
    limit: int = 50,
    clock: Clock = ledger.utcnow,
) -> int:
    """Send batches until nothing is due (a delivery that heads its queue next becomes due as
    soon as the one before it is delivered). Each batch's outcomes and the next claim share
    one transaction."""
    with app.engine.begin() as conn:
        batch = _claim(app, conn, worker=worker, now=clock(), limit=limit)
    total = 0
    while batch:
        total += len(batch)
        batch = _send_and_record(app, channels, batch, worker=worker, clock=clock, limit=limit)
    return total
