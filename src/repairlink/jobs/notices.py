"""Deliveries announced through PostgreSQL's LISTEN/NOTIFY (the distributed runner).

The service, after a commit that wrote events, sends a notice on one channel; each `repairlink
worker` listens on it and wakes one of its idle senders for each notice, as a commit wakes the
embedded runner's senders in `repairlink serve`. A notice costs one statement that carries no
row; a job per commit cost a job's row, its fetch, its status changes and its own events
(bench/outbound.py: some ten statements a change at 50 changes a second, and the workers' CPU).

A notice is not a promise: one sent while no worker listens (a restart, a broken connection) is
lost. Each sender also looks every `EmbeddedRunner.poll_s` seconds, and a listener that
(re)connects wakes every sender once, so a lost notice delays its deliveries, never loses them.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable

import procrastinate
import psycopg

log = logging.getLogger(__name__)

CHANNEL = "repairlink_deliveries"
_NOTIFY = "SELECT pg_notify(%(channel)s, '')"
RECONNECT_S = 1.0
_LISTEN_S = 1.0  # how often the listener looks at whether it should stop


def notify_senders(jobs: procrastinate.App) -> None:
    """Tell the listening workers that deliveries were committed (on the job queue's own
    connection pool: the service holds it open already)."""
    jobs.connector.get_sync_connector().execute_query(_NOTIFY, channel=CHANNEL)


def listen(
    conninfo: str, wake: Callable[[], None], wake_all: Callable[[], None], stop: threading.Event
) -> None:
    """Until `stop`: wake a sender for each notice; after each (re)connection, every sender."""
    while not stop.is_set():
        try:
            with psycopg.connect(conninfo, autocommit=True) as conn:
                conn.execute(f"LISTEN {CHANNEL}")
                wake_all()  # notices sent while nobody listened are gone: look once
                while not stop.is_set():
                    for _notice in conn.notifies(timeout=_LISTEN_S):
                        wake()
        except Exception:  # a dead listener would leave the senders to their 1 s poll, unsaid
            log.exception("listening for deliveries failed; again in %s s", RECONNECT_S)
            stop.wait(RECONNECT_S)


def listening(
    conninfo: str, wake: Callable[[], None], wake_all: Callable[[], None]
) -> Callable[[], None]:
    """Start `listen` on a thread of its own; answers the function that stops it."""
    stop = threading.Event()
    thread = threading.Thread(
        target=listen, args=(conninfo, wake, wake_all, stop), name="deliveries-listener"
    )
    thread.daemon = True
    thread.start()

    def stopped() -> None:
        stop.set()
        thread.join(timeout=_LISTEN_S + 5)

    return stopped
