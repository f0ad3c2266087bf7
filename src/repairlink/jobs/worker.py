"""The distributed runner (principle 6): Procrastinate on PostgreSQL. `repairlink worker` runs
on as many processes or machines as needed; the same task functions as the embedded runner do
the work.

- deliveries: every commit that writes events defers one `deliver` job (at most one waits at a
  time: a queueing lock), and a periodic sweep every few seconds sends retries that fall due;
  workers claim deliveries with row locks, so any number can share the work in order;
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
from repairlink.jobs.interpreter import hand_over_sooner
from repairlink.jobs.reconcile_run import run_reconciliation
from repairlink.jobs.recovery import Prober
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
# clears its "new job" flag after each fetch, so a notice that lands during a fetch is lost;
# with `deliver`'s queueing lock no second notice follows, and the job would wait for this poll.
POLL_S = 0.1
# Deliveries one job leases at a time: few, so that while one job waits on a PMS the jobs
# of other slots and workers take the next issues' events instead of queueing behind it; not
# one, so a backlog goes with one claim and one transaction of outcomes per batch.
BATCH = 10


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
    probers: list[Prober] = []

    def my_channels() -> Channels:
        if not channels:
            channels.append(Channels(app))
        return channels[0]

    def my_prober() -> Prober:
        if not probers:
            probers.append(Prober(app, my_channels(), worker=f"{name}-probe"))
        return probers[0]

    @jobs.task(name=DELIVER, queue="deliveries", priority=DELIVERIES_FIRST)
    def deliver() -> int:
        return deliver_all_due(app, my_channels(), worker=name, limit=BATCH)

    @jobs.periodic(cron="* * * * * */3", periodic_id="sweep")
    @jobs.task(
        name="repairlink.sweep",
        queue="deliveries",
        queueing_lock="sweep",
        priority=DELIVERIES_FIRST,
    )
    def sweep(timestamp: int) -> int:
        """Retries that fell due since: no commit announces them; and PMSs that failed are
        probed, so those that answer again get their waiting deliveries now (the other
        workers are told by a `deliver` job)."""
        if my_prober().probe_due():
            queue_deliver(jobs)
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


# Whether a `deliver` waits (the queueing lock's own partial index answers it)
_DELIVER_WAITING = (
    "SELECT count(*) AS waiting FROM procrastinate_jobs"
    " WHERE queueing_lock = %(lock)s AND status = 'todo'"
)


def queue_deliver_unless_waiting(jobs: procrastinate.App) -> bool:
    """Queue a `deliver` job unless one waits already; answers whether it queued one. A
    waiting one claims what was committed before a worker takes it, so a commit that finds
    one needs no other; deferring one anyway is refused by the queueing lock, a refused insert
    that PostgreSQL logs as an ERROR each time (procrastinate#1432): some 40 a second at 300
    changes a second. Two at once may both find none: the lock refuses the second, as before."""
    row = jobs.connector.get_sync_connector().execute_query_one(
        _DELIVER_WAITING, lock=DELIVER_QUEUEING_LOCK
    )
    if row["waiting"]:
        return False
    queue_deliver(jobs)
    return True


def waker(jobs: procrastinate.App) -> Callable[[], None]:
    """An App event listener for the service: after a commit with events, queue a `deliver`.
    Opens the job queue's (synchronous) connection pool for the life of the process.

    The job is queued by a thread of its own, not by the thread that committed: a change no
    longer waits on the queue's round trip (nor on the refusal when a `deliver` is waiting
    already: one queued at a time), and commits that come while one is being queued share the
    next (it sees all of their deliveries), and none is queued while one waits."""
    jobs.open()
    told = threading.Event()

    def queue_when_told() -> None:
        while True:
            told.wait()
            told.clear()  # before queueing: a commit from now on is seen by the job queued next
            try:
                queue_deliver_unless_waiting(jobs)
            except Exception:  # the 3 s sweep sends them; keep queueing for the next commits
                log.exception("queueing a deliver job failed")

    threading.Thread(target=queue_when_told, name="deliver-waker", daemon=True).start()
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


# Jobs one worker runs at once. Its threads share one interpreter lock, so past the cores'
# count more threads make each send slower (measured, bench/outbound.py: 2 beats 4 at 100
# changes a second on 2 cores); to go faster, run more worker processes.
CONCURRENCY = 2


def run_worker(app: App, *, concurrency: int = CONCURRENCY) -> None:
    """Run until stopped (SIGINT or SIGTERM); deliveries go on while a long sync runs."""
    jobs = jobs_app(app)
    hand_over_sooner()
    jobs.run_worker(
        concurrency=concurrency, install_signal_handlers=True, fetch_job_polling_interval=POLL_S
    )
