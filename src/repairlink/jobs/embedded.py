"""The embedded runner (principle 6): threads inside `repairlink serve` that send outbox
deliveries the moment a commit writes events, retry them when due, and start connector
schedules. On one machine with SQLite it is all the hub needs; `repairlink worker` replaces it
when an operator scales out, and runs its senders too (without schedules: Procrastinate fires
those), woken by the service's notices (`jobs/notices.py`)."""

from __future__ import annotations

import logging
import threading

from repairlink.bootstrap import App
from repairlink.errors import ConflictError
from repairlink.jobs import schedules
from repairlink.jobs.channels import Channels
from repairlink.jobs.dispatch import deliver_all_due
from repairlink.jobs.interpreter import hand_over_sooner
from repairlink.jobs.recovery import Prober
from repairlink.jobs.sync_run import start_sync
from repairlink.outbound.ledger import new_worker_name, utcnow

log = logging.getLogger(__name__)
# Deliveries a sender claims at once: what is due, up to this many. A backlog (a PMS back from
# an outage) then goes in batches of one claim and one transaction of outcomes each, while
# the other senders take the next batches. 50 drained a 6,000-delivery backlog some 5% faster
# than 20 (bench/outage.py's floor); a change at a time is still claimed as it comes.
BATCH = 50


class EmbeddedRunner:
    """`senders` threads deliver side by side: while one waits on a PMS's answer another sends
    the next issue's event (each issue's events still go one at a time, in order)."""

    def __init__(
        self,
        app: App,
        *,
        senders: int = 4,
        poll_s: float = 1.0,
        schedules: bool = True,
        name: str = "embedded",
        batch: int = BATCH,
    ) -> None:
        self.app = app
        self.batch = batch
        self.poll_s = poll_s  # retries fall due without a commit to announce them
        self.name = new_worker_name(name)  # the attempts' `worker`
        self.channels = Channels(app)
        self._stop = threading.Event()
        self._wakes = [threading.Event() for _ in range(senders)]
        self._idle: list[int] = []  # senders waiting for work, the latest to wait last
        self._idle_lock = threading.Lock()
        self._threads = [
            threading.Thread(target=self._loop, args=(n,), name=f"{self.name}-{n}", daemon=True)
            for n in range(senders)
        ]
        self.prober = Prober(app, self.channels, worker=f"{self.name}-probe")
        self._threads.append(
            threading.Thread(target=self._probes, name=f"{self.name}-probe", daemon=True)
        )
        if schedules:
            self._threads.append(
                threading.Thread(target=self._schedules, name=f"{self.name}-cron", daemon=True)
            )

    def start(self) -> EmbeddedRunner:
        hand_over_sooner()  # the senders share the interpreter with the API's requests
        self.app.event_listeners.append(self.wake)
        for thread in self._threads:
            thread.start()
        return self

    def wake(self) -> None:
        """Work is due: one idle sender looks (each of four looking after every commit was
        three empty claims a commit, each taking SQLite's writer lock). With none idle, every
        sender looks again after its batch."""
        with self._idle_lock:
            idle = self._idle.pop() if self._idle else None
        if idle is None:
            self.wake_all()
        else:
            self._wakes[idle].set()

    def wake_all(self) -> None:
        for event in self._wakes:
            event.set()

    def stop(self) -> None:
        self._stop.set()
        self.wake_all()
        for thread in self._threads:
            thread.join(timeout=30)
        if self.wake in self.app.event_listeners:
            self.app.event_listeners.remove(self.wake)
        self.channels.close()

    def _loop(self, n: int) -> None:
        wake = self._wakes[n]
        while not self._stop.is_set():
            wake.clear()
            try:
                sent = deliver_all_due(
                    self.app, self.channels, worker=f"{self.name}-{n}", limit=self.batch
                )
                if sent >= self.batch:  # a backlog: the other senders take their share too
                    self.wake_all()
            except Exception:  # keep the runner alive: the next wake tries again
                log.exception("embedded runner: a round failed")
            with self._idle_lock:
                self._idle.append(n)
            wake.wait(self.poll_s)
            with self._idle_lock:
                if n in self._idle:
                    self._idle.remove(n)

    def _probes(self) -> None:
        """Fast recovery (outbound/recovery.py): a PMS that answers again gets its waiting
        deliveries at once, not after their back-off step."""
        while not self._stop.is_set():
            try:
                if self.prober.probe_due():
                    self.wake_all()
            except Exception:
                log.exception("embedded runner: probing failed")
            self._stop.wait(self.prober.floor_s)

    def _schedules(self) -> None:
        while not self._stop.is_set():
            try:
                schedules.fire_due(self.app, self._start_run, utcnow())
            except Exception:
                log.exception("embedded runner: checking schedules failed")
            self._stop.wait(schedules.POLL.total_seconds())

    def _start_run(self, due: schedules.Due) -> None:
        try:
            start_sync(
                self.app, due.agency_id, due.system, full=due.schedule.full, schedule=due.schedule
            )
        except ConflictError:
            log.info("scheduled %s sync skipped: one is already running", due.system)
