"""The task that sends what is due (S-01): claim a batch, send each, record each. Both runners
call it: the embedded thread of `repairlink serve` and the Procrastinate workers."""

from __future__ import annotations

import logging
import random
import time
from collections.abc import Callable
from datetime import datetime, timedelta

from repairlink.bootstrap import App
from repairlink.connectors import REGISTRY
from repairlink.domain.delivery import Outcome
from repairlink.jobs.channels import Channels
from repairlink.observe import logs
from repairlink.outbound import ledger
from repairlink.outbound.issue_out import keep_learned

log = logging.getLogger(__name__)
Clock = Callable[[], datetime]
# PMSs whose deliveries wait for their bridge client's poll (docs/bridge.md), not a sender
BRIDGED = tuple(system for system, kind in REGISTRY.items() if kind.bridged)


def deliver_due(
    app: App,
    channels: Channels,
    *,
    worker: str,
    limit: int = 50,
    clock: Clock = ledger.utcnow,
    rng: random.Random | None = None,
) -> int:
    """Send one batch of due deliveries; answers how many were attempted."""
    rng = rng or random.Random()
    lease = timedelta(seconds=app.settings.delivery_lease_s)
    with app.engine.begin() as conn:
        batch = ledger.claim(
            conn, worker=worker, now=clock(), lease=lease, limit=limit, held=BRIDGED
        )
    for item in batch:
        d = item.delivery
        with logs.bound(event_id=d["event_id"], delivery_id=d["id"], agency_id=d["agency_id"]):
            _send_one(app, channels, item, worker=worker, clock=clock, rng=rng)
    return len(batch)


def _send_one(
    app: App,
    channels: Channels,
    item: ledger.Claimed,
    *,
    worker: str,
    clock: Clock,
    rng: random.Random,
) -> None:
    started = time.perf_counter()
    try:
        outcome = channels.send(item.delivery, item.event, clock(), again=item.again)
    except Exception as exc:  # a bug or an outage we did not foresee: retry, and say so
        log.exception("delivery %s failed unexpectedly", item.delivery["id"])
        outcome = Outcome.failed(f"Unexpected error: {exc}")
    duration_ms = int((time.perf_counter() - started) * 1000)
    with app.engine.begin() as conn:
        keep_learned(conn, int(item.delivery["agency_id"]), outcome.learned, clock())
        state = ledger.record(
            conn,
            item.delivery,
            outcome,
            worker=worker,
            now=clock(),
            duration_ms=duration_ms,
            rng=rng,
        )
    if not outcome.ok:  # successes are the metrics' business; failures are worth a line
        log.warning(
            "delivery to %s %s failed (%s): %s",
            item.delivery["channel"],
            item.delivery["target_id"],
            state,
            outcome.error,
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
    soon as the one before it is delivered)."""
    total = 0
    while sent := deliver_due(app, channels, worker=worker, limit=limit, clock=clock):
        total += sent
    return total
