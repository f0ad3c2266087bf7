"""The distributed runner (principle 6): `repairlink worker` on PostgreSQL, on as many
processes or machines as needed; the same functions as the embedded runner do the work.

- deliveries: each worker runs the embedded runner's senders (no schedules), woken by a notice
  the service sends after every commit that writes events (`jobs/notices.py`), looking again
  every second for retries that fall due, probing PMSs that failed; senders claim deliveries
  with row locks, so any number of workers share the work in order. Not Procrastinate jobs:
  a job a commit cost some ten statements and most of the workers' CPU at low rates;
- jobs (Procrastinate): syncs, reconciliations, schedules, stalled jobs; and `deliver`, which
  sends what is due once (queued by hand, or by a service of an earlier release);
- schedules: a periodic task fires due connector schedules, each once (a unique row), and defers
  the run with a lock per agency and PMS, so one sync of each runs at a time;
- a worker that dies: its leased deliveries go to another worker when the lease runs out, and
  its Procrastinate jobs are retried by a periodic task that finds stalled ones.
"""

from __future__ import annotations

import contextlib
import logging
import threading
from collections.abc import Callable

import procrastinate
import sqlalchemy as sa

from repairlink.bootstrap import App
from repairlink.connectors import REGISTRY
from repairlink.errors import InvalidError
from repairlink.inbound.run_state import EVERY_KIND, named
from repairlink.jobs import schedules
from repairlink.jobs.channels import Channels
from repairlink.jobs.dispatch import deliver_all_due
from repairlink.jobs.embedded import EmbeddedRunner
from repairlink.jobs.notices import listening, notify_senders
from repairlink.jobs.reconcile_run import run_reconciliation
from repairlink.jobs.sync_run import run_sync
from repairlink.outbound.ledger import new_worker_name, utcnow
from repairlink.settings import Settings

log = logging.getLogger(__name__)

DELIVER = "repairlink.deliver"
DELIVER_QUEUEING_LOCK = "deliver"  # one `deliver` waits at a time
RUN_SYNC = "repairlink.run_sync"
RECONCILE = "repairlink.reconcile"
STALLED_AFTER_S = 30.0
# Deliveries before syncs: a worker's every slot can be held by syncs (each scheduled run of a
# PMS that is down spends its retries), and a `deliver` queued behind them waited for them all.
# Procrastinate takes the highest priority first, then the oldest.
DELIVERIES_FIRST = 10
# How often an idle worker looks for jobs besides being told (LISTEN/NOTIFY). Procrastinate
# clears its "new job" flag after each fetch, so a notice that lands during a fetch is lost
# and the job waits for this poll: a sync or a reconciliation starts up to this late.
# Deliveries do not wait for it (their senders have notices of their own).
POLL_S = 1.0
# Deliveries a worker's sender (or a `deliver` job) leases at a time: few, so that the other
# senders and workers take the next issues' events while it waits on a PMS (a sender sends its
# batch one at a time); not one, so a backlog goes in batches.
BATCH = 10
# Sender threads a worker runs: its threads share one interpreter lock, so two (one sending
# while the other waits on a PMS or the database); to go faster, run more worker processes.
SENDERS = 2


def conninfo(database_url: str) -> str:
    """libpq's form of our SQLAlchemy URL (Procrastinate talks to psycopg directly)."""
    url = sa.make_url(database_url)
    if url.get_backend_name() != "postgresql":
        raise InvalidError(
            "worker.needs_postgresql",
            "`repairlink worker` needs PostgreSQL; with SQLite, `repairlink serve` sends "
            "deliveries and runs schedules itself",
            field="REPAIRLINK_DATABASE_URL",
        )
    return url.set(drivername="postgresql").render_as_string(hide_password=False)


def jobs_app(app: App) -> procrastinate.App:
    """A Procrastinate app with our tasks, for workers (which run them) and the service (which
    defers them)."""
    jobs = procrastinate.App(
        connector=procrastinate.PsycopgConnector(conninfo=conninfo(app.settings.database_url))
    )
    name = new_worker_name("worker")
    channels: list[Channels] = []  # made lazily: the service process only defers

    def my_channels() -> Channels:
        if not channels:
            channels.append(Channels(app))
        return channels[0]

    @jobs.task(name=DELIVER, queue="deliveries", priority=DELIVERIES_FIRST)
    def deliver() -> int:
        return deliver_all_due(app, my_channels(), worker=name, limit=BATCH)

    @jobs.task(name=RUN_SYNC, queue="syncs")
    def sync(agency_id: int, system: str, full: bool, schedule: str = EVERY_KIND) -> int:
        planned = named(REGISTRY[system].profile, schedule)
        return run_sync(app, agency_id, system, full=full, schedule=planned).run_id

    def start(due: schedules.Due) -> None:
        # one sync of a PMS at a time; each schedule queued once (the hourly run must not
        # swallow the weekly one that falls due with it)
        lock = f"sync:{due.agency_id}:{due.system}"
        queued = f"{lock}:{due.schedule.name}"
        try:
            jobs.configure_task(RUN_SYNC, lock=lock, queueing_lock=queued).defer(
                agency_id=due.agency_id,
                system=due.system,
                full=due.schedule.full,
                schedule=due.schedule.name,
            )
        except procrastinate.exceptions.AlreadyEnqueued:
            log.info("scheduled %s sync already queued for agency %s", due.system, due.agency_id)

    @jobs.task(name=RECONCILE, queue="syncs")
    def reconcile(agency_id: int, system: str, kind: str) -> int | None:
        return run_reconciliation(app, agency_id, system, kind=kind).run_id

    def start_reconciliation(due: schedules.DueReconciliation) -> None:
        where = f"{due.agency_id}:{due.system}"
        task = jobs.configure_task(  # the sync's lock: never beside a sync of the same PMS
            RECONCILE, lock=f"sync:{where}", queueing_lock=f"reconcile:{where}"
        )
        try:
            task.defer(agency_id=due.agency_id, system=due.system, kind=due.reconciliation.kind)
        except procrastinate.exceptions.AlreadyEnqueued:
            log.info("%s reconciliation already queued for agency %s", due.system, due.agency_id)

    @jobs.periodic(cron="* * * * *", periodic_id="schedules")
    @jobs.task(name="repairlink.schedules", queueing_lock="schedules")
    def fire_schedules(timestamp: int) -> int:
        return schedules.fire_due(app, start, utcnow(), reconcile=start_reconciliation)

    @jobs.periodic(cron="* * * * *", periodic_id="stalled")
    @jobs.task(name="repairlink.retry_stalled", queueing_lock="stalled", pass_context=True)
    async def retry_stalled(context: procrastinate.JobContext, timestamp: int) -> int:
        """Jobs of a worker that stopped sending heartbeats go back to the queue."""
        stalled = await context.app.job_manager.get_stalled_jobs(
            seconds_since_heartbeat=STALLED_AFTER_S
        )
        count = 0
        for job in stalled:
            await context.app.job_manager.retry_job(job)
            count += 1
        return count

    return jobs


def queue_deliver(jobs: procrastinate.App) -> None:
    """Queue a `deliver` job, ahead of any sync; none when one waits already (it will see
    these deliveries too)."""
    deliver = jobs.configure_task(
        DELIVER, queueing_lock=DELIVER_QUEUEING_LOCK, priority=DELIVERIES_FIRST
    )
    with contextlib.suppress(procrastinate.exceptions.AlreadyEnqueued):
        deliver.defer()


def waker(jobs: procrastinate.App) -> Callable[[], None]:
    """An App event listener for the service: after a commit with events, tell the workers'
    senders (`jobs/notices.py`). Opens the job queue's (synchronous) connection pool for the
    life of the process.

    The notice is sent by a thread of its own, not by the thread that committed: a change does
    not wait on its round trip, and commits that come while one is being sent share the next."""
    jobs.open()
    told = threading.Event()

    def tell_when_told() -> None:
        while True:
            told.wait()
            told.clear()  # before telling: a commit from now on is told by the next notice
            try:
                notify_senders(jobs)
            except Exception:  # each sender looks every second anyway; keep telling
                log.exception("telling the workers of new deliveries failed")

    threading.Thread(target=tell_when_told, name="deliveries-waker", daemon=True).start()
    return told.set


def ensure_schema(settings: Settings) -> bool:
    """Create Procrastinate's tables when they are missing; answers whether it did."""
    conninfo(settings.database_url)  # refuses anything but PostgreSQL, in words
    engine = sa.create_engine(settings.database_url)
    try:
        with engine.connect() as conn:
            if sa.inspect(conn).has_table("procrastinate_jobs"):
                return False
            # psycopg itself: the schema's '%' signs are not placeholders
            driver = conn.connection.driver_connection
            assert driver is not None
            driver.execute(procrastinate.schema.SchemaManager.get_schema())
            conn.commit()
        return True
    finally:
        engine.dispose()


# Jobs (syncs, reconciliations) one worker runs at once, beside its senders. Its threads share
# one interpreter lock; to go faster, run more worker processes.
CONCURRENCY = 2


def run_worker(app: App, *, concurrency: int = CONCURRENCY, senders: int = SENDERS) -> None:
    """Run until stopped (SIGINT or SIGTERM): `senders` threads send deliveries as the
    service's notices come, beside `concurrency` jobs (syncs, reconciliations), so a long sync
    never holds a delivery up."""
    jobs = jobs_app(app)
    runner = EmbeddedRunner(
        app, senders=senders, schedules=False, name="worker", batch=BATCH
    ).start()
    stop_listening = listening(conninfo(app.settings.database_url), runner.wake, runner.wake_all)
    try:
        jobs.run_worker(
            concurrency=concurrency, install_signal_handlers=True, fetch_job_polling_interval=POLL_S
        )
    finally:
        stop_listening()
        runner.stop()
