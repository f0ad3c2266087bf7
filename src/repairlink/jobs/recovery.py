"""The prober both runners run every second or so (outbound/recovery.py says why): for each PMS
connection whose deliveries wait after failing, send its canary when its probe is due; when the
canary lands, make every waiting delivery to that PMS due now and answer so, so the runner
wakes its senders at once instead of leaving them to the back-off schedule."""

from __future__ import annotations

import logging
import random
import time
from datetime import datetime, timedelta

from repairlink.bootstrap import App
from repairlink.domain.delivery import Outcome
from repairlink.jobs.channels import Channels
from repairlink.jobs.dispatch import Clock
from repairlink.outbound import ledger, recovery
from repairlink.outbound.issue_out import keep_learned
from repairlink.store.db import reading

log = logging.getLogger(__name__)


class Prober:
    """Remembers when it last probed each connection (in this process: with several workers
    each probes on its own beat, which only makes recovery noticed sooner)."""

    def __init__(self, app: App, channels: Channels, *, worker: str, floor_s: float = 1.0):
        self.app = app
        self.channels = channels
        self.worker = worker
        self.floor_s = floor_s
        self._last: dict[int, datetime] = {}
        self._rng = random.Random()

    def probe_due(self, clock: Clock = ledger.utcnow) -> int:
        """Probe each waiting connection whose turn it is; answers how many recovered."""
        now = clock()
        with reading(self.app.engine) as conn:
            found = recovery.waiting(conn, now)
        waiting_ids = {w.connection_id for w in found}
        self._last = {k: v for k, v in self._last.items() if k in waiting_ids}
        recovered = 0
        for item in found:
            last = self._last.get(item.connection_id)
            interval = recovery.probe_interval(now - item.since, self.floor_s)
            if last is not None and (now - last).total_seconds() < interval:
                continue
            self._last[item.connection_id] = now
            recovered += self._probe(item.connection_id, clock)
        return recovered

    def _probe(self, connection_id: int, clock: Clock) -> int:
        lease = timedelta(seconds=self.app.settings.delivery_lease_s)
        with self.app.engine.begin() as conn:
            canary = recovery.lease_canary(
                conn, connection_id, worker=self.worker, now=clock(), lease=lease
            )
        if canary is None:
            return 0
        started = time.perf_counter()
        try:
            outcome = self.channels.send(canary.delivery, canary.event, clock(), again=canary.again)
        except Exception as exc:  # as dispatch does: a surprise is a failed probe, not a crash
            log.exception("probe of connection %s failed unexpectedly", connection_id)
            outcome = Outcome.failed(f"Unexpected error: {exc}")
        if not outcome.ok and not outcome.terminal:  # still down: nothing changes
            with self.app.engine.begin() as conn:
                recovery.release(conn, int(canary.delivery["id"]), reached=not outcome.refused)
            return 0
        duration_ms = int((time.perf_counter() - started) * 1000)
        with self.app.engine.begin() as conn:
            now = clock()
            keep_learned(conn, int(canary.delivery["agency_id"]), outcome.learned, now)
            ledger.record(
                conn,
                canary.delivery,
                outcome,
                worker=self.worker,
                now=now,
                duration_ms=duration_ms,
                rng=self._rng,
            )
            count = recovery.recovered(conn, connection_id, now)
        log.info("PMS connection %s answers again: %s waiting go now", connection_id, count)
        self._last.pop(connection_id, None)
        return 1
